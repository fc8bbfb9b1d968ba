"""Routes: who am I, the recipient search of §5.1, and the admin API for people, orgs, courses and projects."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from schoolchat import error_texts
from schoolchat.administration import actions
from schoolchat.auth.deps import CurrentActor, MessagingActor, language_of
from schoolchat.errors import ApiError
from schoolchat.i18n.catalog import text
from schoolchat.i18n.context import set_reader_language
from schoolchat.i18n.languages import effective
from schoolchat.inputs import Cursor, Id
from schoolchat.kinds import SchoolRole
from schoolchat.people import queries, reach
from schoolchat.people.schemas import (
    AdminPeoplePage,
    AdminPersonOut,
    CreatedOut,
    LanguageIn,
    MeOut,
    OrgChanges,
    OrgIn,
    OrgOut,
    PersonOut,
    ReachabilityOut,
    RecipientSearchOut,
    RoleIn,
    RuleOut,
    RulesIn,
    SpaceChanges,
    SpaceHit,
    SpaceIn,
    SpaceMemberIn,
    SpaceOut,
    SpaceParticipantOut,
    UserChanges,
    UserIn,
    WorkingHoursIn,
    WorkingHoursOut,
)
from schoolchat.policy.admin import may_use_admin_tools
from schoolchat.policy.communication import scope_for
from schoolchat.policy.decision import Allowed, Denied, require
from schoolchat.policy.massmessaging import sends_mass
from schoolchat.policy.moderation import reviews_reports
from schoolchat.policy.safeguarding import may_lead
from schoolchat.policy.working_hours import WorkingHours, may_set_working_hours
from schoolchat.ratelimit.deps import per_account, per_person
from schoolchat.ratelimit.rules import Rule
from schoolchat.services import ServicesDep

router = APIRouter(prefix="/api", tags=["people"])


def _person(summary: queries.UserSummary) -> PersonOut:
    return PersonOut(
        id=summary.id,
        name=summary.name,
        title=summary.title,
        avatar_url=summary.avatar_url,
        initials=summary.initials,
        messaging_disabled=summary.messaging_disabled,
    )


@router.get("/me", response_model=MeOut)
async def me(request: Request, actor: CurrentActor, services: ServicesDep) -> MeOut:
    async with services.db.read() as conn:
        spaces, zone = await queries.own_spaces_and_time_zone(conn, actor.id)
    roles = {org_id: SchoolRole(role) for org_id, role in actor.roles.items()}
    return MeOut(
        id=actor.id,
        username=actor.username,
        name=actor.name,
        avatar_url=actor.avatar_url,
        messaging_disabled=actor.messaging_disabled,
        mass_messaging=actor.mass_messaging,
        roles=roles,
        spaces=spaces,
        language=language_of(actor, request.headers.get("accept-language")),
        language_setting=actor.language_setting,  # type: ignore[arg-type]
        time_zone=zone,
        may_set_working_hours=isinstance(may_set_working_hours(is_staff=actor.is_staff), Allowed),
        may_review_reports=reviews_reports(roles.values(), spaces.values()),
        may_administer=isinstance(may_use_admin_tools(actor.roles), Allowed),
        may_send_mass=sends_mass(actor.mass_messaging, actor.roles),
    )


@router.put(
    "/me/language",
    response_model=MeOut,
    dependencies=[per_account(Rule.SETTINGS_CHANGES)],
    summary="Choose your language (nb, nn or en), or null to follow your school's default",
)
async def put_language(
    body: LanguageIn, request: Request, actor: CurrentActor, services: ServicesDep
) -> MeOut:
    await actions.set_language(services, actor, body.language)
    set_reader_language(
        effective(body.language, actor.school_language, request.headers.get("accept-language"))
    )
    return await me(request, replace(actor, language_setting=body.language), services)


async def _working_hours(actor: CurrentActor, services: ServicesDep) -> WorkingHoursOut:
    async with services.db.read() as conn:
        stored = (await queries.working_hours_of(conn, [actor.id])).get(actor.id)
        zone = (await queries.time_zones_of(conn, [actor.id]))[actor.id]
    return WorkingHoursOut(
        working_hours=WorkingHoursIn(**stored.hours.stored()) if stored else None, time_zone=zone
    )


@router.get(
    "/me/working-hours",
    response_model=WorkingHoursOut,
    summary="Your working hours: outside them, people writing to you see when you usually answer",
)
async def get_working_hours(actor: CurrentActor, services: ServicesDep) -> WorkingHoursOut:
    return await _working_hours(actor, services)


@router.put(
    "/me/working-hours", response_model=WorkingHoursOut, summary="Set your working hours (teachers, admins)"
)
async def put_working_hours(
    body: WorkingHoursIn, actor: CurrentActor, services: ServicesDep
) -> WorkingHoursOut:
    await actions.set_working_hours(services, actor, WorkingHours.from_stored(body.model_dump()))
    return await _working_hours(actor, services)


@router.delete("/me/working-hours", status_code=204, summary="Clear your working hours: no notice is shown")
async def delete_working_hours(actor: CurrentActor, services: ServicesDep) -> Response:
    await actions.set_working_hours(services, actor, None)
    return Response(status_code=204)


@router.get(
    "/recipients",
    response_model=RecipientSearchOut,
    dependencies=[per_person(Rule.RECIPIENT_SEARCH)],
    summary="§5.1 'Add recipients': people, courses and projects by name that the caller may address",
)
async def search_recipients(
    actor: MessagingActor,
    services: ServicesDep,
    q: Annotated[str, Query(min_length=1, max_length=100)],
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> RecipientSearchOut:
    async with services.db.read() as conn:
        people = await queries.search_people(conn, actor.id, q, limit)
        spaces = await queries.search_spaces(conn, actor.id, q, limit)
    hits = [SpaceHit(id=i, kind=kind, name=name, participant_count=n) for i, kind, name, n in spaces]  # type: ignore[arg-type]
    return RecipientSearchOut(
        people=[_person(p) for p in people],
        courses=[hit for hit in hits if hit.kind == "course"],
        projects=[hit for hit in hits if hit.kind == "project"],
    )


@router.get(
    "/people/{person_id}/reachability",
    response_model=ReachabilityOut,
    summary="Why can't I message this person? Disabled messaging and the communication rules, explained",
)
async def reachability(person_id: Id, actor: CurrentActor, services: ServicesDep) -> ReachabilityOut:
    async with services.db.read() as conn:
        found = await queries.user_summaries(conn, await queries.visible_people(conn, actor.id, [person_id]))
        if person_id not in found or person_id == actor.id:
            raise ApiError(404, "not_found", error_texts.not_found("user"), {"object": "user"})
        decision = await reach.explain(
            conn, actor.id, actor.messaging_disabled, person_id, found[person_id].name
        )
    if isinstance(decision, Denied):
        return ReachabilityOut(
            allowed=False, code=decision.code, message=decision.message, details=decision.details
        )
    return ReachabilityOut(
        allowed=True, code=None, message=text("people.can_message", name=found[person_id].name), details={}
    )


admin = APIRouter(prefix="/admin", tags=["administration"])


@admin.get(
    "/orgs", response_model=list[OrgOut], summary="The orgs the caller administers, and all below them"
)
async def list_orgs(actor: CurrentActor, services: ServicesDep) -> list[OrgOut]:
    require(may_use_admin_tools(actor.roles))
    async with services.db.read() as conn:
        rows = await queries.administered_orgs(conn, actor.roles)
    return [
        OrgOut(
            id=row.id,
            name=row.name,
            kind=row.kind,
            parent_id=row.parent_id,
            time_zone=row.time_zone,
            default_language=row.default_language,
            messaging_disabled=row.messaging_disabled,
        )
        for row in rows
    ]


@admin.get("/orgs/{org_id}/people", response_model=AdminPeoplePage, summary="People with a role in an org")
async def list_org_people(
    org_id: Id,
    actor: CurrentActor,
    services: ServicesDep,
    q: Annotated[str, Query(max_length=100)] = "",
    after: Cursor = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AdminPeoplePage:
    async with services.db.read() as conn:
        await queries.require_administered(conn, actor.roles, org_id)
        rows = await queries.org_people(conn, org_id, q, after, limit)
    return AdminPeoplePage(
        people=[AdminPersonOut(**row._mapping, may_lead=may_lead(row.role)) for row in rows],
        next_after=rows[-1].id if len(rows) == limit else None,
    )


@admin.get("/orgs/{org_id}/spaces", response_model=list[SpaceOut], summary="Courses and projects of an org")
async def list_org_spaces(org_id: Id, actor: CurrentActor, services: ServicesDep) -> list[SpaceOut]:
    async with services.db.read() as conn:
        await queries.require_administered(conn, actor.roles, org_id)
        return [SpaceOut(**row._mapping) for row in await queries.org_spaces(conn, org_id)]


@admin.get(
    "/spaces/{space_id}/members",
    response_model=list[SpaceParticipantOut],
    summary="Teachers and students of a course or project",
)
async def list_space_members(
    space_id: Id, actor: CurrentActor, services: ServicesDep
) -> list[SpaceParticipantOut]:
    async with services.db.read() as conn:
        await queries.require_administered(
            conn, actor.roles, await queries.space_org(conn, space_id) or 0, "course or project"
        )
        return [
            SpaceParticipantOut(**row._mapping) for row in await queries.space_participants(conn, space_id)
        ]


@admin.post("/orgs", response_model=CreatedOut, status_code=201, summary="Create a school or department")
async def create_org(body: OrgIn, actor: CurrentActor, services: ServicesDep) -> CreatedOut:
    return CreatedOut(
        id=await actions.create_org(services, actor, name=body.name, kind=body.kind, parent_id=body.parent_id)
    )


@admin.patch(
    "/orgs/{org_id}",
    status_code=204,
    summary="Rename an org, set its time zone or default language, or switch messaging off for it (§6.4)",
)
async def update_org(org_id: Id, body: OrgChanges, actor: CurrentActor, services: ServicesDep) -> Response:
    await actions.update_org(services, actor, org_id, body.model_dump(exclude_unset=True))
    return Response(status_code=204)


@admin.get(
    "/orgs/{org_id}/rules",
    response_model=list[RuleOut],
    summary="§7.1: the communication rules in force in an org, and where each comes from",
)
async def get_rules(org_id: Id, actor: CurrentActor, services: ServicesDep) -> list[RuleOut]:
    async with services.db.read() as conn:
        await queries.require_administered(conn, actor.roles, org_id)
        own, in_force = await reach.rules_of(conn, org_id)
    return [
        RuleOut(
            sender_role=sender,
            recipient_role=recipient,
            scope=scope_for(in_force, sender, recipient),
            source=("this org" if own else "inherited") if (sender, recipient) in in_force else "default",
        )
        for sender in SchoolRole
        for recipient in SchoolRole
    ]


@admin.put(
    "/orgs/{org_id}/rules",
    response_model=list[RuleOut],
    summary="§7.1: set an org's communication rules (pairs left out fall back to the defaults)",
)
async def put_rules(org_id: Id, body: RulesIn, actor: CurrentActor, services: ServicesDep) -> list[RuleOut]:
    pairs = [(rule.sender_role, rule.recipient_role) for rule in body.rules]
    if len(set(pairs)) != len(pairs):
        raise ApiError(422, "duplicate_rule", text("people.duplicate_rule"), {"field": "rules"})
    await actions.set_rules(
        services, actor, org_id, [(rule.sender_role, rule.recipient_role, rule.scope) for rule in body.rules]
    )
    return await get_rules(org_id, actor, services)


@admin.post(
    "/users", response_model=CreatedOut, status_code=201, summary="Create a person with a role in an org"
)
async def create_user(body: UserIn, actor: CurrentActor, services: ServicesDep) -> CreatedOut:
    return CreatedOut(
        id=await actions.create_user(
            services,
            actor,
            username=body.username,
            email=body.email,
            password=body.password,
            name=body.name,
            title=body.title,
            avatar_url=body.avatar_url,
            org_id=body.org_id,
            role=body.role,
        )
    )


@admin.patch(
    "/users/{user_id}",
    status_code=204,
    summary="Change a person: profile, messaging disabled (§6.4), mass messaging privilege, password",
)
async def update_user(user_id: Id, body: UserChanges, actor: CurrentActor, services: ServicesDep) -> Response:
    await actions.update_user(services, actor, user_id, body.model_dump(exclude_unset=True))
    return Response(status_code=204)


@admin.put("/users/{user_id}/roles/{org_id}", status_code=204)
async def put_role(
    user_id: Id, org_id: Id, body: RoleIn, actor: CurrentActor, services: ServicesDep
) -> Response:
    await actions.set_role(services, actor, user_id, org_id, body.role)
    return Response(status_code=204)


@admin.delete("/users/{user_id}/roles/{org_id}", status_code=204)
async def delete_role(user_id: Id, org_id: Id, actor: CurrentActor, services: ServicesDep) -> Response:
    await actions.set_role(services, actor, user_id, org_id, None)
    return Response(status_code=204)


@admin.post("/spaces", response_model=CreatedOut, status_code=201, summary="Create a course or project")
async def create_space(body: SpaceIn, actor: CurrentActor, services: ServicesDep) -> CreatedOut:
    return CreatedOut(
        id=await actions.create_space(
            services, actor, kind=body.kind, name=body.name, org_id=body.org_id, description=body.description
        )
    )


@admin.patch(
    "/spaces/{space_id}",
    status_code=204,
    summary="Rename a course or project, or switch messaging off for its conversation (§6.4)",
)
async def update_space(
    space_id: Id, body: SpaceChanges, actor: CurrentActor, services: ServicesDep
) -> Response:
    await actions.update_space(services, actor, space_id, body.model_dump(exclude_unset=True))
    return Response(status_code=204)


@admin.put(
    "/spaces/{space_id}/members/{user_id}",
    status_code=204,
    summary="Enrol someone (their course conversation membership follows)",
)
async def put_space_member(
    space_id: Id, user_id: Id, body: SpaceMemberIn, actor: CurrentActor, services: ServicesDep
) -> Response:
    await actions.set_space_member(services, actor, space_id, user_id, body.role)
    return Response(status_code=204)


@admin.delete("/spaces/{space_id}/members/{user_id}", status_code=204)
async def delete_space_member(
    space_id: Id, user_id: Id, actor: CurrentActor, services: ServicesDep
) -> Response:
    await actions.set_space_member(services, actor, space_id, user_id, None)
    return Response(status_code=204)


router.include_router(admin)
