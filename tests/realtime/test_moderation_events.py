"""Moderation reaches open sockets at once: a removed participant hears nothing more; deletions are pushed."""

from __future__ import annotations

import httpx

from tests.factories import Factory
from tests.realtime.conftest import Send, StartGroup
from tests.realtime.harness import LiveServer, RawHubClient


async def test_a_participant_removed_by_a_teacher_stops_receiving_at_once(
    server: LiveServer, api: httpx.AsyncClient, make: Factory, send: Send, start_group: StartGroup
) -> None:
    teacher = await make.person(role="teacher")
    ada, ben = await make.people(2)
    group = await start_group(teacher, [ada, ben])
    ben_hub = await RawHubClient.connect(server.hub_url, ben.token)
    removed = await api.delete(f"/api/conversations/{group}/participants/{ben.id}", headers=teacher.headers)
    assert removed.status_code == 204, removed.text
    told = await ben_hub.next_event()
    assert told["type"] == "participants.removed" and told["payload"]["user_ids"] == [ben.id]

    await send(ada, group, "ben may not read this")
    marker = await start_group(teacher, [ben, ada])  # a conversation ben is in, started after that message
    following = await ben_hub.next_event()
    assert following["conversation_id"] == marker
    await ben_hub.close()


async def test_a_moderator_deletion_of_a_message_is_pushed_to_the_members(
    server: LiveServer, api: httpx.AsyncClient, make: Factory, send: Send, start_group: StartGroup
) -> None:
    teacher = await make.person(role="teacher")
    ada, ben = await make.people(2)
    group = await start_group(teacher, [ada, ben])
    message = await send(ada, group, "something rude")
    ben_hub = await RawHubClient.connect(server.hub_url, ben.token)
    deleted = await api.post(
        f"/api/messages/{message['id']}/moderate", json={"confirm": True}, headers=teacher.headers
    )
    assert deleted.status_code == 200, deleted.text
    event = await ben_hub.next_event()
    assert event["type"] == "message.deleted"
    assert event["payload"]["message"]["id"] == message["id"]
    await ben_hub.close()


async def test_deleting_a_course_conversation_is_pushed_to_its_members(
    server: LiveServer, api: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person(role="teacher")
    ada = await make.person()
    space = await make.space("Realtime course", teachers=[teacher], students=[ada])
    started = await api.post(
        "/api/conversations",
        headers=teacher.headers,
        json={"recipients": {"courses": [space.id]}, "mode": "group"},
    )
    assert started.status_code in (200, 201), started.text
    course = started.json()["conversation"]["id"]
    assert started.json()["conversation"]["kind"] == "course"
    ada_hub = await RawHubClient.connect(server.hub_url, ada.token)
    deleted = await api.post(
        f"/api/conversations/{course}/delete", json={"confirm": True}, headers=teacher.headers
    )
    assert deleted.status_code == 204, deleted.text
    event = await ada_hub.next_event()
    assert event["type"] == "conversation.deleted" and event["conversation_id"] == course
    await ada_hub.close()
