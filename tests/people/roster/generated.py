"""A generated one-school OneRoster roster, zipped, for upload tests: ``students`` students in classes of 25."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

HEADERS = {
    "orgs": ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"],
    "users": [
        "sourcedId",
        "status",
        "dateLastModified",
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "userIds",
        "givenName",
        "familyName",
    ],
    "classes": ["sourcedId", "status", "dateLastModified", "title", "courseSourcedId", "schoolSourcedId"],
    "enrollments": [
        "sourcedId",
        "status",
        "dateLastModified",
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
    ],
}
MANIFEST = [
    ["propertyName", "value"],
    ["oneroster.version", "1.1"],
    ["file.orgs", "bulk"],
    ["file.users", "bulk"],
    ["file.classes", "bulk"],
    ["file.enrollments", "bulk"],
]


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def roster_files(students: int, prefix: str = "gen") -> dict[str, str]:
    """The CSV files by name: one school, a teacher per class, ``students`` students in classes of 25."""
    school = f"{prefix}-school"
    classes = max(1, (students + 24) // 25)
    users = [
        [f"{prefix}-t{c}", "", "", "true", school, "teacher", f"{prefix}.teacher{c}", "", "Teacher", str(c)]
        for c in range(classes)
    ]
    users += [
        [f"{prefix}-s{n}", "", "", "true", school, "student", f"{prefix}.student{n}", "", "Student", str(n)]
        for n in range(students)
    ]
    enrollments = [
        [f"{prefix}-et{c}", "", "", f"{prefix}-c{c}", school, f"{prefix}-t{c}", "teacher"]
        for c in range(classes)
    ]
    enrollments += [
        [f"{prefix}-e{n}", "", "", f"{prefix}-c{n // 25}", school, f"{prefix}-s{n}", "student"]
        for n in range(students)
    ]
    tables = {
        "orgs": [[school, "", "", "Generated High", "school", "", ""]],
        "users": users,
        "classes": [[f"{prefix}-c{c}", "", "", f"Class {c}", "", school] for c in range(classes)],
        "enrollments": enrollments,
    }
    files = {"manifest.csv": _csv(MANIFEST)}
    files.update({f"{name}.csv": _csv([HEADERS[name], *rows]) for name, rows in tables.items()})
    return files


def zipped(files: dict[str, str], folder: str = "") -> bytes:
    """The files in a zip, at its top or in ``folder``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(f"{folder}{name}", text)
    return out.getvalue()


def zipped_folder(path: Path) -> bytes:
    return zipped({file.name: file.read_text(encoding="utf-8") for file in sorted(path.glob("*.csv"))})
