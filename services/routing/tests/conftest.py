"""Routing's schema in a test database of its own, the app role's sessions, the seeded demo."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from guichet_kit.db import create_session_factory
from guichet_testing.apps import serve
from guichet_testing.database import (
    ServiceDatabase,
    TestDatabase,
    create_test_database,
    provision_service_schema,
)
from guichet_testing.nats import NatsServer
from guichet_testing.oidc import TokenFactory
from guichet_testing.stack import StackInfo
from routing.cli import MIGRATIONS_DIR
from routing.directory.seed import SeedReport, seed_demo
from routing.main import create_app
from routing.router.service import RouterConfig
from routing.settings import Settings

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


@dataclass
class RoutingDb:
    """A database of its own with routing migrated and the demo seeded (its outbox included)."""

    database: TestDatabase
    service: ServiceDatabase
    sessions: async_sessionmaker[AsyncSession]
    admin_engine: AsyncEngine


@pytest.fixture(scope="module")
async def fresh_routing(stack: StackInfo) -> AsyncIterator[RoutingDb]:
    """For tests that read the outbox or change shared rows: nobody else writes here."""
    database = await create_test_database(stack.pg_admin_url)
    try:
        service = await provision_service_schema(
            database, schema=SCHEMA, script_location=MIGRATIONS_DIR
        )
        engine = database.engine(service.app_role, schema=SCHEMA, service_name="routing")
        sessions = create_session_factory(engine)
        await seed_demo(sessions)
        yield RoutingDb(database, service, sessions, database.admin_engine())
        await engine.dispose()
    finally:
        await database.close()


def routing_settings(stack: StackInfo, service: ServiceDatabase, nats_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=service.app_role.url,
        database_migration_url=service.migration_role.url,
        database_app_role=service.app_role.name,
        database_pool_size=5,
        nats_url=nats_url,
        oidc_issuers=[stack.oidc_issuer],
    )


@asynccontextmanager
async def running_routing(
    stack: StackInfo,
    service: ServiceDatabase,
    nats: NatsServer,
    config: RouterConfig | None = None,
) -> AsyncIterator[httpx.AsyncClient]:
    """The routing app (HTTP, relay, consumers) on a private NATS."""
    app = create_app(routing_settings(stack, service, nats.url), config)
    async with serve(app) as client:
        await wait_ready(client)
        yield client


async def wait_ready(client: httpx.AsyncClient, within: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        response = await client.get("/readyz")
        if response.status_code == 200:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"routing not ready: {response.text}")
        await asyncio.sleep(0.05)


async def bearer(tokens: TokenFactory, username: str) -> dict[str, str]:
    """The user's Authorization header; in English, which the messages tests check are in
    (without Accept-Language routing answers in the user's profile language)."""
    return {**(await tokens(username)).bearer, "Accept-Language": "en"}


RunRouting = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def run_routing(stack: StackInfo, nats_server: NatsServer) -> RunRouting:
    """``async with run_routing(service_db, config=...) as client``: the app on this test's
    private NATS."""

    def run(
        service: ServiceDatabase, config: RouterConfig | None = None
    ) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        return running_routing(stack, service, nats_server, config)

    return run


@pytest.fixture
def auth(tokens: TokenFactory) -> Callable[[str], Awaitable[dict[str, str]]]:
    """``await auth("admin.leeuw")`` → the Authorization header of that demo user."""

    async def header(username: str) -> dict[str, str]:
        return await bearer(tokens, username)

    return header


def square(lon: float, lat: float, half: float) -> dict[str, Any]:
    """A GeoJSON Polygon: the square of half-side `half` degrees around lon, lat."""
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture(name="square")
def square_fixture() -> Callable[[float, float, float], dict[str, Any]]:
    return square
