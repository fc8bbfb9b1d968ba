"""Reads for retention: the periods in force per org, and what a run over an org (and all below it) removes.

The decisions are ``policy.retention``'s; this module turns them into one condition on messages (and one on
reports) for a run judged ``as_of`` a fixed moment, so a dry run counts exactly what the run then removes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.conversations.models import conversations
from schoolchat.db.expressions import among
from schoolchat.messages.models import messages
from schoolchat.moderation.models import reports
from schoolchat.people.models import org_roles, spaces
from schoolchat.people.reach import OrgTree, org_tree
from schoolchat.policy.privacy import CLOSED
from schoolchat.policy.retention import (
    CONVERSATION_KINDS,
    Band,
    Days,
    Kind,
    Setting,
    bands,
    in_force,
    report_removable,
)
from schoolchat.privacy.models import retention_settings

COUNTED = ("course", "project", "direct", "group", "individual", "mass", "reports")  # what a run counts


async def settings_by_org(conn: AsyncConnection) -> dict[int, Setting]:
    """Every org's own settings (kinds it has set)."""
    found: dict[int, dict[Kind, int | None]] = {}
    for org_id, kind, days in await conn.execute(
        select(retention_settings.c.org_id, retention_settings.c.kind, retention_settings.c.days)
    ):
        found.setdefault(org_id, {})[Kind(kind)] = days
    return {org_id: kinds for org_id, kinds in found.items()}


@dataclass(frozen=True)
class Policies:
    """The org tree and every org's own settings, read once, with the period in force in each org and its bands
    worked out once per kind: what all the runs of a round (the daily round over every top org, the job's
    batches) are judged by. Worked out again for each run, the daily round cost O(top orgs × orgs) on the event
    loop: 300 municipalities over 3,000 schools held it for over half a minute."""

    tree: OrgTree
    periods: Mapping[Kind, Mapping[int, Days]]  # per kind, the period in force in every org
    bands: Mapping[Kind, list[Band]]  # per kind, ``policy.retention.bands`` over those periods
    children: Mapping[int | None, list[int]]  # the orgs right under each org (None: the top orgs)

    @classmethod
    def of(cls, tree: OrgTree, settings: Mapping[int, Setting]) -> Policies:
        periods = {
            kind: {org: in_force(tree.chain(org), settings, kind).days for org in tree.parent}
            for kind in Kind
        }
        children: dict[int | None, list[int]] = {}
        for org, parent in tree.parent.items():
            children.setdefault(parent, []).append(org)
        return cls(tree, periods, {kind: bands(found) for kind, found in periods.items()}, children)

    def below(self, org_id: int) -> list[int]:
        """The org and every org under it."""
        found, waiting = {org_id} if org_id in self.tree.parent else set(), [org_id]
        while waiting:
            for child in self.children.get(waiting.pop(), []):
                if child not in found:  # a loop in the hierarchy ends once its orgs repeat
                    found.add(child)
                    waiting.append(child)
        return sorted(found)


async def policies(conn: AsyncConnection) -> Policies:
    return Policies.of(await org_tree(conn), await settings_by_org(conn))


@dataclass(frozen=True)
class Run:
    """What a run over ``orgs`` (an org and all below it) removes, judged at ``as_of``."""

    policies: Policies
    orgs: Sequence[int]
    as_of: datetime
    hold_days: int

    def people(self, person: Any, band: Band) -> ColumnElement[bool]:
        """``person`` (a column) has a role in this run's orgs and falls in ``band``."""

        def role_in(orgs: Iterable[int]) -> Any:
            return person.in_(select(org_roles.c.user_id).where(among(org_roles.c.org_id, orgs)))

        condition = and_(role_in(self.orgs), role_in(band.orgs))
        return and_(condition, ~role_in(band.longer)) if band.longer else condition

    def messages_due(self) -> ColumnElement[bool]:
        """Messages with content that this run removes (over ``messages`` joined with their conversation and,
        outer, its space)."""
        due: list[ColumnElement[bool]] = []
        space_periods = self.policies.periods[Kind.SPACE_MESSAGES]
        for band in bands({org: space_periods[org] for org in self.orgs}):
            due.append(
                and_(
                    conversations.c.kind.in_(CONVERSATION_KINDS[Kind.SPACE_MESSAGES]),
                    among(spaces.c.org_id, band.orgs),
                    spaces.c.ends_on < self.as_of.date() - timedelta(days=band.days),
                )
            )
        for kind in (Kind.CONVERSATION_MESSAGES, Kind.MASS_MESSAGES):
            for band in self.policies.bands[kind]:
                due.append(
                    and_(
                        conversations.c.kind.in_(CONVERSATION_KINDS[kind]),
                        messages.c.created_at < self.as_of - timedelta(days=band.days),
                        self.people(messages.c.sender_id, band),
                    )
                )
        return and_(messages.c.deleted_at.is_(None), or_(false(), *due))


def _messages_with_kind() -> Any:
    return messages.join(conversations, conversations.c.id == messages.c.conversation_id).outerjoin(
        spaces, spaces.c.id == conversations.c.space_id
    )


def run_over(policies: Policies, org_id: int, as_of: datetime, hold_days: int) -> Run:
    return Run(policies, policies.below(org_id), as_of, hold_days)


async def count_messages(conn: AsyncConnection, run: Run) -> dict[str, int]:
    """How many messages the run removes, per conversation kind."""
    rows = await conn.execute(
        select(conversations.c.kind, func.count())
        .select_from(_messages_with_kind())
        .where(run.messages_due())
        .group_by(conversations.c.kind)
    )
    return {kind: count for kind, count in rows}


async def next_messages(conn: AsyncConnection, run: Run, size: int) -> list[int]:
    return list(
        (
            await conn.execute(
                select(messages.c.id)
                .select_from(_messages_with_kind())
                .where(run.messages_due())
                .order_by(messages.c.id)
                .limit(size)
            )
        ).scalars()
    )


async def kinds_of(conn: AsyncConnection, message_ids: Sequence[int]) -> list[str]:
    """The conversation kind of each of these messages."""
    return list(
        (
            await conn.execute(
                select(conversations.c.kind)
                .select_from(_messages_with_kind())
                .where(messages.c.id.in_(sorted(message_ids)))
            )
        ).scalars()
    )


async def reports_due(conn: AsyncConnection, run: Run) -> list[int]:
    """The closed reports the run removes: made by someone under a period that has passed since the report was
    closed, and whose legal hold has passed too."""
    due: list[int] = []
    for band in run.policies.bands[Kind.CLOSED_REPORTS]:
        rows = await conn.execute(
            select(reports.c.id, reports.c.status, reports.c.reviewed_at).where(
                reports.c.status.in_(CLOSED),
                reports.c.reviewed_at < run.as_of - timedelta(days=band.days),
                run.people(reports.c.reporter_id, band),
            )
        )
        due += [
            row.id
            for row in rows
            if report_removable(row.status, row.reviewed_at, band.days, run.hold_days, run.as_of)
        ]
    return sorted(due)


async def counts(conn: AsyncConnection, run: Run) -> dict[str, int]:
    """What the run removes: messages per conversation kind, and closed reports (every kind named, 0 or more)."""
    found = await count_messages(conn, run)
    return {kind: found.get(kind, 0) for kind in COUNTED[:-1]} | {
        "reports": len(await reports_due(conn, run))
    }
