"""Privileges and roles are given and taken away by another administrator, never by the grantee (docs/architecture.md,
"Who grants privileges and roles"), and every grant and revoke is in the audit log."""

from __future__ import annotations

import httpx

from schoolchat.policy.admin import may_grant
from schoolchat.policy.decision import ALLOWED, Denied
from tests.calls import error_of
from tests.factories import Factory, Person


async def _audit(client: httpx.AsyncClient, admin: Person, **filters: object) -> list[dict[str, object]]:
    answer = await client.get("/api/admin/audit", params=filters, headers=admin.headers)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["entries"])


async def _mass_messaging(client: httpx.AsyncClient, who: Person) -> bool:
    return bool((await client.get("/api/me", headers=who.headers)).json()["mass_messaging"])


def test_the_rule_allows_another_admin_of_the_same_or_a_higher_org_and_never_the_grantee() -> None:
    district, school, other_school = 1, 2, 3
    grantee_chains = [[school, district]]
    assert may_grant(10, {school: "admin"}, 11, grantee_chains) == ALLOWED
    assert may_grant(10, {district: "admin"}, 11, grantee_chains) == ALLOWED
    assert may_grant(11, {school: "admin"}, 11, grantee_chains) == Denied(
        "own_privileges", "You cannot change your own roles or privileges. Ask another administrator.", 403
    )
    assert may_grant(10, {other_school: "admin"}, 11, grantee_chains).status == 404  # type: ignore[union-attr]
    assert may_grant(10, {school: "teacher"}, 11, grantee_chains).status == 404  # type: ignore[union-attr]


async def test_an_admin_cannot_grant_himself_mass_messaging(client: httpx.AsyncClient, make: Factory) -> None:
    admin = await make.person(role="admin")
    answer = await client.patch(
        f"/api/admin/users/{admin.id}", json={"mass_messaging": True}, headers=admin.headers
    )
    assert answer.status_code == 403 and error_of(answer)["code"] == "own_privileges"
    assert await _mass_messaging(client, admin) is False
    assert await _audit(client, admin, action="user.mass_messaging") == []


async def test_an_admin_cannot_give_himself_a_role(client: httpx.AsyncClient, make: Factory) -> None:
    admin = await make.person(role="admin")
    answer = await client.put(
        f"/api/admin/users/{admin.id}/roles/{make.school}", json={"role": "teacher"}, headers=admin.headers
    )
    assert answer.status_code == 403 and error_of(answer)["code"] == "own_privileges"
    removed = await client.delete(f"/api/admin/users/{admin.id}/roles/{make.school}", headers=admin.headers)
    assert removed.status_code == 403
    assert (await client.get("/api/me", headers=admin.headers)).json()["roles"] == {str(make.school): "admin"}


async def test_an_admin_still_changes_his_own_profile(client: httpx.AsyncClient, make: Factory) -> None:
    admin = await make.person(role="admin")
    answer = await client.patch(
        f"/api/admin/users/{admin.id}", json={"title": "Head of year"}, headers=admin.headers
    )
    assert answer.status_code == 204, answer.text


async def test_another_admin_of_the_school_or_of_the_district_grants_it(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, colleague = await make.person(role="admin"), await make.person(role="admin")
    district_admin = await make.person(role="admin", school=make.district)
    granted = await client.patch(
        f"/api/admin/users/{admin.id}", json={"mass_messaging": True}, headers=colleague.headers
    )
    assert granted.status_code == 204, granted.text
    assert await _mass_messaging(client, admin)
    revoked = await client.patch(
        f"/api/admin/users/{admin.id}", json={"mass_messaging": False}, headers=district_admin.headers
    )
    assert revoked.status_code == 204, revoked.text
    assert not await _mass_messaging(client, admin)


async def test_an_admin_of_another_school_grants_nothing(client: httpx.AsyncClient, make: Factory) -> None:
    student = await make.person()
    other_admin = await make.person(role="admin", school=make.other_school)
    answer = await client.patch(
        f"/api/admin/users/{student.id}", json={"mass_messaging": True}, headers=other_admin.headers
    )
    assert answer.status_code == 404


async def test_every_grant_and_revoke_is_in_the_audit_log(client: httpx.AsyncClient, make: Factory) -> None:
    admin, teacher = await make.person("Ada Admin", role="admin"), await make.person(role="teacher")
    for change in ({"mass_messaging": True}, {"mass_messaging": False}):
        assert (
            await client.patch(f"/api/admin/users/{teacher.id}", json=change, headers=admin.headers)
        ).status_code == 204
    role = f"/api/admin/users/{teacher.id}/roles/{make.school}"
    assert (await client.put(role, json={"role": "admin"}, headers=admin.headers)).status_code == 204
    assert (await client.delete(role, headers=admin.headers)).status_code == 204
    created = await client.post(
        "/api/admin/users",
        headers=admin.headers,
        json={
            "username": "newadmin",
            "password": "long enough 1",
            "name": "New Admin",
            "org_id": make.school,
            "role": "admin",
        },
    )
    assert created.status_code == 201, created.text
    entries = await _audit(client, admin, object_type="user")
    assert [(e["action"], e["object_id"], e["actor_name"], e["details"]) for e in reversed(entries)] == [
        ("user.mass_messaging", teacher.id, "Ada Admin", {"mass_messaging": True}),
        ("user.mass_messaging", teacher.id, "Ada Admin", {"mass_messaging": False}),
        (
            "user.role_granted",
            teacher.id,
            "Ada Admin",
            {"org_id": make.school, "role": "admin", "previous": "teacher"},
        ),
        (
            "user.role_revoked",
            teacher.id,
            "Ada Admin",
            {"org_id": make.school, "role": None, "previous": "admin"},
        ),
        (
            "user.role_granted",
            created.json()["id"],
            "Ada Admin",
            {"org_id": make.school, "role": "admin", "previous": None},
        ),
    ]
