"""Reading a note with an optional file from a request: JSON (`text`, `visibility`) or
multipart/form-data (the same as fields plus one file part). The routes taking them limit
their body to the file's limit + FORM_OVERHEAD (Starlette refuses more before it is read,
413); the file is read up to its limit + 1 byte."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import UploadFile

from cases.errors import UnsupportedContentType
from cases.notes.files import Upload
from guichet_kit.errors import BadRequest
from guichet_kit.images import ImageTooLarge
from guichet_kit.json_input import load_json

FORM_OVERHEAD = 64 * 1024
_MAX_FORM_FILES = 1
_MAX_FORM_FIELDS = 4


@dataclass(frozen=True)
class NoteForm:
    text: str | None
    visibility: str | None
    upload: Upload | None


def _field(value: object) -> str | None:
    return value if isinstance(value, str) else None


async def read_note_form(request: Request, file_part: str, max_bytes: int) -> NoteForm:
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type == "application/json":
        return _from_json(await request.body())
    if media_type == "multipart/form-data":
        return await _from_multipart(request, file_part, max_bytes)
    raise UnsupportedContentType()


def _from_json(raw: bytes) -> NoteForm:
    body = load_json(raw)
    if not isinstance(body, dict):
        raise BadRequest()
    return NoteForm(_field(body.get("text")), _field(body.get("visibility")), None)


async def _from_multipart(request: Request, file_part: str, max_bytes: int) -> NoteForm:
    form = await request.form(max_files=_MAX_FORM_FILES, max_fields=_MAX_FORM_FIELDS)
    try:
        part = form.get(file_part)
        upload = None
        if isinstance(part, UploadFile):
            data = await part.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise ImageTooLarge(max_bytes)
            upload = Upload(data=data, file_name=(part.filename or None))
        return NoteForm(_field(form.get("text")), _field(form.get("visibility")), upload)
    finally:
        await form.close()
