"""Staff attachments: a note (internal or public update) with one file, the case's files, and
a presigned download URL. Photos are cleaned like the reporters' (EXIF gone); PDFs are kept
as sent. Public ones appear on the reporter's timeline."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request

from cases.access import ReaderDep, StaffContext, WriterDep
from cases.actors import staff_actor
from cases.api import views
from cases.api.schemas import AttachmentLink, AttachmentOut, NoteOut
from cases.attachments import files
from cases.attachments.forms import FORM_OVERHEAD, read_note_form
from cases.errors import AttachmentNotFound, CaseNotFound, FileMissing
from cases.models.case import Case
from cases.settings import Settings
from cases.store import attachments as attachment_store
from cases.store import cases as store
from cases.visibility import can_see
from cases.workflow import service as workflow
from guichet_kit.errors import Unprocessable
from guichet_kit.image_pool_component import get_image_pool
from guichet_kit.storage import content_disposition, get_storage

FILE_PART = "file"
MAX_TEXT = 5000

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        FILE_PART: {"type": "string", "format": "binary"},
                        "visibility": {"type": "string", "enum": ["internal", "public"]},
                        "text": {"type": "string", "maxLength": MAX_TEXT},
                    },
                    "required": [FILE_PART, "visibility"],
                }
            }
        },
    }
}
PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"description": text, "content": {"application/problem+json": {}}}
    for status, text in {
        404: "no such case or attachment, or not visible to the caller",
        413: "file too large (bytes or pixels)",
        415: "not multipart, or a file type not accepted (images, PDF)",
        422: "no file, bad visibility, text too long, damaged file",
    }.items()
}


async def _visible_case(ctx: StaffContext, number: str, *, lock: bool) -> Case:
    case = await store.by_number(ctx.session, number, lock=lock)
    if case is None or not can_see(ctx.principal, case):
        raise CaseNotFound(number=number)
    return case


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/v1/municipalities/{nis}/cases", tags=["attachments"])
    ttl = timedelta(seconds=settings.attachment_url_seconds)

    @router.post(
        "/{case_number}/attachments",
        status_code=201,
        responses=PROBLEMS,
        openapi_extra=UPLOAD_BODY,
        max_body_size=settings.attachment_max_bytes + FORM_OVERHEAD,
        summary="Add a note (internal or public update) with one file",
    )
    async def upload(ctx: WriterDep, case_number: str, request: Request) -> NoteOut:
        case = await _visible_case(ctx, case_number, lock=False)
        form = await read_note_form(request, FILE_PART, settings.attachment_max_bytes)
        if form.upload is None:
            raise FileMissing(part=FILE_PART)
        visibility: workflow.Visibility
        if form.visibility == "internal":
            visibility = "internal"
        elif form.visibility == "public":
            visibility = "public"
        else:
            raise Unprocessable(extra={"field": "visibility"})
        text = (form.text or "").strip()
        if len(text) > MAX_TEXT:
            raise Unprocessable(extra={"field": "text", "max_length": MAX_TEXT})
        storage = get_storage(request)
        stored = await files.store_upload(
            storage, get_image_pool(request), ctx.tenant_id, case.id, form.upload, allow_pdf=True
        )
        try:
            case = await _visible_case(ctx, case_number, lock=True)
            note = await workflow.add_note(
                ctx.session, case, text, visibility, staff_actor(ctx.principal), [stored]
            )
        except BaseException:
            await files.discard(storage, ctx.tenant_id, stored)
            raise
        rows = await attachment_store.of_case(ctx.session, case.id)
        listed = [AttachmentOut.model_validate(r, from_attributes=True) for r in rows]
        return views.note_out(note, listed)

    @router.get("/{case_number}/attachments", responses=PROBLEMS)
    async def list_attachments(ctx: ReaderDep, case_number: str) -> list[AttachmentOut]:
        case = await _visible_case(ctx, case_number, lock=False)
        rows = await attachment_store.of_case(ctx.session, case.id)
        return [AttachmentOut.model_validate(r, from_attributes=True) for r in rows]

    @router.get("/{case_number}/attachments/{attachment_id}", responses=PROBLEMS)
    async def download(
        ctx: ReaderDep, case_number: str, attachment_id: uuid.UUID, request: Request
    ) -> AttachmentLink:
        case = await _visible_case(ctx, case_number, lock=False)
        row = await attachment_store.find(ctx.session, case.id, attachment_id)
        if row is None:
            raise AttachmentNotFound(attachment_id=str(attachment_id))
        storage = get_storage(request)
        name = row.file_name or row.path.rsplit("/", 1)[-1]
        url = await storage.presigned_get(
            ctx.tenant_id, row.path, ttl, content_disposition=content_disposition(name)
        )
        thumbnail = (
            await storage.presigned_get(ctx.tenant_id, row.thumbnail_path, ttl)
            if row.thumbnail_path
            else None
        )
        return AttachmentLink(
            id=row.id, url=url, thumbnail_url=thumbnail, expires_in=int(ttl.total_seconds())
        )

    return router
