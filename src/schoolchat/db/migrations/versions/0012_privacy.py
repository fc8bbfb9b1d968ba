"""erasure of a person (GDPR Art. 17) and the legal hold on reports' evidence

Revision ID: privacy
Revises: audit_orgs_append_only
Create Date: 2026-12-01 22:15:00

``users.erased_at`` marks a tombstone (name "Former user", sign-in details cleared). ``person_erasures`` is the
job that erases an erased person's messages in batches, with its progress. ``legal_holds`` names the reports whose
frozen evidence keeps an erased person's content until the report is closed and its hold period has passed.
``data_exports`` is the access/portability export job (GDPR Art. 15/20), with its progress and download expiry.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'privacy'
down_revision = 'audit_orgs_append_only'
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('erased_at', _UTC, nullable=True))
    op.create_table(
        'person_erasures',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False, unique=True),
        sa.Column('requested_by', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('requested_at', _UTC, nullable=False),
        sa.Column('messages_total', sa.Integer(), nullable=False),
        sa.Column('messages_erased', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('finished_at', _UTC, nullable=True),
    )
    op.create_index('ix_person_erasures_running', 'person_erasures', ['finished_at', 'id'])
    op.create_table(
        'legal_holds',
        sa.Column('erasure_id', sa.Integer(), sa.ForeignKey('person_erasures.id'), primary_key=True),
        sa.Column(
            'report_id', sa.Integer(), sa.ForeignKey('reports.id', ondelete='CASCADE'), primary_key=True
        ),
        sa.Column('released_at', _UTC, nullable=True),
    )
    op.create_index('ix_legal_holds_report', 'legal_holds', ['report_id'])
    op.create_table(
        'data_exports',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('requested_by', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('requested_at', _UTC, nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False, server_default='queued'),
        sa.Column('progress', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('finished_at', _UTC, nullable=True),
        sa.Column('expires_at', _UTC, nullable=True),
        sa.Column('storage_key', sa.String(length=64), nullable=True),
        sa.Column('size', sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status in ('queued', 'running', 'ready', 'expired', 'failed')",
            name=op.f('ck_data_exports_status'),
        ),
    )
    op.create_index('ix_data_exports_user_id', 'data_exports', ['user_id'])
    op.create_index('ix_data_exports_status', 'data_exports', ['status', 'id'])


def downgrade() -> None:
    op.drop_index('ix_data_exports_status', table_name='data_exports')
    op.drop_index('ix_data_exports_user_id', table_name='data_exports')
    op.drop_table('data_exports')
    op.drop_index('ix_legal_holds_report', table_name='legal_holds')
    op.drop_table('legal_holds')
    op.drop_index('ix_person_erasures_running', table_name='person_erasures')
    op.drop_table('person_erasures')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('erased_at')
