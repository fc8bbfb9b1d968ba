"""What a send says, read from the current rows when it goes out (never from a copy made earlier).

So a message read meanwhile is not announced, a deleted one neither counts nor shows, a conversation muted or
left is left out, and a person whose messaging was switched off or who turned emails off gets nothing. Message
text appears only when the school switched it on, and only the newest unread message's (never a deleted one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.conversations import queries as conversation_queries
from schoolchat.conversations.models import conversations, memberships
from schoolchat.messages.models import messages
from schoolchat.moderation.models import report_reviewers, reports
from schoolchat.notifications import queries
from schoolchat.people.models import users
from schoolchat.people.reach import disabled_among, org_tree

TEXT_EXCERPT = 500  # characters of message text, when the school shows it


@dataclass(frozen=True)
class Entry:
    conversation_id: int
    name: str
    senders: list[str]  # who wrote the unread messages, newest first
    unread: int
    text: str | None  # the newest unread message's text, only when the school shows text


@dataclass(frozen=True)
class Digest:
    user_id: int
    name: str
    email: str | None
    entries: list[Entry]
    alerts: int = 0  # safeguarding alerts (self-harm concerns) waiting in the person's Reports

    @property
    def unread(self) -> int:
        return sum(entry.unread for entry in self.entries)


async def compose(
    conn: AsyncConnection,
    user_id: int,
    channel: str,
    conversation_ids: Sequence[int],
    report_ids: Sequence[int] = (),
) -> Digest | None:
    """The digest for one person over these conversations and safeguarding alerts (reports they still review
    that are not closed), or None when nothing is left to tell them."""
    person = (
        await conn.execute(
            select(users.c.name, users.c.email, users.c.is_active).where(users.c.id == user_id)
        )
    ).first()
    tree = await org_tree(conn)
    if person is None or not person.is_active or await disabled_among(conn, [user_id], tree):
        return None
    held = await queries.roles_of(conn, [user_id])
    school = queries.settings_for(
        tree, await queries.settings_rows(conn), [org for org, _ in held.get(user_id, [])]
    )
    if channel == "email" and (
        not person.email or (await queries.own_preference(conn, user_id) or school.email_default) == "off"
    ):
        return None
    rows = (
        await conn.execute(
            select(conversations, memberships.c.last_read_seq, memberships.c.formal, memberships.c.muted)
            .join(memberships, memberships.c.conversation_id == conversations.c.id)
            .where(
                memberships.c.user_id == user_id,
                memberships.c.active.is_(True),
                memberships.c.muted.is_(False),
                conversations.c.id.in_(sorted(set(conversation_ids))),
            )
            .order_by(conversations.c.last_activity_at.desc(), conversations.c.id.desc())
        )
    ).all()
    names = await conversation_queries.display_names(conn, rows, user_id)
    entries = []
    for row in rows:
        unread = (
            messages.c.conversation_id == row.id,
            messages.c.seq > row.last_read_seq,
            messages.c.sender_id != user_id,
            messages.c.deleted_at.is_(None),
        )
        count = (await conn.execute(select(func.count()).select_from(messages).where(*unread))).scalar_one()
        if not count:
            continue
        newest = (
            await conn.execute(
                select(users.c.name, messages.c.body)
                .join(users, users.c.id == messages.c.sender_id)
                .where(*unread)
                .order_by(messages.c.seq.desc())
                .limit(50)
            )
        ).all()
        senders = list(dict.fromkeys(name for name, _ in newest))[:3]
        text = newest[0].body[:TEXT_EXCERPT] if school.include_text and newest[0].body else None
        entries.append(Entry(row.id, names[row.id], senders, count, text))
    alerts = await _open_alerts(conn, user_id, report_ids)
    if not entries and not alerts:
        return None
    return Digest(user_id, person.name, person.email, entries, alerts)


async def _open_alerts(conn: AsyncConnection, user_id: int, report_ids: Sequence[int]) -> int:
    if not report_ids:
        return 0
    return int(
        (
            await conn.execute(
                select(func.count())
                .select_from(reports)
                .join(report_reviewers, report_reviewers.c.report_id == reports.c.id)
                .where(
                    reports.c.id.in_(sorted(set(report_ids))),
                    report_reviewers.c.user_id == user_id,
                    reports.c.status.in_(("open", "escalated")),
                )
            )
        ).scalar_one()
    )
