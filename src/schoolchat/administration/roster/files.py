"""Reading a OneRoster 1.1 CSV folder: the manifest, and each file's rows with the line they start on.

Files are UTF-8 with or without a byte order mark; fields follow RFC 4180 (quoted commas, quotes and line breaks).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schoolchat.administration.roster.texts import error_message

# What the manifest may say about each file.
MODES = ("bulk", "delta", "absent")
# The files this import reads, in the order their objects are applied.
FILES = ("orgs", "academicSessions", "users", "courses", "classes", "enrollments")


@dataclass(frozen=True, slots=True)
class RosterError:
    """One problem, located: the file, the line (1 is the header) and the column; what it is, as a code and its
    parameters (``administration.roster.texts``), so that it reads in the language of whoever reads the report."""

    file: str
    line: int
    column: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The problem as a sentence in the reader's language."""
        return error_message(self.code, self.params)

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Row:
    file: str
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "").strip()

    def error(self, column: str, code: str, **params: Any) -> RosterError:
        return RosterError(self.file, self.line, column, code, params)


def read_rows(path: Path, required: tuple[str, ...], errors: list[RosterError]) -> list[Row]:
    """The rows of one CSV file; a missing required column is one error on the header line."""
    name = path.name
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [column.strip() for column in next(reader, [])]
            missing = [column for column in required if column not in header]
            for column in missing:
                errors.append(RosterError(name, 1, column, "column_missing"))
            if missing:
                return []
            rows, start = [], reader.line_num + 1
            for record in reader:
                if any(field.strip() for field in record):
                    if len(record) > len(header):
                        errors.append(
                            RosterError(
                                name,
                                start,
                                "",
                                "too_many_fields",
                                {"fields": len(record), "header": len(header)},
                            )
                        )
                    rows.append(Row(name, start, dict(zip(header, record))))
                start = reader.line_num + 1
            return rows
    except UnicodeDecodeError as exc:
        errors.append(RosterError(name, 0, "", "not_unicode", {"reason": exc.reason, "byte": exc.start}))
    except csv.Error as exc:
        errors.append(RosterError(name, 0, "", "not_csv", {"detail": str(exc)}))
    return []


def read_manifest(folder: Path, errors: list[RosterError]) -> dict[str, str]:
    """The mode (bulk or delta) of each file to read; absent files, and those the manifest leaves out, are not."""
    path = folder / "manifest.csv"
    if not path.is_file():
        errors.append(RosterError("manifest.csv", 0, "", "no_manifest", {"folder": str(folder)}))
        return {}
    properties = {row["propertyName"]: row for row in read_rows(path, ("propertyName", "value"), errors)}
    version = properties.get("oneroster.version")
    if version is None:
        errors.append(RosterError("manifest.csv", 1, "propertyName", "version_missing"))
    elif version["value"] != "1.1":
        errors.append(version.error("value", "version_unsupported", version=version["value"]))
    modes: dict[str, str] = {}
    for file in FILES:
        row = properties.get(f"file.{file}")
        mode = row["value"].lower() if row is not None else "absent"
        if mode not in MODES:
            assert row is not None
            errors.append(row.error("value", "mode_unknown", file=file, mode=row["value"]))
            continue
        if mode == "absent":
            continue
        if not (folder / f"{file}.csv").is_file():
            assert row is not None
            errors.append(row.error("value", "file_absent", file=file, mode=mode))
            continue
        modes[file] = mode
    return modes
