"""The preference and school settings routes: who may change what, and bad input as a clear 422."""

from __future__ import annotations

import httpx

from tests.calls import started
from tests.factories import Factory


async def test_a_person_follows_the_school_default_until_choosing_and_may_go_back_to_it(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, student = await make.person("Ada Admin", "admin"), await make.person("Sia Student")
    await client.put(
        f"/api/admin/orgs/{make.school}/notifications",
        json={"email_default": "hourly"},
        headers=admin.headers,
    )
    mine = (await client.get("/api/me/notifications", headers=student.headers)).json()
    assert (mine["email"], mine["own"], mine["school_default"]) == ("hourly", None, "hourly")
    chosen = (
        await client.put("/api/me/notifications", json={"email": "daily"}, headers=student.headers)
    ).json()
    assert (chosen["email"], chosen["own"]) == ("daily", "daily")
    back = (await client.put("/api/me/notifications", json={"email": None}, headers=student.headers)).json()
    assert (back["email"], back["own"]) == ("hourly", None)
    bad = await client.put("/api/me/notifications", json={"email": "weekly"}, headers=student.headers)
    assert bad.status_code == 422


async def test_school_settings_are_reached_only_by_the_schools_admins(
    client: httpx.AsyncClient, make: Factory
) -> None:
    other_admin = await make.person("Otto Admin", "admin", school=make.other_school)
    teacher = await make.person("Maria Jensen", "teacher")
    for who in (other_admin, teacher):
        for answer in (
            await client.get(f"/api/admin/orgs/{make.school}/notifications", headers=who.headers),
            await client.put(f"/api/admin/orgs/{make.school}/notifications", json={}, headers=who.headers),
        ):
            assert answer.status_code == 404
    assert (await client.get(f"/api/admin/orgs/{make.school}/notifications")).status_code == 401


async def test_a_district_setting_applies_to_its_schools_until_a_school_sets_its_own(
    client: httpx.AsyncClient, make: Factory
) -> None:
    district_admin = await make.person("Dina District", "admin", school=make.district)
    await client.put(
        f"/api/admin/orgs/{make.district}/notifications",
        headers=district_admin.headers,
        json={"quiet_start": "21:00", "quiet_end": "07:00"},
    )
    school = (
        await client.get(f"/api/admin/orgs/{make.school}/notifications", headers=district_admin.headers)
    ).json()
    assert (school["inherited_from"], school["quiet_start"], school["quiet_end"]) == (
        make.district,
        "21:00",
        "07:00",
    )


async def test_half_given_or_impossible_quiet_hours_are_refused(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin = await make.person("Ada Admin", "admin")
    url = f"/api/admin/orgs/{make.school}/notifications"
    half = await client.put(url, json={"quiet_start": "21:00"}, headers=admin.headers)
    assert (half.status_code, half.json()["error"]["code"]) == (422, "invalid_quiet_hours")
    clock = await client.put(url, json={"quiet_start": "25:00", "quiet_end": "07:00"}, headers=admin.headers)
    assert clock.status_code == 422


async def test_muting_is_only_for_members(client: httpx.AsyncClient, make: Factory) -> None:
    teacher, student, stranger = (
        await make.person("Maria Jensen", "teacher"),
        await make.person("Sia Student"),
        await make.person("Sam Stranger"),
    )
    conversation = (await started(client, teacher, people=[student.id]))["conversation"]["id"]
    assert (
        await client.put(f"/api/conversations/{conversation}/mute", headers=stranger.headers)
    ).status_code == 404
    assert (await client.put(f"/api/conversations/{conversation}/mute")).status_code == 401


async def test_an_admin_gives_a_person_the_email_address_notifications_go_to(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, student = await make.person("Ada Admin", "admin"), await make.person("Sia Student")
    assert (await client.get("/api/me/notifications", headers=student.headers)).json()[
        "has_email_address"
    ] is False
    bad = await client.patch(
        f"/api/admin/users/{student.id}", json={"email": "not an address"}, headers=admin.headers
    )
    assert bad.status_code == 422
    good = await client.patch(
        f"/api/admin/users/{student.id}", json={"email": "sia@school.test"}, headers=admin.headers
    )
    assert good.status_code == 204
    assert (await client.get("/api/me/notifications", headers=student.headers)).json()[
        "has_email_address"
    ] is True
