"""Building blocks of people's writes: each takes the caller's ``Tx`` and never commits (also used by the demo
seed, the roster import and the command line). ``administration.actions`` holds the public actions.

Enrolment drives conversation membership: joining a course or project joins its live conversation, leaving it
leaves the conversation, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError

from schoolchat.auth.actions import revoke_all
from schoolchat.conversations import queries as conversation_queries
from schoolchat.conversations import writes as conversation_writes
from schoolchat.db import Tx
from schoolchat.db.engine import is_unique_violation
from schoolchat.db.types import utcnow
from schoolchat.db.upsert import upsert
from schoolchat.errors import ApiError
from schoolchat.i18n.catalog import text
from schoolchat.people.models import org_roles, orgs, space_members, spaces, users
from schoolchat.validation import display_name


@dataclass(frozen=True, slots=True)
class NewUser:
    username: str
    password_hash: str
    name: str
    title: str = ""
    avatar_url: str | None = None
    email: str | None = None
    is_active: bool = True


def user_fields(values: dict[str, Any]) -> dict[str, Any]:
    """A person's fields as stored: names checked as every shown name is, the email lower-cased."""
    values = dict(values)
    if "name" in values:
        values["name"] = display_name(values["name"], "name")
    if "title" in values:
        values["title"] = display_name(values["title"], "title") if values["title"] else ""
    if values.get("email"):
        values["email"] = values["email"].lower()
    return values


async def insert_users(tx: Tx, people: Sequence[NewUser]) -> list[int]:
    """Make accounts, in one statement however many (the roster import's batches); their ids in order."""
    if not people:
        return []
    now = utcnow()
    rows = [
        user_fields(
            {
                "username": person.username,
                "password_hash": person.password_hash,
                "name": person.name,
                "title": person.title,
                "avatar_url": person.avatar_url,
                "email": person.email or None,
                "is_active": person.is_active,
                "created_at": now,
            }
        )
        for person in people
    ]
    try:
        async with tx.conn.begin_nested():
            made = await tx.conn.execute(
                insert(users).returning(users.c.id, sort_by_parameter_order=True), rows
            )
            return list(made.scalars())
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise ApiError(
                409, "username_taken", text("people.username_taken"), {"field": "username"}
            ) from exc
        raise


async def insert_user(
    tx: Tx,
    *,
    username: str,
    password_hash: str,
    name: str,
    title: str = "",
    avatar_url: str | None = None,
    email: str | None = None,
) -> int:
    (user_id,) = await insert_users(tx, [NewUser(username, password_hash, name, title, avatar_url, email)])
    return user_id


async def change_user(tx: Tx, user_id: int, values: dict[str, Any]) -> None:
    """Write a person's changed fields. Switching ``is_active`` off ends their sessions (``deactivate``); a new
    ``password_hash`` ends them too."""
    values = user_fields(values)
    deactivating = values.get("is_active") is False
    written = {key: value for key, value in values.items() if not (deactivating and key == "is_active")}
    if written:
        await tx.conn.execute(update(users).where(users.c.id == user_id).values(**written))
    if deactivating:
        await deactivate(tx, [user_id])
    elif "password_hash" in values:
        await revoke_all(tx, user_id)


async def insert_org(tx: Tx, *, name: str, kind: str, parent_id: int | None) -> int:
    org_id: int = (
        await tx.conn.execute(
            insert(orgs)
            .values(name=display_name(name, "name", 200), kind=kind, parent_id=parent_id)
            .returning(orgs.c.id)
        )
    ).scalar_one()
    return org_id


async def change_org(tx: Tx, org_id: int, values: dict[str, Any]) -> None:
    """Write an org's changed fields (its name checked as every shown name is)."""
    if "name" in values:
        values = {**values, "name": display_name(values["name"], "name", 200)}
    if values:
        await tx.conn.execute(update(orgs).where(orgs.c.id == org_id).values(**values))


async def put_roles(tx: Tx, roles: Sequence[tuple[int, int, str]]) -> None:
    """Give each (user, org, role), replacing the role the person held in that org."""
    await upsert(
        tx.conn,
        org_roles,
        [{"user_id": user_id, "org_id": org_id, "role": role} for user_id, org_id, role in roles],
        key=["user_id", "org_id"],
        update=["role"],
    )


async def put_role(tx: Tx, user_id: int, org_id: int, role: str) -> None:
    await put_roles(tx, [(user_id, org_id, role)])


async def drop_roles(tx: Tx, user_ids: Sequence[int], org_ids: Sequence[int]) -> None:
    """Take away every role these people hold in these orgs."""
    await tx.conn.execute(
        delete(org_roles).where(org_roles.c.user_id.in_(user_ids), org_roles.c.org_id.in_(org_ids))
    )


async def insert_space(tx: Tx, *, kind: str, name: str, org_id: int, description: str = "") -> int:
    space_id: int = (
        await tx.conn.execute(
            insert(spaces)
            .values(kind=kind, name=display_name(name, "name", 200), org_id=org_id, description=description)
            .returning(spaces.c.id)
        )
    ).scalar_one()
    return space_id


async def change_space(tx: Tx, space_id: int, values: dict[str, Any], *, by: int | None) -> None:
    """Write a course's or project's changed fields; a new name renames its live conversation too."""
    if "name" in values:
        values = {**values, "name": display_name(values["name"], "name", 200)}
    if values:
        await tx.conn.execute(update(spaces).where(spaces.c.id == space_id).values(**values))
    live = await conversation_queries.live_space_conversation(tx.conn, space_id)
    if live is not None and "name" in values and live.name != values["name"]:
        await conversation_writes.set_name(tx, live.id, values["name"], by=by)


async def enroll(tx: Tx, space_id: int, user_ids: list[int], role: str, *, by: int | None) -> None:
    """Put people in a course or project (or change their role); they join its live conversation at once."""
    await upsert(
        tx.conn,
        space_members,
        [{"space_id": space_id, "user_id": user_id, "role": role} for user_id in user_ids],
        key=["space_id", "user_id"],
        update=["role"],
    )
    live = await conversation_queries.live_space_conversation(tx.conn, space_id)
    if live is not None:
        await conversation_writes.add_members(tx, live.id, user_ids, by=by, now=utcnow())


async def unenroll(tx: Tx, space_id: int, user_id: int, *, by: int | None) -> None:
    """Take someone out of a course or project; they leave its live conversation at once."""
    await tx.conn.execute(
        delete(space_members).where(space_members.c.space_id == space_id, space_members.c.user_id == user_id)
    )
    live = await conversation_queries.live_space_conversation(tx.conn, space_id)
    if live is not None:
        await conversation_writes.remove_members(
            tx, live.id, [user_id], by=by, reason="unenrolled", now=utcnow()
        )


async def deactivate(tx: Tx, user_ids: Sequence[int]) -> list[int]:
    """The one way a person stops being able to use the service (an admin's switch, the roster import): marked
    inactive, every session ended, so their sockets close at once in every process. Returns who was active."""
    ended: list[int] = []
    for chunk in range(0, len(user_ids), 500):
        ended += (
            (
                await tx.conn.execute(
                    update(users)
                    .where(users.c.id.in_(user_ids[chunk : chunk + 500]), users.c.is_active.is_(True))
                    .values(is_active=False)
                    .returning(users.c.id)
                )
            )
            .scalars()
            .all()
        )
    for user_id in ended:
        await revoke_all(tx, user_id)
    return ended
