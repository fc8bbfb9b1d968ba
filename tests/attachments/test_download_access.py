"""The access matrix for downloads: only people who can see the message get the file; everyone else gets the
same 404 as for a file that does not exist (issue 5 item 3; DESIGN.md rule 5)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.attachments import samples
from tests.attachments.calls import sent_files, uploaded
from tests.calls import error_of, started
from tests.factories import Factory


@pytest.fixture
async def world(client: httpx.AsyncClient, make: Factory) -> dict[str, Any]:
    member, peer, former = await make.person("Mia"), await make.person("Pia"), await make.person("Fred")
    teacher = await make.person("Tara", "teacher")
    biology = await make.space("Biology", teachers=[teacher], students=[member, peer, former])
    course_conversation = (await started(client, teacher, courses=[biology.id], mode="group"))[
        "conversation"
    ]["id"]
    group = (await started(client, member, people=[peer.id, former.id], mode="group"))["conversation"]["id"]
    sent_in_group = await uploaded(client, member, "group.pdf", samples.PDF)
    await sent_files(client, member, group, [sent_in_group["id"]])
    sent_in_course = await uploaded(client, teacher, "course.pdf", samples.PDF)
    await sent_files(client, teacher, course_conversation, [sent_in_course["id"]])
    pending = await uploaded(client, member, "draft.pdf", samples.PDF)
    assert (await client.post(f"/api/conversations/{group}/leave", headers=former.headers)).status_code == 204
    return {
        "files": {
            "group": sent_in_group["id"],
            "course": sent_in_course["id"],
            "pending": pending["id"],
            "missing": 987_654,
        },
        "callers": {
            "member": member,
            "peer": peer,
            "former_member": former,
            "course_teacher": teacher,
            "non_member": await make.person("Oscar"),
            "other_course_teacher": await make.person("Otto", "teacher"),
            "school_admin": await make.person("Sam", "admin"),
            "other_school_admin": await make.person("Olga", "admin", school=make.other_school),
        },
    }


# Who gets each file: the group's file reaches its active members, the course's file every participant of the
# course conversation, the file not sent yet its uploader alone.
ALLOWED = {
    "group": {"member", "peer"},
    "course": {"member", "peer", "former_member", "course_teacher"},
    "pending": {"member"},
    "missing": set(),
}
CALLERS = [
    "member",
    "peer",
    "former_member",
    "course_teacher",
    "non_member",
    "other_course_teacher",
    "school_admin",
    "other_school_admin",
]


@pytest.mark.parametrize("file", list(ALLOWED))
@pytest.mark.parametrize("caller", CALLERS)
async def test_download_access(
    client: httpx.AsyncClient, world: dict[str, Any], file: str, caller: str
) -> None:
    answer = await client.get(
        f"/api/attachments/{world['files'][file]}", headers=world["callers"][caller].headers
    )
    if caller in ALLOWED[file]:
        assert answer.status_code == 200 and answer.content == samples.PDF
    else:
        assert answer.status_code == 404
        assert error_of(answer) == {
            "code": "not_found",
            "message": "The attachment was not found.",
            "details": {"object": "attachment"},
        }


async def test_anonymous_callers_are_turned_away(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    assert (await client.get(f"/api/attachments/{world['files']['group']}")).status_code == 401
    assert (await client.post("/api/attachments", files={"file": ("a.pdf", samples.PDF)})).status_code == 401
