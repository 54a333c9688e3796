"""FastAPI dependencies: the request owns the transaction.

`SessionDep` opens a session and a transaction per request, commits when the endpoint returns
without raising and rolls back otherwise. It uses ``scope="function"`` so the commit happens
*before* the response is sent: a client never sees a 2xx for a write that then fails to
commit, and a follow-up request always reads its own writes. Domain code never commits.

Endpoints working on tenant data bind the tenant first::

    @router.get("/reports")
    async def list_reports(session: SessionDep, principal: PrincipalDep) -> ...:
        await bind_tenant(session, principal.tenant_id)

or use a dependency built with `tenant_session_dependency(<dependency returning the tenant id>)`.
"""

# No `from __future__ import annotations`: FastAPI must see the closure's real
# `Depends(tenant_dependency)` annotation, which a string could not resolve.
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from guichet_kit.db.tenancy import set_tenant


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    factory: async_sessionmaker[AsyncSession] = request.app.state.session_factory
    async with factory() as session, session.begin():
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def bind_tenant(session: AsyncSession, tenant_id: str) -> None:
    """Bind the request's transaction to a tenant (RLS) — call before touching tenant data."""
    await set_tenant(session, tenant_id)


def tenant_session_dependency(
    tenant_dependency: Callable[..., Any],
) -> Callable[..., Any]:
    """Build a dependency yielding the request session bound to the tenant returned by
    `tenant_dependency` (e.g. the authenticated principal's municipality)::

        TenantSessionDep = Annotated[AsyncSession, Depends(tenant_session_dependency(tenant_of))]
    """

    async def tenant_session(
        session: SessionDep, tenant_id: Annotated[str, Depends(tenant_dependency)]
    ) -> AsyncSession:
        await bind_tenant(session, tenant_id)
        return session

    return tenant_session
