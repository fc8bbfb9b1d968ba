"""Routes of single sign-on: the school picker's choices, the browser's login and callback at ``/sso/{org_id}/``,
logout with the provider's end-session URL, and the admin API for an org's identity provider."""

from __future__ import annotations

from html import escape
from string import Template
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from schoolchat.appstate import state_of
from schoolchat.auth.actions import IssuedToken
from schoolchat.auth.api import end_session, set_session_cookie
from schoolchat.auth.deps import CurrentActor
from schoolchat.errors import ApiError
from schoolchat.i18n.context import reader_language
from schoolchat.inputs import Id
from schoolchat.people.queries import require_administered
from schoolchat.services import Services, ServicesDep
from schoolchat.sso import actions, queries, texts
from schoolchat.sso.oidc import DiscoveryFailed, RelyingParty, TokenRejected
from schoolchat.sso.queries import IdentityProvider
from schoolchat.sso.schemas import IdentityProviderIn, IdentityProviderOut, LogoutOut, SignInChoice
from schoolchat.web.pages import TEMPLATES, page_headers

router = APIRouter(tags=["single sign-on"])
_NOTICE = Template((TEMPLATES / "sso_notice.html").read_text())


async def _relying_party(request: Request) -> RelyingParty:
    return state_of(request, "relying_party", RelyingParty)


RelyingPartyDep = Annotated[RelyingParty, Depends(_relying_party)]


def _base_url(request: Request, services: Services) -> str:
    """SCHOOLCHAT_PUBLIC_URL when it is set; else the address this request came to (a demo, a test server)."""
    settings = services.settings
    return (
        settings.public_url if "public_url" in settings.model_fields_set else str(request.base_url)
    ).rstrip("/")


def redirect_uri(request: Request, services: Services, org_id: int) -> str:
    return f"{_base_url(request, services)}/sso/{org_id}/callback"


async def _notice(
    services: Services, status: int, title: str, message: str, hint: str = "", org_id: int | None = None
) -> HTMLResponse:
    """A page for a person whose sign-in ended here, in words, with the way back to the login page."""
    page = _NOTICE.substitute(
        {
            key: escape(value, quote=True)
            for key, value in {
                "title": title,
                "message": message,
                "hint": hint,
                "back": texts.back_to_login(),
                "login_url": f"/login?org={org_id}" if org_id is not None else "/login",
                "lang": reader_language(),
            }.items()
        }
    )
    return HTMLResponse(page, status_code=status, headers=await page_headers(services))


def _choice(provider: IdentityProvider) -> SignInChoice:
    return SignInChoice(
        org_id=provider.org_id,
        org_name=provider.org_name,
        provider=provider.name,
        button=texts.sign_in_with(provider.name),
        login_url=f"/sso/{provider.org_id}/login",
    )


@router.get(
    "/api/sso/orgs",
    response_model=list[SignInChoice],
    summary="The login page's school picker: every org that signs in with an identity provider",
)
async def sign_in_choices(services: ServicesDep) -> list[SignInChoice]:
    async with services.db.read() as conn:
        return [_choice(provider) for provider in await queries.all_providers(conn)]


@router.get(
    "/api/sso/orgs/{org_id}",
    response_model=SignInChoice,
    summary="How the people of an org sign in (its own provider, or the nearest one above it): ?org= links",
)
async def sign_in_choice(org_id: Id, services: ServicesDep) -> SignInChoice:
    async with services.db.read() as conn:
        provider = await queries.provider_for(conn, org_id)
    if provider is None:
        raise ApiError(404, "not_found", texts.no_provider(), {"object": "identity provider"})
    return _choice(provider)


def _page(description: str) -> dict[str, Any]:
    """An answer to a browser that is a page, not the one error shape (OpenAPI ``responses``)."""
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


PAGES: dict[int | str, dict[str, Any]] = {
    404: _page(description="The org signs in with no identity provider of its own: a page saying so."),
    502: _page(description="The provider could not be reached: a page saying so."),
}


@router.get(
    "/sso/{org_id}/login",
    response_class=RedirectResponse,
    status_code=302,
    responses=PAGES,
    summary="Start signing in: a redirect to the org's provider (code flow with PKCE, state and nonce)",
)
async def sso_login(
    org_id: Id, request: Request, services: ServicesDep, relying_party: RelyingPartyDep
) -> Response:
    provider = await _browser_provider(services, org_id)
    if not isinstance(provider, IdentityProvider):
        return provider
    try:
        return await relying_party.begin(provider.config, request, redirect_uri(request, services, org_id))
    except DiscoveryFailed:
        return await _notice(services, 502, texts.failed_title(), texts.unavailable(), org_id=org_id)


async def _browser_provider(services: Services, org_id: int) -> IdentityProvider | HTMLResponse:
    """The org's own provider, or the page a browser gets when it has none."""
    async with services.db.read() as conn:
        provider = await queries.provider_of(conn, org_id)
    return provider or await _notice(services, 404, texts.failed_title(), texts.no_provider())


@router.get(
    "/sso/{org_id}/callback",
    response_class=RedirectResponse,
    status_code=303,
    responses={
        **PAGES,
        400: _page(
            description="The provider's answer was refused (its id_token, state or nonce): a page saying so."
        ),
        403: _page(description="Nobody to sign in (no linked person, or deactivated): a page saying why."),
    },
    summary="The provider's answer: verified, linked to an existing person, and a session cookie made",
)
async def sso_callback(
    org_id: Id, request: Request, services: ServicesDep, relying_party: RelyingPartyDep
) -> Response:
    provider = await _browser_provider(services, org_id)
    if not isinstance(provider, IdentityProvider):
        return provider
    try:
        claims = await relying_party.finish(provider.config, request, provider.wanted_claims)
    except DiscoveryFailed:
        return await _notice(services, 502, texts.failed_title(), texts.unavailable(), org_id=org_id)
    except TokenRejected as rejected:
        await actions.record_rejected(services, provider, rejected.reason)
        return await _notice(services, 400, texts.failed_title(), texts.failed(), texts.failed_hint(), org_id)
    outcome = await actions.sign_in(services, provider, claims)
    if not isinstance(outcome, IssuedToken):
        return await _notice(services, 403, outcome.title, outcome.message, outcome.hint, org_id)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, services.settings, outcome.token)
    return response


@router.post(
    "/api/sso/logout",
    response_model=LogoutOut,
    summary="Log out; for a session a provider signed in, also its end-session URL to offer",
)
async def sso_logout(
    actor: CurrentActor,
    request: Request,
    response: Response,
    services: ServicesDep,
    relying_party: RelyingPartyDep,
) -> LogoutOut:
    assert actor.token_id is not None
    async with services.db.read() as conn:
        provider = await queries.session_provider(conn, actor.token_id)
    await end_session(actor, response, services)
    if provider is None:
        return LogoutOut(end_session_url=None)
    after = f"{_base_url(request, services)}/login?org={provider.org_id}"
    return LogoutOut(end_session_url=await relying_party.end_session_url(provider.config, after))


admin = APIRouter(prefix="/api/admin/orgs/{org_id}/identity-provider", tags=["administration"])


def _out(provider: IdentityProvider, request: Request, services: Services) -> IdentityProviderOut:
    return IdentityProviderOut(
        org_id=provider.org_id,
        name=provider.name,
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret_set=bool(provider.client_secret),
        link_by=provider.link_by,
        link_claim=provider.link_claim,
        extra_scopes=provider.extra_scopes,
        password_login=provider.password_login,
        redirect_uri=redirect_uri(request, services, provider.org_id),
    )


@admin.get(
    "", response_model=IdentityProviderOut, summary="The org's own identity provider (never its secret)"
)
async def get_provider(
    org_id: Id, actor: CurrentActor, request: Request, services: ServicesDep
) -> IdentityProviderOut:
    async with services.db.read() as conn:
        await require_administered(conn, actor.roles, org_id)
        provider = await queries.provider_of(conn, org_id)
    if provider is None:
        raise ApiError(404, "not_found", texts.no_provider(), {"object": "identity provider"})
    return _out(provider, request, services)


@admin.put(
    "",
    response_model=IdentityProviderOut,
    summary="Sign the org's people in with an OpenID provider (checked by reading its discovery document)",
)
async def put_provider(
    org_id: Id,
    body: IdentityProviderIn,
    actor: CurrentActor,
    request: Request,
    services: ServicesDep,
    relying_party: RelyingPartyDep,
) -> IdentityProviderOut:
    await actions.set_provider(services, relying_party, actor, org_id, body.model_dump())
    return await get_provider(org_id, actor, request, services)


@admin.delete("", status_code=204, summary="Stop signing the org's people in with its identity provider")
async def delete_provider(org_id: Id, actor: CurrentActor, services: ServicesDep) -> Response:
    await actions.remove_provider(services, actor, org_id)
    return Response(status_code=204)


router.include_router(admin)
