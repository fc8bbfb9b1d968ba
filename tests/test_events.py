"""Every action appends exactly its events to the event log, in its own transaction, and publishes them after commit."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
import pytest

from schoolchat.realtime.events import Event
from schoolchat.services import Services
from tests.calls import sent, started
from tests.factories import Factory


class Recorder:
    def __init__(self, services: Services) -> None:
        self.events: list[Event] = []
        services.bus.subscribe(self._record)

    async def _record(self, events: Sequence[Event]) -> None:
        self.events.extend(events)

    def take(self) -> list[tuple[str, int | None, int | None]]:
        """(type, conversation id, user id) of everything recorded since the last take."""
        taken = [(str(e.type), e.conversation_id, e.user_id) for e in self.events]
        self.events.clear()
        return taken


@pytest.fixture
def recorder(services: Services) -> Recorder:
    return Recorder(services)


async def test_starting_a_one_to_one_with_a_message_emits_created_then_message(
    client: httpx.AsyncClient, make: Factory, recorder: Recorder
) -> None:
    a, b = await make.person(), await make.person()
    cid = (await started(client, a, people=[b.id], body="hi"))["conversation"]["id"]
    assert recorder.take() == [("conversation.created", cid, None), ("message.created", cid, None)]


async def test_sending_emits_one_message_created(
    client: httpx.AsyncClient, make: Factory, recorder: Recorder
) -> None:
    a, b = await make.person(), await make.person()
    cid = (await started(client, a, people=[b.id]))["conversation"]["id"]
    recorder.take()
    message = await sent(client, b, cid, "yo")
    events = list(recorder.events)
    assert recorder.take() == [("message.created", cid, None)]
    assert events[0].payload["message"]["id"] == message["id"]
    assert events[0].id > 0


async def test_a_retried_send_emits_nothing(
    client: httpx.AsyncClient, make: Factory, recorder: Recorder
) -> None:
    a, b = await make.person(), await make.person()
    cid = (await started(client, a, people=[b.id]))["conversation"]["id"]
    await sent(client, a, cid, "once", cmid="k1")
    recorder.take()
    await sent(client, a, cid, "once", cmid="k1")
    assert recorder.take() == []


async def test_a_refused_send_emits_nothing(
    client: httpx.AsyncClient, make: Factory, recorder: Recorder
) -> None:
    a, b = await make.person(), await make.person()
    cid = (await started(client, a, people=[b.id]))["conversation"]["id"]
    recorder.take()
    answer = await client.post(f"/api/conversations/{cid}/messages", json={"body": ""}, headers=a.headers)
    assert answer.status_code == 422
    assert recorder.take() == []


async def test_edit_and_delete_emit_their_events(
    client: httpx.AsyncClient, make: Factory, recorder: Recorder
) -> None:
    a, b = await make.person(), await make.person()
    cid = (await started(client, a, people=[b.id]))["conversation"]["id"]
    message = await sent(client, a, cid, "draft")
    recorder.take()
    await client.patch(f"/api/messages/{message['id']}", json={"body": "final"}, headers=a.headers)
    assert recorder.take() == [("message.edited", cid, None)]
    await client.delete(f"/api/messages/{message['id']}", headers=a.headers)
    assert recorder.take() == [("message.deleted", cid, None)]


async def test_individual_messages_emit_one_message_per_conversation(
    client: httpx.AsyncClient, make: Factory, recorder: Recorder
) -> None:
    me, a, b = await make.person(), await make.person(), await make.person()
    await started(client, me, people=[a.id, b.id], mode="individual", body="hi")
    types = [t for t, _, _ in recorder.take()]
    assert types.count("conversation.created") == 3
    assert types.count("message.created") == 3


async def test_adding_and_leaving_emit_participant_events(
    client: httpx.AsyncClient, make: Factory, recorder: Recorder
) -> None:
    a, b, c, d = await make.person(), await make.person(), await make.person(), await make.person()
    cid = (await started(client, a, people=[b.id, c.id], mode="group"))["conversation"]["id"]
    recorder.take()
    await client.post(f"/api/conversations/{cid}/participants", json={"user_ids": [d.id]}, headers=a.headers)
    assert recorder.take() == [("participants.added", cid, None)]
    await client.post(f"/api/conversations/{cid}/leave", headers=d.headers)
    assert recorder.take() == [("participants.removed", cid, None), ("participants.removed", cid, d.id)]


async def test_rename_close_and_reopen_emit_conversation_events(
    client: httpx.AsyncClient, make: Factory, recorder: Recorder
) -> None:
    a, b, c = await make.person(), await make.person(), await make.person()
    cid = (await started(client, a, people=[b.id, c.id], mode="group"))["conversation"]["id"]
    recorder.take()
    await client.patch(f"/api/conversations/{cid}", json={"name": "New"}, headers=a.headers)
    await client.post(f"/api/conversations/{cid}/close", headers=a.headers)
    await client.post(f"/api/conversations/{cid}/reopen", headers=a.headers)
    assert recorder.take() == [
        ("conversation.updated", cid, None),
        ("conversation.closed", cid, None),
        ("conversation.reopened", cid, None),
    ]


async def test_reading_emits_unread_changed_to_the_reader_only(
    client: httpx.AsyncClient, make: Factory, recorder: Recorder
) -> None:
    a, b = await make.person(), await make.person()
    cid = (await started(client, a, people=[b.id], body="hi"))["conversation"]["id"]
    recorder.take()
    await client.post(f"/api/conversations/{cid}/read", headers=b.headers)
    events = list(recorder.events)
    assert recorder.take() == [("unread.changed", cid, b.id)]
    assert events[0].payload == {"conversation_id": cid, "read_seq": 1, "unread": 0, "total": 0}
    await client.post(f"/api/conversations/{cid}/read", headers=b.headers)
    assert recorder.take() == []


async def test_enrolment_emits_participants_added_to_the_course_conversation(
    client: httpx.AsyncClient, make: Factory, recorder: Recorder
) -> None:
    admin, teacher, newcomer = (
        await make.person(role="admin"),
        await make.person(role="teacher"),
        await make.person(),
    )
    course = await make.space("Geography", teachers=[teacher])
    cid = (await started(client, teacher, courses=[course.id], mode="group"))["conversation"]["id"]
    recorder.take()
    await client.put(
        f"/api/admin/spaces/{course.id}/members/{newcomer.id}",
        json={"role": "student"},
        headers=admin.headers,
    )
    assert recorder.take() == [("participants.added", cid, None)]


async def test_events_are_readable_after_a_given_id(client: httpx.AsyncClient, make: Factory) -> None:
    a, b, outsider = await make.person(), await make.person(), await make.person()
    cid = (await started(client, a, people=[b.id], body="1"))["conversation"]["id"]
    first = await client.get("/api/events", params={"after": 0}, headers=b.headers)
    seen = first.json()["events"]
    assert [e["type"] for e in seen] == ["conversation.created", "message.created"]
    await sent(client, a, cid, "2")
    later = await client.get("/api/events", params={"after": seen[-1]["id"]}, headers=b.headers)
    assert [e["payload"]["message"]["body"] for e in later.json()["events"]] == ["2"]
    nothing = await client.get("/api/events", params={"after": 0}, headers=outsider.headers)
    assert nothing.json()["events"] == []


def test_every_event_type_has_its_payload_model_in_the_envelope() -> None:
    from typing import get_args

    from schoolchat.realtime.events import EventType
    from schoolchat.realtime.schemas import AnyEvent

    members = get_args(get_args(AnyEvent)[0])
    modelled = [get_args(model.model_fields["type"].annotation)[0] for model in members]
    assert sorted(modelled) == sorted(str(kind) for kind in EventType)


async def test_an_event_whose_payload_breaks_its_model_is_refused() -> None:
    from datetime import UTC, datetime

    from pydantic import ValidationError

    from schoolchat.realtime.events import EventType
    from schoolchat.realtime.schemas import event_out

    wrong = Event(
        1, EventType.UNREAD_CHANGED, 5, 7, {"conversation_id": 5, "unread": "many"}, datetime.now(UTC)
    )
    with pytest.raises(ValidationError):
        event_out(wrong)


async def test_the_events_are_published_in_the_openapi_document(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    schemas = document["components"]["schemas"]
    assert schemas["EventOut"]["discriminator"]["propertyName"] == "type"
    assert (
        schemas["EventOut"]["discriminator"]["mapping"]["message.created"]
        == "#/components/schemas/MessageCreatedEvent"
    )
    page = document["paths"]["/api/events"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    assert page == {"$ref": "#/components/schemas/EventsPage"}
    assert schemas["EventsPage"]["properties"]["events"]["items"] == {"$ref": "#/components/schemas/EventOut"}


async def test_the_hub_frame_is_the_events_model_once_per_language_only_where_it_carries_a_sentence(
    client: httpx.AsyncClient, make: Factory, services: Services, recorder: Recorder
) -> None:
    import asyncio
    import json

    from schoolchat.conversations.membership import ACTIVE_MEMBERS
    from schoolchat.i18n.languages import Language
    from schoolchat.realtime.connections import Connection, Registry
    from schoolchat.realtime.schemas import EventOut

    a, b, c = await make.person(), await make.person(), await make.person()
    cid = (await started(client, a, people=[b.id, c.id], mode="group"))["conversation"]["id"]
    message = await sent(client, a, cid, "soon gone")
    assert (await client.delete(f"/api/messages/{message['id']}", headers=a.headers)).status_code == 200
    events = [event for event in recorder.events if event.type in ("message.created", "message.deleted")]
    received: dict[Language, list[str]] = {"en": [], "nb": []}
    registry = Registry(
        services.db, ACTIVE_MEMBERS, keepalive_seconds=30, client_timeout_seconds=60, write_timeout_seconds=30
    )

    class Written:
        """What the hub writes into a socket it took over (``FrameSocket``'s writing side), kept as text."""

        writable = True

        def __init__(self, into: list[str]) -> None:
            self.into = into

        async def drained(self) -> None:
            return None

        def send_text(self, text: str) -> None:
            self.into.append(text)

    for person, language in ((b, "en"), (c, "nb")):
        connection = Connection(f"c{person.id}", person.id, None, 10, lambda _: None, language=language)
        connection.socket = Written(received[language])  # type: ignore[assignment]
        registry.add(connection)
    await registry.deliver(events)

    def records(language: Language) -> list[str]:
        return [record for text in received[language] for record in text.split("\x1e") if record]

    for _ in range(1000):  # each connection's writer runs as its own task
        if all(len(records(language)) == 2 for language in received):
            break
        await asyncio.sleep(0.01)
    decoded = {
        language: [json.loads(record)["arguments"][0] for record in records(language)]
        for language in received
    }
    created_en, deleted_en = decoded["en"]
    created_nb, deleted_nb = decoded["nb"]
    assert created_en == created_nb  # no sentence in it: one encoding serves every language
    assert deleted_en["payload"]["message"]["deleted"]["notice"] == "This message was deleted."
    assert deleted_nb["payload"]["message"]["deleted"]["notice"] == "Denne meldingen ble slettet."
    for frame in (created_en, deleted_en, deleted_nb):
        assert EventOut.model_validate(frame).model_dump(mode="json", exclude_unset=True) == frame
