"""sentences no longer stored: mass message and "Sent to X people" names, roster import reports

Revision ID: catalog2
Revises: retention
Create Date: 2026-12-02 07:40:00

A mass message's name ("Mass message from …") and a "Sent to X people" conversation's name were stored in the
sender's language; both are now written when read, in the reader's language, from the sender and the recipients.
A roster job's errors are now codes and parameters, and its failure a code (``administration.roster.texts``): an error
stored as an English sentence becomes the code ``recorded`` that shows it as it was; a failure, ``interrupted``
(the service stopped) or ``stopped`` (any other).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

_jobs = sa.table(
    'roster_jobs',
    sa.column('id', sa.Integer()),
    sa.column('errors', sa.JSON(none_as_null=True)),
    sa.column('failure', sa.Text()),
)
_INTERRUPTED = 'The import stopped when the service did.%'

revision = 'catalog2'
down_revision = 'retention'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE conversations SET name = NULL WHERE kind IN ('mass', 'individual')")
    connection = op.get_bind()
    for job_id, errors in connection.execute(
        sa.select(_jobs.c.id, _jobs.c.errors).where(_jobs.c.errors.is_not(None))
    ):
        recorded = [
            {key: error[key] for key in ('file', 'line', 'column')}
            | {'code': 'recorded', 'params': {'message': error['message']}}
            if 'message' in error
            else error
            for error in errors
        ]
        connection.execute(sa.update(_jobs).where(_jobs.c.id == job_id).values(errors=recorded))
    connection.execute(
        sa.update(_jobs).where(_jobs.c.failure.like(_INTERRUPTED)).values(failure='interrupted')
    )
    connection.execute(
        sa.update(_jobs)
        .where(_jobs.c.failure.is_not(None), _jobs.c.failure.not_in(['interrupted']))
        .values(failure='stopped')
    )


def downgrade() -> None:
    """The names are written at read time from what the rows still hold; nothing to restore."""
