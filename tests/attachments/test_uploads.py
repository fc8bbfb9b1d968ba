"""§5.2, §6.2, §7.2 through the API: uploading, the 20 MB limit, formats, filenames, sending files, downloading."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from schoolchat.attachments.models import attachment_blobs, attachments, message_attachments
from schoolchat.services import Services
from tests.attachments import samples
from tests.attachments.calls import send_files, sent_files, upload, uploaded
from tests.calls import error_of, history, send, started
from tests.factories import Factory, Person

MB20 = 20 * 1024 * 1024


async def _pair(client: httpx.AsyncClient, make: Factory) -> tuple[Person, Person, int]:
    emma, noah = await make.person("Emma Hansen"), await make.person("Noah Olsen")
    result = await started(client, emma, people=[noah.id])
    return emma, noah, result["conversation"]["id"]


async def _nothing_stored(services: Services) -> bool:
    """No attachment row, no chunk, and no file in the local storage folder."""
    async with services.db.read() as conn:
        rows = (await conn.execute(select(func.count()).select_from(attachments))).scalar_one()
        chunks = (await conn.execute(select(func.count()).select_from(attachment_blobs))).scalar_one()
    folder = services.settings.data_dir / "attachments"
    files = [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []
    return rows == 0 and chunks == 0 and files == []


def _pdf_of_size(size: int) -> bytes:
    return samples.PDF + b"\x00" * (size - len(samples.PDF))


# ---- sending files (§5.2, §6.2) ----------------------------------------------------------------------------------


async def test_every_participant_sees_the_file_with_its_name_and_can_download_it(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    file = await uploaded(client, emma, "Worksheet 4.pdf", samples.PDF)
    assert file == {
        "id": file["id"],
        "name": "Worksheet 4.pdf",
        "size": len(samples.PDF),
        "content_type": "application/pdf",
    }
    message = await sent_files(client, emma, conversation_id, [file["id"]], "Here is the worksheet")
    assert message["attachments"] == [file]
    seen = (await history(client, noah, conversation_id))["messages"][0]
    assert seen["attachments"] == [file]
    download = await client.get(f"/api/attachments/{file['id']}", headers=noah.headers)
    assert download.status_code == 200
    assert download.content == samples.PDF
    assert download.headers["content-type"] == "application/pdf"


async def test_several_files_go_in_one_message_in_the_order_given(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    ids = [
        (await uploaded(client, emma, name, data))["id"]
        for name, data in (("b.png", samples.PNG), ("a.docx", samples.DOCX), ("c.mp3", samples.MP3))
    ]
    message = await sent_files(client, emma, conversation_id, ids, "three files")
    assert [file["name"] for file in message["attachments"]] == ["b.png", "a.docx", "c.mp3"]


async def test_files_can_be_sent_without_text(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    file = await uploaded(client, emma, "photo.jpg", samples.JPEG)
    message = await sent_files(client, emma, conversation_id, [file["id"]])
    assert message["body"] == "" and message["attachments"] == [file]
    listed = (await client.get(f"/api/conversations/{conversation_id}", headers=noah.headers)).json()
    assert listed["preview"]["text"] == "photo.jpg"


async def test_a_message_without_text_or_files_is_still_refused(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, _, conversation_id = await _pair(client, make)
    answer = await send_files(client, emma, conversation_id, [])
    assert answer.status_code == 422 and error_of(answer)["code"] == "empty_message"


async def test_a_new_conversation_can_start_with_files(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah = await make.person(), await make.person()
    file = await uploaded(client, emma, "notes.txt", samples.TEXT)
    answer = await client.post(
        "/api/conversations",
        headers=emma.headers,
        json={"recipients": {"people": [noah.id]}, "message": {"attachment_ids": [file["id"]]}},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["message"]["attachments"] == [file]


async def test_individual_messages_carry_the_files_to_every_recipient(
    client: httpx.AsyncClient, make: Factory
) -> None:
    teacher = await make.person(role="teacher")
    students = await make.people(2)
    file = await uploaded(client, teacher, "feedback.pdf", samples.PDF)
    answer = await client.post(
        "/api/conversations",
        headers=teacher.headers,
        json={
            "recipients": {"people": [s.id for s in students]},
            "mode": "individual",
            "message": {"body": "Your feedback", "attachment_ids": [file["id"]]},
        },
    )
    assert answer.status_code == 201, answer.text
    for student in students:
        assert (
            await client.get(f"/api/attachments/{file['id']}", headers=student.headers)
        ).status_code == 200


async def test_a_forwarded_message_carries_its_files(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    lina = await make.person()
    file = await uploaded(client, emma, "map.png", samples.PNG)
    message = await sent_files(client, emma, conversation_id, [file["id"]])
    answer = await client.post(
        f"/api/messages/{message['id']}/forward",
        headers=noah.headers,
        json={"recipients": {"people": [lina.id]}},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["message"]["attachments"] == [file]
    assert (await client.get(f"/api/attachments/{file['id']}", headers=lina.headers)).status_code == 200


async def test_the_message_created_event_carries_the_files(client: httpx.AsyncClient, make: Factory) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    file = await uploaded(client, emma, "plan.pdf", samples.PDF)
    await sent_files(client, emma, conversation_id, [file["id"]], "plan")
    events = (await client.get("/api/events", params={"after": 0}, headers=noah.headers)).json()["events"]
    created = [e for e in events if e["type"] == "message.created"]
    assert created[-1]["payload"]["message"]["attachments"] == [file]


async def test_a_retried_send_with_files_returns_the_original(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, _, conversation_id = await _pair(client, make)
    file = await uploaded(client, emma, "a.pdf", samples.PDF)
    first = await send_files(client, emma, conversation_id, [file["id"]], "x", cmid="retry-1")
    again = await send_files(client, emma, conversation_id, [file["id"]], "x", cmid="retry-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["message"] == first.json()["message"]
    other = await uploaded(client, emma, "b.pdf", samples.PDF)
    reused = await send_files(client, emma, conversation_id, [other["id"]], "x", cmid="retry-1")
    assert reused.status_code == 409


async def test_only_the_uploader_can_attach_a_file_and_only_once(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    file = await uploaded(client, emma, "a.pdf", samples.PDF)
    stolen = await send_files(client, noah, conversation_id, [file["id"]], "mine now")
    assert stolen.status_code == 404 and error_of(stolen)["details"] == {"object": "attachment"}
    await sent_files(client, emma, conversation_id, [file["id"]])
    twice = await send_files(client, emma, conversation_id, [file["id"]], "again")
    assert twice.status_code == 404


async def test_at_most_ten_files_per_message(client: httpx.AsyncClient, make: Factory) -> None:
    emma, _, conversation_id = await _pair(client, make)
    answer = await send_files(client, emma, conversation_id, list(range(1, 12)), "many")
    assert answer.status_code == 422


async def test_a_user_with_messaging_disabled_cannot_upload(client: httpx.AsyncClient, make: Factory) -> None:
    muted = await make.person(messaging_disabled=True)
    answer = await upload(client, muted, "a.pdf", samples.PDF)
    assert answer.status_code == 403 and error_of(answer)["code"] == "messaging_disabled"


# ---- the 20 MB limit (§6.2, §7.2) ------------------------------------------------------------------------------


async def test_exactly_20_mb_is_accepted(client: httpx.AsyncClient, make: Factory) -> None:
    emma = await make.person()
    data = _pdf_of_size(MB20)
    file = await uploaded(client, emma, "big.pdf", data)
    assert file["size"] == MB20
    download = await client.get(f"/api/attachments/{file['id']}", headers=emma.headers)
    assert download.headers["content-length"] == str(MB20) and download.content == data


async def test_20_mb_and_one_byte_is_refused_with_413_and_leaves_nothing(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    emma = await make.person()
    answer = await upload(client, emma, "big.pdf", _pdf_of_size(MB20 + 1))
    assert answer.status_code == 413
    assert error_of(answer) == {
        "code": "file_too_large",
        "message": "The maximum file size is 20 MB.",
        "details": {"max_bytes": MB20},
    }
    assert await _nothing_stored(services)


async def test_a_content_length_that_lies_does_not_get_a_large_file_in(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    emma = await make.person()
    body, headers = samples.multipart(b"big.pdf", _pdf_of_size(MB20 + 1))

    async def stream() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 1024 * 1024):
            yield body[start : start + 1024 * 1024]

    answer = await client.post(
        "/api/attachments", content=stream(), headers={**headers, **emma.headers, "Content-Length": "1000"}
    )
    assert answer.status_code == 413
    assert await _nothing_stored(services)


async def test_a_declared_size_over_the_limit_is_refused_before_reading(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    emma = await make.person()
    body, headers = samples.multipart(b"a.pdf", samples.PDF)
    answer = await client.post(
        "/api/attachments",
        content=body,
        headers={**headers, **emma.headers, "Content-Length": str(30 * 1024 * 1024)},
    )
    assert answer.status_code == 413
    assert await _nothing_stored(services)


# ---- formats (§5.2: "Sorry, you can't send (name of file)") ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("report.pdf", samples.PDF, "application/pdf"),
        (
            "essay.docx",
            samples.DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("notes.txt", samples.TEXT, "text/plain; charset=utf-8"),
        ("diagram.svg", samples.SVG_PLAIN, "image/svg+xml"),
        ("photo.JPG", samples.JPEG, "image/jpeg"),
        ("anim.gif", samples.GIF, "image/gif"),
        ("song.mp3", samples.MP3, "audio/mpeg"),
        ("clip.mp4", samples.MP4, "video/mp4"),
        ("work.zip", samples.ZIP, "application/zip"),
        ("work.7z", samples.SEVEN_Z, "application/x-7z-compressed"),
    ],
)
async def test_formats_on_the_allow_list_are_accepted(
    client: httpx.AsyncClient, make: Factory, name: str, data: bytes, content_type: str
) -> None:
    file = await uploaded(client, await make.person(), name, data)
    assert file["content_type"] == content_type


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("setup.exe", samples.EXE),  # not on the list
        ("homework.pdf", samples.EXE),  # an executable renamed .pdf
        ("cat.png", samples.ELF),  # another one renamed .png
        ("page.html", samples.HTML_WITH_SCRIPT),  # HTML is never accepted
        ("page.txt", samples.HTML_WITH_SCRIPT),  # nor renamed as text
        ("logo.svg", samples.SVG_WITH_SCRIPT),  # an SVG with a script
        ("logo2.svg", samples.SVG_WITH_HANDLER),  # or an event handler
        ("funny.gif", samples.GIF_HTML_POLYGLOT),  # a GIF that is also a web page
        ("paper.pdf", samples.PDF_HTML_POLYGLOT),  # a PDF that is also a web page
        ("photo.png", samples.JPEG),  # the extension must agree with the content
        ("report.pdf.exe", samples.PDF),  # what counts is the last extension
        ("README", samples.TEXT),  # no extension
        ("empty.pdf", b""),  # nothing to send
        ("binary.txt", b"\x00\x01\x02\x03"),  # text must be text
    ],
)
async def test_unsupported_files_are_refused_with_the_reference_words(
    client: httpx.AsyncClient, make: Factory, services: Services, name: str, data: bytes
) -> None:
    answer = await upload(client, await make.person(), name, data)
    assert answer.status_code == 415
    assert error_of(answer) == {
        "code": "unsupported_file",
        "message": f"Sorry, you can't send {name}",
        "details": {"name": name},
    }
    assert await _nothing_stored(services)


# ---- filenames (§5.2; issue 5 item 3) ----------------------------------------------------------------------------


async def _upload_raw(client: httpx.AsyncClient, who: Person, filename: bytes, data: bytes) -> httpx.Response:
    body, headers = samples.multipart(filename, data)
    return await client.post("/api/attachments", content=body, headers={**headers, **who.headers})


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (b"../../../etc/passwd.pdf", "passwd.pdf"),
        (b"..\\..\\windows\\system32\\report.pdf", "report.pdf"),
        (b"C:\\Users\\emma\\Desktop\\report.pdf", "report.pdf"),
        (b"..pdf", "pdf"),
        (b"re\x00port.pdf", "report.pdf"),
        ("caf\u00e9 \u2013 menu.pdf".encode(), "caf\u00e9 \u2013 menu.pdf"),
        ("invoice\u202etxt.pdf".encode(), "invoicetxt.pdf"),
    ],
)
async def test_filenames_are_cleaned_for_display(
    client: httpx.AsyncClient, make: Factory, raw: bytes, shown: str
) -> None:
    answer = await _upload_raw(client, await make.person(), raw, samples.PDF)
    if shown == "pdf":  # nothing but an extension left: no extension, so refused
        assert answer.status_code == 415 and error_of(answer)["message"] == "Sorry, you can't send pdf"
        return
    assert answer.status_code == 201, answer.text
    assert answer.json()["name"] == shown


async def test_a_right_to_left_override_cannot_disguise_an_executable(
    client: httpx.AsyncClient, make: Factory
) -> None:
    # Shown with the override, "invoice\u202egpj.exe" reads "invoiceexe.jpg".
    answer = await _upload_raw(client, await make.person(), "invoice\u202egpj.exe".encode(), samples.EXE)
    assert answer.status_code == 415
    assert error_of(answer)["message"] == "Sorry, you can't send invoicegpj.exe"


async def test_quotes_in_a_name_cannot_break_the_download_header(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma = await make.person()
    answer = await _upload_raw(client, emma, b'say \\"hi\\"; x=1.pdf', samples.PDF)
    assert answer.status_code == 201, answer.text
    file = answer.json()
    assert file["name"] == 'say "hi"; x=1.pdf'
    download = await client.get(f"/api/attachments/{file['id']}", headers=emma.headers)
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"say _hi_; x=1.pdf\"; filename*=UTF-8''say%20%22hi%22%3B%20x%3D1.pdf"
    )


async def test_a_raw_line_break_in_a_part_header_is_a_clean_refusal(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    answer = await _upload_raw(client, await make.person(), b"a\r\nSet-Cookie: x=1\r\n.pdf", samples.PDF)
    assert answer.status_code == 422 and error_of(answer)["code"] == "invalid_upload"
    assert "set-cookie" not in answer.headers
    assert await _nothing_stored(services)


async def test_downloads_are_attachments_with_nosniff_and_the_checked_type(
    client: httpx.AsyncClient, make: Factory
) -> None:
    emma = await make.person()
    file = await uploaded(client, emma, "élève notes.txt", samples.TEXT)
    answer = await client.get(f"/api/attachments/{file['id']}", headers=emma.headers)
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"
    assert answer.headers["content-disposition"] == (
        "attachment; filename=\"eleve notes.txt\"; filename*=UTF-8''%C3%A9l%C3%A8ve%20notes.txt"
    )
    assert "sandbox" in answer.headers["content-security-policy"]


async def test_files_are_stored_outside_served_folders_under_server_chosen_names(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    emma = await make.person()
    await uploaded(client, emma, "../../evil.pdf", samples.PDF)
    stored = [path for path in (services.settings.data_dir / "attachments").rglob("*") if path.is_file()]
    assert len(stored) == 1
    assert stored[0].name != "evil.pdf" and len(stored[0].name) == 32 and "evil" not in str(stored[0])
    assert Path(services.settings.data_dir) in stored[0].parents


# ---- deleted messages take their files with them (issue 5 item 3) ------------------------------------------------


async def test_a_deleted_message_takes_its_files_with_it(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    file = await uploaded(client, emma, "a.pdf", samples.PDF)
    message = await sent_files(client, emma, conversation_id, [file["id"]], "oops")
    assert (await client.delete(f"/api/messages/{message['id']}", headers=emma.headers)).status_code == 200
    for who in (emma, noah):
        assert (await client.get(f"/api/attachments/{file['id']}", headers=who.headers)).status_code == 404
    assert (await history(client, noah, conversation_id))["messages"][0]["attachments"] == []
    assert await _nothing_stored(services)


async def test_a_file_another_message_still_carries_stays(
    client: httpx.AsyncClient, make: Factory, services: Services
) -> None:
    emma, noah, conversation_id = await _pair(client, make)
    file = await uploaded(client, emma, "a.pdf", samples.PDF)
    message = await sent_files(client, emma, conversation_id, [file["id"]], "original")
    forwarded = await client.post(
        f"/api/messages/{message['id']}/forward",
        headers=noah.headers,
        json={"conversation_id": conversation_id},
    )
    assert forwarded.status_code == 201
    await client.delete(f"/api/messages/{message['id']}", headers=emma.headers)
    assert (await client.get(f"/api/attachments/{file['id']}", headers=noah.headers)).status_code == 200
    async with services.db.read() as conn:
        links = (await conn.execute(select(func.count()).select_from(message_attachments))).scalar_one()
    assert links == 1


async def test_sending_text_still_works_without_files(client: httpx.AsyncClient, make: Factory) -> None:
    emma, _, conversation_id = await _pair(client, make)
    answer = await send(client, emma, conversation_id, "just text")
    assert answer.status_code == 201 and answer.json()["message"]["attachments"] == []
