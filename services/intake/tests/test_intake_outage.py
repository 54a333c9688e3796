"""Intake while PostgreSQL is away: 503 with Retry-After (problem+json on /v1, Open311's error
document on /open311), /readyz names the database, nothing half-written, and a retry with the
same key once the database is back is accepted. The database is taken away from this app only
(a proxy to the stack's PostgreSQL, `guichet_testing.proxy`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import httpx
import pytest
from nats.js import JetStreamContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from guichet_testing.apps import serve
from guichet_testing.directory import IN_LEEUW, LEEUW
from guichet_testing.proxy import TcpProxy, postgres_proxy
from guichet_testing.stack import StackInfo
from intake.main import create_app
from intake.settings import Settings

pytestmark = pytest.mark.usefixtures("directory")


@pytest.fixture(scope="module")
async def proxy(stack: StackInfo) -> AsyncIterator[TcpProxy]:
    async with postgres_proxy(stack) as running:
        yield running


@pytest.fixture(scope="module")
async def client(
    settings: Settings, js: JetStreamContext, proxy: TcpProxy
) -> AsyncIterator[httpx.AsyncClient]:
    """The intake app reaching PostgreSQL through `proxy` (replaces conftest's `client`)."""
    proxied = settings.model_copy(update={"database_url": proxy.url(settings.database_url)})
    async with serve(create_app(proxied)) as http:
        await _ready(http)
        yield http


async def _ready(http: httpx.AsyncClient, within: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while (ready := await http.get("/readyz")).status_code != 200:
        assert asyncio.get_running_loop().time() < deadline, ready.text
        await asyncio.sleep(0.1)


def _report(key: str) -> tuple[dict[str, Any], dict[str, str]]:
    body = {
        "category": "sluikstort",
        "description": "Zakken afval langs de weg",
        "location": IN_LEEUW,
        "answers": {"volume_m3": "1", "hazard": "no"},
        "contact": {"name": "An Peeters", "email": "an@example.be"},
        "language": "nl",
    }
    return body, {"Idempotency-Key": key, "Accept-Language": "nl"}


async def test_a_report_sent_while_the_database_is_away_gets_503_then_is_accepted_on_retry(
    client: httpx.AsyncClient,
    proxy: TcpProxy,
    admin_engine: AsyncEngine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    before, headers = _report(str(uuid4()))
    accepted = await client.post("/v1/reports", json=before, headers=headers)
    assert accepted.status_code == 201, accepted.text

    await proxy.cut()
    caplog.clear()
    body, headers = _report(str(uuid4()))
    refused = await client.post("/v1/reports", json=body, headers=headers)
    assert refused.status_code == 503, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == "5"
    assert refused.json()["code"] == "service.dependency_unavailable"
    assert refused.json()["detail"] == (
        "De dienst is even niet beschikbaar. Probeer het over 5 seconden opnieuw."
    )
    services = await client.get("/open311/v2/services.json", params={"jurisdiction_id": LEEUW})
    assert services.status_code == 503, services.text
    assert services.headers["retry-after"] == "5"
    assert services.headers["guichet-error-code"] == "service.dependency_unavailable"
    assert [error["code"] for error in services.json()] == [503]
    ready = await client.get("/readyz")
    assert ready.status_code == 503
    assert "database" in ready.json()["failing"]
    await asyncio.sleep(1.5)  # the relay polls the outbox (every second) and finds no database
    logged = [r for r in caplog.records if r.name.startswith(("guichet", "intake"))]
    assert not [r for r in logged if r.exc_info], "a traceback was logged during the outage"
    assert any(r.getMessage().startswith("outbox relay waits for the database") for r in logged)

    await proxy.restore()
    deadline = asyncio.get_running_loop().time() + 10
    while (
        retried := await client.post("/v1/reports", json=body, headers=headers)
    ).status_code == 503:
        assert asyncio.get_running_loop().time() < deadline, retried.text
        await asyncio.sleep(0.2)
    assert retried.status_code == 201, retried.text
    services = await client.get("/open311/v2/services.json", params={"jurisdiction_id": LEEUW})
    assert services.status_code == 200, services.text
    await _ready(client)
    async with admin_engine.connect() as connection:
        query = text("SELECT count(*) FROM intake.report WHERE id = ANY(:ids)")
        ids = [accepted.json()["report_id"], retried.json()["report_id"]]
        assert (await connection.execute(query, {"ids": ids})).scalar_one() == 2
