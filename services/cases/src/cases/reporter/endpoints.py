"""The reporter API: follow a case by tracking number (X-Tracking-Token or the citizen's own
bearer token), and add a comment and/or a photo to it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request

from cases.notes import files
from cases.notes.forms import FORM_OVERHEAD, read_note_form
from cases.notes.links import Links
from cases.reporter import service
from cases.reporter.access import ReaderDep, locked_case
from cases.reporter.mine import my_cases
from cases.reporter.schemas import CommentReceipt, MyCase, ReporterCaseView
from cases.reporter.view import reporter_view
from cases.settings import Settings
from guichet_kit.auth import PrincipalDep, profile_language
from guichet_kit.db import SessionDep
from guichet_kit.image_pool_component import get_image_pool
from guichet_kit.storage import get_storage

PHOTO_PART = "photo"


def _problems(statuses: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    return {
        status: {"description": text, "content": {"application/problem+json": {}}}
        for status, text in statuses.items()
    }


NOT_FOUND = {404: "Unknown number, wrong token, not your report (same answer for all)"}
COMMENT_PROBLEMS = {
    **NOT_FOUND,
    413: "The photo is too large (bytes or pixels)",
    415: "Not JSON/multipart, or the photo is not an accepted image type",
    422: "No text and no photo, text too long, or a damaged photo",
    429: "Too many comments on this case in the last hour",
}

COMMENT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"text": {"type": "string", "maxLength": 2000}},
                    "required": ["text"],
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string", "maxLength": 2000},
                        PHOTO_PART: {"type": "string", "format": "binary"},
                    },
                }
            },
        },
    }
}


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/v1/tracking", tags=["reporter"])
    limits = service.CommentLimits(
        max_chars=settings.reporter_comment_max_chars,
        per_hour=settings.reporter_comments_per_hour,
    )
    url_ttl = timedelta(seconds=settings.attachment_url_seconds)

    @router.get(
        "",
        responses=_problems({401: "No or invalid access token"}),
        summary="Your own cases, when you reported while logged in (newest first, at most 100)",
    )
    async def list_my_cases(
        principal: PrincipalDep, session: SessionDep, request: Request
    ) -> list[MyCase]:
        language = profile_language(request, principal)
        return await my_cases(session, principal.subject, language)

    @router.get(
        "/{tracking_number}",
        responses=_problems(NOT_FOUND),
        summary="Your case as a reporter: status and public timeline",
    )
    async def follow_case(ctx: ReaderDep, request: Request) -> ReporterCaseView:
        links = Links(get_storage(request), ctx.case.tenant_id, url_ttl)
        return await reporter_view(
            ctx.session,
            ctx.case,
            tracking_number=ctx.tracking_number,
            report_id=ctx.report_id,
            language=ctx.language,
            links=links,
        )

    @router.post(
        "/{tracking_number}/comments",
        status_code=201,
        responses=_problems(COMMENT_PROBLEMS),
        openapi_extra=COMMENT_BODY,
        max_body_size=settings.attachment_max_bytes + FORM_OVERHEAD,
        summary="Add a comment and/or a photo to your case (shown publicly on its timeline)",
    )
    async def comment_case(ctx: ReaderDep, request: Request) -> CommentReceipt:
        form = await read_note_form(request, PHOTO_PART, settings.attachment_max_bytes)
        text = service.checked_text(form.text, form.upload is not None, limits)
        await service.check_rate(ctx.session, ctx.case, limits)  # early, before any work
        storage = get_storage(request)
        photo = None
        if form.upload is not None:
            photo = await files.store_upload(
                storage,
                get_image_pool(request),
                ctx.case.tenant_id,
                ctx.case.id,
                form.upload,
                allow_pdf=False,
            )
        try:
            case = await locked_case(ctx)
            await service.check_rate(ctx.session, case, limits)  # authoritative, under the lock
            note = await service.add_reporter_comment(ctx.session, case, text, ctx.actor, photo)
        except BaseException:
            if photo is not None:
                await files.discard(storage, ctx.case.tenant_id, photo)
            raise
        return CommentReceipt(
            comment_id=note.id, at=note.created_at, attachments=[photo.id] if photo else []
        )

    return router
