"""Admission to a municipality: the one dependency every `/v1/municipalities/{nis}/…` endpoint
takes, naming the cell of the roles matrix (`guichet_contracts.roles`) it serves::

    CasesReader = Annotated[Admission, Depends(admission(Resource.CASES, Action.READ))]

In this order:

1. a caller who is not a member of the path's municipality (another town's staff, a citizen,
   the operator) gets 404 `municipality.not_found`, as if the town were not hosted — unless
   the endpoint grants a platform role (`operator`) the caller holds;
2. without an Accept-Language header the answer (errors included) is in the caller's profile
   language;
3. a member without one of the roles gets 403 `auth.role_required`;
4. the request's transaction is bound to the municipality (row-level security).
"""

# No `from __future__ import annotations`: FastAPI resolves the closure's annotations.
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Path, Request
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.roles import PLATFORM_ROLES, Action, Resource, roles_for
from guichet_contracts.tenancy import NIS_PATTERN
from guichet_contracts.values import LANGUAGES
from guichet_kit.auth.dependencies import PrincipalDep
from guichet_kit.auth.errors import MunicipalityNotFound, RoleRequired
from guichet_kit.auth.principal import Principal
from guichet_kit.db.dependencies import SessionDep, bind_tenant
from guichet_kit.i18n import request_language

NisPath = Annotated[str, Path(pattern=NIS_PATTERN, description="NIS code of the municipality")]


@dataclass(frozen=True)
class Admission:
    """A caller admitted to a municipality, and the request's transaction bound to it."""

    principal: Principal
    session: AsyncSession
    tenant_id: str


def profile_language(
    request: Request, principal: Principal | None, fallback: str | None = None
) -> str:
    """The response's language: Accept-Language if sent, else the account's locale, else
    `fallback`, else the app's default; what the headers do not say is kept for the
    request's problems too."""
    if "accept-language" not in request.headers:
        locale = principal.locale if principal else None
        chosen = locale if locale in LANGUAGES else fallback
        if chosen in LANGUAGES:
            request.state.language = chosen
    return request_language(request)


def admission(resource: Resource, action: Action) -> Callable[..., Awaitable[Admission]]:
    """The dependency admitting to the path's municipality the roles that may do `action` on
    `resource`."""
    granted = roles_for(resource, action)
    platform = tuple(granted & PLATFORM_ROLES)

    async def admitted(
        nis: NisPath, request: Request, principal: PrincipalDep, session: SessionDep
    ) -> Admission:
        if principal.tenant_id != nis and not principal.has_role(*platform):
            raise MunicipalityNotFound(nis=nis)
        profile_language(request, principal)
        if not principal.has_role(*granted):
            raise RoleRequired(*granted)
        await bind_tenant(session, nis)
        return Admission(principal=principal, session=session, tenant_id=nis)

    return admitted
