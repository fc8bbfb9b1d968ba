"""Public actions on people, organisations, courses and projects: each takes ``services`` and opens its own
transaction. The building blocks they compose, which take a ``Tx``, are in ``administration.writes``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update

from schoolchat import audit
from schoolchat.administration import writes
from schoolchat.auth.actor import Actor
from schoolchat.auth.passwords import hash_off_loop
from schoolchat.db import Tx
from schoolchat.errors import not_found
from schoolchat.people import queries
from schoolchat.people.models import communication_rules, org_roles, users
from schoolchat.policy.admin import may_administer_user, may_enrol, may_grant
from schoolchat.policy.decision import require
from schoolchat.policy.working_hours import WorkingHours, may_set_working_hours
from schoolchat.services import Services


async def _require_org_admin(tx: Tx, actor: Actor, org_id: int, what: str = "organisation") -> None:
    await queries.require_administered(tx.conn, actor.roles, org_id, what)


async def _require_user_admin(tx: Tx, actor: Actor, user_id: int) -> None:
    require(may_administer_user(actor.roles, await queries.user_org_chains(tx.conn, user_id)))


async def _require_grantor(tx: Tx, actor: Actor, user_id: int) -> None:
    require(may_grant(actor.id, actor.roles, user_id, await queries.user_org_chains(tx.conn, user_id)))


async def _space_org(tx: Tx, space_id: int) -> int:
    org_id = await queries.space_org(tx.conn, space_id)
    if org_id is None:
        raise not_found("course or project")
    return org_id


async def create_org(services: Services, actor: Actor, *, name: str, kind: str, parent_id: int) -> int:
    async with services.db.write() as tx:
        await _require_org_admin(tx, actor, parent_id)
        return await writes.insert_org(tx, name=name, kind=kind, parent_id=parent_id)


# Changes an administrator makes that govern who may talk: each is written to the audit log.
AUDITED_SWITCHES = ("messaging_disabled", "mass_messaging", "is_active")
# What only another administrator may give or take away (``policy.admin.may_grant``); roles are the other part.
PRIVILEGES = frozenset({"mass_messaging"})


async def _orgs_of(tx: Tx, user_id: int) -> list[int]:
    """The orgs a person holds a role in: whose admins read the audit rows about them."""
    return [chain[0] for chain in await queries.user_org_chains(tx.conn, user_id) if chain]


async def _audit_switches(
    tx: Tx, actor: Actor, object_type: str, object_id: int, org_ids: list[int], values: dict[str, Any]
) -> None:
    for switch in AUDITED_SWITCHES:
        if switch in values:
            await audit.record(
                tx,
                actor,
                f"{object_type}.{switch}",
                object_type,
                object_id,
                org_ids=org_ids,
                details={switch: values[switch]},
            )


async def update_org(services: Services, actor: Actor, org_id: int, changes: dict[str, Any]) -> None:
    """Rename an org, set its time zone, or switch messaging off (or on) for everyone with a role in it or below
    it (§6.4)."""
    async with services.db.write() as tx:
        await _require_org_admin(tx, actor, org_id)
        await writes.change_org(tx, org_id, changes)
        await _audit_switches(tx, actor, "org", org_id, [org_id], changes)


async def create_user(
    services: Services,
    actor: Actor,
    *,
    username: str,
    email: str | None,
    password: str,
    name: str,
    title: str,
    avatar_url: str | None,
    org_id: int,
    role: str,
) -> int:
    async with services.db.read() as conn:  # refuse strangers before spending a password hash on them
        await queries.require_administered(conn, actor.roles, org_id)
    password_hash = await hash_off_loop(password, concurrency=services.settings.password_hash_concurrency)
    async with services.db.write() as tx:
        await _require_org_admin(tx, actor, org_id)
        user_id = await writes.insert_user(
            tx,
            username=username,
            password_hash=password_hash,
            name=name,
            title=title,
            avatar_url=avatar_url,
            email=email,
        )
        await writes.put_role(tx, user_id, org_id, role)
        await _audit_role(tx, actor, user_id, org_id, role, None)
        return user_id


async def update_user(services: Services, actor: Actor, user_id: int, changes: dict[str, Any]) -> None:
    """Change profile fields, the messaging switch (§6.4), the mass messaging privilege, password or activity."""
    values = writes.user_fields(changes)
    if "password" in values:
        async with services.db.read() as conn:  # refuse strangers before spending a password hash on them
            require(may_administer_user(actor.roles, await queries.user_org_chains(conn, user_id)))
        values["password_hash"] = await hash_off_loop(
            values.pop("password"), concurrency=services.settings.password_hash_concurrency
        )
    async with services.db.write() as tx:
        await (_require_grantor if PRIVILEGES.intersection(values) else _require_user_admin)(
            tx, actor, user_id
        )
        await writes.change_user(tx, user_id, values)
        await _audit_switches(tx, actor, "user", user_id, await _orgs_of(tx, user_id), values)


async def set_working_hours(services: Services, actor: Actor, hours: WorkingHours | None) -> None:
    """A teacher's own working hours (``None`` clears them)."""
    require(may_set_working_hours(is_staff=actor.is_staff))
    async with services.db.write() as tx:
        await tx.conn.execute(
            update(users)
            .where(users.c.id == actor.id)
            .values(working_hours=hours.stored() if hours is not None else None)
        )


async def set_language(services: Services, actor: Actor, language: str | None) -> None:
    """A person's own language (``None``: follow the school's default, else the browser). Anyone signed in may
    choose theirs, messaging disabled or not."""
    async with services.db.write() as tx:
        await tx.conn.execute(update(users).where(users.c.id == actor.id).values(language=language))


async def set_role(services: Services, actor: Actor, user_id: int, org_id: int, role: str | None) -> None:
    """Give someone a role in an org the actor administers, or (``None``) take it away."""
    async with services.db.write() as tx:
        await _require_org_admin(tx, actor, org_id)
        await _require_grantor(tx, actor, user_id)
        before = (
            await tx.conn.execute(
                select(org_roles.c.role).where(org_roles.c.user_id == user_id, org_roles.c.org_id == org_id)
            )
        ).scalar_one_or_none()
        if role == before:
            return
        if role is None:
            await writes.drop_roles(tx, [user_id], [org_id])
        else:
            await writes.put_role(tx, user_id, org_id, role)
        await _audit_role(tx, actor, user_id, org_id, role, before)


async def _audit_role(
    tx: Tx, actor: Actor, user_id: int, org_id: int, role: str | None, before: str | None
) -> None:
    """Every role given or taken away is in the audit log, readable by the admins of that org and the person's."""
    await audit.record(
        tx,
        actor,
        "user.role_revoked" if role is None else "user.role_granted",
        "user",
        user_id,
        org_ids=[org_id, *await _orgs_of(tx, user_id)],
        details={"org_id": org_id, "role": role, "previous": before},
    )


async def create_space(
    services: Services, actor: Actor, *, kind: str, name: str, org_id: int, description: str
) -> int:
    async with services.db.write() as tx:
        await _require_org_admin(tx, actor, org_id)
        return await writes.insert_space(tx, kind=kind, name=name, org_id=org_id, description=description)


async def update_space(services: Services, actor: Actor, space_id: int, changes: dict[str, Any]) -> None:
    """Rename a course or project (its conversation follows), switch its conversation's messaging off (§6.4), or
    set the day it ended (retention counts from it; audited)."""
    async with services.db.write() as tx:
        org_id = await _space_org(tx, space_id)
        await _require_org_admin(tx, actor, org_id, "course or project")
        await writes.change_space(tx, space_id, changes, by=actor.id)
        await _audit_switches(tx, actor, "space", space_id, [org_id], changes)
        if "ends_on" in changes:
            ends_on = changes["ends_on"]
            await audit.record(
                tx,
                actor,
                "space.ends_on",
                "space",
                space_id,
                org_ids=[org_id],
                details={"ends_on": ends_on.isoformat() if ends_on else None},
            )


async def set_rules(services: Services, actor: Actor, org_id: int, rules: list[tuple[str, str, str]]) -> None:
    """Replace an org's communication rules (§7.1); an org without rules follows its parent's, or the defaults."""
    async with services.db.write() as tx:
        await _require_org_admin(tx, actor, org_id)
        await tx.conn.execute(delete(communication_rules).where(communication_rules.c.org_id == org_id))
        if rules:
            await tx.conn.execute(
                insert(communication_rules),
                [
                    {"org_id": org_id, "sender_role": sender, "recipient_role": recipient, "scope": scope}
                    for sender, recipient, scope in rules
                ],
            )
        await audit.record(
            tx,
            actor,
            "rules.changed",
            "org",
            org_id,
            org_ids=[org_id],
            details={"rules": [list(rule) for rule in rules]},
        )


async def set_space_member(
    services: Services, actor: Actor, space_id: int, user_id: int, role: str | None
) -> None:
    """Enrol someone in a course or project with a role, or (``None``) take them out."""
    async with services.db.write() as tx:
        await _require_org_admin(tx, actor, await _space_org(tx, space_id), "course or project")
        require(may_enrol(actor.roles, await queries.user_org_chains(tx.conn, user_id)))
        if role is None:
            await writes.unenroll(tx, space_id, user_id, by=actor.id)
        else:
            await writes.enroll(tx, space_id, [user_id], role, by=actor.id)
