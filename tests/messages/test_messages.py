"""§4.3 message options and §5.2 sending text: send, edit, delete, forward, links, history, idempotent retries."""

from __future__ import annotations

import httpx

from tests.calls import error_of, history, send, sent, started
from tests.factories import Factory, Person


async def _pair(client: httpx.AsyncClient, make: Factory) -> tuple[Person, Person, int]:
    emma, noah = await make.person("Emma Hansen"), await make.person("Noah Olsen")
    result = await started(client, emma, people=[noah.id])
    return emma, noah, result["conversation"]["id"]


async def test_sent_message_reaches_the_other_participant(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    message = await sent(client, emma, conversation_id, "Hello!")
    assert message["sender"] == {"id": emma.id, "name": "Emma Hansen", "avatar_url": None}
    assert (await history(client, noah, conversation_id))["messages"][0]["id"] == message["id"]


async def test_web_links_are_shown_as_clickable_links(client: httpx.AsyncClient, make: Factory) -> None:
    emma, _, conversation_id = await _pair(client, make)
    message = await sent(client, emma, conversation_id, "Read https://example.org/page?a=1&b=2 now")
    assert message["body"] == "Read https://example.org/page?a=1&b=2 now"
    assert '<a href="https://example.org/page?a=1&amp;b=2"' in message["html"]
    assert 'rel="noopener noreferrer nofollow"' in message["html"]


async def test_message_text_is_rendered_safely(client: httpx.AsyncClient, make: Factory) -> None:
    emma, _, conversation_id = await _pair(client, make)
    message = await sent(
        client, emma, conversation_id, '<img src=x onerror=alert(1)> [x](javascript:alert(1))'
    )
    assert "<img" not in message["html"] and "javascript:" not in message["html"].replace(
        "[x](javascript:", ""
    )
    assert "&lt;img" in message["html"]
    assert message["body"].startswith("<img")


async def test_edit_own_message_marks_it_edited_with_the_time(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    message = await sent(client, emma, conversation_id, "Teh lab is on Friday")
    answer = await client.patch(
        f"/api/messages/{message['id']}", json={"body": "The lab is on Friday"}, headers=emma.headers
    )
    assert answer.status_code == 200
    seen = (await history(client, noah, conversation_id))["messages"][0]
    assert seen["body"] == "The lab is on Friday"
    assert seen["edited_at"] is not None and seen["edited_at"] >= seen["created_at"]


async def test_messages_from_others_cannot_be_edited(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    message = await sent(client, emma, conversation_id, "mine")
    answer = await client.patch(
        f"/api/messages/{message['id']}", json={"body": "hijacked"}, headers=noah.headers
    )
    assert answer.status_code == 403
    assert error_of(answer)["code"] == "not_your_message"


async def test_delete_own_message_removes_its_content(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    message = await sent(client, emma, conversation_id, "oops, wrong chat")
    answer = await client.delete(f"/api/messages/{message['id']}", headers=emma.headers)
    assert answer.status_code == 200
    seen = (await history(client, noah, conversation_id))["messages"][0]
    assert seen["body"] is None and seen["html"] is None
    assert seen["deleted"]["notice"] == "This message was deleted."


async def test_messages_from_others_cannot_be_deleted_by_a_student(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    message = await sent(client, emma, conversation_id, "mine")
    answer = await client.delete(f"/api/messages/{message['id']}", headers=noah.headers)
    assert answer.status_code == 403
    assert (await history(client, emma, conversation_id))["messages"][0]["body"] == "mine"


async def test_forward_to_another_conversation_is_attributed(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    liam = await make.person("Liam Dahl")
    original = await sent(client, emma, conversation_id, "Homework: page 42")
    other = (await started(client, noah, people=[liam.id]))["conversation"]["id"]
    answer = await client.post(
        f"/api/messages/{original['id']}/forward", json={"conversation_id": other}, headers=noah.headers
    )
    assert answer.status_code == 201
    forwarded = (await history(client, liam, other))["messages"][0]
    assert forwarded["body"] == "Homework: page 42"
    assert forwarded["sender"]["id"] == noah.id
    assert forwarded["forwarded_from"] == {"message_id": original["id"], "sender_name": "Emma Hansen"}


async def test_forward_to_new_recipients_starts_a_conversation(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    liam = await make.person("Liam")
    original = await sent(client, emma, conversation_id, "see this")
    answer = await client.post(
        f"/api/messages/{original['id']}/forward",
        json={"recipients": {"people": [liam.id]}},
        headers=noah.headers,
    )
    assert answer.status_code == 201
    assert answer.json()["conversation_created"] is True
    assert answer.json()["message"]["forwarded_from"]["sender_name"] == "Emma Hansen"


async def test_only_messages_you_can_see_can_be_forwarded(client: httpx.AsyncClient, make: Factory) -> None:
    emma, _, conversation_id = await _pair(client, make)
    outsider, friend = await make.person(), await make.person()
    original = await sent(client, emma, conversation_id, "private")
    answer = await client.post(
        f"/api/messages/{original['id']}/forward",
        json={"recipients": {"people": [friend.id]}},
        headers=outsider.headers,
    )
    assert answer.status_code == 404


async def test_history_is_newest_first_and_pages_by_seq(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    for number in range(1, 8):
        await sent(client, emma, conversation_id, f"message {number}")
    first = await history(client, noah, conversation_id, limit=3)
    assert [m["body"] for m in first["messages"]] == ["message 7", "message 6", "message 5"]
    second = await history(client, noah, conversation_id, limit=3, before_seq=first["next_before_seq"])
    assert [m["body"] for m in second["messages"]] == ["message 4", "message 3", "message 2"]
    third = await history(client, noah, conversation_id, limit=3, before_seq=second["next_before_seq"])
    assert [m["body"] for m in third["messages"]] == ["message 1"]
    assert third["next_before_seq"] is None


async def test_a_retried_send_returns_the_original_message(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    first = await send(client, emma, conversation_id, "only once", cmid="c-1")
    retry = await send(client, emma, conversation_id, "only once", cmid="c-1")
    assert first.status_code == 201 and retry.status_code == 200
    assert retry.json()["duplicate"] is True
    assert retry.json()["message"]["id"] == first.json()["message"]["id"]
    assert len((await history(client, noah, conversation_id))["messages"]) == 1


async def test_a_retried_first_message_does_not_open_a_second_conversation(
    client: httpx.AsyncClient, make: Factory
) -> None:
    a, b, c = await make.person(), await make.person(), await make.person()
    first = await started(client, a, people=[b.id, c.id], mode="group", body="hi", cmid="new-1")
    retry = await started(client, a, people=[b.id, c.id], mode="group", body="hi", cmid="new-1")
    assert retry["duplicate"] is True
    assert retry["conversation"]["id"] == first["conversation"]["id"]


async def test_the_same_client_message_id_with_another_body_is_a_conflict(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, _, conversation_id = await _pair(client, make)
    await send(client, emma, conversation_id, "first", cmid="c-2")
    answer = await send(client, emma, conversation_id, "something else", cmid="c-2")
    assert answer.status_code == 409
    assert error_of(answer)["code"] == "client_message_id_reused"


async def test_the_same_client_message_id_from_two_people_is_two_messages(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    await send(client, emma, conversation_id, "hi", cmid="same")
    await send(client, noah, conversation_id, "hi", cmid="same")
    assert len((await history(client, emma, conversation_id))["messages"]) == 2


async def test_an_empty_message_is_refused(client: httpx.AsyncClient, make: Factory) -> None:
    emma, _, conversation_id = await _pair(client, make)
    answer = await send(client, emma, conversation_id, "   \n  ")
    assert answer.status_code == 422
    assert error_of(answer) == {
        "code": "empty_message",
        "message": "A message cannot be empty.",
        "details": {"field": "body"},
    }


async def test_a_message_over_the_length_limit_is_refused(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    limit = client._transport.app.state.services.settings.max_message_length  # type: ignore[attr-defined]
    assert (await send(client, emma, conversation_id, "x" * limit)).status_code == 201
    answer = await send(client, emma, conversation_id, "x" * (limit + 1))
    assert answer.status_code == 422
    assert error_of(answer)["code"] == "message_too_long"
    assert len((await history(client, noah, conversation_id))["messages"]) == 1


async def test_control_characters_in_a_message_are_refused(client: httpx.AsyncClient, make: Factory) -> None:
    emma, _, conversation_id = await _pair(client, make)
    answer = await send(client, emma, conversation_id, "bell\x07")
    assert answer.status_code == 422
    assert error_of(answer)["code"] == "invalid_characters"


async def test_malformed_json_gets_422_in_the_error_shape(client: httpx.AsyncClient, make: Factory) -> None:
    emma, _, conversation_id = await _pair(client, make)
    answer = await client.post(
        f"/api/conversations/{conversation_id}/messages",
        content=b"{not json",
        headers={**emma.headers, "content-type": "application/json"},
    )
    assert answer.status_code == 422
    assert error_of(answer)["code"] == "invalid_request"
    assert error_of(answer)["message"] == "request body: not valid JSON"
    assert error_of(answer)["details"]["fields"] == [
        {"field": "request body", "message": "not valid JSON", "type": "json_invalid"}
    ]


async def test_a_wrong_type_gets_422_naming_the_field(client: httpx.AsyncClient, make: Factory) -> None:
    emma, _, conversation_id = await _pair(client, make)
    answer = await client.post(
        f"/api/conversations/{conversation_id}/messages", json={"body": 42}, headers=emma.headers
    )
    assert answer.status_code == 422
    assert error_of(answer)["details"]["fields"][0]["field"] == "body"


async def test_a_malformed_client_message_id_is_refused(client: httpx.AsyncClient, make: Factory) -> None:
    emma, _, conversation_id = await _pair(client, make)
    answer = await send(client, emma, conversation_id, "hi", cmid="has spaces and ünïcode")
    assert answer.status_code == 422
    assert error_of(answer)["details"]["fields"][0]["field"] == "client_message_id"


async def test_sends_into_a_conversation_you_left_are_refused(
    client: httpx.AsyncClient, make: Factory
) -> None:
    a, b, c = await make.person(), await make.person(), await make.person()
    group = (await started(client, a, people=[b.id, c.id], mode="group"))["conversation"]["id"]
    assert (await client.post(f"/api/conversations/{group}/leave", headers=b.headers)).status_code == 204
    answer = await send(client, b, group, "still here")
    assert answer.status_code == 403
    assert error_of(answer)["code"] == "not_a_participant"
    assert (await history(client, a, group))["messages"] == []


async def test_unknown_conversation_and_someone_elses_conversation_look_the_same(
    client: httpx.AsyncClient, make: Factory
) -> None:
    _, _, conversation_id = await _pair(client, make)
    outsider = await make.person()
    theirs = await send(client, outsider, conversation_id, "let me in")
    missing = await send(client, outsider, 999_999, "let me in")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
