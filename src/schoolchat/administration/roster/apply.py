"""Importing a OneRoster folder: check everything first, then write it in short batches.

Validation is all-or-nothing: the files are read and checked off the event loop (a worker thread), and a roster
with any error writes nothing. A valid roster is then written in batches of ``BATCH`` rows, each its own
transaction, so a 10,000-person roster never holds SQLite's write lock (nor the loop: SQLite statements run on the
loop's thread, docs/architecture.md "Transactions") for more than one batch; other requests, sends included, are
served between batches. Importing is idempotent, so a write interrupted half-way (a crash, a restart) is finished
by importing the same roster again: what was written is matched and left as it is.

Objects are matched to what an earlier import made by ``sourcedId`` (``roster_ids``), so importing the same
folder twice changes nothing, and a changed row updates its object. ``status=tobedeleted`` deactivates a user,
ends an enrollment, and takes everyone out of a class; orgs, courses and sessions are only marked. Classes become
courses. People, orgs, roles, classes and enrollments are written only through ``administration.writes`` (the batch
building blocks where a batch needs one), so an import does what the same change by an administrator does: a
deactivated person's sessions end, a renamed class renames its conversation, course conversation membership
follows the enrollments. In a ``bulk`` enrollments file, enrollments imported before and missing now have ended.

People made by an import have no password (they cannot log in until an administrator sets one; schools normally
sign them in through their own identity provider), and those whose username an account outside the roster
already holds are refused rather than merged.

An import ``within`` an org (the admin API's uploads) may only touch that org and what is below it: the roster's
top-level orgs are placed under it, and rows naming orgs, people or classes elsewhere are errors.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.administration import writes
from schoolchat.administration.roster.files import RosterError
from schoolchat.administration.roster.models import roster_ids
from schoolchat.administration.roster.parse import Roster, User, parse
from schoolchat.db import Tx
from schoolchat.db.upsert import upsert
from schoolchat.people import reach
from schoolchat.people.models import org_roles, space_members, spaces, users
from schoolchat.services import Services

# Accounts made by an import cannot log in with a password until one is set (argon2 refuses this "hash").
NO_PASSWORD = "!roster"
BATCH = 100  # rows per write transaction (and per read page)

Progress = Callable[[str, int, int], Awaitable[None]]  # (step, done, total), after each committed batch
T = TypeVar("T")


@dataclass
class Imported:
    errors: list[RosterError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    deactivated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    skipped_guardians: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Mapping:
    """sourcedId -> (local id, parent id) per kind, as imported before."""

    ids: dict[str, dict[str, tuple[int | None, int | None]]]

    def known(self, kind: str, sourced_id: str) -> bool:
        return sourced_id in self.ids.get(kind, {})

    def local(self, kind: str, sourced_id: str) -> int | None:
        return self.ids.get(kind, {}).get(sourced_id, (None, None))[0]

    def locals(self, kind: str) -> dict[str, int]:
        return {s: ids[0] for s, ids in self.ids.get(kind, {}).items() if ids[0] is not None}


def _chunks(items: Sequence[T]) -> list[Sequence[T]]:
    return [items[start : start + BATCH] for start in range(0, len(items), BATCH)]


async def _load_mapping(services: Services) -> _Mapping:
    """Every sourcedId imported before, read in keyset pages with the loop free between them."""
    ids: dict[str, dict[str, tuple[int | None, int | None]]] = defaultdict(dict)
    after: tuple[str, str] = ("", "")
    while True:
        async with services.db.read() as conn:
            page = (
                await conn.execute(
                    select(
                        roster_ids.c.kind,
                        roster_ids.c.sourced_id,
                        roster_ids.c.local_id,
                        roster_ids.c.parent_id,
                        roster_ids.c.deleted,
                    )
                    .where(tuple_(roster_ids.c.kind, roster_ids.c.sourced_id) > tuple_(*after))
                    .order_by(roster_ids.c.kind, roster_ids.c.sourced_id)
                    .limit(BATCH * 4)
                )
            ).all()
        for kind, sourced_id, local_id, parent_id, deleted in page:
            if not (deleted and kind == "enrollment"):  # an ended enrollment has nothing left to end
                ids[kind][sourced_id] = (local_id, parent_id)
        if len(page) < BATCH * 4:
            return _Mapping(ids)
        after = (page[-1].kind, page[-1].sourced_id)
        await asyncio.sleep(0)


async def _noop(_: str, __: int, ___: int) -> None:
    pass


async def import_roster(
    services: Services,
    folder: Path,
    *,
    by: int | None = None,
    dry_run: bool = False,
    within: int | None = None,
    progress: Progress = _noop,
) -> Imported:
    """Check the folder and, when it has no error (and this is not a dry run), import it batch by batch.

    Progress reports ``("validated", rows, rows)`` once the roster is known to be valid, then each step's rows
    written (orgs, ids, users, classes, enrollments).
    """
    mapping = await _load_mapping(services)
    roster, errors = await asyncio.to_thread(parse, folder, mapping.known)
    if roster is not None:
        errors = await _username_clashes(services, roster, mapping)
        if within is not None:
            errors += await _outside(services, roster, mapping, within)
    if roster is None or errors or dry_run:
        return Imported(errors=errors, skipped_guardians=roster.skipped_guardians if roster else 0)
    await progress("validated", roster.rows, roster.rows)
    result = Imported(skipped_guardians=roster.skipped_guardians)
    await _apply(services, roster, mapping, result, by, within, progress)
    return result


async def _username_clashes(services: Services, roster: Roster, mapping: _Mapping) -> list[RosterError]:
    taken: dict[str, int] = {}
    for chunk in _chunks([user.username for user in roster.users]):
        async with services.db.read() as conn:
            taken.update(
                (
                    await conn.execute(
                        select(users.c.username, users.c.id).where(users.c.username.in_(list(chunk)))
                    )
                ).all()
            )
    errors = []
    for user in roster.users:
        holder = taken.get(user.username)
        if holder is not None and holder != mapping.local("user", user.sourced_id):
            errors.append(
                RosterError("users.csv", user.line, "username", "username_taken", {"username": user.username})
            )
    return errors


async def _outside(services: Services, roster: Roster, mapping: _Mapping, within: int) -> list[RosterError]:
    """Rows of an import ``within`` an org that name orgs, people or classes outside it."""
    async with services.db.read() as conn:
        tree = await reach.org_tree(conn)
        reached = {org for org in tree.parent if within in tree.chain(org)}
        where = tree.name.get(within, f"#{within}")
        known_users = [(u, local) for u in roster.users if (local := mapping.local("user", u.sourced_id))]
        elsewhere: set[int] = set()
        for chunk in _chunks([local for _, local in known_users]):
            elsewhere.update(
                (
                    await conn.execute(
                        select(org_roles.c.user_id).where(
                            org_roles.c.user_id.in_(list(chunk)), org_roles.c.org_id.not_in(reached)
                        )
                    )
                ).scalars()
            )
        known_classes = [
            (c, local) for c in roster.classes if (local := mapping.local("class", c.sourced_id))
        ]
        class_orgs: dict[int, int] = dict(
            (
                await conn.execute(
                    select(spaces.c.id, spaces.c.org_id).where(
                        spaces.c.id.in_([local for _, local in known_classes])
                    )
                )
            ).all()
        )

    def outside(kind: str, sourced_id: str) -> dict[str, str]:
        return {"kind": kind, "sourced_id": sourced_id, "org": where}

    errors = []
    for org in roster.orgs:
        local = mapping.local("org", org.sourced_id)
        parent = mapping.local("org", org.parent) if org.parent else None
        if local is not None and local not in reached:
            errors.append(
                RosterError("orgs.csv", org.line, "sourcedId", "outside", outside("org", org.sourced_id))
            )
        elif parent is not None and parent not in reached:
            errors.append(
                RosterError(
                    "orgs.csv", org.line, "parentSourcedId", "outside", outside("org", org.parent or "")
                )
            )
    errors += [
        RosterError("users.csv", user.line, "sourcedId", "outside", outside("user", user.sourced_id))
        for user, local in known_users
        if local in elsewhere
    ]
    errors += [
        RosterError("classes.csv", cls.line, "sourcedId", "outside", outside("class", cls.sourced_id))
        for cls, local in known_classes
        if class_orgs.get(local) not in reached
    ]
    for user in roster.users:
        errors += [
            RosterError("users.csv", user.line, "orgSourcedIds", "outside", outside("org", org))
            for org in user.orgs
            if (local := mapping.local("org", org)) is not None and local not in reached
        ]
    return errors


async def _remember(tx: Tx, kind: str, rows: list[dict[str, object]]) -> None:
    await upsert(
        tx.conn,
        roster_ids,
        [{"kind": kind, "parent_id": None, **row} for row in rows],
        key=["kind", "sourced_id"],
        update=["local_id", "parent_id", "deleted"],
    )


async def _apply(
    services: Services,
    roster: Roster,
    mapping: _Mapping,
    result: Imported,
    by: int | None,
    root: int | None,
    progress: Progress,
) -> None:
    async with services.db.write() as tx:
        org_ids = await _apply_orgs(tx, roster, mapping, result, root)
    await progress("orgs", len(roster.orgs), len(roster.orgs))
    plain = [
        (kind, sourced_id, deleted)
        for kind, entries in roster.plain.items()
        for sourced_id, deleted in entries
    ]
    for done, chunk in enumerate(_chunks(plain), 1):
        async with services.db.write() as tx:
            for kind in dict.fromkeys(k for k, _, _ in chunk):
                await _remember(
                    tx,
                    kind,
                    [{"sourced_id": s, "local_id": None, "deleted": d} for k, s, d in chunk if k == kind],
                )
        await progress("ids", min(done * BATCH, len(plain)), len(plain))
    user_ids = await _apply_users(services, roster, mapping, org_ids, result, progress)
    space_ids = await _apply_classes(services, roster, mapping, org_ids, result, by, progress)
    await _apply_enrollments(services, roster, mapping, user_ids, space_ids, result, by, progress)


async def _apply_orgs(
    tx: Tx, roster: Roster, mapping: _Mapping, result: Imported, root: int | None
) -> dict[str, int]:
    """Parents before children (top-level orgs under ``root``); returns every org's local id by sourcedId."""
    local = mapping.locals("org")
    pending = list(roster.orgs)
    while pending:
        ready = [org for org in pending if org.parent is None or org.parent in local]
        if not ready:  # a cycle among the new orgs: they hang from nothing rather than from each other
            ready = pending[:1]
        for org in ready:
            parent_id = local.get(org.parent) if org.parent else root
            if org.sourced_id in local:
                await writes.change_org(
                    tx, local[org.sourced_id], {"name": org.name, "kind": org.kind, "parent_id": parent_id}
                )
                result.updated["orgs"] += 1
            else:
                local[org.sourced_id] = await writes.insert_org(
                    tx, name=org.name, kind=org.kind, parent_id=parent_id
                )
                result.created["orgs"] += 1
            result.deactivated["orgs"] += org.deleted
        pending = [org for org in pending if org not in ready]
    await _remember(
        tx,
        "org",
        [
            {"sourced_id": o.sourced_id, "local_id": local[o.sourced_id], "deleted": o.deleted}
            for o in roster.orgs
        ],
    )
    return local


def _active(user: User) -> bool:
    return user.enabled and not user.deleted


async def _apply_users(
    services: Services,
    roster: Roster,
    mapping: _Mapping,
    org_ids: dict[str, int],
    result: Imported,
    progress: Progress,
) -> dict[str, int]:
    local = mapping.locals("user")
    roster_orgs = sorted(set(org_ids.values()))
    total, done = len(roster.users), 0
    for chunk in _chunks(roster.users):
        async with services.db.write() as tx:
            known = [user for user in chunk if user.sourced_id in local]
            new = [user for user in chunk if user.sourced_id not in local]
            for user in known:  # switched off through the building block, which also ends their sessions
                email = {"email": user.email} if user.email else {}  # none in the file: the admin's stays
                await writes.change_user(
                    tx,
                    local[user.sourced_id],
                    {"username": user.username, "name": user.name, "is_active": _active(user), **email},
                )
            made = await writes.insert_users(
                tx,
                [
                    writes.NewUser(u.username, NO_PASSWORD, u.name, email=u.email, is_active=_active(u))
                    for u in new
                ],
            )
            local.update({u.sourced_id: user_id for u, user_id in zip(new, made, strict=True)})
            result.created["users"] += len(new)
            result.updated["users"] += len(known)
            result.deactivated["users"] += sum(not _active(user) for user in chunk)
            imported = [
                local[u.sourced_id] for u in chunk
            ]  # roles in roster orgs follow the file; others stay
            await writes.drop_roles(tx, imported, roster_orgs)
            await writes.put_roles(
                tx, [(local[u.sourced_id], org_ids[o], u.role) for u in chunk for o in dict.fromkeys(u.orgs)]
            )
            await _remember(
                tx,
                "user",
                [
                    {"sourced_id": u.sourced_id, "local_id": local[u.sourced_id], "deleted": u.deleted}
                    for u in chunk
                ],
            )
        done += len(chunk)
        await progress("users", done, total)
    return local


async def _apply_classes(
    services: Services,
    roster: Roster,
    mapping: _Mapping,
    org_ids: dict[str, int],
    result: Imported,
    by: int | None,
    progress: Progress,
) -> dict[str, int]:
    local = mapping.locals("class")
    total, done = len(roster.classes), 0
    for chunk in _chunks(roster.classes):
        async with services.db.write() as tx:
            for cls in chunk:
                if cls.sourced_id in local:
                    await writes.change_space(
                        tx, local[cls.sourced_id], {"name": cls.title, "org_id": org_ids[cls.school]}, by=by
                    )
                    result.updated["classes"] += 1
                else:
                    local[cls.sourced_id] = await writes.insert_space(
                        tx, kind="course", name=cls.title, org_id=org_ids[cls.school]
                    )
                    result.created["classes"] += 1
                if cls.deleted:
                    members = (
                        (
                            await tx.conn.execute(
                                select(space_members.c.user_id).where(
                                    space_members.c.space_id == local[cls.sourced_id]
                                )
                            )
                        )
                        .scalars()
                        .all()
                    )
                    for user_id in members:
                        await writes.unenroll(tx, local[cls.sourced_id], user_id, by=by)
                    result.deactivated["classes"] += 1
            await _remember(
                tx,
                "class",
                [
                    {"sourced_id": c.sourced_id, "local_id": local[c.sourced_id], "deleted": c.deleted}
                    for c in chunk
                ],
            )
        done += len(chunk)
        await progress("classes", done, total)
    return local


async def _current_members(conn: AsyncConnection, space_ids: list[int]) -> set[tuple[int, int, str]]:
    rows = await conn.execute(
        select(space_members.c.space_id, space_members.c.user_id, space_members.c.role).where(
            space_members.c.space_id.in_(space_ids)
        )
    )
    return {(space, user, role) for space, user, role in rows}


async def _apply_enrollments(
    services: Services,
    roster: Roster,
    mapping: _Mapping,
    user_ids: dict[str, int],
    space_ids: dict[str, int],
    result: Imported,
    by: int | None,
    progress: Progress,
) -> None:
    """End enrollments that moved, were deleted or (bulk) disappeared; then enrol everyone listed, per class."""
    before = mapping.ids.get("enrollment", {})
    deleted_classes = {c.sourced_id for c in roster.classes if c.deleted}
    wanted: dict[str, tuple[int, int, str]] = {}  # sourcedId -> (space, user, role)
    for enrollment in roster.enrollments:
        if not enrollment.deleted and enrollment.class_id not in deleted_classes:
            wanted[enrollment.sourced_id] = (
                space_ids[enrollment.class_id],
                user_ids[enrollment.user],
                enrollment.role,
            )
    listed = {e.sourced_id for e in roster.enrollments}
    bulk = roster.modes.get("enrollments") == "bulk"
    keep = {(space, user) for space, user, _ in wanted.values()}
    ending = [
        (sourced_id, space, user)
        for sourced_id, (user, space) in before.items()
        if (sourced_id in listed or bulk)
        and sourced_id not in wanted
        or (sourced_id in wanted and wanted[sourced_id][:2] != (space, user))
    ]
    for chunk in _chunks(ending):
        async with services.db.write() as tx:
            for sourced_id, space, user in chunk:
                if space is not None and user is not None and (space, user) not in keep:
                    await writes.unenroll(tx, space, user, by=by)
                result.deactivated["enrollments"] += sourced_id not in wanted
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for space, user, role in wanted.values():
        groups[(space, role)].append(user)
    batches: list[list[tuple[tuple[int, str], list[int]]]] = [
        []
    ]  # whole classes, about BATCH enrollments each
    size = 0
    for group in sorted(groups.items()):
        if size >= BATCH:
            batches.append([])
            size = 0
        batches[-1].append(group)
        size += len(group[1])
    total, done = len(roster.enrollments), 0
    for batch in batches:
        async with services.db.write() as tx:
            current = await _current_members(tx.conn, sorted({space for (space, _), _ in batch}))
            for (space, role), members in batch:
                joining = [user for user in dict.fromkeys(members) if (space, user, role) not in current]
                if joining:
                    await writes.enroll(tx, space, joining, role, by=by)
        done += sum(len(members) for _, members in batch)
        await progress("enrollments", min(done, total), total)
    result.created["enrollments"] += sum(1 for s in wanted if s not in before)
    result.updated["enrollments"] += sum(1 for s in wanted if s in before)
    for enrollments in _chunks(roster.enrollments):
        async with services.db.write() as tx:
            await _remember(
                tx,
                "enrollment",
                [
                    {
                        "sourced_id": e.sourced_id,
                        "deleted": e.sourced_id not in wanted,
                        "local_id": user_ids.get(e.user),
                        "parent_id": space_ids.get(e.class_id),
                    }
                    for e in enrollments
                ],
            )
    if bulk:
        gone = [s for s in before if s not in listed]
        for sourced_ids in _chunks(gone):
            async with services.db.write() as tx:
                await tx.conn.execute(
                    update(roster_ids)
                    .where(roster_ids.c.kind == "enrollment", roster_ids.c.sourced_id.in_(list(sourced_ids)))
                    .values(deleted=True)
                )
    await progress("enrollments", total, total)
