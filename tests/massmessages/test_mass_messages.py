"""Mass messages (§2, §6.5): who may send them, to whom, one-way, with their own icon, out of search, delivered
in the background with visible progress and a receipt counting those whose messaging is disabled (§6.4)."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from schoolchat.conversations.models import memberships
from schoolchat.massmessages import actions
from schoolchat.massmessages.worker import MassMessageWorker
from schoolchat.messages.models import messages
from schoolchat.services import Services
from tests.calls import conversation_list, error_of, history, send
from tests.factories import Factory, Person
from tests.massmessages.calls import privileged_admin


async def _send(
    client: httpx.AsyncClient,
    who: Person,
    org_ids: list[int],
    roles: list[str],
    body: str = "School is closed tomorrow.",
    **extra: Any,
) -> httpx.Response:
    return await client.post(
        "/api/mass-messages",
        json={"org_ids": org_ids, "roles": roles, "body": body, **extra},
        headers=who.headers,
    )


async def _delivered(client: httpx.AsyncClient, app: FastAPI, who: Person, job_id: int) -> dict[str, Any]:
    await app.state.mass_messages.drain()
    answer = await client.get(f"/api/mass-messages/{job_id}", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _mass_entries(conversations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in conversations if c["kind"] == "mass"]


async def test_mass_message_reaches_the_chosen_roles_of_an_org_and_everything_below_it(
    client: httpx.AsyncClient, app: FastAPI, make: Factory
) -> None:
    admin = await privileged_admin(client, make)
    student, teacher = await make.person("Sia Student"), await make.person("Ted Teacher", "teacher")
    department = await client.post(
        "/api/admin/orgs",
        json={"name": "Science", "kind": "department", "parent_id": make.school},
        headers=admin.headers,
    )
    below = await make.person("Deb Department", school=department.json()["id"])
    elsewhere = await make.person("Otis Other", school=make.other_school)
    accepted = await _send(client, admin, [make.school], ["student"])
    assert accepted.status_code == 202, accepted.text
    job = await _delivered(client, app, admin, accepted.json()["id"])
    assert (job["status"], job["delivered"], job["skipped_disabled"], job["progress"]) == ("done", 2, 0, 1.0)
    for person, reached in ((student, True), (below, True), (teacher, False), (elsewhere, False)):
        assert bool(_mass_entries(await conversation_list(client, person))) is reached, person.name


async def test_mass_messaging_requires_the_privilege(client: httpx.AsyncClient, make: Factory) -> None:
    admin = await make.person("Una Unprivileged", "admin")
    answer = await _send(client, admin, [make.school], ["student"])
    assert answer.status_code == 403
    assert error_of(answer)["code"] == "mass_messaging_not_allowed"
    targets = await client.get("/api/mass-messages/targets", headers=admin.headers)
    assert targets.status_code == 403


async def test_me_offers_mass_messages_to_an_admin_holding_the_privilege_only(
    client: httpx.AsyncClient, make: Factory
) -> None:
    unprivileged = await make.person("Una Unprivileged", "admin")
    admin = await privileged_admin(client, make)
    assert (await client.get("/api/me", headers=admin.headers)).json()["may_send_mass"] is True
    assert (await client.get("/api/me", headers=unprivileged.headers)).json()["may_send_mass"] is False


async def test_the_privilege_is_granted_and_revoked_by_an_administrator(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin = await privileged_admin(client, make)
    assert (await client.get("/api/mass-messages/targets", headers=admin.headers)).status_code == 200
    district_admin = await make.person("Dan District", "admin", school=make.district)
    revoked = await client.patch(
        f"/api/admin/users/{admin.id}", json={"mass_messaging": False}, headers=district_admin.headers
    )
    assert revoked.status_code == 204
    assert (await _send(client, admin, [make.school], ["student"])).status_code == 403


async def test_a_privileged_teacher_who_is_no_admin_cannot_send_mass_messages(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person("Tina Teacher", "teacher")
    admin = await make.person("Abe Admin", "admin")
    await client.patch(f"/api/admin/users/{teacher.id}", json={"mass_messaging": True}, headers=admin.headers)
    assert (await _send(client, teacher, [make.school], ["student"])).status_code == 403


async def test_an_org_the_sender_does_not_administer_is_not_found(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin = await privileged_admin(client, make)
    other = await _send(client, admin, [make.other_school], ["student"])
    missing = await _send(client, admin, [987654], ["student"])
    above = await _send(client, admin, [make.district], ["student"])
    assert other.status_code == missing.status_code == above.status_code == 404
    assert other.json() == missing.json() == above.json()


async def test_targets_list_the_administered_orgs_for_new_message(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin = await privileged_admin(client, make)
    answer = (await client.get("/api/mass-messages/targets", headers=admin.headers)).json()
    assert [org["id"] for org in answer["orgs"]] == [make.school]
    assert answer["roles"] == ["student", "teacher", "admin"]


async def test_guardians_cannot_be_chosen(client: httpx.AsyncClient, make: Factory) -> None:
    admin = await privileged_admin(client, make)
    answer = await _send(client, admin, [make.school], ["guardian"])
    assert answer.status_code == 422


async def test_recipients_cannot_reply(client: httpx.AsyncClient, app: FastAPI, make: Factory) -> None:
    admin = await privileged_admin(client, make)
    student = await make.person("Rita Reader")
    job = await _delivered(
        client, app, admin, (await _send(client, admin, [make.school], ["student"])).json()["id"]
    )
    for who in (student, admin):
        answer = await send(client, who, job["conversation_id"], "thanks!")
        assert answer.status_code == 403
        assert error_of(answer)["code"] == "mass_message_one_way"
    assert (await history(client, student, job["conversation_id"]))["messages"][0][
        "body"
    ] == "School is closed tomorrow."


async def test_mass_message_shows_with_its_own_icon_and_counts_as_unread(
    client: httpx.AsyncClient, app: FastAPI, make: Factory
) -> None:
    admin = await privileged_admin(client, make)
    student = await make.person("Ivy Icon")
    await _delivered(
        client, app, admin, (await _send(client, admin, [make.school], ["student"])).json()["id"]
    )
    [entry] = _mass_entries(await conversation_list(client, student))
    assert entry["icon"] == "megaphone"
    assert {c["icon"] for c in await conversation_list(client, student) if c["kind"] != "mass"} <= {
        "person",
        "people",
        "course",
        "project",
        "people-outgoing",
    }
    assert entry["name"] == "Mass message from Ada Admin"
    assert entry["preview"]["text"] == "School is closed tomorrow."
    assert entry["unread"] == 1
    assert (await client.get("/api/unread", headers=student.headers)).json()["total"] == 1


async def test_recipients_do_not_see_each_other(
    client: httpx.AsyncClient, app: FastAPI, make: Factory
) -> None:
    admin = await privileged_admin(client, make)
    one = await make.person("Pam One")
    await make.person("Pat Two")
    job = await _delivered(
        client, app, admin, (await _send(client, admin, [make.school], ["student"])).json()["id"]
    )
    answer = await client.get(
        f"/api/conversations/{job['conversation_id']}/participants", headers=one.headers
    )
    assert {p["id"] for p in answer.json()["participants"]} == {one.id, admin.id}
    assert "Pat Two" not in answer.text


async def test_mass_messages_are_not_searchable(
    client: httpx.AsyncClient, app: FastAPI, make: Factory
) -> None:
    admin = await privileged_admin(client, make)
    student = await make.person("Sam Searcher")
    job = await _delivered(
        client,
        app,
        admin,
        (await _send(client, admin, [make.school], ["student"], body="zebrafund drive")).json()["id"],
    )
    for who in (student, admin):
        everywhere = await client.get("/api/search", params={"q": "zebrafund"}, headers=who.headers)
        within = await client.get(
            f"/api/conversations/{job['conversation_id']}/search",
            params={"q": "zebrafund"},
            headers=who.headers,
        )
        assert everywhere.status_code == within.status_code == 200
        assert "zebrafund" not in everywhere.text and "zebrafund" not in within.text


async def test_recipients_with_messaging_disabled_are_skipped_and_counted(
    client: httpx.AsyncClient, app: FastAPI, make: Factory
) -> None:
    admin = await privileged_admin(client, make)
    reached = await make.person("Rob Reached")
    disabled = await make.person("Dora Disabled", messaging_disabled=True)
    department = (
        await client.post(
            "/api/admin/orgs",
            json={"name": "Closed wing", "kind": "department", "parent_id": make.school},
            headers=admin.headers,
        )
    ).json()
    await client.patch(
        f"/api/admin/orgs/{department['id']}", json={"messaging_disabled": True}, headers=admin.headers
    )
    org_disabled = await make.person("Olaf Orgoff", school=department["id"])
    job = await _delivered(
        client, app, admin, (await _send(client, admin, [make.school], ["student"])).json()["id"]
    )
    assert (job["total"], job["delivered"], job["skipped_disabled"]) == (3, 1, 2)
    assert _mass_entries(await conversation_list(client, reached))
    async with app.state.services.db.read() as conn:
        members = set(
            (
                await conn.execute(
                    select(memberships.c.user_id).where(
                        memberships.c.conversation_id == job["conversation_id"]
                    )
                )
            ).scalars()
        )
    assert members == {admin.id, reached.id} and not members & {disabled.id, org_disabled.id}


async def test_sending_returns_at_once_and_delivery_shows_progress(
    client: httpx.AsyncClient, app: FastAPI, make: Factory, services: Services
) -> None:
    admin = await privileged_admin(client, make)
    await make.bulk_students(25)
    accepted = await _send(client, admin, [make.school], ["student"])
    assert accepted.status_code == 202
    assert accepted.headers["location"] == f"/api/mass-messages/{accepted.json()['id']}"
    assert (accepted.json()["status"], accepted.json()["total"], accepted.json()["processed"]) == (
        "queued",
        25,
        0,
    )
    worker = MassMessageWorker(services, batch_size=10)
    job_id = await actions.claim(services, worker.name, worker.lease)
    assert await actions.deliver_batch(services, job_id, worker.name, worker.lease, 10)
    midway = (await client.get(f"/api/mass-messages/{job_id}", headers=admin.headers)).json()
    assert (midway["status"], midway["processed"], midway["progress"]) == ("running", 10, 0.4)
    await worker.drain()  # a fresh worker cannot take a job whose lease still holds…
    assert (await client.get(f"/api/mass-messages/{job_id}", headers=admin.headers)).json()["processed"] == 10
    while await actions.deliver_batch(services, job_id, worker.name, worker.lease, 10):
        pass
    done = (await client.get(f"/api/mass-messages/{job_id}", headers=admin.headers)).json()
    assert (done["status"], done["processed"], done["delivered"], done["progress"]) == ("done", 25, 25, 1.0)
    listed = (await client.get("/api/mass-messages", headers=admin.headers)).json()
    assert [job["id"] for job in listed] == [job_id]


async def test_a_job_whose_worker_died_is_resumed_by_another_after_its_lease(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    from datetime import timedelta

    admin = await privileged_admin(client, make)
    await make.bulk_students(25)
    job_id = (await _send(client, admin, [make.school], ["student"])).json()["id"]
    crashed = MassMessageWorker(
        services, batch_size=10, lease=timedelta(seconds=-1)
    )  # its lease is over at once
    assert await actions.claim(services, crashed.name, crashed.lease) == job_id
    await actions.deliver_batch(services, job_id, crashed.name, crashed.lease, 10)
    survivor = MassMessageWorker(services, batch_size=10)
    assert await survivor.drain() == 1
    assert not await actions.deliver_batch(
        services, job_id, crashed.name, crashed.lease, 10
    )  # it lost the job
    done = (await client.get(f"/api/mass-messages/{job_id}", headers=admin.headers)).json()
    assert (done["status"], done["processed"], done["delivered"]) == ("done", 25, 25)
    async with services.db.read() as conn:
        count = (
            await conn.execute(
                select(func.count())
                .select_from(memberships)
                .where(memberships.c.conversation_id == done["conversation_id"])
            )
        ).scalar_one()
    assert count == 26  # every student once, and the sender


async def test_the_text_is_stored_once(client: httpx.AsyncClient, app: FastAPI, make: Factory) -> None:
    admin = await privileged_admin(client, make)
    await make.bulk_students(30)
    await _delivered(
        client,
        app,
        admin,
        (await _send(client, admin, [make.school], ["student"], body="stored once")).json()["id"],
    )
    async with app.state.services.db.read() as conn:
        assert (
            await conn.execute(
                select(func.count()).select_from(messages).where(messages.c.body == "stored once")
            )
        ).scalar_one() == 1


async def test_a_retried_send_answers_with_the_original_job(client: httpx.AsyncClient, make: Factory) -> None:
    admin = await privileged_admin(client, make)
    first = await _send(client, admin, [make.school], ["student"], client_message_id="mass-1")
    again = await _send(client, admin, [make.school], ["student"], client_message_id="mass-1")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"] and again.json()["duplicate"]
    other = await _send(
        client, admin, [make.school], ["student"], body="something else", client_message_id="mass-1"
    )
    assert other.status_code == 409


async def test_only_the_sender_follows_a_job(client: httpx.AsyncClient, make: Factory) -> None:
    admin = await privileged_admin(client, make)
    job_id = (await _send(client, admin, [make.school], ["student"])).json()["id"]
    other_admin = await make.person("Owen Other", "admin")
    answer = await client.get(f"/api/mass-messages/{job_id}", headers=other_admin.headers)
    missing = await client.get("/api/mass-messages/987654", headers=other_admin.headers)
    assert answer.status_code == 404 and answer.json() == missing.json()


async def test_recipients_are_told_on_their_own_channel(
    client: httpx.AsyncClient, app: FastAPI, make: Factory
) -> None:
    admin = await privileged_admin(client, make)
    one, two = await make.person("Eve Events"), await make.person("Ezra Events")
    job = await _delivered(
        client, app, admin, (await _send(client, admin, [make.school], ["student"])).json()["id"]
    )
    events = (await client.get("/api/events", params={"after": 0}, headers=one.headers)).json()["events"]
    arrived = [
        e
        for e in events
        if e["type"] == "conversation.created"
        and e["payload"]["conversation"]["id"] == job["conversation_id"]
        and one.id in e["payload"]["member_ids"]
    ]
    assert len(arrived) == 1 and arrived[0]["payload"]["member_ids"] == [one.id]
    assert (
        arrived[0]["payload"]["conversation"]["name"] is None
    )  # the log keeps no sentence: ask for your view
    assert not [e for e in events if two.id in e["payload"].get("member_ids", [])]
    receipts = (await client.get("/api/events", params={"after": 0}, headers=admin.headers)).json()["events"]
    assert any(
        e["type"] == "conversation.updated" and e["payload"]["changes"]["receipt"]["delivered"] == 2
        for e in receipts
    )


async def test_a_mass_messages_name_reads_in_the_readers_language(
    client: httpx.AsyncClient, app: FastAPI, make: Factory
) -> None:
    admin = await privileged_admin(client, make)
    english, norwegian = await make.person("Una English"), await make.person("Nora Norsk")
    chosen = await client.put("/api/me/language", json={"language": "nb"}, headers=norwegian.headers)
    assert chosen.status_code == 200, chosen.text
    await _delivered(
        client, app, admin, (await _send(client, admin, [make.school], ["student"])).json()["id"]
    )
    [in_english] = _mass_entries(await conversation_list(client, english))
    [in_norwegian] = _mass_entries(await conversation_list(client, norwegian))
    assert in_english["name"] == "Mass message from Ada Admin"
    assert in_norwegian["name"] == "Massemelding fra Ada Admin"
    described = await client.get(f"/api/conversations/{in_norwegian['id']}", headers=norwegian.headers)
    assert described.json()["name"] == "Massemelding fra Ada Admin"
