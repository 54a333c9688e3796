"""GET/PUT a municipality's case settings: any staff reads them, only tenant_admin changes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from cases import clock
from cases.access import NisPath, ReaderDep, StaffContext, staff_context
from cases.tenant_settings import repository
from guichet_kit.auth import PrincipalDep
from guichet_kit.db import SessionDep

router = APIRouter(prefix="/v1/municipalities/{nis}/case-settings", tags=["case settings"])

ADMIN_ROLES = frozenset({"tenant_admin"})


class CaseSettingsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    show_staff_names: bool = Field(
        description="reporters see the names of staff in their case's timeline; when false "
        "(the default) they see the department's name only"
    )


async def admin_context(
    nis: NisPath, request: Request, principal: PrincipalDep, session: SessionDep
) -> StaffContext:
    return await staff_context(nis, request, principal, session, ADMIN_ROLES)


AdminDep = Annotated[StaffContext, Depends(admin_context)]


@router.get("")
async def get_settings(ctx: ReaderDep) -> CaseSettingsBody:
    current = await repository.current(ctx.session, ctx.tenant_id)
    return CaseSettingsBody(show_staff_names=current.show_staff_names)


@router.put("")
async def put_settings(ctx: AdminDep, body: CaseSettingsBody) -> CaseSettingsBody:
    chosen = repository.Settings(show_staff_names=body.show_staff_names)
    await repository.save(
        ctx.session, ctx.tenant_id, chosen, by=ctx.principal.subject, at=clock.now()
    )
    return body
