"""Migration ``0017_catalog2``: sentences stored before it (in the writer's language) give way to codes that are
written when read, so a row from before reads in its reader's language like a new one."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, text

from schoolchat.db.migrate import sync_url, upgrade
from tests.db.fresh import migrated_database

OLD_ERROR = {"file": "users.csv", "line": 3, "column": "role", "message": "'pupil' is not a OneRoster role"}


def test_stored_names_and_roster_sentences_become_codes(tmp_path: Path) -> None:
    with migrated_database(tmp_path, "catalog2", "retention") as url:
        engine = create_engine(sync_url(url))
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO orgs (id, name, kind) VALUES (1, 'School', 'school')"))
                conn.execute(
                    text(
                        "INSERT INTO conversations (kind, name, created_at, last_activity_at) VALUES "
                        "('mass', 'Mass message from Ada', :now, :now), "
                        "('individual', 'Sent to 3 people', :now, :now), "
                        "('group', 'Chess club', :now, :now)"
                    ),
                    {"now": "2026-12-01 10:00:00"},
                )
                conn.execute(
                    text(
                        "INSERT INTO roster_jobs (org_id, filename, status, errors, failure, created_at, "
                        "heartbeat_at) VALUES (1, 'a.zip', 'failed', :errors, NULL, :now, :now), "
                        "(1, 'b.zip', 'failed', NULL, :interrupted, :now, :now), "
                        "(1, 'c.zip', 'failed', NULL, 'The import stopped: KeyError: x', :now, :now)"
                    ),
                    {
                        "errors": json.dumps([OLD_ERROR]),
                        "interrupted": "The import stopped when the service did. Upload the roster again.",
                        "now": "2026-12-01 10:00:00",
                    },
                )
            upgrade(url)
            with engine.connect() as conn:
                names = conn.execute(text("SELECT kind, name FROM conversations ORDER BY id")).all()
                jobs = conn.execute(text("SELECT errors, failure FROM roster_jobs ORDER BY id")).all()
        finally:
            engine.dispose()
    assert [tuple(row) for row in names] == [("mass", None), ("individual", None), ("group", "Chess club")]
    errors = jobs[0].errors if isinstance(jobs[0].errors, list) else json.loads(jobs[0].errors)
    assert errors == [
        {
            "file": "users.csv",
            "line": 3,
            "column": "role",
            "code": "recorded",
            "params": {"message": OLD_ERROR["message"]},
        }
    ]
    assert [job.failure for job in jobs] == [None, "interrupted", "stopped"]
