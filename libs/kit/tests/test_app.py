"""The service app factory: lifespan, /healthz, /readyz, OpenAPI, logging context."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import socket
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import APIRouter, FastAPI
from sqlalchemy import text

from guichet_kit.app import Component, ReadinessCheck, build_app
from guichet_kit.db import DatabaseComponent, SessionDep, bind_tenant
from guichet_kit.logging import configure_logging
from guichet_kit.settings import KitSettings
from guichet_testing.database import ServiceDatabase, TestDatabase

MIGRATIONS = Path(__file__).parent / "kit_migrations"
SCHEMA = "kit_rls"


class Recorder:
    """A component that records what happens to it, optionally failing or slow."""

    def __init__(
        self,
        name: str,
        journal: list[str],
        *,
        fail_start: bool = False,
        fail_stop: bool = False,
        probe_delay: float = 0.0,
        probe_error: Exception | None = None,
    ) -> None:
        self.name, self.journal = name, journal
        self.fail_start, self.fail_stop = fail_start, fail_stop
        self.probe_delay, self.probe_error = probe_delay, probe_error

    async def start(self, app: FastAPI) -> None:
        if self.fail_start:
            self.journal.append(f"start-failed:{self.name}")
            raise RuntimeError(f"{self.name} cannot start")
        self.journal.append(f"start:{self.name}")

    async def stop(self, app: FastAPI) -> None:
        self.journal.append(f"stop:{self.name}")
        if self.fail_stop:
            raise RuntimeError(f"{self.name} cannot stop")

    def readiness_check(self) -> ReadinessCheck:
        return ReadinessCheck(self.name, self._probe)

    async def _probe(self) -> None:
        await asyncio.sleep(self.probe_delay)
        if self.probe_error is not None:
            raise self.probe_error


class NoCheck:
    async def start(self, app: FastAPI) -> None:
        app.state.no_check_started = True

    async def stop(self, app: FastAPI) -> None:
        app.state.no_check_started = False

    def readiness_check(self) -> ReadinessCheck | None:
        return None


def make_app(components: Sequence[Component], **kwargs: Any) -> FastAPI:
    settings = KitSettings(service_name="app-test")
    return build_app(
        settings=settings, title="App test", version="1.2.3", components=components, **kwargs
    )


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan entered, and a client talking to it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
async def kit_schema(database: TestDatabase) -> ServiceDatabase:
    return await database.service_schema(SCHEMA, MIGRATIONS)


@pytest.fixture
def db_settings(kit_schema: ServiceDatabase) -> KitSettings:
    return KitSettings(
        service_name="app-test",
        database_url=kit_schema.app_role.url,
        database_schema=SCHEMA,
        database_pool_size=2,
        database_max_overflow=0,
    )


# --- /healthz and /readyz -------------------------------------------------------------------


async def test_readyz_is_ok_with_a_real_database(db_settings: KitSettings) -> None:
    app = make_app([DatabaseComponent(db_settings)])
    async with running(app) as http:
        response = await http.get("/readyz")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "ok"
        assert body["checks"]["database"]["status"] == "ok"
        # The component published what endpoints need.
        async with app.state.session_factory() as session:
            assert (await session.execute(text("SELECT 1"))).scalar_one() == 1


async def test_readyz_names_the_database_when_it_is_unreachable(
    db_settings: KitSettings,
) -> None:
    closed = db_settings.model_copy(
        update={"database_url": f"postgresql+asyncpg://nobody@127.0.0.1:{free_port()}/none"}
    )
    app = make_app([DatabaseComponent(closed), Recorder("nats", [])])
    async with running(app) as http:
        response = await http.get("/readyz")
        health = await http.get("/healthz")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "service.not_ready"
    assert body["failing"] == ["database"]
    assert body["checks"]["database"]["status"] == "fail"
    assert (
        "Connect" in body["checks"]["database"]["error"]
        or "refused" in body["checks"]["database"]["error"]
    )
    assert body["checks"]["nats"]["status"] == "ok"
    assert "database" in body["detail"]
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}


async def test_readyz_times_out_slow_checks_and_runs_them_concurrently() -> None:
    journal: list[str] = []
    app = make_app(
        [
            Recorder("slow-a", journal, probe_delay=0.4),
            Recorder("slow-b", journal, probe_delay=0.4),
            Recorder("stuck", journal, probe_delay=30),
        ],
        readiness_timeout=0.6,
    )
    async with running(app) as http:
        started = time.monotonic()
        response = await http.get("/readyz")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["stuck"]
    assert body["checks"]["stuck"]["error"] == "no answer within 0.6s"
    assert body["checks"]["slow-a"]["status"] == body["checks"]["slow-b"]["status"] == "ok"
    assert elapsed < 1.2  # concurrent: ~0.6 s, not 0.4 + 0.4 + 0.6


async def test_readyz_reports_every_failing_dependency() -> None:
    app = make_app(
        [
            Recorder("s3", [], probe_error=ConnectionError("bucket unreachable")),
            Recorder("oidc", [], probe_error=RuntimeError("no keys")),
            NoCheck(),
        ]
    )
    async with running(app) as http:
        response = await http.get("/readyz", headers={"Accept-Language": "nl"})
    body = response.json()
    assert body["failing"] == ["oidc", "s3"]
    assert body["checks"]["s3"]["error"] == "ConnectionError: bucket unreachable"
    assert body["detail"] == "De dienst is niet klaar: oidc, s3."


async def test_healthz_needs_no_dependency() -> None:
    app = make_app([Recorder("db", [], probe_error=RuntimeError("down"))])
    transport = httpx.ASGITransport(app=app)  # lifespan not even started
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


# --- lifespan -------------------------------------------------------------------------------


async def test_components_start_in_order_and_stop_in_reverse() -> None:
    journal: list[str] = []
    app = make_app([Recorder("db", journal), Recorder("bus", journal), NoCheck()])
    async with running(app) as http:
        assert journal == ["start:db", "start:bus"]
        assert app.state.no_check_started is True
        assert (await http.get("/readyz")).status_code == 200
    assert journal == ["start:db", "start:bus", "stop:bus", "stop:db"]
    assert app.state.no_check_started is False


async def test_a_failed_start_stops_what_was_started_and_fails_startup() -> None:
    journal: list[str] = []
    app = make_app(
        [
            Recorder("db", journal),
            Recorder("bus", journal, fail_start=True),
            Recorder("s3", journal),
        ]
    )
    with pytest.raises(RuntimeError, match="bus cannot start"):
        async with app.router.lifespan_context(app):
            pytest.fail("must not be reached")
    assert journal == ["start:db", "start-failed:bus", "stop:db"]


async def test_a_failed_stop_does_not_prevent_the_others(caplog: pytest.LogCaptureFixture) -> None:
    journal: list[str] = []
    app = make_app([Recorder("db", journal), Recorder("bus", journal, fail_stop=True)])
    with caplog.at_level(logging.ERROR, logger="guichet.lifespan"):
        async with app.router.lifespan_context(app):
            pass
    assert journal == ["start:db", "start:bus", "stop:bus", "stop:db"]
    assert any("failed to stop" in record.getMessage() for record in caplog.records)


async def test_readyz_fails_while_shutting_down() -> None:
    app = make_app([Recorder("db", [])])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        async with app.router.lifespan_context(app):
            assert (await http.get("/readyz")).status_code == 200
        response = await http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["lifecycle"]


# --- OpenAPI, real server, logs -------------------------------------------------------------


async def test_openapi_and_docs_are_served() -> None:
    router = APIRouter()

    @router.get("/things")
    async def things() -> list[str]:
        return []

    app = make_app([])
    app.include_router(router)
    async with running(app) as http:
        schema = (await http.get("/openapi.json")).json()
        docs = await http.get("/docs")
    assert schema["info"] == {"title": "App test", "version": "1.2.3"}
    assert "/things" in schema["paths"]
    assert set(schema["paths"]["/readyz"]["get"]["responses"]) == {"200", "503"}
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


def test_default_language_must_be_supported() -> None:
    with pytest.raises(ValueError, match="default_language"):
        make_app([], default_language="it")


async def test_served_by_uvicorn_with_its_lifespan(db_settings: KitSettings) -> None:
    app = make_app([DatabaseComponent(db_settings)])
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:  # noqa: ASYNC110 - uvicorn exposes no "started" event
                await asyncio.sleep(0.02)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            ready = await http.get("/readyz", headers={"X-Correlation-ID": "uvicorn-1"})
        assert ready.status_code == 200
        assert ready.headers["x-correlation-id"] == "uvicorn-1"
        assert app.state.engine is not None
    finally:
        server.should_exit = True
        await serving
    assert app.state.shutting_down is True


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    yield stream
    configure_logging("app-test", "INFO")


async def test_log_lines_carry_tenant_and_correlation_id(
    db_settings: KitSettings, log_stream: io.StringIO
) -> None:
    router = APIRouter()

    @router.get("/tenants/{tenant_id}/ping")
    async def ping(tenant_id: str, session: SessionDep) -> dict[str, str]:
        await bind_tenant(session, tenant_id)
        logging.getLogger("app.test").info("pinged", extra={"answer": "pong"})
        return {"ok": "yes"}

    app = make_app([DatabaseComponent(db_settings)])
    app.include_router(router)
    configure_logging("app-test", "INFO", stream=log_stream)
    async with running(app) as http:
        response = await http.get("/tenants/63023/ping", headers={"X-Correlation-ID": "log-1"})
    assert response.status_code == 200
    entries = [json.loads(line) for line in log_stream.getvalue().splitlines()]
    [ping_line] = [entry for entry in entries if entry["logger"] == "app.test"]
    [access] = [entry for entry in entries if entry["logger"] == "guichet.access"]
    for entry in (ping_line, access):
        assert entry["tenant_id"] == "63023"
        assert entry["correlation_id"] == "log-1"
        assert entry["service"] == "app-test"
    assert ping_line["answer"] == "pong"
    assert access["path"] == "/tenants/63023/ping"
