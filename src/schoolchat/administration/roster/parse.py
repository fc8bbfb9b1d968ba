"""Turning a roster folder into checked objects, or into the list of everything wrong with it.

Every reference must point at an object in the same import or one imported before (``known``: the sourcedIds
already mapped). Nothing is written here; ``administration.roster.apply`` writes only a roster without errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from schoolchat.administration.roster.files import FILES, RosterError, Row, read_manifest, read_rows
from schoolchat.errors import ApiError
from schoolchat.people.schemas import EMAIL_PATTERN
from schoolchat.validation import display_name

# OneRoster org types and the org kind each becomes.
ORG_KINDS = {
    "national": "district",
    "state": "district",
    "local": "district",
    "district": "district",
    "school": "school",
    "department": "department",
}
# OneRoster user roles and the school role each becomes; guardians are not people here (see GUARDIANS).
USER_ROLES = {
    "student": "student",
    "teacher": "teacher",
    "aide": "teacher",
    "proctor": "teacher",
    "administrator": "admin",
}
# Enrollment roles and the course role each becomes.
ENROLLMENT_ROLES = {
    "student": "student",
    "teacher": "teacher",
    "aide": "teacher",
    "proctor": "teacher",
    "administrator": "teacher",
}
# Valid OneRoster roles for people schoolchat does not hold: their rows are skipped and counted, not refused.
GUARDIANS = frozenset({"guardian", "parent", "relative"})
STATUSES = ("", "active", "tobedeleted")

COLUMNS = {
    "orgs": ("sourcedId", "name", "type", "parentSourcedId"),
    "academicSessions": ("sourcedId", "title", "type"),
    "users": ("sourcedId", "enabledUser", "orgSourcedIds", "role", "username", "givenName", "familyName"),
    "courses": ("sourcedId", "title", "orgSourcedId"),
    "classes": ("sourcedId", "title", "courseSourcedId", "schoolSourcedId"),
    "enrollments": ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
}


@dataclass(frozen=True)
class Org:
    sourced_id: str
    deleted: bool
    name: str
    kind: str
    parent: str | None
    line: int = 0


@dataclass(frozen=True)
class User:
    sourced_id: str
    deleted: bool
    enabled: bool
    orgs: tuple[str, ...]
    role: str
    username: str
    name: str
    line: int
    email: str | None = None  # lower-cased; an identity provider may link by it once it verified it


@dataclass(frozen=True)
class Class:
    sourced_id: str
    deleted: bool
    title: str
    school: str
    line: int = 0


@dataclass(frozen=True)
class Enrollment:
    sourced_id: str
    deleted: bool
    class_id: str
    user: str
    role: str


@dataclass
class Roster:
    modes: dict[str, str]
    orgs: list[Org] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    classes: list[Class] = field(default_factory=list)
    enrollments: list[Enrollment] = field(default_factory=list)
    # sourcedIds with no object of their own here (courses, academic sessions), kept so re-imports know them
    plain: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    skipped_guardians: int = 0

    @property
    def rows(self) -> int:
        """The rows this roster writes (each a sourcedId to remember)."""
        return (
            len(self.orgs)
            + len(self.users)
            + len(self.classes)
            + len(self.enrollments)
            + sum(len(entries) for entries in self.plain.values())
        )


def _status(row: Row, errors: list[RosterError]) -> bool:
    """Whether the row says ``tobedeleted``."""
    status = row["status"].lower()
    if status not in STATUSES:
        errors.append(row.error("status", "status_unknown", value=row["status"]))
    return status == "tobedeleted"


def _name(row: Row, column: str, value: str, errors: list[RosterError], max_length: int = 200) -> str:
    try:
        return display_name(value, column, max_length)
    except ApiError as exc:
        errors.append(row.error(column, exc.code, **exc.details))
        return value


def _unique(rows: list[Row], errors: list[RosterError]) -> list[Row]:
    """Rows with a sourcedId not seen before in the file; each repeat is an error naming the first line."""
    first: dict[str, int] = {}
    kept = []
    for row in rows:
        sourced_id = row["sourcedId"]
        if not sourced_id:
            errors.append(row.error("sourcedId", "sourced_id_empty"))
        elif sourced_id in first:
            errors.append(
                row.error(
                    "sourcedId", "sourced_id_repeated", sourced_id=sourced_id, first_line=first[sourced_id]
                )
            )
        else:
            first[sourced_id] = row.line
            kept.append(row)
    return kept


@dataclass
class _Checks:
    """What every file's parser shares: the errors found so far and the sourcedIds a reference may point at."""

    errors: list[RosterError]
    ids: dict[str, set[str]]  # per file, the sourcedIds it holds
    known: Callable[[str, str], bool]  # (kind, sourced_id): imported before

    def reference(self, row: Row, column: str, kind: str, file: str, sourced_id: str) -> None:
        if sourced_id not in self.ids[file] and not self.known(kind, sourced_id):
            self.errors.append(
                row.error(column, "unknown_reference", kind=kind, sourced_id=sourced_id, file=file)
            )


def parse(folder: Path, known: Callable[[str, str], bool]) -> tuple[Roster | None, list[RosterError]]:
    """The roster in ``folder``, or None and every error found. ``known(kind, sourced_id)``: imported before."""
    errors: list[RosterError] = []
    modes = read_manifest(folder, errors)
    if errors:
        return None, errors
    rows = {
        file: _unique(read_rows(folder / f"{file}.csv", COLUMNS[file], errors), errors)
        for file in FILES
        if file in modes
    }
    checks = _Checks(
        errors, {file: {row["sourcedId"] for row in rows.get(file, [])} for file in FILES}, known
    )
    orgs = _orgs(rows.get("orgs", []), checks)
    plain = _plain(rows, checks)
    users, guardians = _users(rows.get("users", []), checks)
    classes = _classes(rows.get("classes", []), checks, courses_listed="courses" in modes)
    enrollments, guardian_enrollments = _enrollments(rows.get("enrollments", []), checks, guardians)
    if errors:
        return None, errors
    return Roster(
        modes, orgs, users, classes, enrollments, plain, len(guardians) + guardian_enrollments
    ), errors


def _orgs(rows: list[Row], checks: _Checks) -> list[Org]:
    found = []
    for row in rows:
        deleted = _status(row, checks.errors)
        kind = ORG_KINDS.get(row["type"].lower())
        if kind is None:
            checks.errors.append(
                row.error("type", "org_type_unknown", value=row["type"], kinds=", ".join(ORG_KINDS))
            )
        parent = row["parentSourcedId"] or None
        if parent == row["sourcedId"]:
            checks.errors.append(row.error("parentSourcedId", "own_parent"))
        elif parent is not None:
            checks.reference(row, "parentSourcedId", "org", "orgs", parent)
        found.append(
            Org(
                row["sourcedId"],
                deleted,
                _name(row, "name", row["name"], checks.errors),
                kind or "school",
                parent,
                row.line,
            )
        )
    return found


def _plain(rows: dict[str, list[Row]], checks: _Checks) -> dict[str, list[tuple[str, bool]]]:
    """Academic sessions and courses: only their sourcedIds (and statuses) are kept."""
    plain: dict[str, list[tuple[str, bool]]] = {}
    for file, kind in (("academicSessions", "academicSession"), ("courses", "course")):
        for row in rows.get(file, []):
            plain.setdefault(kind, []).append((row["sourcedId"], _status(row, checks.errors)))
            if file == "courses" and row["orgSourcedId"]:
                checks.reference(row, "orgSourcedId", "org", "orgs", row["orgSourcedId"])
    return plain


def _users(rows: list[Row], checks: _Checks) -> tuple[list[User], set[str]]:
    """The people, and the sourcedIds of the guardians skipped."""
    errors = checks.errors
    found = []
    usernames: dict[str, int] = {}
    guardians: set[str] = set()
    for row in rows:
        deleted = _status(row, errors)
        role = row["role"].lower()
        if role in GUARDIANS:
            guardians.add(row["sourcedId"])
            continue
        if role not in USER_ROLES:
            errors.append(row.error("role", "role_unknown", value=row["role"]))
        enabled = row["enabledUser"].lower()
        if enabled not in ("true", "false", ""):
            errors.append(row.error("enabledUser", "enabled_user_invalid", value=row["enabledUser"]))
        username = row["username"]
        if not username:
            errors.append(row.error("username", "username_empty"))
        elif len(username) > 64:
            errors.append(row.error("username", "username_too_long", max_length=64))
        elif username.lower() in usernames:
            errors.append(
                row.error(
                    "username", "username_repeated", username=username, first_line=usernames[username.lower()]
                )
            )
        usernames.setdefault(username.lower(), row.line)
        orgs = tuple(part.strip() for part in row["orgSourcedIds"].split(",") if part.strip())
        if not orgs:
            errors.append(row.error("orgSourcedIds", "user_without_org"))
        for org in orgs:
            checks.reference(row, "orgSourcedIds", "org", "orgs", org)
        name = " ".join(part for part in (row["givenName"], row["familyName"]) if part)
        email = row["email"].lower() or None  # an optional column of users.csv
        if email and (len(email) > 254 or not re.fullmatch(EMAIL_PATTERN, email)):
            errors.append(row.error("email", "email_invalid", value=row["email"]))
        found.append(
            User(
                row["sourcedId"],
                deleted,
                enabled != "false",
                orgs,
                USER_ROLES.get(role, "student"),
                username,
                _name(row, "givenName", name, errors, 120),
                row.line,
                email,
            )
        )
    return found, guardians


def _classes(rows: list[Row], checks: _Checks, *, courses_listed: bool) -> list[Class]:
    found = []
    for row in rows:
        deleted = _status(row, checks.errors)
        if courses_listed or row["courseSourcedId"]:
            checks.reference(row, "courseSourcedId", "course", "courses", row["courseSourcedId"])
        checks.reference(row, "schoolSourcedId", "org", "orgs", row["schoolSourcedId"])
        found.append(
            Class(
                row["sourcedId"],
                deleted,
                _name(row, "title", row["title"], checks.errors),
                row["schoolSourcedId"],
                row.line,
            )
        )
    return found


def _enrollments(rows: list[Row], checks: _Checks, guardians: set[str]) -> tuple[list[Enrollment], int]:
    """The enrollments, and how many were skipped as guardians'."""
    found = []
    skipped = 0
    for row in rows:
        deleted = _status(row, checks.errors)
        role = row["role"].lower()
        if role in GUARDIANS or row["userSourcedId"] in guardians:
            skipped += 1
            continue
        if role not in ENROLLMENT_ROLES:
            checks.errors.append(row.error("role", "enrollment_role_unknown", value=row["role"]))
        checks.reference(row, "classSourcedId", "class", "classes", row["classSourcedId"])
        checks.reference(row, "userSourcedId", "user", "users", row["userSourcedId"])
        found.append(
            Enrollment(
                row["sourcedId"],
                deleted,
                row["classSourcedId"],
                row["userSourcedId"],
                ENROLLMENT_ROLES.get(role, "student"),
            )
        )
    return found, skipped
