"""The language setting (issue 15): the person's own choice, else the school's default (inherited down the org
hierarchy), else the browser's Accept-Language, else English; GET /api/me tells which one is in force."""

from __future__ import annotations

import httpx

from tests.calls import error_of
from tests.factories import Factory, Person


async def _me(client: httpx.AsyncClient, who: Person, accept: str | None = None) -> dict[str, object]:
    headers = {**who.headers, **({"Accept-Language": accept} if accept else {})}
    answer = await client.get("/api/me", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _set_default(client: httpx.AsyncClient, make: Factory, org_id: int, language: str | None) -> None:
    admin = await make.person("Ada Admin", "admin", school=make.district)
    changed = await client.patch(
        f"/api/admin/orgs/{org_id}", json={"default_language": language}, headers=admin.headers
    )
    assert changed.status_code == 204, changed.text


async def test_without_any_setting_the_language_is_english(client: httpx.AsyncClient, make: Factory) -> None:
    me = await _me(client, await make.person())
    assert (me["language"], me["language_setting"], me["time_zone"]) == ("en", None, "Europe/Oslo")


async def test_without_a_setting_the_browsers_accept_language_decides(
    client: httpx.AsyncClient, make: Factory
) -> None:
    student = await make.person()
    assert (await _me(client, student, "nn-NO,nn;q=0.9,en;q=0.5"))["language"] == "nn"
    assert (await _me(client, student, "de, nb;q=0.4, en;q=0.8"))["language"] == "en"
    assert (await _me(client, student, "no"))["language"] == "nb"
    assert (await _me(client, student, "fr, de"))["language"] == "en"


async def test_the_schools_default_comes_before_the_browser(client: httpx.AsyncClient, make: Factory) -> None:
    student = await make.person()
    await _set_default(client, make, make.school, "nn")
    assert (await _me(client, student, "en"))["language"] == "nn"


async def test_a_school_without_a_default_inherits_its_districts(
    client: httpx.AsyncClient, make: Factory
) -> None:
    student = await make.person()
    await _set_default(client, make, make.district, "nb")
    assert (await _me(client, student, "en"))["language"] == "nb"
    await _set_default(client, make, make.school, "en")
    assert (await _me(client, student, "nb"))["language"] == "en"


async def test_the_persons_own_setting_comes_before_the_school(
    client: httpx.AsyncClient, make: Factory
) -> None:
    student = await make.person()
    await _set_default(client, make, make.school, "nb")
    answer = await client.put("/api/me/language", json={"language": "nn"}, headers=student.headers)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["language"], answer.json()["language_setting"]) == ("nn", "nn")
    assert ((await _me(client, student))["language"], (await _me(client, student))["language_setting"]) == (
        "nn",
        "nn",
    )


async def test_clearing_the_setting_falls_back_to_the_school(
    client: httpx.AsyncClient, make: Factory
) -> None:
    student = await make.person()
    await _set_default(client, make, make.school, "nb")
    await client.put("/api/me/language", json={"language": "en"}, headers=student.headers)
    answer = await client.put("/api/me/language", json={"language": None}, headers=student.headers)
    assert (answer.json()["language"], answer.json()["language_setting"]) == ("nb", None)


async def test_a_person_with_messaging_disabled_can_choose_their_language(
    client: httpx.AsyncClient, make: Factory
) -> None:
    student = await make.person(messaging_disabled=True)
    answer = await client.put("/api/me/language", json={"language": "nb"}, headers=student.headers)
    assert answer.status_code == 200, answer.text


async def test_only_nb_nn_and_en_can_be_chosen(client: httpx.AsyncClient, make: Factory) -> None:
    student = await make.person()
    answer = await client.put("/api/me/language", json={"language": "sv"}, headers=student.headers)
    assert answer.status_code == 422 and error_of(answer)["code"] == "invalid_request"
    admin = await make.person("Ada Admin", "admin")
    answer = await client.patch(
        f"/api/admin/orgs/{make.school}", json={"default_language": "no"}, headers=admin.headers
    )
    assert answer.status_code == 422


async def test_the_admin_sees_each_orgs_own_default_language(
    client: httpx.AsyncClient, make: Factory
) -> None:
    await _set_default(client, make, make.school, "nn")
    admin = await make.person("Dina District", "admin", school=make.district)
    orgs = {org["id"]: org for org in (await client.get("/api/admin/orgs", headers=admin.headers)).json()}
    assert (orgs[make.school]["default_language"], orgs[make.district]["default_language"]) == ("nn", None)


async def test_an_admin_of_another_school_cannot_set_its_default_language(
    client: httpx.AsyncClient, make: Factory
) -> None:
    other_admin = await make.person("Olav Other", "admin", school=make.other_school)
    answer = await client.patch(
        f"/api/admin/orgs/{make.school}", json={"default_language": "nb"}, headers=other_admin.headers
    )
    assert answer.status_code == 404
