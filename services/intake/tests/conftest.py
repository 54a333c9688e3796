"""Intake against the real stack: its own test database, a DIRECTORY stream fed by the tests
(routing's snapshots, built here), the app served in-process with a bucket of its own."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import nats
import pytest
from minio import Minio
from nats.js import JetStreamContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from guichet_kit.bus import DIRECTORY_STREAM, ensure_streams
from guichet_testing.apps import serve
from guichet_testing.database import (
    ServiceDatabase,
    TestDatabase,
    create_test_database,
    provision_service_schema,
)
from guichet_testing.directory import (
    EUPEN,
    LEEUW,
    SOIGNIES,
    publish,
    snapshot,
    wait_for_revision,
)
from guichet_testing.s3 import random_bucket_name, remove_bucket
from guichet_testing.stack import StackInfo
from intake.cli import MIGRATIONS_DIR
from intake.main import create_app
from intake.settings import Settings

SCHEMA = "intake"


@pytest.fixture(scope="session")
async def intake_database(stack: StackInfo) -> AsyncIterator[TestDatabase]:
    """A database of its own: the cross-service tests provision `intake` in the shared one."""
    database = await create_test_database(stack.pg_admin_url)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture(scope="session")
async def intake_db(intake_database: TestDatabase) -> ServiceDatabase:
    return await provision_service_schema(
        intake_database, schema=SCHEMA, script_location=MIGRATIONS_DIR
    )


@pytest.fixture(scope="session")
def admin_engine(intake_database: TestDatabase) -> AsyncEngine:
    return intake_database.admin_engine()


@pytest.fixture(scope="session")
async def js(stack: StackInfo) -> AsyncIterator[JetStreamContext]:
    client = await nats.connect(stack.nats_url)
    context = client.jetstream()
    await ensure_streams(context, [DIRECTORY_STREAM])
    try:
        yield context
    finally:
        await client.close()


@pytest.fixture(scope="session")
def intake_bucket(s3_client: Minio) -> Iterator[str]:
    bucket = random_bucket_name("intake-test")
    s3_client.make_bucket(bucket)
    try:
        yield bucket
    finally:
        remove_bucket(s3_client, bucket)


@pytest.fixture(scope="session")
def settings(
    stack: StackInfo, intake_db: ServiceDatabase, intake_bucket: str, oidc_issuer: str
) -> Settings:
    return Settings(
        environment="test",
        database_url=intake_db.app_role.url,
        database_migration_url=intake_db.migration_role.url,
        database_app_role=intake_db.app_role.name,
        database_pool_size=10,
        nats_url=stack.nats_url,
        s3_endpoint=stack.s3_endpoint,
        s3_access_key=stack.s3_access_key,
        s3_secret_key=stack.s3_secret_key,
        s3_bucket=intake_bucket,
        oidc_issuers=[oidc_issuer],
    )


@pytest.fixture(scope="module")
async def client(settings: Settings, js: JetStreamContext) -> AsyncIterator[httpx.AsyncClient]:
    """The intake app, running, with its bus up (the DIRECTORY stream exists). Per module, so
    it is not still consuming (as durable `intake-directory`) while other suites run."""
    app = create_app(settings)
    async with serve(app) as http:
        deadline = asyncio.get_running_loop().time() + 20
        while (await http.get("/readyz")).status_code != 200:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError((await http.get("/readyz")).text)
            await asyncio.sleep(0.1)
        yield http


@pytest.fixture(scope="module")
async def directory(
    client: httpx.AsyncClient, js: JetStreamContext, admin_engine: AsyncEngine
) -> dict[str, int]:
    """The three synthetic towns projected. The revision is the current Unix time: ahead of
    any snapshot other suites may have left on the shared DIRECTORY stream (routing's demo
    directory starts at 1), and of this session's earlier modules."""
    revision = int(time.time())
    revisions = dict.fromkeys((LEEUW, SOIGNIES, EUPEN), revision)
    for nis in revisions:
        await publish(js, snapshot(nis, revision))
    for nis in revisions:
        await wait_for_revision(admin_engine, SCHEMA, nis, revision)
    return revisions


@dataclass(frozen=True)
class Footprint:
    """Everything a submission leaves behind, counted across all tenants."""

    rows: dict[str, int]
    objects: int
    events: int


@pytest.fixture
def footprint(
    admin_engine: AsyncEngine, s3_client: Minio, intake_bucket: str, js: JetStreamContext
) -> Callable[[], Awaitable[Footprint]]:
    async def count_rows() -> dict[str, int]:
        rows = {}
        async with admin_engine.connect() as connection:
            for table in ("report", "photo", "report_locator", "idempotency_record", "outbox"):
                query = text(f"SELECT count(*) FROM intake.{table}")
                rows[table] = int((await connection.execute(query)).scalar_one())
        return rows

    async def take() -> Footprint:
        """Measured once the relay has published what was queued (stable event count)."""
        deadline = asyncio.get_running_loop().time() + 5
        rows = await count_rows()
        while rows["outbox"] and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
            rows = await count_rows()
        objects = len(list(s3_client.list_objects(intake_bucket, recursive=True)))
        info = await js.stream_info("INTAKE")
        return Footprint(rows, objects, int(info.state.messages))

    return take


async def submitted_events(
    js: JetStreamContext, report_id: str, *, expect: int = 1, within: float = 5.0
) -> list[dict[str, Any]]:
    """The `report.submitted` envelopes of one report on the INTAKE stream (waits for the
    relay until `expect` are there, then a moment more to catch duplicates)."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        found = await _read_submitted(js, report_id)
        if len(found) >= expect or asyncio.get_running_loop().time() > deadline:
            await asyncio.sleep(0.3)
            return await _read_submitted(js, report_id)
        await asyncio.sleep(0.1)


async def _read_submitted(js: JetStreamContext, report_id: str) -> list[dict[str, Any]]:
    sub = await js.pull_subscribe("guichet.*.report.submitted.v1", stream="INTAKE")
    found: list[dict[str, Any]] = []
    try:
        while True:
            try:
                msgs = await sub.fetch(256, timeout=0.5)
            except TimeoutError:
                break
            for msg in msgs:
                envelope = json.loads(msg.data)
                if envelope["data"]["report"]["report_id"] == report_id:
                    found.append(envelope)
                await msg.ack()
    finally:
        await sub.unsubscribe()
    return found


EventsOf = Callable[..., Awaitable[list[dict[str, Any]]]]


@pytest.fixture
def events_of(js: JetStreamContext) -> EventsOf:
    """``await events_of(report_id, expect=1)`` → its report.submitted envelopes."""

    async def read(report_id: str, *, expect: int = 1, within: float = 5.0) -> list[dict[str, Any]]:
        return await submitted_events(js, report_id, expect=expect, within=within)

    return read
