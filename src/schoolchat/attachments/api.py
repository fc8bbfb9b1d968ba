"""Routes: upload a file (to attach to a message afterwards) and download one."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from schoolchat.attachments import actions, queries
from schoolchat.attachments.filenames import content_disposition
from schoolchat.attachments.multipart import MULTIPART_OVERHEAD, FileStream
from schoolchat.attachments.schemas import AttachmentOut
from schoolchat.auth.deps import MessagingActor
from schoolchat.inputs import Id
from schoolchat.ratelimit.deps import metered, per_person
from schoolchat.ratelimit.rules import Rule
from schoolchat.services import Services, ServicesDep

router = APIRouter(prefix="/api", tags=["attachments"])

UPLOAD = "/attachments"
UPLOAD_PATH = (
    router.prefix + UPLOAD
)  # its body is streamed against its own limit (bodies.BodyGuard leaves it)


@router.post(
    UPLOAD,
    response_model=AttachmentOut,
    status_code=201,
    summary="Upload one file (multipart/form-data, field 'file'); attach it by id when sending",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                }
            },
        }
    },
    dependencies=[per_person(Rule.UPLOADS)],
)
async def upload(request: Request, actor: MessagingActor, services: ServicesDep) -> AttachmentOut:
    limit = services.settings.max_attachment_bytes
    stream = FileStream(request, limit + MULTIPART_OVERHEAD, actions.too_large(limit))
    chunks = await metered(request, Rule.UPLOAD_BYTES, actor.id, stream.chunks())
    await stream.open()
    return AttachmentOut(**await actions.upload(services, actor, stream.filename, chunks))


@router.get(
    "/attachments/{attachment_id}",
    summary="Download a file of a message you can see",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def download(attachment_id: Id, actor: MessagingActor, services: ServicesDep) -> StreamingResponse:
    async with services.db.read() as conn:
        row = await queries.get_downloadable(conn, actor.id, attachment_id)
    return file_response(services, row)


def file_response(services: Services, row: Any) -> StreamingResponse:
    """A stored file as a download: never rendered by the browser (sandboxed, not sniffed), never cached."""
    return StreamingResponse(
        actions.storage(services).read(row.storage_key),
        media_type=row.content_type,
        headers={
            "Content-Disposition": content_disposition(row.name),
            "Content-Length": str(row.size),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )
