"""Reading a submission from an HTTP request: JSON, or multipart with a `report` JSON part and
`photos` file parts. Input errors become the kit's problem responses (400 malformed or too
deeply nested JSON, 422 validation with field paths) or intake's own (415, 413, too many
photos)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from guichet_kit.images import ImageTypeNotAllowed
from guichet_kit.json_input import load_json
from intake.reports.errors import MissingReportPart, UnsupportedContentType
from intake.reports.photos import PhotoLimits, check_count, check_upload
from intake.reports.schemas import ReportDraft

REPORT_PART = "report"
PHOTOS_PART = "photos"
_MAX_FORM_FILES = 20  # beyond the photo limit, so "too many photos" gets its own message
_MAX_FORM_FIELDS = 10


async def read_submission(request: Request, limits: PhotoLimits) -> tuple[ReportDraft, list[bytes]]:
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type == "application/json":
        return parse_draft(await request.body(), ("body",)), []
    if media_type == "multipart/form-data":
        return await _read_multipart(request, limits)
    raise UnsupportedContentType()


async def _read_multipart(request: Request, limits: PhotoLimits) -> tuple[ReportDraft, list[bytes]]:
    form = await request.form(max_files=_MAX_FORM_FILES, max_fields=_MAX_FORM_FIELDS)
    try:
        part = form.get(REPORT_PART)
        if part is None:
            raise MissingReportPart()
        raw = await part.read() if isinstance(part, UploadFile) else part.encode("utf-8")
        draft = parse_draft(raw, ("body", REPORT_PART))
        uploads = form.getlist(PHOTOS_PART)
        check_count(len(uploads), limits)
        photos: list[bytes] = []
        for index, upload in enumerate(uploads, start=1):
            if not isinstance(upload, UploadFile):
                raise ImageTypeNotAllowed(photo=index)
            data = await upload.read(limits.max_bytes + 1)
            check_upload(index, data, limits)
            photos.append(data)
    finally:
        await form.close()
    return draft, photos


def parse_draft(raw: bytes, loc: Sequence[str]) -> ReportDraft:
    data: Any = load_json(raw)
    try:
        return ReportDraft.model_validate(data)
    except ValidationError as exc:
        errors = [
            {**error, "loc": (*loc, *error["loc"])} for error in exc.errors(include_url=False)
        ]
        raise RequestValidationError(errors) from exc
