"""Binding a transaction to a tenant, for the row-level security policies.

`app.tenant_id` is set with ``set_config(..., is_local => true)``: it lasts until the end of the
current transaction, so a pooled connection never carries a tenant into the next transaction.
Call `set_tenant` inside the transaction it should cover (an `AsyncSession` autobegins one).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from guichet_contracts.tenancy import validate_tenant_id
from guichet_kit.db.driver import known_driver_connection
from guichet_kit.logging.context import tenant_id_var

TENANT_SETTING = "app.tenant_id"
_SET_TENANT = text(f"SELECT set_config('{TENANT_SETTING}', :tenant_id, true)")
_SET_TENANT_SQL = f"SELECT set_config('{TENANT_SETTING}', $1, true)"


async def set_tenant(session_or_conn: AsyncSession | AsyncConnection, tenant_id: str) -> None:
    """Bind the current transaction to `tenant_id` (and tag this context's log lines)."""
    validate_tenant_id(tenant_id)
    driver = (
        known_driver_connection(session_or_conn)
        if isinstance(session_or_conn, AsyncSession)
        else None
    )
    if driver is not None:  # the transaction already talks to the driver: cheaper
        await driver.execute(_SET_TENANT_SQL, tenant_id)
    else:
        await session_or_conn.execute(_SET_TENANT, {"tenant_id": tenant_id})
    tenant_id_var.set(tenant_id)


async def set_driver_tenant(connection: asyncpg.Connection, tenant_id: str) -> None:
    """`set_tenant` for a bare asyncpg connection, inside its transaction."""
    if not connection.is_in_transaction():
        raise RuntimeError("bind a tenant inside a transaction (set_config is transaction-local)")
    await connection.execute(_SET_TENANT_SQL, validate_tenant_id(tenant_id))


@asynccontextmanager
async def tenant_transaction(
    session_factory: async_sessionmaker[AsyncSession], tenant_id: str
) -> AsyncIterator[AsyncSession]:
    """A session in a transaction bound to `tenant_id`: commits on success, rolls back on error.

    For work outside HTTP requests (message handlers, jobs); endpoints use `get_session`.
    """
    validate_tenant_id(tenant_id)
    token = tenant_id_var.set(tenant_id)
    try:
        async with session_factory() as session, session.begin():
            await set_tenant(session, tenant_id)
            yield session
    finally:
        tenant_id_var.reset(token)
