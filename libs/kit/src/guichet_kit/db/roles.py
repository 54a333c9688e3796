"""Provisioning of the login roles services connect with (run with an admin connection)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from guichet_kit.db.engine import async_url
from guichet_kit.db.identifiers import quote_ident

# What an application (or migration) role must never have: RLS only protects tenants if the
# role cannot bypass it, create roles or databases, or replicate.
ROLE_ATTRIBUTES = "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION"


async def ensure_app_role(admin_url: str, role: str, password: str) -> None:
    """Create `role`, or bring an existing one back to the safe attributes and `password`.

    Idempotent. Concurrent calls through the same database are serialized by an advisory
    lock (concurrent CREATE/ALTER ROLE otherwise fail with "tuple concurrently updated").
    The password travels as a quoted literal (DDL takes no bind parameters) and is hashed by
    the server (``password_encryption``, SCRAM by default).
    """
    name = quote_ident(role)
    engine = create_async_engine(async_url(admin_url), poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"role:{role}"}
            )
            literal = await connection.scalar(
                text("SELECT quote_literal(CAST(:password AS text))"), {"password": password}
            )
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
            )
            verb = "ALTER" if exists else "CREATE"
            await connection.exec_driver_sql(
                f"{verb} ROLE {name} WITH {ROLE_ATTRIBUTES} PASSWORD {literal}"
            )
    finally:
        await engine.dispose()
