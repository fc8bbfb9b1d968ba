"""The access/portability export of one person (GDPR Art. 15 and 20): one JSON document and their files, as a zip.

The document follows ``export-schema.json`` (published at ``GET /api/privacy/export-schema.json``). Other people's
messages are included only as the person can read them in the app: every message of a conversation they are an
active member of (the app shows a member the whole history; someone who left reads nothing of it any more), and
nothing from a conversation they are not in. The person's own messages come with their earlier versions (the edit
history, ``message_versions``); other people's do not, as the app shows nobody those. Deleted messages have no
content, so none is exported.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from schoolchat.attachments import queries as attachment_queries
from schoolchat.attachments.models import attachments
from schoolchat.attachments.storage import Storage
from schoolchat.conversations import queries as conversation_queries
from schoolchat.conversations.models import conversations, memberships
from schoolchat.messages import versions
from schoolchat.messages.models import messages
from schoolchat.moderation.models import audit_log, reports
from schoolchat.people.models import org_roles, orgs, space_members, spaces, users
from schoolchat.wire import timestamp

SCHEMA_PATH = Path(__file__).with_name("export-schema.json")
SCHEMA_VERSION = 2  # 2: each sent message has its earlier ``versions``
READ_CHUNK = 64 * 1024


def _at(value: Any) -> str | None:
    return timestamp(value) if value is not None else None


async def document(conn: AsyncConnection, user_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The export's JSON document, and the files it names (each with its ``path`` in the zip and storage key)."""
    person = (await conn.execute(select(users).where(users.c.id == user_id))).one()
    roles = (
        await conn.execute(
            select(org_roles.c.org_id, orgs.c.name, org_roles.c.role)
            .join(orgs, orgs.c.id == org_roles.c.org_id)
            .where(org_roles.c.user_id == user_id)
            .order_by(org_roles.c.org_id)
        )
    ).all()
    enrolments = (
        await conn.execute(
            select(spaces.c.id, spaces.c.kind, spaces.c.name, space_members.c.role)
            .join(spaces, spaces.c.id == space_members.c.space_id)
            .where(space_members.c.user_id == user_id)
            .order_by(spaces.c.id)
        )
    ).all()
    joined = (
        await conn.execute(
            select(memberships, conversations.c.id, conversations.c.kind, conversations.c.name)
            .join(conversations, conversations.c.id == memberships.c.conversation_id)
            .where(memberships.c.user_id == user_id)
            .order_by(memberships.c.conversation_id)
        )
    ).all()
    names = await conversation_queries.display_names(conn, joined, user_id)  # as in the person's own list
    readable = [row.conversation_id for row in joined if row.active]
    rows = (
        await conn.execute(
            select(messages, users.c.name.label("sender_name"))
            .join(users, users.c.id == messages.c.sender_id)
            .where(
                messages.c.deleted_at.is_(None),
                or_(messages.c.sender_id == user_id, messages.c.conversation_id.in_(readable)),
            )
            .order_by(messages.c.conversation_id, messages.c.seq)
        )
    ).all()
    own = [row.id for row in rows if row.sender_id == user_id]
    files_of = await attachment_queries.for_messages(conn, own)
    earlier = await versions.of_messages(conn, own)
    files: list[dict[str, Any]] = []
    sent, others = [], []
    for row in rows:
        entry = {
            "id": row.id,
            "conversation_id": row.conversation_id,
            "seq": row.seq,
            "created_at": _at(row.created_at),
            "edited_at": _at(row.edited_at),
            "body": row.body,
        }
        if row.sender_id == user_id:
            attached = [
                {
                    "id": file["id"],
                    "name": file["name"],
                    "size": file["size"],
                    "content_type": file["content_type"],
                    "path": f"files/{file['id']}/{file['name']}",
                }
                for file in files_of.get(row.id, [])
            ]
            files.extend(attached)
            sent.append({**entry, "files": attached, "versions": earlier.get(row.id, [])})
        else:
            others.append({**entry, "sender_name": row.sender_name})
    made = (
        await conn.execute(
            select(
                reports.c.id,
                reports.c.conversation_id,
                reports.c.message_id,
                reports.c.reason,
                reports.c.status,
                reports.c.created_at,
            )
            .where(reports.c.reporter_id == user_id)
            .order_by(reports.c.id)
        )
    ).all()
    audited = (
        await conn.execute(
            select(audit_log)
            .where(
                or_(
                    audit_log.c.actor_id == user_id,
                    (audit_log.c.object_type == "user") & (audit_log.c.object_id == user_id),
                )
            )
            .order_by(audit_log.c.id)
        )
    ).all()
    unique = list(
        {file["id"]: file for file in files}.values()
    )  # a file sent in several messages is one file
    keys = await _storage_keys(conn, [file["id"] for file in unique])
    return {
        "schema_version": SCHEMA_VERSION,
        "profile": {
            "id": person.id,
            "username": person.username,
            "name": person.name,
            "title": person.title,
            "avatar_url": person.avatar_url,
            "created_at": _at(person.created_at),
            "is_active": person.is_active,
            "messaging_disabled": person.messaging_disabled,
        },
        "roles": [{"org_id": row.org_id, "org_name": row.name, "role": row.role} for row in roles],
        "courses_and_projects": [
            {"id": row.id, "kind": row.kind, "name": row.name, "role": row.role} for row in enrolments
        ],
        "memberships": [
            {
                "conversation_id": row.conversation_id,
                "kind": row.kind,
                "name": names[row.conversation_id],
                "joined_at": _at(row.joined_at),
                "left_at": _at(row.left_at),
                "active": row.active,
                "formal": row.formal,
            }
            for row in joined
        ],
        "read_cursors": [
            {"conversation_id": row.conversation_id, "last_read_seq": row.last_read_seq} for row in joined
        ],
        "messages_sent": sent,
        "messages_readable": others,
        "reports_made": [
            {
                "id": row.id,
                "conversation_id": row.conversation_id,
                "message_id": row.message_id,
                "reason": row.reason,
                "status": row.status,
                "created_at": _at(row.created_at),
            }
            for row in made
        ],
        "audit_entries": [
            {
                "id": row.id,
                "at": _at(row.at),
                "actor_id": row.actor_id,
                "action": row.action,
                "object_type": row.object_type,
                "object_id": row.object_id,
                "reason": row.reason,
                "details": row.details,
            }
            for row in audited
        ],
    }, [{**file, "storage_key": keys[file["id"]]} for file in unique]


async def _storage_keys(conn: AsyncConnection, attachment_ids: list[int]) -> dict[int, str]:
    if not attachment_ids:
        return {}
    return dict(
        (
            await conn.execute(
                select(attachments.c.id, attachments.c.storage_key).where(
                    attachments.c.id.in_(attachment_ids)
                )
            )
        ).all()
    )


async def write_zip(out: IO[bytes], doc: dict[str, Any], files: list[dict[str, Any]], store: Storage) -> None:
    """``export.json`` and each file at its ``path``, into ``out``."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export.json", json.dumps(doc, ensure_ascii=False, indent=2))
        for file in files:
            with archive.open(file["path"], "w") as entry:
                async for chunk in store.read(file["storage_key"]):
                    entry.write(chunk)


async def chunks_of(handle: IO[bytes]) -> AsyncIterator[bytes]:
    handle.seek(0)
    while chunk := handle.read(READ_CHUNK):
        yield chunk


def spool() -> IO[bytes]:
    """A temporary file for a zip being built (in memory until it grows)."""
    return tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
