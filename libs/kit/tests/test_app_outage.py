"""PostgreSQL away: every request answers 503 with Retry-After and one log line, /readyz names
the database, and the app answers 2xx again once the database is back. Both ways to the
database are covered: the session (ORM) and the pooled driver connection of the hot path.

The database is taken away from this app only, through a proxy to the stack's PostgreSQL
(`guichet_testing.proxy`): cut, it refuses connections and resets the open ones as a restart
does; the backends are also terminated from the server side as a restart terminates them.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from sqlalchemy import text

from guichet_kit.app import build_app
from guichet_kit.db import DatabaseComponent, SessionDep
from guichet_kit.db.driver import pooled_driver_connection
from guichet_kit.logging import configure_logging
from guichet_kit.settings import KitSettings
from guichet_testing.apps import serve
from guichet_testing.database import ServiceDatabase, TestDatabase
from guichet_testing.proxy import TcpProxy

MIGRATIONS = Path(__file__).parent / "kit_migrations"
SCHEMA = "kit_rls"
SERVICE = "outage-test"
PATHS = ("/orm", "/driver")

router = APIRouter()


@router.get("/orm")
async def through_the_session(session: SessionDep) -> dict[str, int]:
    return {"answer": (await session.execute(text("SELECT 1"))).scalar_one()}


@router.get("/driver")
async def through_the_driver(request: Request) -> dict[str, int]:
    async with pooled_driver_connection(request.app.state.engine) as connection:
        return {"answer": await connection.fetchval("SELECT 1")}


@pytest.fixture(scope="module")
async def kit_schema(database: TestDatabase) -> ServiceDatabase:
    return await database.service_schema(SCHEMA, MIGRATIONS)


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging(SERVICE, "INFO", stream=stream)
    yield stream
    configure_logging(SERVICE, "INFO")


@pytest.fixture
async def http(kit_schema: ServiceDatabase, pg_proxy: TcpProxy) -> AsyncIterator[httpx.AsyncClient]:
    settings = KitSettings(
        service_name=SERVICE,
        database_url=pg_proxy.url(kit_schema.app_role.url),
        database_schema=SCHEMA,
        database_pool_size=2,
        database_max_overflow=0,
    )
    app: FastAPI = build_app(
        settings=settings,
        title="Outage test",
        version="1",
        routers=[router],
        components=[DatabaseComponent(settings)],
    )
    async with serve(app) as client:
        yield client


def _entries(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


async def _answers_again(http: httpx.AsyncClient, path: str, within: float = 10.0) -> int:
    """The status of the first 2xx (or the last answer after `within` seconds), and how many
    503s came before it."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        response = await http.get(path)
        if response.is_success or asyncio.get_running_loop().time() > deadline:
            return response.status_code
        assert response.status_code == 503, response.text
        await asyncio.sleep(0.1)


async def test_the_database_away_answers_503_retry_after_logs_one_line_and_fails_readiness(
    http: httpx.AsyncClient, pg_proxy: TcpProxy, log_stream: io.StringIO
) -> None:
    for path in PATHS:
        assert (await http.get(path)).json() == {"answer": 1}

    await pg_proxy.cut()
    log_stream.truncate(0)
    log_stream.seek(0)
    for path in PATHS:
        response = await http.get(
            path,
            headers={
                "Accept-Language": "fr",
                "X-Correlation-ID": f"outage{path.replace('/', '-')}",
            },
        )
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"] == "5"
        problem = response.json()
        assert problem["code"] == "service.dependency_unavailable"
        assert problem["detail"] == (
            "Le service est momentanément indisponible. Veuillez réessayer dans 5 secondes."
        )
    entries = _entries(log_stream)
    for path in PATHS:
        lines = [e for e in entries if e["correlation_id"] == f"outage{path.replace('/', '-')}"]
        [outage] = [e for e in lines if e["logger"] != "guichet.access"]
        assert outage["level"] == "WARNING"
        assert outage["dependency"] == "database"
        assert outage["message"].startswith("database unavailable: ")
        assert "exc_info" not in outage
        assert "Traceback" not in json.dumps(outage)
        assert [e["status"] for e in lines if e["logger"] == "guichet.access"] == [503]

    ready = await http.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["failing"] == ["database"]

    await pg_proxy.restore()
    for path in PATHS:
        assert await _answers_again(http, path) == 200
    assert (await http.get("/readyz")).status_code == 200


async def test_backends_terminated_as_by_a_restart_cost_at_most_one_503(
    http: httpx.AsyncClient, database: TestDatabase, log_stream: io.StringIO
) -> None:
    """pg_terminate_backend is what a restart does to every open connection (57P01): the
    session's next request may find its pooled connection dead (503, and the pool is renewed),
    the driver path discards dead connections at checkout; after that, 2xx."""
    for path in PATHS:
        assert (await http.get(path)).status_code == 200
    async with database.admin_engine().connect() as connection:
        terminated = await connection.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = :name"
            ),
            {"name": SERVICE},
        )
    assert terminated
    await asyncio.sleep(0.2)  # the terminations reach the clients
    statuses = [(await http.get(path)).status_code for path in (*PATHS, *PATHS)]
    assert statuses[0] in (200, 503), statuses
    assert statuses[1:] == [200, 200, 200], statuses
    assert "Traceback" not in log_stream.getvalue()
