"""§3.1 badge and unread state: a read cursor per member; mark as unread (§4.2, §4.3)."""

from __future__ import annotations

import httpx

from tests.calls import badge, conversation_list, sent, started
from tests.factories import Factory


async def test_badge_counts_unread_messages_across_conversations(
    client: httpx.AsyncClient, make: Factory
) -> None:
    me, a, b = await make.person(), await make.person(), await make.person()
    first = (await started(client, a, people=[me.id], body="one"))["conversation"]["id"]
    await sent(client, a, first, "two")
    await started(client, b, people=[me.id], body="three")
    assert await badge(client, me) == 3


async def test_own_messages_are_never_unread(client: httpx.AsyncClient, make: Factory) -> None:
    me, other = await make.person(), await make.person()
    await started(client, me, people=[other.id], body="mine")
    assert await badge(client, me) == 0
    assert await badge(client, other) == 1


async def test_sending_marks_the_conversation_read(client: httpx.AsyncClient, make: Factory) -> None:
    me, other = await make.person(), await make.person()
    conversation = (await started(client, other, people=[me.id], body="question?"))["conversation"]["id"]
    await sent(client, me, conversation, "answer")
    assert await badge(client, me) == 0


async def test_reading_moves_the_cursor_to_the_newest_message(
    client: httpx.AsyncClient, make: Factory
) -> None:
    me, other = await make.person(), await make.person()
    conversation = (await started(client, other, people=[me.id], body="1"))["conversation"]["id"]
    await sent(client, other, conversation, "2")
    answer = await client.post(f"/api/conversations/{conversation}/read", headers=me.headers)
    assert answer.json() == {"conversation_id": conversation, "unread": 0, "total": 0}


async def test_reading_up_to_a_message_leaves_later_ones_unread(
    client: httpx.AsyncClient, make: Factory
) -> None:
    me, other = await make.person(), await make.person()
    conversation = (await started(client, other, people=[me.id], body="1"))["conversation"]["id"]
    await sent(client, other, conversation, "2")
    await sent(client, other, conversation, "3")
    answer = await client.post(
        f"/api/conversations/{conversation}/read", json={"up_to_seq": 1}, headers=me.headers
    )
    assert answer.json()["unread"] == 2


async def test_reading_never_moves_the_cursor_back(client: httpx.AsyncClient, make: Factory) -> None:
    me, other = await make.person(), await make.person()
    conversation = (await started(client, other, people=[me.id], body="1"))["conversation"]["id"]
    await sent(client, other, conversation, "2")
    await client.post(f"/api/conversations/{conversation}/read", headers=me.headers)
    answer = await client.post(
        f"/api/conversations/{conversation}/read", json={"up_to_seq": 0}, headers=me.headers
    )
    assert answer.json()["unread"] == 0


async def test_mark_conversation_as_unread(client: httpx.AsyncClient, make: Factory) -> None:
    me, other = await make.person(), await make.person()
    conversation = (await started(client, other, people=[me.id], body="1"))["conversation"]["id"]
    await sent(client, me, conversation, "reply")
    answer = await client.post(f"/api/conversations/{conversation}/unread", headers=me.headers)
    assert answer.json() == {"conversation_id": conversation, "unread": 1, "total": 1}
    assert (await conversation_list(client, me))[0]["unread"] == 1


async def test_mark_message_as_unread_makes_it_and_later_ones_unread(
    client: httpx.AsyncClient, make: Factory
) -> None:
    me, other = await make.person(), await make.person()
    conversation = (await started(client, other, people=[me.id], body="1"))["conversation"]["id"]
    second = await sent(client, other, conversation, "2")
    await sent(client, other, conversation, "3")
    await client.post(f"/api/conversations/{conversation}/read", headers=me.headers)
    answer = await client.post(f"/api/messages/{second['id']}/unread", headers=me.headers)
    assert answer.json()["unread"] == 2
    assert await badge(client, me) == 2


async def test_unread_counts_are_per_member(client: httpx.AsyncClient, make: Factory) -> None:
    a, b, c = await make.person(), await make.person(), await make.person()
    group = (await started(client, a, people=[b.id, c.id], mode="group", body="hi"))["conversation"]["id"]
    await client.post(f"/api/conversations/{group}/read", headers=b.headers)
    assert await badge(client, b) == 0
    assert await badge(client, c) == 1


async def test_badge_lists_the_unread_count_of_each_conversation(
    client: httpx.AsyncClient, make: Factory
) -> None:
    me, a = await make.person(), await make.person()
    conversation = (await started(client, a, people=[me.id], body="hi"))["conversation"]["id"]
    answer = await client.get("/api/unread", headers=me.headers)
    assert answer.json() == {"total": 1, "conversations": {str(conversation): 1}}


async def test_new_members_do_not_inherit_old_messages_as_unread(
    client: httpx.AsyncClient, make: Factory
) -> None:
    a, b, c, d = await make.person(), await make.person(), await make.person(), await make.person()
    group = (await started(client, a, people=[b.id, c.id], mode="group", body="old news"))["conversation"][
        "id"
    ]
    await client.post(
        f"/api/conversations/{group}/participants", json={"user_ids": [d.id]}, headers=a.headers
    )
    assert await badge(client, d) == 0
