"""The check constraints the tables declare (built from the enums in ``schoolchat.kinds``) are the ones the
migrations wrote: same name, same words, in the same order."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import CheckConstraint, create_engine, inspect

from schoolchat.db.migrate import sync_url
from schoolchat.tables import metadata
from tests.db.fresh import migrated_database


def _words(sql: str) -> list[str]:
    return re.findall(r"'([^']*)'", sql)


def test_the_enums_check_constraints_equal_what_the_migrations_created(tmp_path: Path) -> None:
    with migrated_database(tmp_path, "checks") as url:
        engine = create_engine(sync_url(url))
        try:
            with engine.connect() as conn:
                found = inspect(conn)
                migrated = {
                    (table, check["name"]): _words(check["sqltext"])
                    for table in found.get_table_names()
                    for check in found.get_check_constraints(table)
                }
        finally:
            engine.dispose()
    declared = {
        (table.name, str(constraint.name)): _words(str(constraint.sqltext))
        for table in metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint) and _words(str(constraint.sqltext))
    }
    assert declared
    assert {key: migrated.get(key) for key in declared} == declared
