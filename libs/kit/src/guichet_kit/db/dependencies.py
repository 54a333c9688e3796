"""FastAPI dependencies: the request owns the transaction.

`SessionDep` opens a session and a transaction per request, commits when the endpoint returns
without raising and rolls back otherwise. It uses ``scope="function"`` so the commit happens
*before* the response is sent: a client never sees a 2xx for a write that then fails to
commit, and a follow-up request always reads its own writes. Domain code never commits.

Endpoints of a municipality take `guichet_kit.auth.admission`, which binds the tenant to this
transaction; other code working on tenant data calls `bind_tenant` before touching it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

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
