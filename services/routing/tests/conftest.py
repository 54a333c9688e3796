"""Routing's schema in a test database of its own, the app role's sessions, the seeded demo."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from guichet_kit.db import create_session_factory
from guichet_testing.database import (
    ServiceDatabase,
    TestDatabase,
    create_test_database,
    provision_service_schema,
)
from guichet_testing.stack import StackInfo
from routing.cli import MIGRATIONS_DIR
from routing.directory.seed import SeedReport, seed_demo

SCHEMA = "routing"


@pytest.fixture(scope="session")
async def routing_database(stack: StackInfo) -> AsyncIterator[TestDatabase]:
    """Not the shared `database` fixture: in a full run the cross-service tests (tests/)
    provision a `routing` schema there with other roles, and a schema can only be provisioned
    once per database."""
    database = await create_test_database(stack.pg_admin_url)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture(scope="session")
async def routing_db(routing_database: TestDatabase) -> ServiceDatabase:
    """The routing schema migrated to head by its own migration role, plus its app role."""
    return await provision_service_schema(
        routing_database, schema=SCHEMA, script_location=MIGRATIONS_DIR
    )


@pytest.fixture(scope="session")
def app_engine(routing_database: TestDatabase, routing_db: ServiceDatabase) -> AsyncEngine:
    """Engine of the app role (NOSUPERUSER NOBYPASSRLS): row-level security applies."""
    return routing_database.engine(routing_db.app_role, schema=SCHEMA, service_name="routing")


@pytest.fixture(scope="session")
def app_sessions(app_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(app_engine)


@pytest.fixture(scope="session")
def admin_engine(routing_database: TestDatabase) -> AsyncEngine:
    """Superuser engine: sees every tenant's rows (setup and assertions only)."""
    return routing_database.admin_engine()


@pytest.fixture(scope="session")
async def seeded(app_sessions: async_sessionmaker[AsyncSession]) -> SeedReport:
    """The demo directory, loaded once per session through the app role."""
    return await seed_demo(app_sessions)
