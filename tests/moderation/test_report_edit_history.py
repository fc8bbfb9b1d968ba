"""Edit history (issue 16): a reviewer of a reported message sees every earlier version with times, frozen with
the report; the earlier versions go with every delete and erasure of the message, except the report's copy."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from schoolchat.messages.models import message_versions
from schoolchat.privacy import actions as privacy_actions
from schoolchat.services import Services
from tests.calls import started
from tests.factories import Factory, Person
from tests.safeguarding.calls import inbox, report


async def _edited_thrice(client: httpx.AsyncClient, bully: Person, victim: Person) -> dict[str, object]:
    message = (await started(client, bully, people=[victim.id], body="first"))["message"]
    for text in ("second", "third"):
        answer = await client.patch(
            f"/api/messages/{message['id']}", json={"body": text}, headers=bully.headers
        )
        assert answer.status_code == 200, answer.text
    return dict(message)


async def _versions_kept(services: Services, message_id: object) -> int:
    async with services.db.read() as conn:
        return int(
            (
                await conn.execute(
                    select(func.count())
                    .select_from(message_versions)
                    .where(message_versions.c.message_id == message_id)
                )
            ).scalar_one()
        )


async def test_a_reviewer_sees_every_earlier_version_with_times_frozen_with_the_report(
    client: httpx.AsyncClient, make: Factory
) -> None:
    admin, bully, victim = await make.person("Ada Admin", "admin"), await make.person(), await make.person()
    message = await _edited_thrice(client, bully, victim)
    await report(client, victim, int(str(message["id"])))
    await client.patch(
        f"/api/messages/{message['id']}", json={"body": "fourth, after the report"}, headers=bully.headers
    )
    [frozen] = [
        m for m in (await inbox(client, admin))[0]["evidence"]["messages"] if m["id"] == message["id"]
    ]
    assert frozen["body"] == "third"
    assert [v["body"] for v in frozen["versions"]] == ["first", "second"]
    assert all(v["written_at"] <= v["replaced_at"] for v in frozen["versions"])


async def test_deleting_an_edited_message_removes_its_earlier_versions_but_not_the_reports_copy(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    admin, bully, victim = await make.person("Ada Admin", "admin"), await make.person(), await make.person()
    message = await _edited_thrice(client, bully, victim)
    await report(client, victim, int(str(message["id"])))
    assert await _versions_kept(services, message["id"]) == 2
    assert (await client.delete(f"/api/messages/{message['id']}", headers=bully.headers)).status_code == 200
    assert await _versions_kept(services, message["id"]) == 0
    [frozen] = [
        m for m in (await inbox(client, admin))[0]["evidence"]["messages"] if m["id"] == message["id"]
    ]
    assert [v["body"] for v in frozen["versions"]] == ["first", "second"]


async def test_erasing_a_person_removes_the_earlier_versions_of_their_messages(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    admin, bully, victim = await make.person("Ada Admin", "admin"), await make.person(), await make.person()
    message = await _edited_thrice(client, bully, victim)
    answer = await client.post(
        f"/api/admin/users/{bully.id}/erasure", json={"confirm": True}, headers=admin.headers
    )
    assert answer.status_code in (200, 201, 202), answer.text
    await privacy_actions.continue_erasures(services)
    assert await _versions_kept(services, message["id"]) == 0
