"""Launching schoolchat from a learning platform (LTI 1.3): the test platform signs id_tokens with its own keys and
serves its key set over HTTP; each refusal is one test, named for its rule."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy import func, select

from schoolchat.lti import actions
from schoolchat.lti.claims import DEPLOYMENT_ID
from schoolchat.moderation.models import audit_log
from schoolchat.people.models import users
from schoolchat.services import Services
from tests.calls import error_of
from tests.factories import Factory
from tests.lti.conftest import TOOL, School, add_roster_ids, launch, post_form
from tests.lti.platform import LearningPlatform, new_key


async def _refusals(services: Services) -> list[tuple[str | None, dict]]:
    async with services.db.read() as conn:
        rows = (
            await conn.execute(
                select(audit_log.c.reason, audit_log.c.details).where(
                    audit_log.c.action == "lti.launch_refused"
                )
            )
        ).all()
    return [(row.reason, row.details) for row in rows]


def _code(answer: httpx.Response, status: int) -> str:
    assert answer.status_code == status, answer.text
    return error_of(answer)["code"]


async def test_a_launch_signs_the_person_in_and_lands_in_the_course_conversation(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    answer = await launch(client, platform, "teacher-hint", "bio")
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/embed#c{school.course_conversation}"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("schoolchat_session="))
    assert {"Secure", "HttpOnly", "SameSite=none", "Partitioned"} <= {
        part.strip() for part in cookie.split(";")
    }
    me = await client.get("/api/me")
    assert me.json()["id"] == school.teacher.id
    page = await client.get("/embed")
    assert page.status_code == 200 and 'class="embedded"' in page.text
    assert page.headers["content-security-policy"].endswith(f"frame-ancestors {platform.url}")


async def test_a_launch_from_outside_a_course_opens_the_conversation_list(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    answer = await launch(client, platform, "student-hint", course=None)
    assert (answer.status_code, answer.headers["location"]) == (303, "/embed")
    assert (await client.get("/api/me")).json()["id"] == school.student.id


async def test_a_launch_for_a_deployment_that_is_not_registered_is_refused(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School, services: Services
) -> None:
    platform.claims[DEPLOYMENT_ID] = "deployment-elsewhere"
    assert _code(await launch(client, platform, "teacher-hint"), 403) == "unknown_deployment"
    assert (await client.get("/api/me")).status_code == 401
    assert await _refusals(services) == [("unknown_deployment", {"deployment_id": "deployment-elsewhere"})]


async def test_a_login_naming_a_deployment_that_is_not_registered_is_refused(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    answer = await launch(client, platform, "teacher-hint", lti_deployment_id="deployment-elsewhere")
    assert _code(answer, 403) == "unknown_deployment"


async def test_a_login_from_an_unknown_issuer_is_refused(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    answer = await launch(client, platform, "teacher-hint", iss="https://lms.elsewhere.example")
    assert _code(answer, 400) == "unknown_platform"


async def test_a_launch_signed_with_a_key_the_platform_does_not_publish_is_refused(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    platform.sign_with = new_key()  # same kid as the published key, other key: a forged signature
    assert _code(await launch(client, platform, "teacher-hint"), 401) == "bad_signature"
    assert (await client.get("/api/me")).status_code == 401


async def test_a_replayed_launch_is_refused(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    initiated = await client.get("/lti/login", params=platform.login_query("teacher-hint", "bio"))
    async with httpx.AsyncClient() as browser:
        page = (await browser.get(initiated.headers["location"])).text
    assert (await post_form(client, page)).status_code == 303
    client.cookies.set(
        "schoolchat_lti_state", initiated.cookies["schoolchat_lti_state"], domain="testserver.local"
    )
    assert _code(await post_form(client, page), 400) == "launch_replayed"


async def test_an_id_token_for_another_nonce_is_refused(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    platform.claims["nonce"] = "a-nonce-schoolchat-never-issued"
    answer = await launch(client, platform, "teacher-hint")
    assert _code(answer, 401) == "invalid_launch" and error_of(answer)["details"] == {"claim": "nonce"}


async def test_an_expired_id_token_is_refused(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    now = int(time.time())
    platform.claims.update({"iat": now - 3700, "exp": now - 3600})
    assert _code(await launch(client, platform, "teacher-hint"), 401) == "token_expired"


async def test_several_audiences_need_azp_naming_schoolchat(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    platform.claims["aud"] = ["another-tool", platform.registration()["client_id"]]
    answer = await launch(client, platform, "teacher-hint")
    assert _code(answer, 401) == "invalid_launch" and error_of(answer)["details"] == {"claim": "azp"}
    platform.claims["azp"] = platform.registration()["client_id"]
    assert (await launch(client, platform, "teacher-hint")).status_code == 303


async def test_a_person_the_roster_does_not_know_is_refused_and_no_account_is_made(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School, services: Services
) -> None:
    async with services.db.read() as conn:
        before = (await conn.execute(select(func.count()).select_from(users))).scalar_one()
    answer = await launch(client, platform, "stranger-hint", accept="text/html")
    assert answer.status_code == 403
    assert "Your school has not given you access to Messages yet." in answer.text
    async with services.db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(users))).scalar_one() == before
    assert await _refusals(services) == [("unknown_person", {"sub": "u-nobody", "roster_id": "u-nobody"})]


async def test_a_course_the_roster_does_not_know_is_refused(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School, services: Services
) -> None:
    assert _code(await launch(client, platform, "teacher-hint", "chemistry"), 403) == "unknown_course"
    assert (await client.get("/api/me")).status_code == 401
    assert await _refusals(services) == [("unknown_course", {"roster_ids": ["class-chemistry"]})]


async def test_a_platform_with_sis_ids_is_matched_by_the_lis_sourcedids(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School, services: Services
) -> None:
    await add_roster_ids(services, "user", {"sis-teacher": school.teacher.id})
    await add_roster_ids(services, "class", {"sis-bio": school.course.id})
    changed = await client.patch(
        f"/api/admin/lti-platforms/{school.platform_id}",
        json={"id_source": "lis"},
        headers=school.admin.headers,
    )
    assert changed.status_code == 204, changed.text
    answer = await launch(client, platform, "teacher-hint", "bio")
    assert answer.headers["location"] == f"/embed#c{school.course_conversation}"
    assert (await client.get("/api/me")).json()["id"] == school.teacher.id


async def test_a_platform_signs_in_only_people_of_the_org_that_registered_it(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School, services: Services, make: Factory
) -> None:
    elsewhere = await make.person("Olga Other", "teacher", school=make.other_school)
    await add_roster_ids(services, "user", {"u-other-school": elsewhere.id})
    platform.users["other-hint"] = platform.users["stranger-hint"].__class__("u-other-school", "Olga Other")
    assert _code(await launch(client, platform, "other-hint", course=None), 403) == "unknown_person"


async def test_a_new_signing_key_is_fetched_when_its_kid_is_unknown(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    assert (await launch(client, platform, "teacher-hint")).status_code == 303
    platform.rotate_keys()
    assert (await launch(client, platform, "teacher-hint")).status_code == 303


async def test_a_launch_without_the_state_cookie_is_refused(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    initiated = await client.get("/lti/login", params=platform.login_query("teacher-hint", "bio"))
    client.cookies.clear()
    async with httpx.AsyncClient() as browser:
        page = (await browser.get(initiated.headers["location"])).text
    assert _code(await post_form(client, page), 400) == "launch_cookie_missing"


async def test_a_login_naming_another_address_than_the_tool_is_refused(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    answer = await launch(client, platform, "teacher-hint", target_link_uri="https://phish.example/launch")
    assert _code(answer, 400) == "foreign_target_link_uri"


async def test_a_login_initiation_by_post_works_like_one_by_get(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    initiated = await client.post("/lti/login", data=platform.login_query("teacher-hint", "bio"))
    assert initiated.status_code == 302
    assert initiated.headers["location"].startswith(f"{platform.url}/auth?")


async def test_an_incomplete_login_initiation_says_what_is_missing(
    client: httpx.AsyncClient, school: School
) -> None:
    answer = await client.get("/lti/login", params={"iss": "https://lms.example"})
    assert _code(answer, 400) == "incomplete_login" and error_of(answer)["details"] == {"field": "login_hint"}


async def test_the_tool_publishes_the_public_half_of_its_own_key(client: httpx.AsyncClient) -> None:
    first = (await client.get("/lti/jwks.json")).json()
    assert [set(key) >= {"kty", "n", "e", "kid"} and "d" not in key for key in first["keys"]] == [True]
    assert (await client.get("/lti/jwks.json")).json() == first  # made once, then kept


async def test_pages_may_be_framed_only_by_registered_platforms(
    client: httpx.AsyncClient, platform: LearningPlatform, make: Factory
) -> None:
    assert (await client.get("/login")).headers["content-security-policy"].endswith("frame-ancestors 'none'")
    admin = await make.person("Ada Admin", "admin")
    registration = platform.registration(
        frame_origins=["https://lms.school.example", "http://localhost:8080"]
    )
    await client.post(
        f"/api/admin/orgs/{make.school}/lti-platforms", json=registration, headers=admin.headers
    )
    policy = (await client.get("/login")).headers["content-security-policy"]
    assert policy.endswith("frame-ancestors http://localhost:8080 https://lms.school.example")


async def test_a_password_login_keeps_its_same_site_lax_cookie(
    client: httpx.AsyncClient, make: Factory
) -> None:
    from tests.factories import PASSWORD

    person = await make.person()
    answer = await client.post("/api/auth/login", json={"username": person.username, "password": PASSWORD})
    cookie = answer.headers["set-cookie"]
    assert "SameSite=lax" in cookie and "Partitioned" not in cookie


async def test_the_tool_addresses_are_given_to_admins(client: httpx.AsyncClient, school: School) -> None:
    answer = await client.get("/api/admin/lti/tool", headers=school.admin.headers)
    assert answer.json() == {
        "login_url": f"{TOOL}/lti/login",
        "launch_url": f"{TOOL}/lti/launch",
        "jwks_url": f"{TOOL}/lti/jwks.json",
    }


async def test_a_launch_of_another_message_type_is_refused(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School, services: Services
) -> None:
    platform.claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] = "LtiDeepLinkingRequest"
    assert _code(await launch(client, platform, "teacher-hint"), 400) == "unsupported_message_type"
    assert [reason for reason, _ in await _refusals(services)] == ["unsupported_message_type"]


async def test_an_id_token_for_another_tool_is_refused(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    platform.claims["aud"] = "another-tool"
    answer = await launch(client, platform, "teacher-hint")
    assert _code(answer, 401) == "invalid_launch" and error_of(answer)["details"] == {"claim": "aud"}


async def test_an_id_token_issued_long_ago_is_refused_whatever_its_expiry(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    platform.claims["iat"] = int(time.time()) - 3600
    answer = await launch(client, platform, "teacher-hint")
    assert _code(answer, 401) == "invalid_launch" and error_of(answer)["details"] == {"claim": "iat"}


async def test_a_platform_whose_keys_cannot_be_fetched_is_reported(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    await client.patch(
        f"/api/admin/lti-platforms/{school.platform_id}",
        json={"jwks_url": f"{platform.url}/gone"},
        headers=school.admin.headers,
    )
    assert _code(await launch(client, platform, "teacher-hint"), 502) == "platform_keys_unavailable"


async def test_login_initiations_waiting_for_their_launch_are_bounded_per_platform(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(actions, "MAX_WAITING_LAUNCHES", 2)
    for _ in range(2):
        assert (
            await client.get("/lti/login", params=platform.login_query("teacher-hint"))
        ).status_code == 302
    answer = await client.get("/lti/login", params=platform.login_query("teacher-hint"))
    assert _code(answer, 429) == "too_many_launches"


async def test_a_platform_that_does_not_authenticate_the_person_is_reported(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    platform.auth_error = "login_required"
    answer = await launch(client, platform, "teacher-hint")
    assert (
        _code(answer, 400) == "platform_refused" and error_of(answer)["details"]["error"] == "login_required"
    )


async def test_a_frame_without_a_session_is_told_to_launch_again(client: httpx.AsyncClient) -> None:
    framed = await client.get("/embed", headers={"sec-fetch-dest": "iframe"})
    assert framed.status_code == 401 and "Open Messages again from your learning platform." in framed.text
    assert (await client.get("/embed")).headers["location"] == "/login"
