"""safeguarding: the lead of each school, report categories and escalation, edit history, alerts

Revision ID: safeguarding
Revises: sso
Create Date: 2026-12-02 01:20:00

``safeguarding_leads`` names each school's designated safeguarding lead(s); ``reports`` gains the reporter's
category (old rows: ``other``) and the ``escalated`` status with who, when and a note; ``message_versions`` keeps
every earlier text of an edited message; a ``notification_items`` row may name a report instead of a message (a
self-harm concern's alert to the lead).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'safeguarding'
down_revision = 'sso'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'safeguarding_leads',
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('granted_by', sa.Integer(), nullable=True),
        sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['org_id'], ['orgs.id'], name=op.f('fk_safeguarding_leads_org_id_orgs'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_safeguarding_leads_user_id_users'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['granted_by'], ['users.id'], name=op.f('fk_safeguarding_leads_granted_by_users')
        ),
        sa.PrimaryKeyConstraint('org_id', 'user_id', name=op.f('pk_safeguarding_leads')),
    )
    with op.batch_alter_table('safeguarding_leads', schema=None) as batch_op:
        batch_op.create_index('ix_safeguarding_leads_user', ['user_id'], unique=False)
    op.create_table(
        'message_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['message_id'],
            ['messages.id'],
            name=op.f('fk_message_versions_message_id_messages'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_versions')),
    )
    with op.batch_alter_table('message_versions', schema=None) as batch_op:
        batch_op.create_index('ix_message_versions_message', ['message_id', 'id'], unique=False)
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('category', sa.String(length=24), server_default='other', nullable=False)
        )
        batch_op.add_column(sa.Column('escalated_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('escalation_note', sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_reports_escalated_by_users'), 'users', ['escalated_by'], ['id']
        )
        batch_op.drop_constraint(op.f('ck_reports_status'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_reports_status'), "status in ('open', 'escalated', 'reviewed', 'dismissed')"
        )
        batch_op.create_check_constraint(
            op.f('ck_reports_category'),
            "category in ('bullying', 'inappropriate_content', 'self_harm', 'other')",
        )
    with op.batch_alter_table('notification_items', schema=None) as batch_op:
        batch_op.alter_column('message_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('report_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_notification_items_report_id_reports'),
            'reports',
            ['report_id'],
            ['id'],
            ondelete='CASCADE',
        )


def downgrade() -> None:
    with op.batch_alter_table('notification_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notification_items_report_id_reports'), type_='foreignkey')
        batch_op.drop_column('report_id')
        batch_op.alter_column('message_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reports_category'), type_='check')
        batch_op.drop_constraint(op.f('ck_reports_status'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_reports_status'), "status in ('open', 'reviewed', 'dismissed')"
        )
        batch_op.drop_constraint(batch_op.f('fk_reports_escalated_by_users'), type_='foreignkey')
        batch_op.drop_column('escalation_note')
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('escalated_by')
        batch_op.drop_column('category')
    with op.batch_alter_table('message_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_message_versions_message')
    op.drop_table('message_versions')
    with op.batch_alter_table('safeguarding_leads', schema=None) as batch_op:
        batch_op.drop_index('ix_safeguarding_leads_user')
    op.drop_table('safeguarding_leads')
