"""Writes: a person's email preference, a school's notification settings, push subscriptions, unsubscribing."""

from __future__ import annotations

from sqlalchemy import delete, select

from schoolchat import audit
from schoolchat.auth.actor import Actor
from schoolchat.db.types import utcnow
from schoolchat.db.upsert import upsert
from schoolchat.errors import ApiError
from schoolchat.i18n.catalog import text
from schoolchat.notifications.models import (
    notification_preferences,
    org_notification_settings,
    push_subscriptions,
)
from schoolchat.notifications.schemas import SchoolSettingsIn
from schoolchat.people.queries import require_administered
from schoolchat.services import Services


async def set_preference(services: Services, user_id: int, email: str | None) -> None:
    """Choose how often emails come, or (None) follow the school's default. Also what unsubscribing does."""
    async with services.db.write() as tx:
        if email is None:
            await tx.conn.execute(
                delete(notification_preferences).where(notification_preferences.c.user_id == user_id)
            )
        else:
            await upsert(
                tx.conn,
                notification_preferences,
                [{"user_id": user_id, "email": email, "updated_at": utcnow()}],
                key=["user_id"],
                update=["email", "updated_at"],
            )


def _minutes(clock: str | None) -> int | None:
    if clock is None:
        return None
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


async def set_school_settings(
    services: Services, actor: Actor, org_id: int, settings: SchoolSettingsIn
) -> None:
    """An admin sets their school's default, whether text may be shown, and quiet hours (for it and below)."""
    if (settings.quiet_start is None) != (settings.quiet_end is None):
        raise ApiError(
            422,
            "invalid_quiet_hours",
            text("notifications.quiet_hours_incomplete"),
            {
                "fields": [
                    {
                        "field": "quiet_end" if settings.quiet_end is None else "quiet_start",
                        "message": text("notifications.quiet_hours_incomplete.field"),
                    }
                ]
            },
        )
    row = {
        "org_id": org_id,
        "email_default": settings.email_default,
        "include_text": settings.include_text,
        "quiet_start": _minutes(settings.quiet_start),
        "quiet_end": _minutes(settings.quiet_end),
        "quiet_weekends": settings.quiet_weekends,
    }
    async with services.db.write() as tx:
        await require_administered(tx.conn, actor.roles, org_id)
        await upsert(
            tx.conn,
            org_notification_settings,
            [row],
            key=["org_id"],
            update=[name for name in row if name != "org_id"],
        )
        await audit.record(
            tx,
            actor,
            "notifications.settings",
            "org",
            org_id,
            org_ids=[org_id],
            details=settings.model_dump(),
        )


async def subscribe_push(
    services: Services, actor: Actor, endpoint: str, p256dh: str, auth: str
) -> tuple[int, bool]:
    """Store a browser's push subscription; an endpoint is one device's, so it moves to whoever subscribes it.
    Answers its id, and whether the endpoint is new (else its stored subscription was replaced)."""
    async with services.db.write() as tx:
        stored = (
            await tx.conn.execute(
                select(push_subscriptions.c.id).where(push_subscriptions.c.endpoint == endpoint)
            )
        ).scalar_one_or_none()
        await upsert(
            tx.conn,
            push_subscriptions,
            [
                {
                    "user_id": actor.id,
                    "endpoint": endpoint,
                    "p256dh": p256dh,
                    "auth": auth,
                    "created_at": utcnow(),
                }
            ],
            key=["endpoint"],
            update=["user_id", "p256dh", "auth", "created_at"],
        )
        if stored is not None:
            return stored, False
        subscription_id: int = (
            await tx.conn.execute(
                select(push_subscriptions.c.id).where(push_subscriptions.c.endpoint == endpoint)
            )
        ).scalar_one()
        return subscription_id, True


async def unsubscribe_push(services: Services, actor: Actor, endpoint: str) -> None:
    """Forget one of the caller's subscriptions (another person's endpoint is left alone, silently)."""
    async with services.db.write() as tx:
        await tx.conn.execute(
            delete(push_subscriptions).where(
                push_subscriptions.c.user_id == actor.id, push_subscriptions.c.endpoint == endpoint
            )
        )
