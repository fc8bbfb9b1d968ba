"""What a person does through the API has a rate: sends, uploads (count and bytes), reports and searches."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from schoolchat.app import create_app
from schoolchat.attachments.models import attachments
from schoolchat.services import Services
from tests.attachments.calls import upload
from tests.calls import send, started
from tests.factories import Factory
from tests.openapi_check import app_client
from tests.ratelimit.conftest import ClientWith, refusals, refused


async def test_a_class_of_thirty_writing_fast_never_hits_the_send_limit(
    client_with: ClientWith, make: Factory
) -> None:
    client = await client_with()  # the defaults
    teacher, students = await make.person(role="teacher"), await make.people(30)
    course = await make.space("Chemistry", teachers=[teacher], students=students)
    conversation = await started(client, teacher, courses=[course.id], mode="group", body="Questions?")
    conversation_id = conversation["conversation"]["id"]

    async def write(student_number: int) -> list[int]:
        return [
            (await send(client, students[student_number], conversation_id, f"answer {n}")).status_code
            for n in range(10)
        ]

    statuses = await asyncio.gather(*(write(n) for n in range(30)))
    assert statuses == [[201] * 10] * 30


async def test_sending_faster_than_the_limit_is_refused(client_with: ClientWith, make: Factory) -> None:
    client = await client_with(rate_sends="3/minute")
    ada, ben = await make.people(2)
    conversation_id = (await started(client, ada, people=[ben.id], body="hello"))["conversation"]["id"]
    assert [(await send(client, ada, conversation_id, f"{n}")).status_code for n in range(3)] == [
        201,
        201,
        429,
    ]
    refused(
        await client.post(
            f"/api/messages/{1}/forward", json={"conversation_id": conversation_id}, headers=ada.headers
        ),
        "sends",
    )  # forwards and new conversations count as sends
    refused(
        await client.post(
            "/api/conversations", json={"recipients": {"people": [ben.id]}}, headers=ada.headers
        ),
        "sends",
    )
    assert (await send(client, ben, conversation_id, "my turn")).status_code == 201


async def test_two_hundred_reports_in_five_seconds_are_refused_after_the_fifth(
    client_with: ClientWith, make: Factory
) -> None:
    client = await client_with()  # the defaults
    teacher, bully, victim = await make.person(role="teacher"), await make.person(), await make.person()
    course = await make.space("History", teachers=[teacher], students=[bully, victim])
    conversation_id = (await started(client, bully, courses=[course.id], mode="group", body="hi"))[
        "conversation"
    ]["id"]
    message_id = (await send(client, bully, conversation_id, "mean words")).json()["message"]["id"]

    answers = await asyncio.gather(
        *(
            client.post(f"/api/messages/{message_id}/report", json={"reason": "spam"}, headers=victim.headers)
            for _ in range(200)
        )
    )
    assert sorted(a.status_code for a in answers) == [201] * 5 + [429] * 195
    refused(next(a for a in answers if a.status_code == 429), "reports")
    inbox = (await client.get("/api/reports", headers=teacher.headers)).json()["reports"]
    assert len(inbox) == 5
    # the first 120 are counted as reports (5 through), the rest already as changes: every write has a rate
    assert (await refusals(client, "reports"), await refusals(client, "changes")) == (115, 80)


async def test_uploads_are_limited_in_number_per_person(client_with: ClientWith, make: Factory) -> None:
    client, ada, ben = await client_with(rate_uploads="2/minute"), await make.person(), await make.person()
    assert [(await upload(client, ada, "a.txt", b"notes")).status_code for _ in range(3)] == [201, 201, 429]
    refused(await upload(client, ada, "a.txt", b"notes"), "uploads")
    assert (await upload(client, ben, "b.txt", b"notes")).status_code == 201


async def test_uploads_are_limited_in_bytes_per_day_and_a_refused_file_leaves_nothing(
    client_with: ClientWith, make: Factory, services: Services
) -> None:
    client, ada = await client_with(rate_upload_bytes_per_day=5000), await make.person()
    assert (await upload(client, ada, "first.txt", b"a" * 3000)).status_code == 201
    refused(await upload(client, ada, "second.txt", b"b" * 3000), "upload_bytes")
    assert (await upload(client, ada, "third.txt", b"c" * 1500)).status_code == 201
    refused(await upload(client, ada, "fourth.txt", b"d" * 600), "upload_bytes")
    async with services.db.read() as conn:
        names = (
            await conn.execute(select(attachments.c.name).where(attachments.c.uploader_id == ada.id))
        ).scalars()
        assert sorted(names) == ["first.txt", "third.txt"]
        assert (await conn.execute(select(func.count()).select_from(attachments))).scalar_one() == 2
    assert len([p for p in (services.settings.data_dir / "attachments").rglob("*") if p.is_file()]) == 2


async def test_recipient_search_is_limited_per_person(client_with: ClientWith, make: Factory) -> None:
    client, ada, ben = (
        await client_with(rate_recipient_search="3/minute"),
        await make.person(),
        await make.person(),
    )
    assert [
        (await client.get("/api/recipients", params={"q": "st"}, headers=ada.headers)).status_code
        for _ in range(3)
    ] == [200] * 3
    refused(await client.get("/api/recipients", params={"q": "stu"}, headers=ada.headers), "recipient_search")
    assert (await client.get("/api/recipients", params={"q": "st"}, headers=ben.headers)).status_code == 200


async def test_message_search_is_limited_per_person(client_with: ClientWith, make: Factory) -> None:
    client, ada, ben = (
        await client_with(rate_message_search="3/minute"),
        await make.person(),
        await make.person(),
    )
    conversation_id = (await started(client, ada, people=[ben.id], body="hello"))["conversation"]["id"]
    searches = ["/api/search", "/api/search", f"/api/conversations/{conversation_id}/search"]
    assert [
        (await client.get(path, params={"q": "hello"}, headers=ada.headers)).status_code for path in searches
    ] == [200] * 3
    refused(await client.get("/api/search", params={"q": "hello"}, headers=ada.headers), "message_search")
    assert (await client.get("/api/search", params={"q": "hello"}, headers=ben.headers)).status_code == 200


async def test_with_limits_switched_off_nothing_is_refused(client_with: ClientWith, make: Factory) -> None:
    client, ada = (
        await client_with(rate_limits_enabled=False, rate_recipient_search="1/minute"),
        await make.person(),
    )
    assert [
        (await client.get("/api/recipients", params={"q": "st"}, headers=ada.headers)).status_code
        for _ in range(5)
    ] == [200] * 5


async def test_background_delivery_is_never_limited_only_the_person_who_sends(
    services: Services, make: Factory
) -> None:
    """A mass message counts as one send of its author; the worker's delivery to every recipient counts nothing
    (limits live at the API, not in the actions the worker, the roster import and the command line share)."""
    app = create_app(
        services.settings.model_copy(update={"rate_sends": "1/minute"}), db=services.db, bus=services.bus
    )
    async with app_client(app) as client:
        admin, district_admin = (
            await make.person(role="admin"),
            await make.person(role="admin", school=make.district),
        )
        assert (
            await client.patch(
                f"/api/admin/users/{admin.id}", json={"mass_messaging": True}, headers=district_admin.headers
            )
        ).status_code == 204
        await make.people(5)
        mass = {"org_ids": [make.school], "roles": ["student"], "body": "School is closed tomorrow."}
        accepted = await client.post("/api/mass-messages", json=mass, headers=admin.headers)
        assert accepted.status_code == 202, accepted.text
        await app.state.mass_messages.drain()
        job = (await client.get(f"/api/mass-messages/{accepted.json()['id']}", headers=admin.headers)).json()
        assert (job["status"], job["delivered"]) == ("done", 5)
        refused(await client.post("/api/mass-messages", json=mass, headers=admin.headers), "sends")


async def test_every_write_a_person_makes_counts_against_the_change_limit_edits_and_renames_included(
    client_with: ClientWith, make: Factory
) -> None:
    client = await client_with(rate_changes="4/minute")
    ada, ben, cem = await make.people(3)
    conversation_id = (await started(client, ada, people=[ben.id, cem.id], mode="group", body="hello"))[
        "conversation"
    ]["id"]  # 1
    message_id = (await send(client, ada, conversation_id, "typo")).json()["message"]["id"]  # 2
    assert (
        await client.patch(f"/api/messages/{message_id}", json={"body": "fixed"}, headers=ada.headers)
    ).status_code == 200  # 3
    assert (
        await client.patch(
            f"/api/conversations/{conversation_id}", json={"name": "Ours"}, headers=ada.headers
        )
    ).status_code == 200  # 4
    refused(
        await client.patch(f"/api/messages/{message_id}", json={"body": "again"}, headers=ada.headers),
        "changes",
    )
    refused(
        await client.delete(f"/api/messages/{message_id}", headers=ada.headers), "changes"
    )  # no body either
    assert (
        await client.get(f"/api/conversations/{conversation_id}/messages", headers=ada.headers)
    ).status_code == 200  # reading is not a change
    assert (await send(client, ben, conversation_id, "my turn")).status_code == 201  # per person
