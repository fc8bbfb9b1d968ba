"""sentences no longer stored: mass message and "Sent to X people" names

Revision ID: catalog2
Revises: retention
Create Date: 2026-12-02 07:40:00

A mass message's name ("Mass message from …") and a "Sent to X people" conversation's name were stored in the
sender's language; both are now written when read, in the reader's language, from the sender and the recipients.
"""

from __future__ import annotations

from alembic import op

revision = 'catalog2'
down_revision = 'retention'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE conversations SET name = NULL WHERE kind IN ('mass', 'individual')")


def downgrade() -> None:
    """The names are written at read time from what the rows still hold; nothing to restore."""
