"""Building blocks of people's writes: each takes the caller's ``Tx`` and never commits (also used by the demo
seed, the roster import and the command line). ``people.actions`` holds the public actions.

Enrolment drives conversation membership: joining a course or project joins its live conversation, leaving it
leaves the conversation, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

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
from schoolchat.people.models import org_roles, orgs, space_members, spaces, users
from schoolchat.validation import display_name


async def insert_user(tx: Tx, *, username: str, password_hash: str, name: str, title: str = "",
                      avatar_url: str | None = None, email: str | None = None) -> int:
    try:
        async with tx.conn.begin_nested():
            user_id: int = (await tx.conn.execute(insert(users).values(
                username=username, password_hash=password_hash, name=display_name(name, "name"),
                title=display_name(title, "title") if title else "", avatar_url=avatar_url,
                email=email.lower() if email else None,
                created_at=utcnow(),
            ).returning(users.c.id))).scalar_one()
            return user_id
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise ApiError(409, "username_taken", "This username is already taken.", {"field": "username"}) from exc
        raise


async def insert_org(tx: Tx, *, name: str, kind: str, parent_id: int | None) -> int:
    org_id: int = (await tx.conn.execute(insert(orgs).values(
        name=display_name(name, "name", 200), kind=kind, parent_id=parent_id).returning(orgs.c.id))).scalar_one()
    return org_id


async def put_role(tx: Tx, user_id: int, org_id: int, role: str) -> None:
    await upsert(tx.conn, org_roles, [{"user_id": user_id, "org_id": org_id, "role": role}],
                 key=["user_id", "org_id"], update=["role"])


async def insert_space(tx: Tx, *, kind: str, name: str, org_id: int, description: str = "") -> int:
    space_id: int = (await tx.conn.execute(insert(spaces).values(
        kind=kind, name=display_name(name, "name", 200), org_id=org_id, description=description)
        .returning(spaces.c.id))).scalar_one()
    return space_id


async def enroll(tx: Tx, space_id: int, user_ids: list[int], role: str, *,
                 by: int | None) -> None:
    """Put people in a course or project (or change their role); they join its live conversation at once."""
    await upsert(tx.conn, space_members, [{"space_id": space_id, "user_id": user_id, "role": role}
                                          for user_id in user_ids],
                 key=["space_id", "user_id"], update=["role"])
    live = await conversation_queries.live_space_conversation(tx.conn, space_id)
    if live is not None:
        await conversation_writes.add_members(tx, live.id, user_ids, by=by, now=utcnow())


async def unenroll(tx: Tx, space_id: int, user_id: int, *, by: int | None) -> None:
    """Take someone out of a course or project; they leave its live conversation at once."""
    await tx.conn.execute(delete(space_members).where(space_members.c.space_id == space_id,
                                                      space_members.c.user_id == user_id))
    live = await conversation_queries.live_space_conversation(tx.conn, space_id)
    if live is not None:
        await conversation_writes.remove_members(tx, live.id, [user_id], by=by, reason="unenrolled",
                                                  now=utcnow())


async def deactivate(tx: Tx, user_ids: Sequence[int]) -> list[int]:
    """The one way a person stops being able to use the service (an admin's switch, the roster import): marked
    inactive, every session ended, so their sockets close at once in every process. Returns who was active."""
    ended: list[int] = []
    for chunk in range(0, len(user_ids), 500):
        ended += (await tx.conn.execute(
            update(users).where(users.c.id.in_(user_ids[chunk:chunk + 500]), users.c.is_active.is_(True))
            .values(is_active=False).returning(users.c.id))).scalars().all()
    for user_id in ended:
        await revoke_all(tx, user_id)
    return ended
