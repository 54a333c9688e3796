"""GET/PUT a municipality's case settings (roles: docs/roles.md, `case_settings`)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from cases import clock
from cases.access import SettingsReader, SettingsWriter
from cases.tenant_settings import repository

router = APIRouter(prefix="/v1/municipalities/{nis}/case-settings", tags=["case settings"])


class CaseSettingsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    show_staff_names: bool = Field(
        description="reporters see the names of staff in their case's timeline; when false "
        "(the default) they see the department's name only"
    )


@router.get("")
async def get_settings(ctx: SettingsReader) -> CaseSettingsBody:
    current = await repository.current(ctx.session, ctx.tenant_id)
    return CaseSettingsBody(show_staff_names=current.show_staff_names)


@router.put("")
async def put_settings(ctx: SettingsWriter, body: CaseSettingsBody) -> CaseSettingsBody:
    chosen = repository.Settings(show_staff_names=body.show_staff_names)
    await repository.save(
        ctx.session, ctx.tenant_id, chosen, by=ctx.principal.subject, at=clock.now()
    )
    return body
