"""Cases' schema in a test database of its own, a private NATS, the directory of the demo towns,
and builders of the events cases consumes."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

import nats
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cases.cli import MIGRATIONS_DIR
from cases.directory.handlers import apply_directory
from cases.settings import Settings
from guichet_contracts.envelope import Envelope
from guichet_contracts.events.directory import (
    CategoryInfo,
    DepartmentInfo,
    DirectoryPublished,
    MunicipalityInfo,
)
from guichet_contracts.events.report import PhotoRef, ReportContent, Reporter
from guichet_contracts.events.routing import MatchedRule, RoutingDecided
from guichet_contracts.ids import uuid7
from guichet_contracts.tracking import new_tracking_number
from guichet_contracts.values import Channel, Confidentiality, GeoPoint, Labels, Priority
from guichet_kit.db import create_session_factory, tenant_transaction
from guichet_testing.database import (
    ServiceDatabase,
    TestDatabase,
    create_test_database,
    provision_service_schema,
)
from guichet_testing.nats import NatsServer
from guichet_testing.stack import StackInfo

SCHEMA = "cases"
LEEUW, SOIGNIES = "23077", "55040"
SQUARE = {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]]}


def labels(text: str) -> Labels:
    return Labels(fr=f"{text} (fr)", nl=f"{text} (nl)", de=f"{text} (de)", en=text)


def snapshot(nis: str, prefix: str, revision: int, departments: list[str]) -> DirectoryPublished:
    category = {
        "pothole": Confidentiality.PUBLIC,
        "graffiti": Confidentiality.INTERNAL,
        "security": Confidentiality.CONFIDENTIAL,
    }
    return DirectoryPublished(
        revision=revision,
        municipality=MunicipalityInfo(
            nis=nis,
            names=labels(f"Town {nis}"),
            languages=["nl"],
            case_prefix=prefix,
            boundary=SQUARE,
        ),
        departments=[
            DepartmentInfo(code=code, labels=labels(code), kind="service") for code in departments
        ],
        categories=[
            CategoryInfo(
                code=code,
                labels=labels(code),
                default_department_code=departments[0],
                default_priority=Priority.NORMAL,
                confidentiality=level,
                sla_business_days=5,
                duplicate_radius_m=50,
            )
            for code, level in category.items()
        ],
    )


def directory_envelope(snap: DirectoryPublished) -> Envelope:
    return Envelope.build(snap, tenant_id=snap.municipality.nis, correlation_id=uuid7())


def decision(
    tenant_id: str,
    *,
    category: str = "pothole",
    confidentiality: Confidentiality = Confidentiality.PUBLIC,
    departments: tuple[str, ...] = ("roads",),
    outcome: Literal["new_case", "duplicate"] = "new_case",
    duplicate_of: UUID | None = None,
    sla: int = 5,
    lon: float = 4.2446,
    lat: float = 50.7842,
    contact: bool = True,
    description: str | None = None,
    token: str | None = None,
    subject: str | None = None,
    tracking_number: str | None = None,
    photos: tuple[PhotoRef, ...] = (),
) -> Envelope:
    """A `routing.decided` v1 envelope for a fresh report; `token` (the reporter's secret
    tracking token, only its SHA-256 travels) and `subject` (logged-in reporter) identify the
    reporter."""
    report_id = uuid7()
    reporter = (
        Reporter(
            kind="contact",
            language="nl",
            name="A. Reporter",
            email="a@example.org",
            account_subject=subject,
        )
        if contact
        else Reporter(kind="anonymous", language="fr")
    )
    payload = RoutingDecided(
        decided_at=datetime.now(UTC),
        outcome=outcome,
        duplicate_of_case_id=duplicate_of,
        departments=list(departments),
        priority=Priority.HIGH,
        confidentiality=confidentiality,
        sla_business_days=sla,
        rule=MatchedRule(rule_id=None, name="defaults", explanation="category defaults"),
        report=ReportContent(
            report_id=report_id,
            tracking_number=tracking_number or new_tracking_number(),
            tracking_token_sha256=hashlib.sha256(token.encode()).hexdigest() if token else None,
            submitted_at=datetime.now(UTC),
            channel=Channel.WEB,
            category_code=category,
            description=description or f"report {report_id}",
            location=GeoPoint(lat=lat, lon=lon),
            address="Kerkstraat 1",
            reporter=reporter,
            photos=list(photos),
        ),
    )
    return Envelope.build(payload, tenant_id=tenant_id, correlation_id=uuid7())


@pytest.fixture(scope="session")
async def cases_database(stack: StackInfo) -> AsyncIterator[TestDatabase]:
    """Not the shared `database`: the cross-service tests provision a `cases` schema there."""
    database = await create_test_database(stack.pg_admin_url)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture(scope="session")
async def cases_db(cases_database: TestDatabase) -> ServiceDatabase:
    return await provision_service_schema(
        cases_database, schema=SCHEMA, script_location=MIGRATIONS_DIR
    )


@pytest.fixture(scope="session")
def app_engine(cases_database: TestDatabase, cases_db: ServiceDatabase) -> AsyncEngine:
    """The app role's engine (NOSUPERUSER NOBYPASSRLS): row-level security applies."""
    return cases_database.engine(cases_db.app_role, schema=SCHEMA, service_name="cases")


@pytest.fixture(scope="session")
def sessions(app_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(app_engine)


@pytest.fixture(scope="session")
def admin_engine(cases_database: TestDatabase) -> AsyncEngine:
    return cases_database.admin_engine()


Apply = Callable[[Envelope], Awaitable[None]]


@pytest.fixture(scope="session")
def apply_event(sessions: async_sessionmaker[AsyncSession]) -> Apply:
    """Run a directory or routing handler on an envelope, in its own tenant transaction (a
    routing decision as a batch of one, as the consumer retries an event alone)."""
    from cases.creation.handlers import on_routing_decisions

    async def decided(session: AsyncSession, envelope: Envelope) -> None:
        await on_routing_decisions(session, [envelope])

    handlers = {"directory.published": apply_directory, "routing.decided": decided}

    async def apply(envelope: Envelope) -> None:
        async with tenant_transaction(sessions, envelope.tenant_id) as session:
            await handlers[envelope.type](session, envelope)

    return apply


@pytest.fixture(scope="session")
async def demo_towns(apply_event: Apply) -> dict[str, str]:
    """Directory of Sint-Pieters-Leeuw (SPL) and Soignies (SOI)."""
    await apply_event(directory_envelope(snapshot(LEEUW, "SPL", 1, ["roads", "clean", "safety"])))
    await apply_event(directory_envelope(snapshot(SOIGNIES, "SOI", 1, ["voirie", "proprete"])))
    return {LEEUW: "SPL", SOIGNIES: "SOI"}


_fresh_nis = itertools.count(random.randrange(10, 80) * 1000)


@pytest.fixture
async def new_town(apply_event: Apply) -> tuple[str, str]:
    """A municipality of its own (NIS 9xxxx, random prefix) for tests that count numbers."""
    nis = f"9{next(_fresh_nis) % 10000:04d}"
    prefix = "".join(random.choices("ABCDEFGHJKLMNPQRSTUVWXYZ", k=4))
    await apply_event(directory_envelope(snapshot(nis, prefix, 1, ["roads", "clean"])))
    return nis, prefix


@pytest.fixture(scope="session")
def private_nats(stack: StackInfo, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A JetStream server of this suite's own: streams and durables of the cases tests never
    meet those of other suites on the stack's NATS."""
    server = NatsServer(stack.nats_server_bin, Path(tmp_path_factory.mktemp("cases-nats")))
    server.start_on_free_ports()
    try:
        yield server.url
    finally:
        server.kill()


MakeSettings = Callable[..., Settings]


@pytest.fixture(scope="session")
def cases_settings(stack: StackInfo, cases_db: ServiceDatabase, private_nats: str) -> MakeSettings:
    """Settings of a cases app on this suite's database and NATS; `overrides` on top."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "environment": "test",
            "database_url": cases_db.app_role.url,
            "database_migration_url": cases_db.migration_role.url,
            "database_app_role": cases_db.app_role.name,
            "database_pool_size": 5,
            "nats_url": private_nats,
            "s3_endpoint": stack.s3_endpoint,
            "s3_access_key": stack.s3_access_key,
            "s3_secret_key": stack.s3_secret_key,
            "oidc_issuers": [stack.oidc_issuer],
        }
        return Settings.model_validate(values | overrides)

    return make


MakeDecision = Callable[..., Envelope]


@pytest.fixture(scope="session")
def make_decision() -> MakeDecision:
    return decision


@pytest.fixture(scope="session")
def make_directory() -> Callable[[str, str, int, list[str]], Envelope]:
    def build(nis: str, prefix: str, revision: int, departments: list[str]) -> Envelope:
        return directory_envelope(snapshot(nis, prefix, revision, departments))

    return build


class StreamReader:
    """Reads back what the service published to a stream of the private NATS."""

    def __init__(self, url: str) -> None:
        self.url = url

    async def read(self, stream: str, subject: str) -> list[dict[str, Any]]:
        connection = await nats.connect(self.url)
        try:
            js = connection.jetstream()
            sub = await js.pull_subscribe(subject, stream=stream)
            envelopes: list[dict[str, Any]] = []
            while True:
                try:
                    msgs = await sub.fetch(256, timeout=0.3)
                except TimeoutError:
                    break
                for msg in msgs:
                    envelopes.append(json.loads(msg.data))
                    await msg.ack()
            await sub.unsubscribe()
            return envelopes
        finally:
            await connection.close()

    async def until(
        self,
        stream: str,
        subject: str,
        ready: Callable[[list[dict[str, Any]]], bool],
        wait: float = 10.0,
    ) -> list[dict[str, Any]]:
        """Read again until `ready(envelopes)` holds; returns the last read either way."""
        deadline = asyncio.get_running_loop().time() + wait
        while True:
            envelopes = await self.read(stream, subject)
            if ready(envelopes) or asyncio.get_running_loop().time() > deadline:
                return envelopes
            await asyncio.sleep(0.1)


@pytest.fixture(scope="session")
def stream_reader(private_nats: str) -> StreamReader:
    return StreamReader(private_nats)
