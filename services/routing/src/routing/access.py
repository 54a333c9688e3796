"""Who may call routing's endpoints: a municipality's own staff, by role; the operator for
platform-wide data (municipalities, boundaries)."""

# No `from __future__ import annotations`: FastAPI resolves the closures' annotations.
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Path
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_kit.auth import Principal, PrincipalDep, RoleRequired
from guichet_kit.auth.principal import OPERATOR_ROLE
from guichet_kit.db import SessionDep, bind_tenant
from routing.errors import MunicipalityNotFound

NisPath = Annotated[str, Path(pattern=r"^[0-9]{5}$", description="NIS code of the municipality")]


def member_of_path_town(*roles: str) -> Callable[..., Awaitable[str]]:
    """Dependency: the path's NIS code, when the caller belongs to that municipality and holds
    one of `roles`. Anyone else (another town's staff, a citizen, the operator) is told no
    such municipality exists for them (404, like every other tenant's data); a member without
    the role gets 403."""

    async def admitted(nis: NisPath, principal: PrincipalDep) -> str:
        if principal.tenant_id != nis:
            raise MunicipalityNotFound(nis=nis)
        if not principal.has_role(*roles):
            raise RoleRequired(*roles)
        return nis

    return admitted


def town_session(*roles: str) -> Callable[..., Awaitable[AsyncSession]]:
    """Dependency: the request's transaction bound to the path's municipality, for its members
    holding one of `roles`."""
    admitted = member_of_path_town(*roles)

    async def session_for(
        session: SessionDep, nis: Annotated[str, Depends(admitted)]
    ) -> AsyncSession:
        await bind_tenant(session, nis)
        return session

    return session_for


async def operator(principal: PrincipalDep) -> Principal:
    if not principal.is_operator:
        raise RoleRequired(OPERATOR_ROLE)
    return principal


AdminSession = Annotated[AsyncSession, Depends(town_session("tenant_admin"))]
StaffSession = Annotated[
    AsyncSession, Depends(town_session("staff", "coordinator", "tenant_admin"))
]
OperatorDep = Annotated[Principal, Depends(operator)]
