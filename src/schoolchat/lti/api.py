"""Routes: the launch endpoints a platform calls (outside /api: a browser in the platform's frame follows them), the
tool's key set, and the admin API for platform registrations."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from schoolchat.auth.deps import SESSION_COOKIE, CurrentActor
from schoolchat.errors import ApiError, error_body, not_found
from schoolchat.i18n.catalog import text
from schoolchat.inputs import Id
from schoolchat.lti import actions, launch, queries, texts
from schoolchat.lti.cookies import set_framed_cookie
from schoolchat.lti.refusals import LaunchRefused, incomplete
from schoolchat.lti.schemas import PlatformChanges, PlatformIn, PlatformOut, ToolOut
from schoolchat.lti.tool_keys import public_key_set
from schoolchat.people.queries import require_administered
from schoolchat.people.schemas import CreatedOut
from schoolchat.services import Services, ServicesDep
from schoolchat.web.pages import notice_page

STATE_COOKIE = "schoolchat_lti_state"
LOGIN_PATH, LAUNCH_PATH, JWKS_PATH = "/lti/login", "/lti/launch", "/lti/jwks.json"

router = APIRouter(include_in_schema=False)


def _url(request: Request, path: str) -> str:
    return str(request.base_url).rstrip("/") + path


async def _refused(request: Request, services: Services, refusal: LaunchRefused) -> Response:
    """A browser (the platform's frame) gets a page saying why; an API caller the one error shape."""
    launch.log_refusal(refusal)
    if "text/html" in request.headers.get("accept", ""):
        return await notice_page(services, texts.refused_title(), refusal.message, refusal.status)
    return JSONResponse(
        error_body(refusal.code, refusal.message, refusal.details), status_code=refusal.status
    )


def _field(values: Any, name: str) -> str | None:
    value = values.get(name)
    return value if isinstance(value, str) and value else None


def _required(values: Any, name: str) -> str:
    value = _field(values, name)
    if value is None:
        raise incomplete(name)
    return value


def _login_request(values: Any) -> launch.LoginRequest:
    return launch.LoginRequest(
        iss=_required(values, "iss"),
        login_hint=_required(values, "login_hint"),
        target_link_uri=_required(values, "target_link_uri"),
        lti_message_hint=_field(values, "lti_message_hint"),
        client_id=_field(values, "client_id"),
        lti_deployment_id=_field(values, "lti_deployment_id"),
    )


@router.api_route(LOGIN_PATH, methods=["GET", "POST"])
async def login(request: Request, services: ServicesDep) -> Response:
    """OIDC third-party initiated login: the platform names itself, we answer with its auth URL to go to."""
    values = await request.form() if request.method == "POST" else request.query_params
    try:
        redirect, state = await launch.initiate(services, _login_request(values), _url(request, LAUNCH_PATH))
    except LaunchRefused as refusal:
        return await _refused(request, services, refusal)
    answer = RedirectResponse(redirect, status_code=302)
    set_framed_cookie(
        answer, STATE_COOKIE, state, max_age=int(actions.STATE_LIFETIME.total_seconds()), path=LAUNCH_PATH
    )
    return answer


@router.post(LAUNCH_PATH)
async def launch_(request: Request, services: ServicesDep) -> Response:
    """The platform's form_post of the signed id_token: sign the person in and open Messages in the frame."""
    form = await request.form()
    try:
        if error := _field(form, "error"):  # the platform did not authenticate (OIDC error response)
            raise LaunchRefused(
                400,
                "platform_refused",
                texts.platform_refused(error),
                {"error": error, "error_description": _field(form, "error_description")},
            )
        landing = await launch.complete(
            services, _required(form, "id_token"), _required(form, "state"), request.cookies.get(STATE_COOKIE)
        )
    except LaunchRefused as refusal:
        return await _refused(request, services, refusal)
    target = "/embed" + (f"#c{landing.conversation_id}" if landing.conversation_id else "")
    answer = RedirectResponse(target, status_code=303)
    set_framed_cookie(
        answer,
        SESSION_COOKIE,
        landing.session.token,
        max_age=int(services.settings.lti_session_hours * 3600),
        path="/",
    )
    set_framed_cookie(answer, STATE_COOKIE, "", max_age=0, path=LAUNCH_PATH)
    return answer


@router.get(JWKS_PATH)
async def jwks(services: ServicesDep) -> JSONResponse:
    return JSONResponse(await public_key_set(services.db), headers={"Cache-Control": "public, max-age=3600"})


# ---- administration ------------------------------------------------------------------------------------------

admin = APIRouter(prefix="/api/admin", tags=["administration"])


@admin.get(
    "/lti/tool",
    response_model=ToolOut,
    summary="The addresses to register schoolchat with in a platform",
    responses={404: {"description": "Not an administrator: there is no such page for the caller."}},
)
async def tool(request: Request, actor: CurrentActor) -> ToolOut:
    if not actor.is_admin:
        raise not_found("page")
    return ToolOut(
        login_url=_url(request, LOGIN_PATH),
        launch_url=_url(request, LAUNCH_PATH),
        jwks_url=_url(request, JWKS_PATH),
    )


@admin.get(
    "/orgs/{org_id}/lti-platforms",
    response_model=list[PlatformOut],
    summary="The learning platforms registered for an org",
)
async def list_platforms(org_id: Id, actor: CurrentActor, services: ServicesDep) -> list[PlatformOut]:
    async with services.db.read() as conn:
        await require_administered(conn, actor.roles, org_id)
        return [PlatformOut(**row._mapping) for row in await queries.platforms_of(conn, org_id)]


@admin.post(
    "/orgs/{org_id}/lti-platforms",
    response_model=CreatedOut,
    status_code=201,
    summary="Register a learning platform (LTI 1.3) for an org",
)
async def register(org_id: Id, body: PlatformIn, actor: CurrentActor, services: ServicesDep) -> CreatedOut:
    return CreatedOut(id=await actions.register_platform(services, actor, org_id, body.model_dump()))


@admin.patch("/lti-platforms/{platform_id}", status_code=204, summary="Change a platform registration")
async def change(
    platform_id: Id, body: PlatformChanges, actor: CurrentActor, services: ServicesDep
) -> Response:
    changes = body.model_dump(exclude_unset=True)
    if nulls := [name for name, value in changes.items() if value is None]:
        not_null = text("errors.input.not_null")
        raise ApiError(
            422,
            "invalid_request",
            f"{nulls[0]}: {not_null}",
            {"fields": [{"field": name, "message": not_null} for name in nulls]},
        )
    await actions.change_platform(services, actor, platform_id, changes)
    return Response(status_code=204)


@admin.delete("/lti-platforms/{platform_id}", status_code=204, summary="Remove a platform registration")
async def remove(platform_id: Id, actor: CurrentActor, services: ServicesDep) -> Response:
    await actions.remove_platform(services, actor, platform_id)
    return Response(status_code=204)
