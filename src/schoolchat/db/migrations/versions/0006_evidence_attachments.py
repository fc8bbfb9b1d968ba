"""report evidence keeps the reported messages' files

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 08:20:00

``evidence_attachments`` links a report to the files of the messages frozen in its evidence, so deleting a
reported message (by its author or a moderator) no longer deletes the files its reviewers need.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'evidence_attachments',
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('attachment_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['attachment_id'],
            ['attachments.id'],
            name=op.f('fk_evidence_attachments_attachment_id_attachments'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['report_id'],
            ['reports.id'],
            name=op.f('fk_evidence_attachments_report_id_reports'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('report_id', 'attachment_id', name=op.f('pk_evidence_attachments')),
    )
    with op.batch_alter_table('evidence_attachments', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_attachments_attachment', ['attachment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('evidence_attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_evidence_attachments_attachment')
    op.drop_table('evidence_attachments')
