"""§7.1 "Confirm that communication rules allow messaging this person": per-school rules and their defaults."""

from __future__ import annotations

import httpx

from schoolchat.policy.communication import RecipientFacts, Scope, SenderSchool, may_start_conversation
from schoolchat.policy.decision import Allowed, Denied
from tests.calls import error_of, start
from tests.factories import Factory, Person


async def _reach(client: httpx.AsyncClient, sender: Person, person: Person) -> dict:  # type: ignore[type-arg]
    answer = await client.get(f"/api/people/{person.id}/reachability", headers=sender.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_rule_of_any_school_the_sender_belongs_to_is_enough() -> None:
    strict = SenderSchool(1, "Strict", "student", {("student", "student"): Scope.NOBODY})
    open_ = SenderSchool(2, "Open", "student", {("student", "student"): Scope.ANYONE})
    facts = RecipientFacts("student", frozenset(), shares_space=False)
    assert isinstance(may_start_conversation([strict], facts), Denied)
    assert isinstance(may_start_conversation([strict, open_], facts), Allowed)


async def test_by_default_students_may_message_their_classmates(
    client: httpx.AsyncClient, make: Factory
) -> None:
    a = await make.person(school=make.default_rules_school)
    b = await make.person(school=make.default_rules_school)
    await make.space("Maths", students=[a, b], school=make.default_rules_school)
    assert (await _reach(client, a, b))["allowed"] is True


async def test_by_default_students_may_message_the_teachers_of_their_courses(
    client: httpx.AsyncClient, make: Factory
) -> None:
    student = await make.person(school=make.default_rules_school)
    teacher = await make.person(role="teacher", school=make.default_rules_school)
    await make.space("Maths", teachers=[teacher], students=[student], school=make.default_rules_school)
    assert (await _reach(client, student, teacher))["allowed"] is True


async def test_by_default_students_cannot_start_with_students_outside_their_courses(
    client: httpx.AsyncClient, make: Factory
) -> None:
    a = await make.person(school=make.default_rules_school)
    b = await make.person(school=make.default_rules_school)
    explained = await _reach(client, a, b)
    assert explained == {
        "allowed": False,
        "code": "communication_rule",
        "message": "The communication rules of Default Rules School let students message students "
        "only within a shared course or project.",
        "details": {
            "org_id": make.default_rules_school,
            "sender_role": "student",
            "recipient_role": "student",
            "scope": "shared_space",
        },
    }
    answer = await start(client, a, people=[b.id], body="hi")
    assert answer.status_code == 403 and error_of(answer)["code"] == "communication_rule"


async def test_by_default_students_cannot_start_with_admins(client: httpx.AsyncClient, make: Factory) -> None:
    student = await make.person(school=make.default_rules_school)
    admin = await make.person(role="admin", school=make.default_rules_school)
    await make.space("Maths", teachers=[admin], students=[student], school=make.default_rules_school)
    assert (await _reach(client, student, admin))["allowed"] is False


async def test_by_default_teachers_may_message_anyone_in_their_school(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person(role="teacher", school=make.default_rules_school)
    student = await make.person(school=make.default_rules_school)
    assert (await _reach(client, teacher, student))["allowed"] is True


async def test_a_school_changes_its_rules(client: httpx.AsyncClient, make: Factory) -> None:
    admin = await make.person(role="admin", school=make.default_rules_school)
    a = await make.person(school=make.default_rules_school)
    b = await make.person(school=make.default_rules_school)
    answer = await client.put(
        f"/api/admin/orgs/{make.default_rules_school}/rules",
        headers=admin.headers,
        json={"rules": [{"sender_role": "student", "recipient_role": "student", "scope": "same_school"}]},
    )
    assert answer.status_code == 200
    rule = next(r for r in answer.json() if (r["sender_role"], r["recipient_role"]) == ("student", "student"))
    assert rule == {
        "sender_role": "student",
        "recipient_role": "student",
        "scope": "same_school",
        "source": "this org",
    }
    assert (await start(client, a, people=[b.id], body="hi")).status_code == 201


async def test_schools_without_rules_follow_their_district(client: httpx.AsyncClient, make: Factory) -> None:
    district_admin = await make.person(role="admin", school=make.district)
    await client.put(
        f"/api/admin/orgs/{make.district}/rules",
        headers=district_admin.headers,
        json={"rules": [{"sender_role": "teacher", "recipient_role": "student", "scope": "nobody"}]},
    )
    await client.put(
        f"/api/admin/orgs/{make.school}/rules", headers=district_admin.headers, json={"rules": []}
    )
    rules = (await client.get(f"/api/admin/orgs/{make.school}/rules", headers=district_admin.headers)).json()
    teacher_to_student = next(
        r for r in rules if (r["sender_role"], r["recipient_role"]) == ("teacher", "student")
    )
    assert teacher_to_student["scope"] == "nobody" and teacher_to_student["source"] == "inherited"
    teacher, student = await make.person(role="teacher"), await make.person()
    assert (await _reach(client, teacher, student))["allowed"] is False


async def test_recipient_search_offers_only_people_the_rules_allow(
    client: httpx.AsyncClient, make: Factory
) -> None:
    me = await make.person("Ann Asker", school=make.default_rules_school)
    classmate = await make.person("Sam Classmate", school=make.default_rules_school)
    await make.person("Sam Stranger", school=make.default_rules_school)
    await make.space("Maths", students=[me, classmate], school=make.default_rules_school)
    found = await client.get("/api/recipients", params={"q": "sam"}, headers=me.headers)
    assert [p["name"] for p in found.json()["people"]] == ["Sam Classmate"]


async def test_reachability_explains_disabled_messaging(client: httpx.AsyncClient, make: Factory) -> None:
    teacher = await make.person(role="teacher")
    sofia = await make.person("Sofia Moen", messaging_disabled=True)
    explained = await _reach(client, teacher, sofia)
    assert explained["allowed"] is False
    assert explained["message"] == "Your message cannot be delivered: Sofia Moen has messaging disabled."


async def test_reachability_of_someone_you_cannot_see_is_not_found(
    client: httpx.AsyncClient, make: Factory
) -> None:
    me, stranger = await make.person(), await make.person(school=make.other_school)
    assert (
        await client.get(f"/api/people/{stranger.id}/reachability", headers=me.headers)
    ).status_code == 404


async def test_a_rule_pair_given_twice_is_refused(client: httpx.AsyncClient, make: Factory) -> None:
    admin = await make.person(role="admin")
    rule = {"sender_role": "student", "recipient_role": "student", "scope": "anyone"}
    answer = await client.put(
        f"/api/admin/orgs/{make.school}/rules", json={"rules": [rule, rule]}, headers=admin.headers
    )
    assert answer.status_code == 422 and error_of(answer)["code"] == "duplicate_rule"
