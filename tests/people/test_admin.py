"""§2 and the admin API: admins manage people, roles, courses and projects of the orgs they administer."""

from __future__ import annotations

import httpx

from tests.calls import error_of
from tests.factories import PASSWORD, Factory


async def test_school_admin_creates_a_person_who_can_log_in(client: httpx.AsyncClient, make: Factory) -> None:
    admin = await make.person(role="admin")
    answer = await client.post(
        "/api/admin/users",
        headers=admin.headers,
        json={
            "username": "new.teacher",
            "password": PASSWORD,
            "name": "New Teacher",
            "title": "Physics",
            "org_id": make.school,
            "role": "teacher",
        },
    )
    assert answer.status_code == 201
    login = await client.post("/api/auth/tokens", json={"username": "new.teacher", "password": PASSWORD})
    assert login.status_code == 201


async def test_a_taken_username_is_a_conflict(client: httpx.AsyncClient, make: Factory) -> None:
    admin = await make.person(role="admin")
    body = {
        "username": "dup.name",
        "password": PASSWORD,
        "name": "A",
        "org_id": make.school,
        "role": "student",
    }
    assert (await client.post("/api/admin/users", json=body, headers=admin.headers)).status_code == 201
    again = await client.post("/api/admin/users", json=body, headers=admin.headers)
    assert again.status_code == 409 and error_of(again)["code"] == "username_taken"


async def test_names_with_control_characters_are_refused(client: httpx.AsyncClient, make: Factory) -> None:
    admin = await make.person(role="admin")
    answer = await client.post(
        "/api/admin/users",
        headers=admin.headers,
        json={
            "username": "bad.name",
            "password": PASSWORD,
            "name": "Evil\u202eName",
            "org_id": make.school,
            "role": "student",
        },
    )
    assert answer.status_code == 422 and error_of(answer)["code"] == "invalid_characters"


async def test_district_admin_administers_schools_below_it(client: httpx.AsyncClient, make: Factory) -> None:
    district_admin = await make.person(role="admin", school=make.district)
    answer = await client.post(
        "/api/admin/spaces",
        headers=district_admin.headers,
        json={"kind": "course", "name": "Art", "org_id": make.other_school},
    )
    assert answer.status_code == 201


async def test_admin_of_another_school_cannot_manage_this_school(
    client: httpx.AsyncClient, make: Factory
) -> None:
    other_admin = await make.person(role="admin", school=make.other_school)
    student = await make.person()
    create = await client.post(
        "/api/admin/spaces",
        headers=other_admin.headers,
        json={"kind": "course", "name": "Art", "org_id": make.school},
    )
    assert create.status_code == 404
    change = await client.patch(
        f"/api/admin/users/{student.id}", json={"messaging_disabled": True}, headers=other_admin.headers
    )
    assert change.status_code == 404


async def test_teachers_and_students_cannot_administer(client: httpx.AsyncClient, make: Factory) -> None:
    teacher = await make.person(role="teacher")
    answer = await client.post(
        "/api/admin/spaces",
        headers=teacher.headers,
        json={"kind": "course", "name": "Art", "org_id": make.school},
    )
    assert answer.status_code == 404


async def test_admin_disables_messaging_for_a_person(client: httpx.AsyncClient, make: Factory) -> None:
    admin, student = await make.person(role="admin"), await make.person()
    answer = await client.patch(
        f"/api/admin/users/{student.id}", json={"messaging_disabled": True}, headers=admin.headers
    )
    assert answer.status_code == 204
    assert (await client.get("/api/me", headers=student.headers)).json()["messaging_disabled"] is True


async def test_admin_grants_the_mass_messaging_privilege(client: httpx.AsyncClient, make: Factory) -> None:
    admin, teacher = await make.person(role="admin"), await make.person(role="teacher")
    await client.patch(f"/api/admin/users/{teacher.id}", json={"mass_messaging": True}, headers=admin.headers)
    assert (await client.get("/api/me", headers=teacher.headers)).json()["mass_messaging"] is True


async def test_admin_creates_a_school_under_the_district(client: httpx.AsyncClient, make: Factory) -> None:
    district_admin = await make.person(role="admin", school=make.district)
    answer = await client.post(
        "/api/admin/orgs",
        json={"name": "New School", "kind": "school", "parent_id": make.district},
        headers=district_admin.headers,
    )
    assert answer.status_code == 201


async def test_renaming_a_course_renames_its_conversation(client: httpx.AsyncClient, make: Factory) -> None:
    admin, teacher = await make.person(role="admin"), await make.person(role="teacher")
    course = await make.space("Bio", teachers=[teacher])
    await client.post(
        "/api/conversations",
        json={"recipients": {"courses": [course.id]}, "mode": "group"},
        headers=teacher.headers,
    )
    await client.patch(f"/api/admin/spaces/{course.id}", json={"name": "Biology 101"}, headers=admin.headers)
    listing = await client.get("/api/conversations", headers=teacher.headers)
    assert listing.json()["conversations"][0]["name"] == "Biology 101"


async def test_role_in_a_course_can_be_changed(client: httpx.AsyncClient, make: Factory) -> None:
    admin, person = await make.person(role="admin"), await make.person(role="teacher")
    course = await make.space("Chess", students=[person])
    await client.put(
        f"/api/admin/spaces/{course.id}/members/{person.id}", json={"role": "teacher"}, headers=admin.headers
    )
    assert (await client.get("/api/me", headers=person.headers)).json()["spaces"] == {
        str(course.id): "teacher"
    }


async def test_an_unknown_role_is_refused_with_the_field(client: httpx.AsyncClient, make: Factory) -> None:
    admin, person = await make.person(role="admin"), await make.person()
    answer = await client.put(
        f"/api/admin/users/{person.id}/roles/{make.school}", json={"role": "wizard"}, headers=admin.headers
    )
    assert answer.status_code == 422
    assert error_of(answer)["details"]["fields"][0]["field"] == "role"


async def test_admin_lists_the_orgs_they_administer(client: httpx.AsyncClient, make: Factory) -> None:
    admin = await make.person(role="admin")
    district_admin = await make.person(role="admin", school=make.district)
    mine = await client.get("/api/admin/orgs", headers=admin.headers)
    assert [org["id"] for org in mine.json()] == [make.school]
    everything = await client.get("/api/admin/orgs", headers=district_admin.headers)
    assert [org["id"] for org in everything.json()] == [make.district, make.school, make.other_school]


async def test_admin_lists_people_and_courses_of_their_school(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, teacher = (
        await make.person("Ada Admin", role="admin"),
        await make.person("Tess Teacher", "teacher"),
    )
    await make.space("Geology", teachers=[teacher])
    people = await client.get(
        f"/api/admin/orgs/{make.school}/people", params={"q": "tess"}, headers=admin.headers
    )
    assert [(p["name"], p["role"]) for p in people.json()["people"]] == [("Tess Teacher", "teacher")]
    spaces = await client.get(f"/api/admin/orgs/{make.school}/spaces", headers=admin.headers)
    assert [(s["name"], s["participant_count"]) for s in spaces.json()] == [("Geology", 1)]
    space_id = spaces.json()[0]["id"]
    members = await client.get(f"/api/admin/spaces/{space_id}/members", headers=admin.headers)
    assert [(m["name"], m["role"]) for m in members.json()] == [("Tess Teacher", "teacher")]


async def test_admin_lists_of_another_school_are_not_found(client: httpx.AsyncClient, make: Factory) -> None:
    other_admin = await make.person(role="admin", school=make.other_school)
    answer = await client.get(f"/api/admin/orgs/{make.school}/people", headers=other_admin.headers)
    assert answer.status_code == 404


async def test_deactivating_a_person_ends_their_sessions(client: httpx.AsyncClient, make: Factory) -> None:
    admin, student = await make.person(role="admin"), await make.person()
    await client.patch(f"/api/admin/users/{student.id}", json={"is_active": False}, headers=admin.headers)
    assert (await client.get("/api/me", headers=student.headers)).status_code == 401
    login = await client.post("/api/auth/tokens", json={"username": student.username, "password": PASSWORD})
    assert login.status_code == 401


async def test_a_new_password_ends_the_old_sessions(client: httpx.AsyncClient, make: Factory) -> None:
    admin, student = await make.person(role="admin"), await make.person()
    await client.patch(
        f"/api/admin/users/{student.id}", json={"password": "a brand new one"}, headers=admin.headers
    )
    assert (await client.get("/api/me", headers=student.headers)).status_code == 401
    login = await client.post(
        "/api/auth/tokens", json={"username": student.username, "password": "a brand new one"}
    )
    assert login.status_code == 201


async def test_the_admin_lists_say_whether_messaging_is_off_for_an_org_and_a_course(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin = await make.person(role="admin")
    course = await make.space("Geology")
    await client.patch(
        f"/api/admin/orgs/{make.school}", json={"messaging_disabled": True}, headers=admin.headers
    )
    await client.patch(
        f"/api/admin/spaces/{course.id}", json={"messaging_disabled": True}, headers=admin.headers
    )
    orgs = await client.get("/api/admin/orgs", headers=admin.headers)
    assert [(org["id"], org["messaging_disabled"]) for org in orgs.json()] == [(make.school, True)]
    spaces = await client.get(f"/api/admin/orgs/{make.school}/spaces", headers=admin.headers)
    assert [(s["name"], s["messaging_disabled"]) for s in spaces.json()] == [("Geology", True)]
