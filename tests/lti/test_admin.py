"""Platform registrations, managed by the admins of an org through the admin API, each change audit-logged."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from schoolchat.moderation.models import audit_log
from schoolchat.services import Services
from tests.calls import error_of
from tests.factories import Factory
from tests.lti.conftest import School, launch
from tests.lti.platform import LearningPlatform


async def _actions(services: Services) -> list[str]:
    async with services.db.read() as conn:
        return list(
            (
                await conn.execute(
                    select(audit_log.c.action)
                    .where(audit_log.c.object_type == "lti_platform")
                    .order_by(audit_log.c.id)
                )
            ).scalars()
        )


async def test_admins_register_change_and_remove_platforms_and_each_is_audited(
    client: httpx.AsyncClient, platform: LearningPlatform, make: Factory, services: Services
) -> None:
    admin = await make.person("Ada Admin", "admin")
    url = f"/api/admin/orgs/{make.school}/lti-platforms"
    created = await client.post(url, json=platform.registration(), headers=admin.headers)
    assert created.status_code == 201, created.text
    platform_id = created.json()["id"]
    [listed] = (await client.get(url, headers=admin.headers)).json()
    assert listed["frame_origins"] == [platform.url]  # the issuer's origin when none is given
    assert listed["deployment_ids"] == ["deployment-1"] and listed["org_id"] == make.school
    changed = await client.patch(
        f"/api/admin/lti-platforms/{platform_id}",
        json={"deployment_ids": ["deployment-1", "deployment-2"]},
        headers=admin.headers,
    )
    assert changed.status_code == 204
    assert (await client.get(url, headers=admin.headers)).json()[0]["deployment_ids"] == [
        "deployment-1",
        "deployment-2",
    ]
    assert (
        await client.delete(f"/api/admin/lti-platforms/{platform_id}", headers=admin.headers)
    ).status_code == 204
    assert (await client.get(url, headers=admin.headers)).json() == []
    assert await _actions(services) == [
        "lti_platform.registered",
        "lti_platform.changed",
        "lti_platform.removed",
    ]


async def test_an_issuer_and_client_id_are_registered_once(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School, make: Factory
) -> None:
    again = await client.post(
        f"/api/admin/orgs/{make.school}/lti-platforms",
        json=platform.registration(),
        headers=school.admin.headers,
    )
    assert again.status_code == 409 and error_of(again)["code"] == "platform_exists"


async def test_platform_addresses_must_be_https(
    client: httpx.AsyncClient, platform: LearningPlatform, make: Factory
) -> None:
    admin = await make.person("Ada Admin", "admin")
    registration = platform.registration(jwks_url="http://lms.school.example/jwks")
    answer = await client.post(
        f"/api/admin/orgs/{make.school}/lti-platforms", json=registration, headers=admin.headers
    )
    assert answer.status_code == 422
    assert error_of(answer)["details"]["fields"][0]["field"] == "jwks_url"


async def test_a_removed_platform_launches_no_more(
    client: httpx.AsyncClient, platform: LearningPlatform, school: School
) -> None:
    await client.delete(f"/api/admin/lti-platforms/{school.platform_id}", headers=school.admin.headers)
    assert error_of(await launch(client, platform, "teacher-hint"))["code"] == "unknown_platform"


async def test_a_change_cannot_blank_a_required_field(client: httpx.AsyncClient, school: School) -> None:
    answer = await client.patch(
        f"/api/admin/lti-platforms/{school.platform_id}",
        json={"jwks_url": None},
        headers=school.admin.headers,
    )
    assert answer.status_code == 422 and error_of(answer)["details"]["fields"][0]["field"] == "jwks_url"


async def test_a_frame_origin_is_a_plain_origin(
    client: httpx.AsyncClient, platform: LearningPlatform, make: Factory
) -> None:
    admin = await make.person("Ada Admin", "admin")
    for origin in ("https://lms.example/course", "https://lms.example;script-src *"):
        answer = await client.post(
            f"/api/admin/orgs/{make.school}/lti-platforms",
            json=platform.registration(frame_origins=[origin]),
            headers=admin.headers,
        )
        assert answer.status_code == 422, origin
