"""A fresh PostgreSQL/PostGIS database per test session, roles, and migrated service schemas.

    async def test_x(database: TestDatabase) -> None:
        service = await database.service_schema("intake", MIGRATIONS_DIR)  # once per session
        engine = database.engine(service.app_role, schema="intake")  # as the app role (RLS)

The database (``guichet_test_<random>``) is created from ``GUICHET_PG_ADMIN_URL`` with PostGIS
and dropped at the end of the session, together with every role created through it.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from guichet_kit.db.engine import async_url, create_engine
from guichet_kit.db.identifiers import quote_ident
from guichet_kit.db.migrations import upgrade_async
from guichet_kit.db.roles import ensure_app_role
from guichet_kit.settings import KitSettings
from guichet_testing.stack import StackInfo


@dataclass(frozen=True)
class DbRole:
    name: str
    password: str
    url: str  # postgresql+asyncpg:// URL of the test database, logged in as this role


@dataclass(frozen=True)
class ServiceDatabase:
    schema: str
    migration_role: DbRole
    app_role: DbRole


class TestDatabase:
    __test__ = False  # not a test class, whatever its name

    def __init__(self, admin_server_url: str, name: str) -> None:
        self.name = name
        self.server_admin_url = async_url(admin_server_url)
        self.admin_url = _with_database(self.server_admin_url, name)
        self._roles: list[str] = []
        self._engines: list[AsyncEngine] = []
        self.services: dict[str, ServiceDatabase] = {}
        self._schemas: dict[str, ServiceDatabase] = {}
        self._schemas_lock = asyncio.Lock()

    def url_for(self, user: str, password: str) -> str:
        url = make_url(self.admin_url).set(username=user, password=password)
        return url.render_as_string(hide_password=False)

    async def create_role(self, prefix: str, *, can_create_schema: bool = False) -> DbRole:
        """A LOGIN NOSUPERUSER NOBYPASSRLS role with a unique name, dropped after the session."""
        name, password = f"{prefix}_{secrets.token_hex(4)}", secrets.token_urlsafe(16)
        role = DbRole(name=name, password=password, url=self.url_for(name, password))
        await ensure_app_role(self.admin_url, role.name, role.password)
        self._roles.append(role.name)
        if can_create_schema:
            await self.execute_admin(
                f"GRANT CREATE ON DATABASE {quote_ident(self.name)} TO {quote_ident(role.name)}"
            )
        return role

    async def service_schema(self, schema: str, script_location: str | Path) -> ServiceDatabase:
        """`provision_service_schema` once per schema and session, shared by test modules."""
        async with self._schemas_lock:
            if schema not in self._schemas:
                self._schemas[schema] = await provision_service_schema(
                    self, schema=schema, script_location=script_location
                )
            return self._schemas[schema]

    def engine(
        self, role: DbRole, *, schema: str, service_name: str = "guichet-test"
    ) -> AsyncEngine:
        """An engine as the service builds it (kit `create_engine`), disposed after the session."""
        settings = KitSettings(
            database_url=role.url,
            database_schema=schema,
            service_name=service_name,
            database_pool_size=5,
            database_max_overflow=5,
        )
        engine = create_engine(settings)
        self._engines.append(engine)
        return engine

    def admin_engine(self) -> AsyncEngine:
        """Superuser engine on the test database (bypasses RLS: setup and assertions only)."""
        engine = create_async_engine(self.admin_url, poolclass=NullPool)
        self._engines.append(engine)
        return engine

    async def execute_admin(self, *statements: str) -> None:
        """Run statements as superuser on the test database, each in autocommit."""
        async with _autocommit_connection(self.admin_url) as connection:
            for statement in statements:
                await connection.exec_driver_sql(statement)

    async def close(self) -> None:
        for engine in self._engines:
            await engine.dispose()
        async with _autocommit_connection(self.server_admin_url) as connection:
            await connection.exec_driver_sql(
                f"DROP DATABASE IF EXISTS {quote_ident(self.name)} WITH (FORCE)"
            )
            for role in self._roles:
                await connection.exec_driver_sql(f"DROP ROLE IF EXISTS {quote_ident(role)}")


async def create_test_database(admin_server_url: str) -> TestDatabase:
    database = TestDatabase(admin_server_url, f"guichet_test_{secrets.token_hex(4)}")
    async with _autocommit_connection(database.server_admin_url) as connection:
        await connection.exec_driver_sql(f"CREATE DATABASE {quote_ident(database.name)}")
    await database.execute_admin("CREATE EXTENSION IF NOT EXISTS postgis")
    return database


async def provision_service_schema(
    database: TestDatabase, *, schema: str, script_location: str | Path
) -> ServiceDatabase:
    """Roles as in production (a migration role owning the schema, an app role with DML only)
    and the service's migrations applied through the kit's `upgrade`. Provisioned once per
    test database and schema: later calls return the same roles."""
    if schema in database.services:
        return database.services[schema]
    migration_role = await database.create_role(f"{schema}_migrator", can_create_schema=True)
    app_role = await database.create_role(f"{schema}_app")
    await upgrade_async(script_location, migration_role.url, app_role=app_role.name)
    service = ServiceDatabase(schema=schema, migration_role=migration_role, app_role=app_role)
    database.services[schema] = service
    return service


def _with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@asynccontextmanager
async def _autocommit_connection(url: str) -> AsyncIterator[AsyncConnection]:
    """AUTOCOMMIT connection (CREATE/DROP DATABASE cannot run in a transaction)."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
async def database(stack: StackInfo) -> AsyncIterator[TestDatabase]:
    test_database = await create_test_database(stack.pg_admin_url)
    try:
        yield test_database
    finally:
        await test_database.close()
