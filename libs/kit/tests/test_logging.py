"""JSON log lines, correlation ids and the access log."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from guichet_kit.app import build_app
from guichet_kit.logging import (
    JsonFormatter,
    configure_logging,
    correlation_id_var,
    tenant_id_var,
)
from guichet_kit.settings import KitSettings

router = APIRouter()


@router.get("/work")
async def work() -> dict[str, str | None]:
    tenant_id_var.set("55040")
    logging.getLogger("test.work").info("working", extra={"report_id": 42})
    return {"correlation_id": correlation_id_var.get()}


@router.get("/fail")
async def fail() -> None:
    raise ValueError("broken on purpose")


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = configure_logging("logging-test", "DEBUG", stream=stream)
    yield stream
    logging.getLogger().removeHandler(handler)


@pytest.fixture
async def client(log_stream: io.StringIO) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = build_app(
        settings=KitSettings(service_name="logging-test"), title="t", version="0", routers=[router]
    )
    configure_logging("logging-test", "DEBUG", stream=log_stream)  # build_app installed stdout
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_formatter_writes_one_json_object_with_context_and_extras() -> None:
    formatter = JsonFormatter("intake")
    token_c = correlation_id_var.set("corr-1")
    token_t = tenant_id_var.set("23077")
    try:
        record = logging.LogRecord(
            "intake.reports", logging.WARNING, __file__, 1, "hi %s", ("x",), None
        )
        record.report_id = uuid.UUID(int=7)
        line = formatter.format(record)
    finally:
        tenant_id_var.reset(token_t)
        correlation_id_var.reset(token_c)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "intake.reports"
    assert entry["message"] == "hi x"
    assert entry["service"] == "intake"
    assert entry["tenant_id"] == "23077"
    assert entry["correlation_id"] == "corr-1"
    assert entry["report_id"] == str(uuid.UUID(int=7))
    assert entry["ts"].endswith("+00:00")


def test_formatter_includes_the_exception() -> None:
    formatter = JsonFormatter("intake")
    try:
        raise KeyError("missing-key")
    except KeyError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed", (), exc_info=__import__("sys").exc_info()
        )
    entry = json.loads(formatter.format(record))
    assert "Traceback" in entry["exception"]
    assert "missing-key" in entry["exception"]
    assert entry["tenant_id"] is None


def test_configure_logging_replaces_only_its_own_handler() -> None:
    root = logging.getLogger()
    foreign = logging.NullHandler()
    root.addHandler(foreign)
    try:
        first = configure_logging("a", "INFO", stream=io.StringIO())
        second = configure_logging("b", "WARNING", stream=io.StringIO())
        assert first not in root.handlers
        assert second in root.handlers
        assert foreign in root.handlers
        assert root.level == logging.WARNING
        assert logging.getLogger("uvicorn.access").disabled
    finally:
        root.removeHandler(foreign)
        root.removeHandler(second)


async def test_incoming_correlation_id_is_used_and_echoed(
    client: httpx.AsyncClient, log_stream: io.StringIO
) -> None:
    response = await client.get("/work", headers={"X-Correlation-ID": "abc-123:xyz"})
    assert response.headers["x-correlation-id"] == "abc-123:xyz"
    assert response.json() == {"correlation_id": "abc-123:xyz"}
    [work_line] = [line for line in lines(log_stream) if line["logger"] == "test.work"]
    assert work_line["correlation_id"] == "abc-123:xyz"
    assert work_line["tenant_id"] == "55040"
    assert work_line["service"] == "logging-test"
    assert work_line["report_id"] == 42


@pytest.mark.parametrize(
    "incoming",
    [None, "x" * 129, "has space", "new\nline", 'quote"d', "<script>", "é"],
)
async def test_missing_or_unsafe_correlation_id_is_replaced(
    client: httpx.AsyncClient, incoming: str | None
) -> None:
    headers = {"X-Correlation-ID": incoming.encode("utf-8")} if incoming else {}
    response = await client.get("/work", headers=headers)  # type: ignore[arg-type]
    generated = response.headers["x-correlation-id"]
    assert generated != incoming
    assert uuid.UUID(generated).version == 4
    assert response.json() == {"correlation_id": generated}


async def test_each_request_gets_its_own_id_and_context_is_reset(
    client: httpx.AsyncClient,
) -> None:
    first = (await client.get("/work")).headers["x-correlation-id"]
    second = (await client.get("/work")).headers["x-correlation-id"]
    assert first != second
    assert correlation_id_var.get() is None
    assert tenant_id_var.get() is None


async def test_one_access_line_per_request(
    client: httpx.AsyncClient, log_stream: io.StringIO
) -> None:
    response = await client.get("/work", headers={"X-Correlation-ID": "access-1"})
    assert response.status_code == 200
    [access] = [line for line in lines(log_stream) if line["logger"] == "guichet.access"]
    assert access["level"] == "INFO"
    assert (access["method"], access["path"], access["status"]) == ("GET", "/work", 200)
    assert isinstance(access["duration_ms"], float)
    assert access["duration_ms"] >= 0
    assert access["correlation_id"] == "access-1"
    assert access["tenant_id"] == "55040"  # set inside the endpoint, visible to the middleware


async def test_probes_are_logged_at_debug(
    client: httpx.AsyncClient, log_stream: io.StringIO
) -> None:
    await client.get("/healthz")
    [access] = [line for line in lines(log_stream) if line["logger"] == "guichet.access"]
    assert access["level"] == "DEBUG"
    assert access["path"] == "/healthz"


async def test_unhandled_error_is_logged_once_with_traceback_and_context(
    client: httpx.AsyncClient, log_stream: io.StringIO
) -> None:
    response = await client.get("/fail", headers={"X-Correlation-ID": "fail-1"})
    assert response.status_code == 500
    assert response.headers["x-correlation-id"] == "fail-1"
    entries = lines(log_stream)
    [error] = [line for line in entries if line["level"] == "ERROR"]
    assert error["correlation_id"] == "fail-1"
    assert "ValueError: broken on purpose" in error["exception"]
    [access] = [line for line in entries if line["logger"] == "guichet.access"]
    assert access["status"] == 500
