"""Benchmark (issue 7): import a generated OneRoster 1.1 roster of 10,000 users and 500 classes.

A district with 10 schools; per school 950 students, 45 teachers and 5 administrators; 50 classes per school, each
with one teacher and 19 students (10,500 enrollments). Times the first import, an unchanged re-import, and a
re-import that moves 1,000 students to another class, on a fresh migrated database.

    .venv/bin/python bench/roster_import.py sqlite+aiosqlite:///bench/results/roster.db
    .venv/bin/python bench/roster_import.py postgresql+psycopg://postgres@127.0.0.1:5432/roster_bench
"""

from __future__ import annotations

import csv
import tempfile
import time
from pathlib import Path

from schoolchat.config import Settings
from timing import one_shot
from schoolchat.db import Database
from schoolchat.db.migrate import upgrade
from schoolchat.administration.roster.apply import import_roster
from schoolchat.realtime.bus import MemoryBus
from schoolchat.services import Services

SCHOOLS, STUDENTS, TEACHERS, ADMINS, CLASSES, CLASS_SIZE = 10, 950, 45, 5, 50, 19
MANIFEST = [("manifest.version", "1.0"), ("oneroster.version", "1.1"), ("file.orgs", "bulk"),
            ("file.users", "bulk"), ("file.courses", "bulk"), ("file.classes", "bulk"),
            ("file.enrollments", "bulk"), ("file.academicSessions", "absent")]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def generate(folder: Path, *, moved: int = 0) -> int:
    """Write the roster; ``moved`` students go to the next class of their school. Returns the user count."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "manifest.csv", ["propertyName", "value"], [list(row) for row in MANIFEST])
    orgs = [["district", "", "", "Bench District", "district", "", ""]]
    users, courses, classes, enrollments = [], [], [], []
    for s in range(SCHOOLS):
        school = f"school-{s}"
        orgs.append([school, "", "", f"Bench School {s}", "school", "", "district"])
        people = {role: [f"{school}-{role}-{n}" for n in range(count)]
                  for role, count in (("student", STUDENTS), ("teacher", TEACHERS), ("administrator", ADMINS))}
        for role, ids in people.items():
            users += [[uid, "", "", "true", school, role, uid, "", f"Given{n}", f"Family {school}", "", "", "", "",
                       "", "", "", ""] for n, uid in enumerate(ids)]
        courses.append([f"{school}-course", "", "", "", f"Course of school {s}", "", "", school, "", ""])
        for c in range(CLASSES):
            class_id = f"{school}-class-{c}"
            classes.append([class_id, "", "", f"Class {c} of school {s}", "", f"{school}-course", "", "scheduled", "",
                            school, "", "", "", ""])
            enrollments.append([f"{class_id}-t", "", "", class_id, school, people["teacher"][c % TEACHERS], "teacher",
                                "true", "", ""])
            for k in range(CLASS_SIZE):
                n = c * CLASS_SIZE + k
                target = class_id if s * STUDENTS + n >= moved else f"{school}-class-{(c + 1) % CLASSES}"
                enrollments.append([f"{school}-e-{n}", "", "", target, school, people["student"][n], "student",
                                    "false", "", ""])
    _write(folder / "orgs.csv", ["sourcedId", "status", "dateLastModified", "name", "type", "identifier",
                                 "parentSourcedId"], orgs)
    _write(folder / "users.csv", ["sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
                                  "username", "userIds", "givenName", "familyName", "middleName", "identifier",
                                  "email", "sms", "phone", "agentSourcedIds", "grades", "password"], users)
    _write(folder / "courses.csv", ["sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title",
                                    "courseCode", "grades", "orgSourcedId", "subjects", "subjectCodes"], courses)
    _write(folder / "classes.csv", ["sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId",
                                    "classCode", "classType", "location", "schoolSourcedId", "termSourcedIds",
                                    "subjects", "subjectCodes", "periods"], classes)
    _write(folder / "enrollments.csv", ["sourcedId", "status", "dateLastModified", "classSourcedId",
                                        "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate",
                                        "endDate"], enrollments)
    return len(users)


async def timed_import(services: Services, folder: Path) -> float:
    started = time.perf_counter()
    result = await import_roster(services, folder)
    assert result.ok, result.errors[:5]
    return time.perf_counter() - started


async def run(url: str) -> dict[str, object]:
    upgrade(url)
    settings = Settings(database_url=url, secret_key="bench-secret-key-0123456789")
    db = Database(url)
    services = Services(settings, db, MemoryBus())
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "roster"
            users = generate(folder)
            first = await timed_import(services, folder)
            again = await timed_import(services, folder)
            generate(folder, moved=1000)
            moved = await timed_import(services, folder)
    finally:
        await db.dispose()
    return {"database": db.dialect, "users": users, "classes": SCHOOLS * CLASSES,
            "enrollments": SCHOOLS * CLASSES * (CLASS_SIZE + 1), "first_import_s": round(first, 2),
            "unchanged_reimport_s": round(again, 2), "reimport_moving_1000_students_s": round(moved, 2)}


def main() -> None:
    one_shot(__doc__, run, "roster-import")


if __name__ == "__main__":
    main()
