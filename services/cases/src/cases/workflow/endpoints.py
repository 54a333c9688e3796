"""What staff do with one case of their municipality: read it, move it through the workflow,
assign it, write notes, attach files (photos cleaned like the reporters', EXIF gone; PDFs as
sent), and fetch presigned URLs of its files and of the report's photos."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter, Request

from cases.access import (
    AttachmentsReader,
    AttachmentsWriter,
    CasesReader,
    NotesWriter,
    WorkflowWriter,
)
from cases.actors import staff_actor
from cases.canned import repository as canned_responses
from cases.errors import AttachmentNotFound, CannedResponseUnknown, CaseNotFound, FileMissing
from cases.models.case import Case
from cases.notes import files
from cases.notes import repository as notes
from cases.notes import service as note_service
from cases.notes.forms import FORM_OVERHEAD, read_note_form
from cases.notes.links import Links
from cases.notes.schemas import AttachmentLink, AttachmentOut, NoteIn, NoteOut, PhotoLink
from cases.notes.views import attachments_out, note_out
from cases.settings import Settings
from cases.visibility import can_see
from cases.workflow import repository, service, views
from cases.workflow.openapi import FILE_PART, FILE_PROBLEMS, MAX_TEXT, NOT_FOUND, UPLOAD_BODY
from cases.workflow.schemas import AssignmentIn, CaseDetail, TransitionIn
from guichet_contracts.values import CaseStatus
from guichet_kit.auth import Admission
from guichet_kit.errors import Unprocessable
from guichet_kit.image_pool_component import get_image_pool
from guichet_kit.storage import get_storage


def _visible(ctx: Admission, case: Case | None, number: str) -> Case:
    """The case, or 404 when it doesn't exist *or* the caller may not see it."""
    if case is None or not can_see(ctx.principal, case):
        raise CaseNotFound(number=number)
    return case


async def _case(ctx: Admission, number: str, *, lock: bool = False) -> Case:
    return _visible(ctx, await repository.by_number(ctx.session, number, lock=lock), number)


async def _public_message(ctx: Admission, case: Case, body: TransitionIn) -> str | None:
    if body.public_message is not None or body.canned_response is None:
        return body.public_message
    canned = await canned_responses.find(ctx.session, body.canned_response, case.reporter_language)
    if canned is None:
        raise CannedResponseUnknown(code=body.canned_response, language=case.reporter_language)
    return canned.body


def _visibility(raw: str | None) -> note_service.Visibility:
    if raw == "internal":
        return "internal"
    if raw == "public":
        return "public"
    raise Unprocessable(extra={"field": "visibility"})


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/v1/municipalities/{nis}/cases", tags=["cases"])
    ttl = timedelta(seconds=settings.attachment_url_seconds)

    @router.get("/{case_number}", responses=NOT_FOUND)
    async def get_case(ctx: CasesReader, case_number: str) -> CaseDetail:
        return await views.detail(ctx.session, await _case(ctx, case_number))

    @router.post("/{case_number}/transitions", responses=NOT_FOUND)
    async def transition_case(
        ctx: WorkflowWriter, case_number: str, body: TransitionIn
    ) -> CaseDetail:
        if body.to != CaseStatus.DUPLICATE or body.duplicate_of is None:
            case = await _case(ctx, case_number, lock=True)
            target = None
        else:
            locked = await repository.lock_numbers(ctx.session, [case_number, body.duplicate_of])
            case = _visible(ctx, locked.get(case_number), case_number)
            target = _visible(ctx, locked.get(body.duplicate_of), body.duplicate_of)
        request = service.TransitionRequest(
            to=body.to,
            public_message=await _public_message(ctx, case, body),
            reason=body.reason,
            planned_for=body.planned_for,
        )
        await service.transition(
            ctx.session, case, request, staff_actor(ctx.principal), duplicate_of=target
        )
        return await views.detail(ctx.session, case)

    @router.post("/{case_number}/assignment", responses=NOT_FOUND)
    async def assign_case(ctx: WorkflowWriter, case_number: str, body: AssignmentIn) -> CaseDetail:
        case = await _case(ctx, case_number, lock=True)
        assignment = service.Assignment(
            department=body.department,
            team=body.team,
            assignee_subject=body.assignee,
            assignee_name=body.assignee_name,
        )
        await service.assign(ctx.session, case, assignment, staff_actor(ctx.principal))
        return await views.detail(ctx.session, case)

    @router.post("/{case_number}/notes", status_code=201, responses=NOT_FOUND)
    async def add_note(ctx: NotesWriter, case_number: str, body: NoteIn) -> NoteOut:
        case = await _case(ctx, case_number, lock=True)
        note = await note_service.add_note(
            ctx.session, case, body.text, body.visibility, staff_actor(ctx.principal)
        )
        return note_out(note, [])

    @router.post(
        "/{case_number}/attachments",
        status_code=201,
        responses=FILE_PROBLEMS,
        openapi_extra=UPLOAD_BODY,
        max_body_size=settings.attachment_max_bytes + FORM_OVERHEAD,
        summary="Add a note (internal or public update) with one file",
        tags=["attachments"],
    )
    async def upload(ctx: AttachmentsWriter, case_number: str, request: Request) -> NoteOut:
        case = await _case(ctx, case_number)
        form = await read_note_form(request, FILE_PART, settings.attachment_max_bytes)
        if form.upload is None:
            raise FileMissing(part=FILE_PART)
        visibility = _visibility(form.visibility)
        text = (form.text or "").strip()
        if len(text) > MAX_TEXT:
            raise Unprocessable(extra={"field": "text", "max_length": MAX_TEXT})
        storage = get_storage(request)
        stored = await files.store_upload(
            storage, get_image_pool(request), ctx.tenant_id, case.id, form.upload, allow_pdf=True
        )
        try:
            case = await _case(ctx, case_number, lock=True)
            note = await note_service.add_note(
                ctx.session, case, text, visibility, staff_actor(ctx.principal), [stored]
            )
        except BaseException:
            await files.discard(storage, ctx.tenant_id, stored)
            raise
        return note_out(note, attachments_out(await notes.of_case(ctx.session, case.id)))

    @router.get("/{case_number}/attachments", responses=FILE_PROBLEMS, tags=["attachments"])
    async def list_attachments(ctx: AttachmentsReader, case_number: str) -> list[AttachmentOut]:
        case = await _case(ctx, case_number)
        return attachments_out(await notes.of_case(ctx.session, case.id))

    @router.get(
        "/{case_number}/attachments/{attachment_id}",
        responses=FILE_PROBLEMS,
        tags=["attachments"],
    )
    async def download(
        ctx: AttachmentsReader, case_number: str, attachment_id: uuid.UUID, request: Request
    ) -> AttachmentLink:
        case = await _case(ctx, case_number)
        row = await notes.find(ctx.session, case.id, attachment_id)
        if row is None:
            raise AttachmentNotFound(attachment_id=str(attachment_id))
        return await Links(get_storage(request), ctx.tenant_id, ttl).download(row)

    @router.get(
        "/{case_number}/photos",
        responses=NOT_FOUND,
        summary="Presigned URLs of the report's photos (EXIF-free display image, thumbnail)",
    )
    async def photos(ctx: CasesReader, case_number: str, request: Request) -> list[PhotoLink]:
        case = await _case(ctx, case_number)
        return await Links(get_storage(request), ctx.tenant_id, ttl).photos(case.photos)

    return router
