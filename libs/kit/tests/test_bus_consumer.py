"""Durable pull consumer + inbox, running as a NOSUPERUSER/NOBYPASSRLS role against an
RLS-forced table, with a private nats-server (restarted in the chaos test)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import nats.errors
import pytest
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerInfo, DeliverPolicy, SequenceInfo
from nats.js.errors import NotFoundError
from sqlalchemy import (
    Column,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from guichet_contracts.envelope import Envelope
from guichet_kit.app import build_app
from guichet_kit.bus.component import BusComponent
from guichet_kit.bus.connection import NatsConnection
from guichet_kit.bus.consumer import (
    ConsumerSpec,
    EventConsumer,
    Handler,
    is_transient,
    last_delivery,
)
from guichet_kit.bus.inbox import inbox_table, prune_inbox
from guichet_kit.bus.outbox import add_to_outbox, outbox_table
from guichet_kit.bus.relay import OutboxRelay
from guichet_kit.bus.subjects import DEADLETTER, StreamSpec, ensure_streams, event_filter
from guichet_kit.db.component import DatabaseComponent
from guichet_kit.db.engine import create_session_factory
from guichet_kit.db.rls import enable_tenant_rls_sql
from guichet_kit.logging.context import correlation_id_var
from guichet_kit.settings import KitSettings
from guichet_testing.database import DbRole, TestDatabase
from guichet_testing.nats import NatsServer

SCHEMA = "bus_consumer"
STREAM = StreamSpec.for_aggregates("TESTREPORTS", ["report"])
SUBMITTED = event_filter("report.submitted", 1)
metadata = MetaData()
outbox = outbox_table(metadata, SCHEMA)
inbox = inbox_table(metadata, SCHEMA)
effects = Table(
    "effects",
    metadata,
    Column("event_id", Uuid, nullable=False),
    Column("tenant_id", Text, nullable=False),
    Column("seen_tenant", Text),
    Column("correlation_id", Text),
    schema=SCHEMA,
)
commit_guard = Table(
    "commit_guard",
    metadata,
    Column("k", Text, nullable=False),
    UniqueConstraint("k", name="commit_guard_k_key", deferrable=True, initially="DEFERRED"),
    schema=SCHEMA,
)


@pytest.fixture(scope="module")
async def app_role(database: TestDatabase) -> DbRole:
    """This module's schema in the session database, used through a NOSUPERUSER,
    NOBYPASSRLS role with DML only; `effects` has tenant RLS forced."""
    role = await database.create_role("bus_consumer_app")
    await database.execute_admin(f"CREATE SCHEMA {SCHEMA}")
    async with database.admin_engine().begin() as conn:
        await conn.run_sync(metadata.create_all)
    await database.execute_admin(
        *enable_tenant_rls_sql("effects", SCHEMA),
        f"GRANT USAGE ON SCHEMA {SCHEMA} TO {role.name}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {SCHEMA} TO {role.name}",
    )
    return role


@pytest.fixture
async def admin(database: TestDatabase, app_role: DbRole) -> AsyncIterator[AsyncEngine]:
    """Superuser engine: sees every tenant's rows, for assertions."""
    tables = ", ".join(t.fullname for t in metadata.sorted_tables)
    await database.execute_admin(f"TRUNCATE {tables}")
    engine = database.admin_engine()
    yield engine
    await engine.dispose()


@pytest.fixture
async def app_engine(database: TestDatabase, app_role: DbRole) -> AsyncIterator[AsyncEngine]:
    engine = database.engine(app_role, schema=SCHEMA)
    yield engine
    await engine.dispose()


@pytest.fixture
async def js(nats_server: NatsServer) -> AsyncIterator[JetStreamContext]:
    conn = NatsConnection(nats_server.url, name="test-consumer", reconnect_cap=0.2)
    await conn.connect()
    await ensure_streams(conn.js, [STREAM, DEADLETTER])
    yield conn.js
    await conn.close()


@pytest.fixture
def consume(js: JetStreamContext, app_engine: AsyncEngine) -> Callable[..., Any]:
    @asynccontextmanager
    async def running(handler: Handler, **options: Any) -> AsyncIterator[EventConsumer]:
        spec = ConsumerSpec(
            durable=options.pop("durable", "test-consumer"),
            stream=STREAM,
            filter_subjects=(SUBMITTED,),
            handler=handler,
            **options,
        )
        consumer = EventConsumer(js, create_session_factory(app_engine), inbox, spec)
        await consumer.ensure()
        task = asyncio.create_task(consumer.run())
        try:
            yield consumer
        finally:
            consumer.stop()
            await asyncio.wait_for(task, timeout=10)

    return running


def envelope(n: int = 0, tenant: str = "23077") -> Envelope:
    return Envelope(
        type="report.submitted", version=1, tenant_id=tenant, correlation_id=uuid.uuid4(),
        data={"n": n},
    )  # fmt: skip


async def publish(
    js: JetStreamContext, env: Envelope, *, msg_id: str | None = None, subject: str | None = None
) -> None:
    headers = {"Nats-Msg-Id": msg_id or str(env.id)}
    await js.publish(subject or env.subject, env.to_bytes(), headers=headers)


async def record(session: AsyncSession, env: Envelope) -> None:
    """The side effect under test: one row, written through RLS as the app role."""
    seen = await session.scalar(text("SELECT current_setting('app.tenant_id', true)"))
    await session.execute(
        insert(effects).values(
            event_id=env.id,
            tenant_id=env.tenant_id,
            seen_tenant=seen,
            correlation_id=correlation_id_var.get(),
        )
    )


async def count(engine: AsyncEngine, table: Table) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


async def settled(
    js: JetStreamContext, durable: str = "test-consumer", within: float = 15
) -> ConsumerInfo:
    """Consumer state once every delivered message got its final ack/term."""
    async with asyncio.timeout(within):
        while True:
            info: ConsumerInfo = await js.consumer_info(STREAM.name, durable)
            if info.num_ack_pending == 0 and info.num_pending == 0:
                return info
            await asyncio.sleep(0.02)


def delivered(info: ConsumerInfo) -> SequenceInfo:
    assert info.delivered is not None
    return info.delivered


def ack_floor(info: ConsumerInfo) -> SequenceInfo:
    assert info.ack_floor is not None
    return info.ack_floor


async def until(condition: Callable[[], Awaitable[bool]], within: float = 15.0) -> None:
    async with asyncio.timeout(within):
        while not await condition():  # noqa: ASYNC110 - polls state outside this process
            await asyncio.sleep(0.02)


async def dead_letters(js: JetStreamContext) -> list[Any]:
    try:
        state = (await js.stream_info(DEADLETTER.name)).state
    except NotFoundError:
        return []
    return [await js.get_msg(DEADLETTER.name, s) for s in range(state.first_seq, state.last_seq + 1)
            if state.messages]  # fmt: skip


async def test_event_handled_once_in_its_tenant_transaction(
    js: JetStreamContext, admin: AsyncEngine, consume: Any
) -> None:
    envelopes = [envelope(n, tenant) for n, tenant in enumerate(["23077", "55040", "63023"])]
    for env in envelopes:
        await publish(js, env)
    async with consume(record):
        await until(lambda: _eq(count(admin, effects), 3))
        info = await settled(js)

    assert delivered(info).consumer_seq == 3
    async with admin.connect() as conn:
        rows = {r.event_id: r for r in await conn.execute(select(effects))}
        claims = (await conn.execute(select(inbox.c.consumer, inbox.c.event_id))).all()
    for env in envelopes:
        assert rows[env.id].seen_tenant == env.tenant_id
        assert rows[env.id].correlation_id == str(env.correlation_id)
    assert sorted(claims) == sorted(("test-consumer", e.id) for e in envelopes)


async def test_duplicate_delivery_runs_the_side_effect_once(
    js: JetStreamContext, admin: AsyncEngine, consume: Any
) -> None:
    env = envelope()
    calls = 0

    async def counting(session: AsyncSession, e: Envelope) -> None:
        nonlocal calls
        calls += 1
        await record(session, e)

    # Outside the dedup window's reach: same event, another Nats-Msg-Id.
    await publish(js, env)
    await publish(js, env, msg_id=f"{env.id}-again")
    async with consume(counting):
        info = await settled(js)
        assert delivered(info).stream_seq == 2

    assert calls == 1
    assert await count(admin, effects) == 1
    assert await count(admin, inbox) == 1


async def test_failing_handler_backs_off_then_dead_letters(
    js: JetStreamContext, admin: AsyncEngine, consume: Any
) -> None:
    env = envelope()
    attempts: list[float] = []
    last: list[bool] = []

    async def failing(session: AsyncSession, e: Envelope) -> None:
        await record(session, e)
        attempts.append(time.monotonic())
        last.append(last_delivery())
        raise RuntimeError("boom\nwith a second line")

    await publish(js, env)
    async with consume(failing, max_deliver=3, backoff=(0.3, 0.6)):
        await until(lambda: _len_eq(dead_letters(js), 1))
        info = await settled(js)
        await asyncio.sleep(1.0)  # well past the backoff: nothing may come back
        assert len(attempts) == 3

    assert attempts[1] - attempts[0] >= 0.3
    assert attempts[2] - attempts[1] >= 0.6
    assert last == [False, False, True]  # a handler knows the attempt after which it is given up
    assert info.num_ack_pending == 0
    assert await count(admin, effects) == 0  # every attempt rolled back
    assert await count(admin, inbox) == 0

    [letter] = await dead_letters(js)
    headers = letter.headers or {}
    assert letter.subject == "deadletter.test-consumer"
    assert letter.data == env.to_bytes()
    assert headers["Guichet-DL-Reason"] == "max-deliver"
    assert headers["Guichet-DL-Error"] == "RuntimeError: boom with a second line"
    assert headers["Guichet-DL-Deliveries"] == "3"
    assert headers["Guichet-DL-Subject"] == env.subject
    assert headers["Guichet-DL-Stream"] == STREAM.name
    assert headers["Guichet-DL-Original-Msg-Id"] == str(env.id)
    assert headers["Nats-Msg-Id"] == f"test-consumer:{STREAM.name}:1"


async def test_dead_letter_error_leaves_sql_parameters_out(
    js: JetStreamContext, admin: AsyncEngine, consume: Any
) -> None:
    async def other_tenant(session: AsyncSession, e: Envelope) -> None:
        # RLS refuses a row for another tenant than the transaction's.
        await session.execute(insert(effects).values(event_id=e.id, tenant_id="99999"))

    await publish(js, envelope())
    async with consume(other_tenant, max_deliver=1):
        await until(lambda: _len_eq(dead_letters(js), 1))

    [letter] = await dead_letters(js)
    error = (letter.headers or {})["Guichet-DL-Error"]
    assert "row-level security" in error
    assert "99999" not in error
    assert await count(admin, effects) == 0


async def test_unusable_messages_are_dead_lettered_at_once(
    js: JetStreamContext, admin: AsyncEngine, consume: Any
) -> None:
    calls = 0

    async def never(session: AsyncSession, e: Envelope) -> None:
        nonlocal calls
        calls += 1

    misplaced = envelope(tenant="23077")
    await js.publish("guichet.23077.report.submitted.v1", b"{not json", headers={"X-Trace": "t1"})
    await publish(js, misplaced, subject="guichet.55040.report.submitted.v1")
    async with consume(never):
        await until(lambda: _len_eq(dead_letters(js), 2))
        await settled(js)

    assert calls == 0
    letters = await dead_letters(js)
    assert [(m.headers or {})["Guichet-DL-Reason"] for m in letters] == ["invalid-event"] * 2
    assert [(m.headers or {})["Guichet-DL-Deliveries"] for m in letters] == ["1", "1"]
    assert (letters[0].headers or {})["X-Trace"] == "t1"  # original headers kept
    assert "not a valid envelope" in (letters[0].headers or {})["Guichet-DL-Error"]
    assert "guichet.23077.report.submitted.v1" in (letters[1].headers or {})["Guichet-DL-Error"]


async def test_no_ack_when_the_commit_fails(
    js: JetStreamContext, admin: AsyncEngine, consume: Any
) -> None:
    async with admin.begin() as conn:
        await conn.execute(insert(commit_guard).values(k="taken"))
    keys = iter(["taken", "free"])  # first attempt violates a deferred constraint at COMMIT

    async def fails_at_commit(session: AsyncSession, e: Envelope) -> None:
        await record(session, e)
        await session.execute(insert(commit_guard).values(k=next(keys)))

    env = envelope()
    await publish(js, env)
    async with consume(fails_at_commit, backoff=(0.1,)):
        await until(lambda: _eq(count(admin, effects), 1))
        info = await settled(js)

    assert delivered(info).consumer_seq == 2  # delivered again after the failed commit
    assert next(keys, None) is None  # the handler ran twice
    assert await count(admin, effects) == 1
    assert await count(admin, inbox) == 1  # the first claim rolled back with its transaction
    assert await count(admin, commit_guard) == 2


async def test_stop_finishes_the_message_in_hand(
    js: JetStreamContext, admin: AsyncEngine, consume: Any
) -> None:
    started = asyncio.Event()

    async def slow(session: AsyncSession, e: Envelope) -> None:
        started.set()
        await asyncio.sleep(0.5)
        await record(session, e)

    await publish(js, envelope(1))
    await publish(js, envelope(2))
    async with consume(slow, batch=2) as consumer:
        await asyncio.wait_for(started.wait(), timeout=10)
        consumer.stop()
    # run() returned: the first message was committed and acked, the second handed back.
    assert await count(admin, effects) == 1
    info = await js.consumer_info(STREAM.name, "test-consumer")
    assert ack_floor(info).stream_seq == 1


async def test_an_idle_consumer_stops_without_a_warning(
    consume: Any, caplog: pytest.LogCaptureFixture
) -> None:
    async with consume(record):
        await asyncio.sleep(0.3)  # waiting in a fetch when stop() comes
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_long_handler_keeps_its_message(
    js: JetStreamContext, admin: AsyncEngine, consume: Any
) -> None:
    calls = 0

    async def long(session: AsyncSession, e: Envelope) -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(2.5)
        await record(session, e)

    await publish(js, envelope())
    # A second replica waits on the same durable: a redelivery would go there at once.
    async with consume(long, ack_wait=1.0), consume(long, ack_wait=1.0):
        await until(lambda: _eq(count(admin, effects), 1))
        info = await settled(js)

    assert calls == 1
    assert delivered(info).consumer_seq == 1  # never redelivered
    assert await count(admin, effects) == 1


async def test_ensure_creates_then_updates_the_durable(
    js: JetStreamContext, app_engine: AsyncEngine
) -> None:
    sessions = create_session_factory(app_engine)
    spec = ConsumerSpec(
        durable="provisioned", stream=STREAM, filter_subjects=(SUBMITTED,), handler=record,
        max_deliver=4, ack_wait=20,
    )  # fmt: skip
    await EventConsumer(js, sessions, inbox, spec).ensure()
    await EventConsumer(js, sessions, inbox, spec).ensure()  # idempotent
    config = (await js.consumer_info(STREAM.name, "provisioned")).config
    assert config.durable_name == "provisioned"
    assert config.ack_policy == AckPolicy.EXPLICIT
    assert config.deliver_policy == DeliverPolicy.ALL
    assert config.max_deliver == 5  # one spare delivery to dead-letter after a crash
    assert config.ack_wait == pytest.approx(20)
    assert config.filter_subjects == [SUBMITTED]

    wider = dataclasses.replace(
        spec, filter_subjects=(SUBMITTED, event_filter("report.withdrawn", 1)), ack_wait=60
    )
    await EventConsumer(js, sessions, inbox, wider).ensure()
    config = (await js.consumer_info(STREAM.name, "provisioned")).config
    assert config.ack_wait == pytest.approx(60)
    assert config.filter_subjects == list(wider.filter_subjects)


async def test_prune_inbox_forgets_old_claims(admin: AsyncEngine) -> None:
    old, recent = uuid.uuid4(), uuid.uuid4()
    async with admin.begin() as conn:
        long_ago = func.now() - timedelta(days=50)
        await conn.execute(insert(inbox).values(consumer="c", event_id=old, processed_at=long_ago))
        await conn.execute(insert(inbox).values(consumer="c", event_id=recent))
        assert await prune_inbox(conn, inbox, timedelta(days=45)) == 1
        assert (await conn.execute(select(inbox.c.event_id))).scalars().all() == [recent]


@pytest.mark.chaos
async def test_nats_restart_mid_stream(
    js: JetStreamContext,
    admin: AsyncEngine,
    app_engine: AsyncEngine,
    nats_server: NatsServer,
    consume: Any,
) -> None:
    total = 300
    envelopes = [envelope(n, tenant) for n in range(total) for tenant in ["23077"]]
    relay = OutboxRelay(
        app_engine, js, outbox, batch_size=20, poll_interval=0.05, publish_timeout=1,
        retry_base=0.05, retry_cap=1.0,
    )  # fmt: skip
    sessions = create_session_factory(app_engine)

    async def produce() -> None:
        for start in range(0, total, 5):
            async with sessions() as session, session.begin():
                for env in envelopes[start : start + 5]:
                    await add_to_outbox(session, outbox, env)
            await asyncio.sleep(0.01)

    relaying = asyncio.create_task(relay.run())
    try:
        # Acks lost in the outage come back after ack_wait and are skipped by the inbox.
        async with consume(record, backoff=(0.1,), fetch_timeout=0.5, ack_wait=2.0):
            producing = asyncio.create_task(produce())
            await until(lambda: _true(relay.stats.published >= 60))
            nats_server.kill()
            await asyncio.sleep(2.0)  # longer than publish_timeout: publishes fail
            await asyncio.to_thread(nats_server.start)
            await producing
            await until(lambda: _eq(count(admin, outbox), 0), within=60)
            await until(lambda: _eq(count(admin, effects), total), within=60)
            await settled(js, within=30)
    finally:
        relay.stop()
        await relaying

    assert relay.stats.failed > 0  # the outage did hit the relay
    state = (await js.stream_info(STREAM.name)).state
    ids = [(await js.get_msg(STREAM.name, s)).headers["Nats-Msg-Id"]  # type: ignore[index]
           for s in range(state.first_seq, state.last_seq + 1)]  # fmt: skip
    assert sorted(ids) == sorted(str(e.id) for e in envelopes)
    async with admin.connect() as conn:
        handled = (await conn.execute(select(effects.c.event_id))).scalars().all()
    assert sorted(handled) == sorted(e.id for e in envelopes)


async def _eq(awaitable: Awaitable[Any], expected: Any) -> bool:
    return bool(await awaitable == expected)


async def _len_eq(awaitable: Awaitable[list[Any]], expected: int) -> bool:
    return len(await awaitable) == expected


async def _true(value: bool) -> bool:
    return value


@pytest.mark.chaos
async def test_component_wires_relay_and_consumers_into_the_app(
    app_role: DbRole, admin: AsyncEngine, nats_server: NatsServer, caplog: pytest.LogCaptureFixture
) -> None:
    nats_server.kill()  # start() must not wait for NATS
    settings = KitSettings(
        service_name="bus-test",
        database_url=app_role.url,
        database_schema=SCHEMA,
        nats_url=nats_server.url,
    )
    consumer = ConsumerSpec(
        durable="component-consumer", stream=STREAM, filter_subjects=(SUBMITTED,),
        handler=record,
    )  # fmt: skip
    bus = BusComponent(
        settings, streams=[STREAM], outbox=outbox, inbox=inbox, consumers=[consumer],
        stop_timeout=30,
    )  # fmt: skip
    app = build_app(
        settings=settings, title="bus", version="0",
        components=[DatabaseComponent(settings), bus],
    )  # fmt: skip
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bus") as client,
    ):
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["failing"] == ["nats"]

        await asyncio.to_thread(nats_server.start)
        await until(lambda: _ready(client), within=30)
        env = envelope()
        async with app.state.session_factory() as session, session.begin():
            await add_to_outbox(session, outbox, env)
        await until(lambda: _eq(count(admin, effects), 1))

        nats_server.kill()
        await until(lambda: _not(_ready(client)))
        caplog.clear()
        accepted_while_away = envelope()  # a request's write: it does not need NATS
        async with app.state.session_factory() as session, session.begin():
            await add_to_outbox(session, outbox, accepted_while_away)
        await asyncio.sleep(1.5)  # the relay tries and fails at least once
        await asyncio.to_thread(nats_server.start)
        await until(lambda: _ready(client), within=30)
        await until(lambda: _eq(count(admin, effects), 2), within=30)
        stopping = time.monotonic()
    outage_logs = [r for r in caplog.records if r.name.startswith("guichet")]
    assert any("nats" in r.getMessage().lower() for r in outage_logs)
    assert not [r for r in outage_logs if r.exc_info], "a traceback was logged during the outage"
    # Lifespan ended: relay and consumer stopped, connection closed, without waiting for
    # stop_timeout (nothing was in flight).
    assert time.monotonic() - stopping < 5
    assert bus.relay is None
    assert bus.consumers == []
    assert await count(admin, outbox) == 0
    async with admin.connect() as conn:
        handled = set((await conn.execute(select(effects.c.event_id))).scalars())
    assert handled == {env.id, accepted_while_away.id}


async def _ready(client: httpx.AsyncClient) -> bool:
    return (await client.get("/readyz")).status_code == 200


async def _not(awaitable: Awaitable[bool]) -> bool:
    return not await awaitable


async def test_component_provisions_the_streams_its_consumers_read(
    app_role: DbRole, nats_server: NatsServer, js: JetStreamContext
) -> None:
    """A consumer-only service starts before its producer ever ran: no start-up order."""
    consumed = StreamSpec.for_aggregates("NOTYETPRODUCED", ["parcel"])
    settings = KitSettings(
        service_name="bus-test", database_url=app_role.url, database_schema=SCHEMA,
        nats_url=nats_server.url,
    )  # fmt: skip
    consumer = ConsumerSpec(
        durable="early-reader", stream=consumed, filter_subjects=(event_filter("parcel.sent", 1),),
        handler=record,
    )  # fmt: skip
    bus = BusComponent(settings, inbox=inbox, consumers=[consumer])
    app = build_app(
        settings=settings, title="bus", version="0",
        components=[DatabaseComponent(settings), bus],
    )  # fmt: skip
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bus") as client,
    ):
        await until(lambda: _ready(client), within=30)
    assert (await js.stream_info(consumed.name)).config.subjects == list(consumed.subjects)
    assert (await js.consumer_info(consumed.name, "early-reader")).config.durable_name


def test_one_stream_declared_twice_differently_is_refused(app_role: DbRole) -> None:
    settings = KitSettings(service_name="bus-test", database_url=app_role.url)
    shorter = dataclasses.replace(STREAM, max_age=timedelta(days=1))
    consumer = ConsumerSpec(
        durable="reader", stream=shorter, filter_subjects=(SUBMITTED,), handler=record
    )
    with pytest.raises(ValueError, match="declared twice"):
        BusComponent(settings, streams=[STREAM], inbox=inbox, consumers=[consumer])


async def test_shared_transaction_handles_a_batch_at_once_per_tenant(
    js: JetStreamContext, admin: AsyncEngine, consume: Any
) -> None:
    sent = [envelope(n, tenant=("23077", "55040")[n % 2]) for n in range(6)]
    for env in sent:
        await publish(js, env)
    await publish(js, sent[0], msg_id=f"{sent[0].id}-again")  # the same event twice in a batch
    async with consume(record, shared_transaction=True, batch=20):
        await settled(js)

    async with admin.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT event_id, tenant_id, seen_tenant, correlation_id, xmin::text AS tx "
            f"FROM {SCHEMA}.effects"
        ))).all()  # fmt: skip
    assert sorted(row.event_id for row in rows) == sorted(env.id for env in sent)
    assert all(row.seen_tenant == row.tenant_id for row in rows)
    by_id = {env.id: env for env in sent}
    assert all(row.correlation_id == str(by_id[row.event_id].correlation_id) for row in rows)
    assert len({row.tx for row in rows}) == 1  # one transaction for the whole batch
    assert await count(admin, inbox) == 6


async def test_a_batch_handler_gets_each_tenants_events_together_in_order(
    js: JetStreamContext, admin: AsyncEngine, consume: Any
) -> None:
    sent = [envelope(n, tenant=("23077", "55040")[n % 2]) for n in range(6)]
    calls: list[list[int]] = []

    async def record_all(session: AsyncSession, envs: Sequence[Envelope]) -> None:
        calls.append([env.data["n"] for env in envs])
        for env in envs:
            await record(session, env)

    for env in sent:
        await publish(js, env)
    async with consume(None, batch_handler=record_all, shared_transaction=True, batch=20):
        await settled(js)
    lone = envelope(6)  # handled alone (a batch of one): a list of one event
    await publish(js, lone)
    async with consume(None, batch_handler=record_all, shared_transaction=True, batch=20):
        await settled(js)

    assert calls == [[0, 2, 4], [1, 3, 5], [6]]
    async with admin.connect() as conn:
        rows = (await conn.execute(select(effects))).all()
    assert len(rows) == 7
    assert all(row.seen_tenant == row.tenant_id for row in rows)


def test_a_consumer_has_one_kind_of_handler() -> None:
    async def each(session: AsyncSession, env: Envelope) -> None: ...
    async def together(session: AsyncSession, envs: Sequence[Envelope]) -> None: ...

    with pytest.raises(ValueError, match="a handler or a batch_handler"):
        ConsumerSpec(durable="d", stream=STREAM, filter_subjects=(SUBMITTED,))
    with pytest.raises(ValueError, match="a handler or a batch_handler"):
        ConsumerSpec(
            durable="d", stream=STREAM, filter_subjects=(SUBMITTED,), handler=each,
            batch_handler=together,
        )  # fmt: skip


async def test_shared_transaction_retries_alone_when_one_event_fails(
    js: JetStreamContext, admin: AsyncEngine, consume: Any
) -> None:
    sent = [envelope(n) for n in range(5)]
    poison = sent[2].id

    async def failing_once_for_poison(session: AsyncSession, env: Envelope) -> None:
        await record(session, env)
        if env.id == poison:
            raise RuntimeError("this one is broken")

    for env in sent:
        await publish(js, env)
    async with consume(
        failing_once_for_poison, shared_transaction=True, batch=20, max_deliver=2, backoff=(0.2,)
    ):
        await until(lambda: _len_eq(dead_letters(js), 1))
        await settled(js)

    async with admin.connect() as conn:
        handled = set((await conn.execute(select(effects.c.event_id))).scalars())
    assert handled == {env.id for env in sent} - {poison}
    assert await count(admin, effects) == 4  # the rolled-back batch left nothing behind
    assert await count(admin, inbox) == 4


async def test_a_database_outage_spends_no_delivery_and_dead_letters_nothing(
    js: JetStreamContext, admin: AsyncEngine, consume: Any
) -> None:
    """Four failures to reach the database with max_deliver=2: the event waits in place,
    then is handled once, on its first delivery; nothing is dead-lettered."""
    env = envelope()
    outages = 4

    async def database_down_at_first(session: AsyncSession, e: Envelope) -> None:
        nonlocal outages
        if outages:
            outages -= 1
            raise asyncpg.ConnectionDoesNotExistError("connection was closed")
        await record(session, e)

    await publish(js, env)
    async with consume(database_down_at_first, max_deliver=2, backoff=(0.1,)):
        info = await settled(js, within=60)
    assert outages == 0
    assert delivered(info).consumer_seq == 1
    assert await count(admin, effects) == 1
    assert await dead_letters(js) == []


def test_only_infrastructure_failures_count_as_transient() -> None:
    wrapped = DBAPIError("INSERT ...", {}, ConnectionRefusedError(111, "refused"))
    assert is_transient(wrapped)
    assert is_transient(asyncpg.AdminShutdownError("terminating connection"))
    assert is_transient(nats.errors.ConnectionReconnectingError())
    assert not is_transient(RuntimeError("a bug"))
    assert not is_transient(asyncpg.UniqueViolationError("duplicate key"))
    assert not is_transient(FileNotFoundError(2, "No such file or directory"))
