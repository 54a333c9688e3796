"""Tenant binding: set_tenant, tenant_transaction and the request-owned transaction."""

from __future__ import annotations

import importlib
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Header
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.types import Message, Receive, Scope, Send

from guichet_contracts.tenancy import validate_tenant_id
from guichet_kit.app import build_app
from guichet_kit.db import (
    SessionDep,
    bind_tenant,
    create_session_factory,
    set_tenant,
    tenant_transaction,
)
from guichet_kit.errors import Conflict
from guichet_kit.logging import tenant_id_var
from guichet_kit.settings import KitSettings
from guichet_testing.database import ServiceDatabase, TestDatabase

MIGRATIONS = Path(__file__).parent / "kit_migrations"
SCHEMA = "kit_rls"

# The test models live next to their migrations (env.py imports them the same way).
sys.path.insert(0, str(MIGRATIONS))
kit_test_models = importlib.import_module("kit_test_models")
Note = kit_test_models.Note


@pytest.fixture(scope="module")
async def kit_schema(database: TestDatabase) -> ServiceDatabase:
    return await database.service_schema(SCHEMA, MIGRATIONS)


@pytest.fixture(scope="module")
async def app_engine(database: TestDatabase, kit_schema: ServiceDatabase) -> AsyncEngine:
    return database.engine(kit_schema.app_role, schema=SCHEMA)


@pytest.fixture(scope="module")
def sessions(app_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(app_engine)


async def count_notes(sessions: async_sessionmaker[AsyncSession], tenant: str, body: str) -> int:
    async with tenant_transaction(sessions, tenant) as session:
        query = select(func.count()).select_from(Note).where(Note.body == body)
        return (await session.execute(query)).scalar_one()


@pytest.mark.parametrize(
    "bad", ["2307", "230777", "abcde", "", " 23077", "23077\n", "\uff12\uff13\uff10\uff17\uff17"]
)
def test_tenant_ids_are_five_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="5-digit NIS code"):
        validate_tenant_id(bad)


def test_valid_tenant_id() -> None:
    assert validate_tenant_id("63023") == "63023"


async def test_set_tenant_validates_before_touching_the_database(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        with pytest.raises(ValueError, match="5-digit"):
            await set_tenant(session, "23077' OR '1'='1")
        assert not session.in_transaction()


async def test_tenant_transaction_commits_on_success(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with tenant_transaction(sessions, "55004") as session:
        assert tenant_id_var.get() == "55004"
        session.add(Note(tenant_id="55004", body="committed"))
    assert tenant_id_var.get() is None
    assert await count_notes(sessions, "55004", "committed") == 1
    assert await count_notes(sessions, "57064", "committed") == 0


async def test_tenant_transaction_rolls_back_on_error(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async def failing_handler() -> None:
        async with tenant_transaction(sessions, "55004") as session:
            session.add(Note(tenant_id="55004", body="rolled-back"))
            await session.flush()
            raise RuntimeError("handler failed")

    with pytest.raises(RuntimeError, match="handler failed"):
        await failing_handler()
    assert tenant_id_var.get() is None
    assert await count_notes(sessions, "55004", "rolled-back") == 0


async def test_tenant_transaction_refuses_a_bad_tenant(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    with pytest.raises(ValueError, match="5-digit"):
        async with tenant_transaction(sessions, "x"):
            pass


# --- the request owns the transaction ------------------------------------------------------


async def tenant_session(session: SessionDep, x_tenant: Annotated[str, Header()]) -> AsyncSession:
    await bind_tenant(session, x_tenant)
    return session


TenantSession = Annotated[AsyncSession, Depends(tenant_session)]
router = APIRouter()


@router.post("/notes/{body}")
async def add_note(
    body: str, session: SessionDep, x_tenant: Annotated[str, Header()]
) -> dict[str, int]:
    await bind_tenant(session, x_tenant)
    note = Note(tenant_id=x_tenant, body=body)
    session.add(note)
    await session.flush()
    return {"id": note.id}


@router.post("/notes/{body}/then-fail")
async def add_note_then_fail(body: str, session: TenantSession) -> None:
    tenant = tenant_id_var.get()
    assert tenant is not None
    session.add(Note(tenant_id=tenant, body=body))
    await session.flush()
    raise Conflict()


@router.get("/notes/{body}/count")
async def count(body: str, session: TenantSession) -> dict[str, int | str | None]:
    query = select(func.count()).select_from(Note).where(Note.body == body)
    setting = await session.execute(text("SELECT current_setting('app.tenant_id', true)"))
    return {
        "count": (await session.execute(query)).scalar_one(),
        "setting": setting.scalar_one(),
        "tenant_var": tenant_id_var.get(),
    }


@pytest.fixture(scope="module")
def tenancy_app(app_engine: AsyncEngine) -> FastAPI:
    app = build_app(
        settings=KitSettings(service_name="tenancy-test"), title="t", version="0", routers=[router]
    )
    app.state.session_factory = create_session_factory(app_engine)
    return app


@pytest.fixture
async def client(tenancy_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=tenancy_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def test_request_commits_before_the_response(client: httpx.AsyncClient) -> None:
    created = await client.post("/notes/req-ok", headers={"X-Tenant": "23077"})
    assert created.status_code == 200
    assert created.json()["id"] > 0
    # Read-your-writes: the next request (another connection) already sees the row.
    seen = await client.get("/notes/req-ok/count", headers={"X-Tenant": "23077"})
    assert seen.json() == {"count": 1, "setting": "23077", "tenant_var": "23077"}
    other = await client.get("/notes/req-ok/count", headers={"X-Tenant": "55040"})
    assert other.json()["count"] == 0


async def test_request_rolls_back_when_the_endpoint_raises(client: httpx.AsyncClient) -> None:
    failed = await client.post("/notes/req-fail/then-fail", headers={"X-Tenant": "23077"})
    assert failed.status_code == 409
    seen = await client.get("/notes/req-fail/count", headers={"X-Tenant": "23077"})
    assert seen.json()["count"] == 0


async def test_bad_tenant_in_request_is_an_error_not_a_leak(client: httpx.AsyncClient) -> None:
    response = await client.get("/notes/any/count", headers={"X-Tenant": "2307"})
    assert response.status_code == 500  # a principal never carries a malformed tenant
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_commit_happens_before_the_response_starts(
    tenancy_app: FastAPI, sessions: async_sessionmaker[AsyncSession]
) -> None:
    committed_at_response_start: list[int] = []

    async def observed(scope: Scope, receive: Receive, send: Send) -> None:
        async def send_and_look(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen = await count_notes(sessions, "23077", "ordering")
                committed_at_response_start.append(seen)
            await send(message)

        await tenancy_app(scope, receive, send_and_look)

    transport = httpx.ASGITransport(app=observed)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.post("/notes/ordering", headers={"X-Tenant": "23077"})
    assert response.status_code == 200
    assert committed_at_response_start == [1]
