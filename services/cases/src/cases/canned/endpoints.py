"""`/v1/municipalities/{nis}/canned-responses` (roles: docs/roles.md, `canned_responses`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from cases import clock
from cases.access import CannedReader, CannedWriter
from cases.canned import repository
from cases.canned.schemas import CannedIn, CannedOut
from cases.errors import CannedResponseNotFound
from guichet_contracts.values import CODE_PATTERN, Language

router = APIRouter(prefix="/v1/municipalities/{nis}/canned-responses", tags=["canned responses"])

CodePath = Annotated[str, Path(pattern=CODE_PATTERN)]


@router.get("")
async def list_canned(ctx: CannedReader, language: Language | None = None) -> list[CannedOut]:
    rows = await repository.listing(ctx.session, language)
    return [CannedOut.model_validate(row, from_attributes=True) for row in rows]


@router.put("/{code}/{language}")
async def put_canned(
    ctx: CannedWriter, code: CodePath, language: Language, body: CannedIn
) -> CannedOut:
    row = await repository.upsert(
        ctx.session,
        tenant_id=ctx.tenant_id,
        code=code,
        language=language,
        title=body.title,
        body=body.body,
        subject=ctx.principal.subject,
        at=clock.now(),
    )
    return CannedOut.model_validate(row, from_attributes=True)


@router.delete("/{code}/{language}", status_code=204, responses={404: {}})
async def delete_canned(ctx: CannedWriter, code: CodePath, language: Language) -> Response:
    if not await repository.remove(ctx.session, code, language):
        raise CannedResponseNotFound(code=code, language=language)
    return Response(status_code=204)
