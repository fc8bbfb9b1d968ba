"""Routes: one's email preference, a school's notification settings, push subscriptions, one-click unsubscribe."""

from __future__ import annotations

import html
from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse

from schoolchat.auth.deps import CurrentActor, MessagingActor
from schoolchat.errors import ApiError
from schoolchat.i18n.catalog import text
from schoolchat.i18n.context import reader_language
from schoolchat.inputs import Id
from schoolchat.notifications import actions, queries, texts, unsubscribe
from schoolchat.notifications.schemas import (
    PreferencesIn,
    PreferencesOut,
    PushSubscriptionIn,
    PushSubscriptionOut,
    SchoolSettingsIn,
    SchoolSettingsOut,
)
from schoolchat.people.queries import require_administered
from schoolchat.people.reach import org_tree
from schoolchat.services import Services, ServicesDep
from schoolchat.statuses import new_or_not
from schoolchat.web.pages import page_headers

router = APIRouter(tags=["notifications"])


async def _preferences(services: Services, user_id: int) -> PreferencesOut:
    settings = services.settings
    async with services.db.read() as conn:
        own = await queries.own_preference(conn, user_id)
        held = await queries.roles_of(conn, [user_id])
        school = queries.settings_for(
            await org_tree(conn), await queries.settings_rows(conn), [org for org, _ in held.get(user_id, [])]
        )
        address = await queries.email_address(conn, user_id)
    return PreferencesOut(
        email=own or school.email_default,
        own=own,
        school_default=school.email_default,
        has_email_address=address is not None,
        push_available=bool(settings.vapid_private_key and settings.vapid_public_key),
        vapid_public_key=settings.vapid_public_key,
        texts=texts.ui_texts(),
    )


@router.get(
    "/api/me/notifications", response_model=PreferencesOut, summary="How and how often you are notified"
)
async def get_preferences(actor: CurrentActor, services: ServicesDep) -> PreferencesOut:
    return await _preferences(services, actor.id)


@router.put(
    "/api/me/notifications",
    response_model=PreferencesOut,
    summary="Email notifications: off, soon, hourly or daily digest; null follows the school's default",
)
async def put_preferences(body: PreferencesIn, actor: CurrentActor, services: ServicesDep) -> PreferencesOut:
    await actions.set_preference(services, actor.id, body.email)
    return await _preferences(services, actor.id)


async def _school_settings(services: Services, actor: CurrentActor, org_id: int) -> SchoolSettingsOut:
    async with services.db.read() as conn:
        await require_administered(conn, actor.roles, org_id)
        found = queries.settings_for(await org_tree(conn), await queries.settings_rows(conn), [org_id])
    return SchoolSettingsOut(
        org_id=org_id,
        inherited_from=found.org_id,
        email_default=found.email_default,
        include_text=found.include_text,
        quiet_start=queries.clock_text(found.quiet_start),
        quiet_end=queries.clock_text(found.quiet_end),
        quiet_weekends=found.quiet_weekends,
    )


@router.get(
    "/api/admin/orgs/{org_id}/notifications",
    response_model=SchoolSettingsOut,
    summary="A school's notification settings: default, message text, quiet hours",
)
async def get_school_settings(org_id: Id, actor: CurrentActor, services: ServicesDep) -> SchoolSettingsOut:
    return await _school_settings(services, actor, org_id)


@router.put(
    "/api/admin/orgs/{org_id}/notifications",
    response_model=SchoolSettingsOut,
    summary="Set a school's notification settings (for it and the orgs below it)",
)
async def put_school_settings(
    org_id: Id, body: SchoolSettingsIn, actor: CurrentActor, services: ServicesDep
) -> SchoolSettingsOut:
    await actions.set_school_settings(services, actor, org_id, body)
    return await _school_settings(services, actor, org_id)


@router.post(
    "/api/push/subscriptions",
    response_model=PushSubscriptionOut,
    status_code=201,
    responses={
        200: {
            "model": PushSubscriptionOut,
            "description": "The endpoint was stored already: its "
            "subscription is replaced (an endpoint is one browser's).",
        }
    },
    summary="Store this browser's push subscription (PushSubscription.toJSON())",
)
async def add_push_subscription(
    body: PushSubscriptionIn, actor: MessagingActor, services: ServicesDep, response: Response
) -> PushSubscriptionOut:
    if not services.settings.vapid_private_key:
        raise ApiError(409, "push_unavailable", text("notifications.ui.push_unavailable"))
    if not (body.endpoint.startswith("https://") or services.settings.push_allow_http):
        raise ApiError(
            422,
            "invalid_push_endpoint",
            text("notifications.push_endpoint_not_https"),
            {
                "fields": [
                    {"field": "endpoint", "message": text("notifications.push_endpoint_not_https.field")}
                ]
            },
        )
    subscription_id, new = await actions.subscribe_push(
        services, actor, body.endpoint, body.keys.p256dh, body.keys.auth
    )
    new_or_not(response, new)
    return PushSubscriptionOut(id=subscription_id, endpoint=body.endpoint)


@router.delete("/api/push/subscriptions", status_code=204, summary="Forget this browser's push subscription")
async def delete_push_subscription(
    endpoint: Annotated[str, Query(max_length=2000)], actor: CurrentActor, services: ServicesDep
) -> Response:
    await actions.unsubscribe_push(services, actor, endpoint)
    return Response(status_code=204)


def _user_of(services: Services, token: str) -> int:
    user_id = unsubscribe.user_of(services.settings.secret_key, token)
    if user_id is None:
        raise ApiError(400, "invalid_token", texts.unsubscribe_invalid())
    return user_id


async def _page(services: Services, sentence: str, form_token: str | None = None) -> HTMLResponse:
    form = (
        f'<form method="post" action="/unsubscribe?token={html.escape(form_token)}">'
        f'<button type="submit">{html.escape(texts.unsubscribe_button())}</button></form>'
        if form_token
        else ""
    )
    return HTMLResponse(
        f'<!doctype html><html lang="{reader_language()}"><meta charset="utf-8"><title>schoolchat</title>'
        f'<main><p>{html.escape(sentence)}</p>{form}</main></html>',
        headers=await page_headers(services),
    )


@router.get("/unsubscribe", include_in_schema=False)
async def unsubscribe_page(
    token: Annotated[str, Query(max_length=200)], services: ServicesDep
) -> HTMLResponse:
    """The link in the email's text: asks before doing anything (mail scanners follow links)."""
    _user_of(services, token)
    return await _page(services, texts.unsubscribe_confirm(), token)


@router.post(
    "/unsubscribe",
    responses={400: {"description": "The unsubscribe link is not valid (`invalid_token`)."}},
    summary="RFC 8058 one-click unsubscribe: no login, the signed token is the proof",
)
async def unsubscribe_now(
    token: Annotated[str, Query(max_length=200)], services: ServicesDep
) -> HTMLResponse:
    await actions.set_preference(services, _user_of(services, token), "off")
    return await _page(services, texts.unsubscribed())
