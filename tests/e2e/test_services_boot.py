"""Every service starts against the real stack, answers /healthz, becomes ready, serves OpenAPI,
and names the dependency that fails when one is unreachable."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from guichet_testing.apps import serve
from guichet_testing.database import ServiceDatabase
from guichet_testing.stack import StackInfo
from tests.services import SERVICE_NAMES, service_modules, service_settings

READY_WITHIN_SECONDS = 15.0


async def _wait_ready(
    client: httpx.AsyncClient, *, except_for: str | None = None
) -> httpx.Response:
    """/readyz once every check but `except_for` passes (or the time is up)."""
    deadline = asyncio.get_running_loop().time() + READY_WITHIN_SECONDS
    while True:
        response = await client.get("/readyz")
        checks = response.json()["checks"]
        failing = {name for name, check in checks.items() if check["status"] != "ok"}
        if failing <= {except_for} or asyncio.get_running_loop().time() > deadline:
            return response
        await asyncio.sleep(0.2)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("name", SERVICE_NAMES)
async def test_service_starts_and_becomes_ready(
    name: str, stack: StackInfo, platform_schemas: dict[str, ServiceDatabase], oidc_issuer: str
) -> None:
    settings = service_settings(name, stack, platform_schemas[name], oidc_issuers=[oidc_issuer])
    app = service_modules(name).main.create_app(settings)
    async with serve(app) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await _wait_ready(client)
        assert ready.status_code == 200, ready.text
        assert {"database", "nats"} <= set(ready.json()["checks"])
        openapi = (await client.get("/openapi.json")).json()
        assert openapi["info"]["title"] == f"Guichet {name}"
        # /docs logs in at the realm (Authorize): code + PKCE with the docs client.
        flow = openapi["components"]["securitySchemes"]["realm"]["flows"]["authorizationCode"]
        assert flow["tokenUrl"] == f"{oidc_issuer}/protocol/openid-connect/token"
        operations = [op for item in openapi["paths"].values() for op in item.values()]
        guarded = [op["security"] for op in operations if "security" in op]
        assert all({"realm": []} in security for security in guarded)
        assert '"usePkceWithAuthorizationCodeGrant": true' in (await client.get("/docs")).text


@pytest.mark.parametrize(
    ("override", "failing"),
    [
        ("nats_url", "nats"),
        ("database_url", "database"),
    ],
)
async def test_readiness_names_the_unreachable_dependency(
    override: str,
    failing: str,
    stack: StackInfo,
    platform_schemas: dict[str, ServiceDatabase],
    oidc_issuer: str,
) -> None:
    port = _closed_port()
    broken = {
        "nats_url": f"nats://127.0.0.1:{port}",
        "database_url": f"postgresql+asyncpg://nobody:nothing@127.0.0.1:{port}/guichet",
    }[override]
    settings = service_settings(
        "cases", stack, platform_schemas["cases"], oidc_issuers=[oidc_issuer], **{override: broken}
    )
    app = service_modules("cases").main.create_app(settings)
    async with serve(app) as client:
        assert (await client.get("/healthz")).status_code == 200
        response = await _wait_ready(client, except_for=failing)
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        body = response.json()
        assert body["failing"] == [failing]
        assert body["checks"][failing]["status"] == "fail"
