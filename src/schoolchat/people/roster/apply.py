"""Importing a OneRoster folder: check everything first, then write it all in one transaction.

Objects are matched to what an earlier import made by ``sourcedId`` (``roster_ids``), so importing the same
folder twice changes nothing, and a changed row updates its object. ``status=tobedeleted`` deactivates a user,
ends an enrollment, and takes everyone out of a class; orgs, courses and sessions are only marked. Classes become
courses; enrollments go through ``people.actions.enroll``/``unenroll``, so course conversation membership follows
them. In a ``bulk`` enrollments file, enrollments imported before and missing now have ended.

People made by an import have no password (they cannot log in until an administrator sets one; schools normally
sign them in through their own identity provider), and those whose username an account outside the roster
already holds are refused rather than merged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.db import Tx
from schoolchat.db.types import utcnow
from schoolchat.db.upsert import upsert
from schoolchat.people import actions
from schoolchat.people.models import org_roles, orgs, space_members, spaces, users
from schoolchat.people.roster.files import RosterError
from schoolchat.people.roster.models import roster_ids
from schoolchat.people.roster.parse import Roster, parse
from schoolchat.services import Services

# Accounts made by an import cannot log in with a password until one is set (argon2 refuses this "hash").
NO_PASSWORD = "!roster"

Progress = Callable[[str, int, int], None]  # (step, done, total)


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


async def _load_mapping(conn: AsyncConnection) -> _Mapping:
    ids: dict[str, dict[str, tuple[int | None, int | None]]] = defaultdict(dict)
    for kind, sourced_id, local_id, parent_id, deleted in await conn.execute(
            select(roster_ids.c.kind, roster_ids.c.sourced_id, roster_ids.c.local_id, roster_ids.c.parent_id,
                   roster_ids.c.deleted)):
        if not (deleted and kind == "enrollment"):  # an ended enrollment has nothing left to end
            ids[kind][sourced_id] = (local_id, parent_id)
    return _Mapping(ids)


def _noop(_: str, __: int, ___: int) -> None:
    pass


async def import_roster(services: Services, folder: Path, *, by: int | None = None, dry_run: bool = False,
                        progress: Progress = _noop) -> Imported:
    """Check the folder and, when it has no error (and this is not a dry run), import it in one transaction."""
    async with services.db.read() as conn:
        mapping = await _load_mapping(conn)
        taken = dict((await conn.execute(select(users.c.username, users.c.id))).all())
    roster, errors = parse(folder, mapping.known)
    if roster is not None:
        errors = _username_clashes(roster, mapping, taken)
    if roster is None or errors or dry_run:
        return Imported(errors=errors, skipped_guardians=roster.skipped_guardians if roster else 0)
    result = Imported(skipped_guardians=roster.skipped_guardians)
    async with services.db.write() as tx:
        mapping = await _load_mapping(tx.conn)
        await _apply(tx, services, roster, mapping, result, by, progress)
    return result


def _username_clashes(roster: Roster, mapping: _Mapping, taken: dict[str, int]) -> list[RosterError]:
    errors = []
    for user in roster.users:
        holder = taken.get(user.username)
        if holder is not None and holder != mapping.local("user", user.sourced_id):
            errors.append(RosterError("users.csv", user.line, "username",
                                      f"username {user.username!r} belongs to another account"))
    return errors


async def _remember(tx: Tx, kind: str, rows: list[dict[str, object]]) -> None:
    await upsert(tx.conn, roster_ids, [{"kind": kind, "parent_id": None, **row} for row in rows],
                 key=["kind", "sourced_id"], update=["local_id", "parent_id", "deleted"])


async def _apply(tx: Tx, services: Services, roster: Roster, mapping: _Mapping, result: Imported, by: int | None,
                 progress: Progress) -> None:
    org_ids = await _apply_orgs(tx, roster, mapping, result)
    progress("orgs", len(roster.orgs), len(roster.orgs))
    for kind, entries in roster.plain.items():
        await _remember(tx, kind, [{"sourced_id": s, "local_id": None, "deleted": d} for s, d in entries])
    user_ids = await _apply_users(tx, roster, mapping, org_ids, result, progress)
    space_ids = await _apply_classes(tx, services, roster, mapping, org_ids, result, by)
    progress("classes", len(roster.classes), len(roster.classes))
    await _apply_enrollments(tx, services, roster, mapping, user_ids, space_ids, result, by, progress)


async def _apply_orgs(tx: Tx, roster: Roster, mapping: _Mapping, result: Imported) -> dict[str, int]:
    """Parents before children; returns every org's local id by sourcedId."""
    local = {s: ids[0] for s, ids in mapping.ids.get("org", {}).items() if ids[0] is not None}
    pending = list(roster.orgs)
    while pending:
        ready = [org for org in pending if org.parent is None or org.parent in local]
        if not ready:  # a cycle among the new orgs: they hang from nothing rather than from each other
            ready = pending[:1]
        for org in ready:
            parent_id = local.get(org.parent) if org.parent else None
            if org.sourced_id in local:
                await tx.conn.execute(update(orgs).where(orgs.c.id == local[org.sourced_id])
                                      .values(name=org.name, kind=org.kind, parent_id=parent_id))
                result.updated["orgs"] += 1
            else:
                local[org.sourced_id] = await actions.insert_org(tx, name=org.name, kind=org.kind,
                                                                 parent_id=parent_id)
                result.created["orgs"] += 1
            result.deactivated["orgs"] += org.deleted
        pending = [org for org in pending if org not in ready]
    await _remember(tx, "org", [{"sourced_id": o.sourced_id, "local_id": local[o.sourced_id], "deleted": o.deleted}
                                for o in roster.orgs])
    return local


async def _apply_users(tx: Tx, roster: Roster, mapping: _Mapping, org_ids: dict[str, int], result: Imported,
                       progress: Progress) -> dict[str, int]:
    local = {s: ids[0] for s, ids in mapping.ids.get("user", {}).items() if ids[0] is not None}
    new = [user for user in roster.users if user.sourced_id not in local]
    now = utcnow()
    if new:
        await tx.conn.execute(insert(users), [
            {"username": u.username, "password_hash": NO_PASSWORD, "name": u.name, "title": "",
             "is_active": u.enabled and not u.deleted, "created_at": now} for u in new])
        made = dict((await tx.conn.execute(select(users.c.username, users.c.id).where(
            users.c.username.in_([u.username for u in new])))).all())
        local.update({u.sourced_id: made[u.username] for u in new})
        result.created["users"] += len(new)
    total = len(roster.users)
    for done, user in enumerate(roster.users, 1):
        if user not in new:
            await tx.conn.execute(update(users).where(users.c.id == local[user.sourced_id]).values(
                username=user.username, name=user.name, is_active=user.enabled and not user.deleted))
            result.updated["users"] += 1
        result.deactivated["users"] += user.deleted or not user.enabled
        if done % 500 == 0:
            progress("users", done, total)
    roster_orgs = set(org_ids.values())
    imported = [local[u.sourced_id] for u in roster.users]
    for chunk in range(0, len(imported), 500):  # roles in roster orgs follow the file; others stay as they are
        await tx.conn.execute(delete(org_roles).where(org_roles.c.user_id.in_(imported[chunk:chunk + 500]),
                                                      org_roles.c.org_id.in_(roster_orgs)))
    await upsert(tx.conn, org_roles, [{"user_id": local[u.sourced_id], "org_id": org_ids[o], "role": u.role}
                                      for u in roster.users for o in dict.fromkeys(u.orgs)],
                 key=["user_id", "org_id"], update=["role"])
    await _remember(tx, "user", [{"sourced_id": u.sourced_id, "local_id": local[u.sourced_id], "deleted": u.deleted}
                                 for u in roster.users])
    progress("users", total, total)
    return local


async def _apply_classes(tx: Tx, services: Services, roster: Roster, mapping: _Mapping, org_ids: dict[str, int],
                         result: Imported, by: int | None) -> dict[str, int]:
    local = {s: ids[0] for s, ids in mapping.ids.get("class", {}).items() if ids[0] is not None}
    for cls in roster.classes:
        if cls.sourced_id in local:
            space_id = local[cls.sourced_id]
            await tx.conn.execute(update(spaces).where(spaces.c.id == space_id)
                                  .values(name=cls.title, org_id=org_ids[cls.school]))
            result.updated["classes"] += 1
        else:
            local[cls.sourced_id] = await actions.insert_space(tx, kind="course", name=cls.title,
                                                               org_id=org_ids[cls.school])
            result.created["classes"] += 1
        if cls.deleted:
            members = (await tx.conn.execute(select(space_members.c.user_id).where(
                space_members.c.space_id == local[cls.sourced_id]))).scalars().all()
            for user_id in members:
                await actions.unenroll(tx, services, local[cls.sourced_id], user_id, by=by)
            result.deactivated["classes"] += 1
    await _remember(tx, "class", [{"sourced_id": c.sourced_id, "local_id": local[c.sourced_id], "deleted": c.deleted}
                                  for c in roster.classes])
    return local


async def _apply_enrollments(tx: Tx, services: Services, roster: Roster, mapping: _Mapping,
                             user_ids: dict[str, int], space_ids: dict[str, int], result: Imported,
                             by: int | None, progress: Progress) -> None:
    """End enrollments that moved, were deleted or (bulk) disappeared; then enrol everyone listed, per class."""
    before = mapping.ids.get("enrollment", {})
    users_of = {s: ids[0] for s, ids in mapping.ids.get("user", {}).items()} | user_ids
    spaces_of = {s: ids[0] for s, ids in mapping.ids.get("class", {}).items()} | space_ids
    deleted_classes = {c.sourced_id for c in roster.classes if c.deleted}
    wanted: dict[str, tuple[int, int, str]] = {}  # sourcedId -> (space, user, role)
    for enrollment in roster.enrollments:
        if not enrollment.deleted and enrollment.class_id not in deleted_classes:
            wanted[enrollment.sourced_id] = (spaces_of[enrollment.class_id], users_of[enrollment.user],  # type: ignore[assignment]
                                             enrollment.role)
    listed = {e.sourced_id for e in roster.enrollments}
    bulk = roster.modes.get("enrollments") == "bulk"
    keep = {(space, user) for space, user, _ in wanted.values()}
    ending = [(sourced_id, space, user) for sourced_id, (user, space) in before.items()
              if (sourced_id in listed or bulk) and sourced_id not in wanted or
              (sourced_id in wanted and wanted[sourced_id][:2] != (space, user))]
    for sourced_id, space, user in ending:
        if space is not None and user is not None and (space, user) not in keep:
            await actions.unenroll(tx, services, space, user, by=by)
        result.deactivated["enrollments"] += sourced_id not in wanted
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for space, user, role in wanted.values():
        groups[(space, role)].append(user)
    current = set((await tx.conn.execute(select(space_members.c.space_id, space_members.c.user_id,
                                                space_members.c.role))).all())
    total = len(groups)
    for done, ((space, role), members) in enumerate(sorted(groups.items()), 1):
        joining = [user for user in dict.fromkeys(members) if (space, user, role) not in current]
        if joining:
            await actions.enroll(tx, services, space, joining, role, by=by)
        if done % 50 == 0:
            progress("enrollments", done, total)
    result.created["enrollments"] += sum(1 for s in wanted if s not in before)
    result.updated["enrollments"] += sum(1 for s in wanted if s in before)
    await _remember(tx, "enrollment", [
        {"sourced_id": e.sourced_id, "deleted": e.sourced_id not in wanted,
         "local_id": users_of.get(e.user), "parent_id": spaces_of.get(e.class_id)} for e in roster.enrollments])
    if bulk:
        gone = [s for s in before if s not in listed]
        for chunk in range(0, len(gone), 500):
            await tx.conn.execute(update(roster_ids).where(roster_ids.c.kind == "enrollment",
                                                           roster_ids.c.sourced_id.in_(gone[chunk:chunk + 500]))
                                  .values(deleted=True))
    progress("enrollments", total, total)
