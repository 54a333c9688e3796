"""Who may call the staff API of a municipality, and the request's tenant-bound session.

A caller from another municipality (or with no municipality) gets 404 on every endpoint, as
if the municipality were not hosted: the API reveals nothing about other towns. A member of
the town without a staff role gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.ext.asyncio import AsyncSession

from cases.errors import MunicipalityNotFound
from guichet_contracts.values import NIS_PATTERN
from guichet_kit.auth import Principal, PrincipalDep, RoleRequired
from guichet_kit.db import SessionDep, bind_tenant
from guichet_kit.i18n import SUPPORTED_LANGUAGES

WRITER_ROLES = frozenset({"staff", "coordinator", "tenant_admin", "security_officer", "mayor"})
READER_ROLES = WRITER_ROLES | {"field_agent"}

NisPath = Annotated[str, Path(pattern=NIS_PATTERN, description="NIS code of the municipality")]


@dataclass(frozen=True)
class StaffContext:
    principal: Principal
    session: AsyncSession
    tenant_id: str


def _use_profile_language(request: Request, principal: Principal) -> None:
    """Answer in the user's profile language unless the request asks for one."""
    if "accept-language" not in request.headers and principal.locale in SUPPORTED_LANGUAGES:
        request.state.language = principal.locale


async def staff_context(
    nis: str,
    request: Request,
    principal: Principal,
    session: AsyncSession,
    roles: frozenset[str],
) -> StaffContext:
    if principal.tenant_id != nis:
        raise MunicipalityNotFound(nis=nis)
    _use_profile_language(request, principal)
    if not principal.has_role(*roles):
        raise RoleRequired(*roles)
    await bind_tenant(session, nis)
    return StaffContext(principal=principal, session=session, tenant_id=nis)


async def reader_context(
    nis: NisPath, request: Request, principal: PrincipalDep, session: SessionDep
) -> StaffContext:
    return await staff_context(nis, request, principal, session, READER_ROLES)


async def writer_context(
    nis: NisPath, request: Request, principal: PrincipalDep, session: SessionDep
) -> StaffContext:
    return await staff_context(nis, request, principal, session, WRITER_ROLES)


ReaderDep = Annotated[StaffContext, Depends(reader_context)]
WriterDep = Annotated[StaffContext, Depends(writer_context)]
