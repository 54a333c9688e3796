"""Outbox + relay against the real PostgreSQL and a private nats-server."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from sqlalchemy import Column, MetaData, Table, Text, Uuid, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from guichet_contracts.envelope import Envelope
from guichet_kit.bus.connection import NatsConnection
from guichet_kit.bus.handover import hand_over_on_commit
from guichet_kit.bus.outbox import (
    MAX_EVENT_BYTES,
    EventTooLargeError,
    QueuedEvent,
    add_to_outbox,
    outbox_table,
)
from guichet_kit.bus.relay import OutboxRelay, _statements
from guichet_kit.bus.subjects import DEADLETTER, StreamSpec, ensure_streams
from guichet_kit.db.driver import pooled_driver_connection
from guichet_testing.database import DbRole, TestDatabase
from guichet_testing.nats import NatsServer

SCHEMA = "bus_relay"
STREAM = StreamSpec.for_aggregates("TESTREPORTS", ["report"])
metadata = MetaData()
outbox = outbox_table(metadata, SCHEMA)
things = Table(
    "things",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("tenant_id", Text, nullable=False),
    schema=SCHEMA,
)


@pytest.fixture(scope="module")
async def app_role(database: TestDatabase) -> DbRole:
    """This module's schema in the session database, used through a NOSUPERUSER role with
    DML only (as a service's app role)."""
    role = await database.create_role("bus_relay_app")
    await database.execute_admin(f"CREATE SCHEMA {SCHEMA}")
    async with database.admin_engine().begin() as conn:
        await conn.run_sync(metadata.create_all)
    await database.execute_admin(
        f"GRANT USAGE ON SCHEMA {SCHEMA} TO {role.name}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {SCHEMA} TO {role.name}",
    )
    return role


@pytest.fixture
async def engine(database: TestDatabase, app_role: DbRole) -> AsyncIterator[AsyncEngine]:
    await database.execute_admin(f"TRUNCATE {outbox.fullname}, {things.fullname}")
    engine = database.engine(app_role, schema=SCHEMA)
    yield engine
    await engine.dispose()


@pytest.fixture
async def js(nats_server: NatsServer) -> AsyncIterator[JetStreamContext]:
    conn = NatsConnection(nats_server.url, name="test-relay", reconnect_cap=0.2)
    await conn.connect()
    await ensure_streams(conn.js, [STREAM, DEADLETTER])
    yield conn.js
    await conn.close()


def envelope(n: int = 0, event_type: str = "report.submitted", tenant: str = "23077") -> Envelope:
    return Envelope(
        type=event_type, version=1, tenant_id=tenant, correlation_id=uuid.uuid4(), data={"n": n}
    )


async def queue(engine: AsyncEngine, envelopes: list[Envelope]) -> None:
    async with async_sessionmaker(engine)() as session, session.begin():
        for env in envelopes:
            await add_to_outbox(session, outbox, env)


async def outbox_count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(outbox))).scalar_one())


async def stream_msg_ids(js: JetStreamContext, stream: str = STREAM.name) -> list[str]:
    """Nats-Msg-Id of every message stored in the stream, in order."""
    state = (await js.stream_info(stream)).state
    ids = []
    for seq in range(state.first_seq, state.last_seq + 1):
        try:
            msg = await js.get_msg(stream, seq)
        except NotFoundError:
            continue
        ids.append((msg.headers or {})["Nats-Msg-Id"])
    return ids


async def until(condition: Callable[[], Any], within: float = 30.0) -> None:
    async with asyncio.timeout(within):
        while not await condition():  # noqa: ASYNC110 - polls state outside this process
            await asyncio.sleep(0.02)


async def test_outbox_row_shares_the_domain_transaction(engine: AsyncEngine) -> None:
    sessions = async_sessionmaker(engine)
    kept, dropped = envelope(1), envelope(2)
    async with sessions() as session, session.begin():
        await session.execute(insert(things).values(id=kept.id, tenant_id="23077"))
        await add_to_outbox(session, outbox, kept)
    async with sessions() as session, session.begin():
        await session.execute(insert(things).values(id=dropped.id, tenant_id="23077"))
        await add_to_outbox(session, outbox, dropped)
        await session.rollback()

    async with engine.connect() as conn:
        assert (await conn.execute(select(things.c.id))).scalars().all() == [kept.id]
        row = (await conn.execute(select(outbox))).one()
    assert row.id == kept.id
    assert row.subject == "guichet.23077.report.submitted.v1"
    assert Envelope.from_bytes(row.payload) == kept
    assert row.attempts == 0


async def test_outbox_row_as_first_statement_is_still_inside_the_transaction(
    engine: AsyncEngine,
) -> None:
    """The insert goes through the driver: it must not run before the session's BEGIN."""
    sessions = async_sessionmaker(engine)
    dropped, kept = envelope(3), envelope(4)
    async with sessions() as session, session.begin():
        await add_to_outbox(session, outbox, dropped)
        await session.rollback()
    assert await outbox_count(engine) == 0
    async with sessions() as session, session.begin():
        await add_to_outbox(session, outbox, kept, headers={"Guichet-Test": "yes"})
    async with engine.connect() as conn:
        row = (await conn.execute(select(outbox))).one()
    assert (row.id, row.headers) == (kept.id, {"Guichet-Test": "yes"})


async def test_relay_publishes_with_msg_id_and_empties_outbox(
    engine: AsyncEngine, js: JetStreamContext
) -> None:
    envelopes = [envelope(n, tenant=t) for n, t in enumerate(["23077", "55040", "63023"])]
    await queue(engine, envelopes)

    relay = OutboxRelay(engine, js, outbox)
    assert await relay.relay_once() == (3, True)

    assert await outbox_count(engine) == 0
    for seq, env in enumerate(envelopes, start=1):
        msg = await js.get_msg(STREAM.name, seq)
        assert msg.subject == env.subject
        assert (msg.headers or {})["Nats-Msg-Id"] == str(env.id)
        assert Envelope.from_bytes(msg.data or b"") == env


async def test_a_committed_event_is_handed_to_the_relay_and_published_from_memory(
    engine: AsyncEngine, js: JetStreamContext
) -> None:
    # Polling every 60 s: only the hand-over after the commit can make it publish in time.
    relay = OutboxRelay(engine, js, outbox, poll_interval=60)
    sessions = async_sessionmaker(engine)
    handed: list[QueuedEvent] = []

    def hand_over(events: Sequence[QueuedEvent]) -> None:
        handed.extend(events)
        relay.committed(events)

    hand_over_on_commit(sessions, hand_over)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(0.2)  # let the loop settle into its 60 s wait
        async with sessions() as session, session.begin():
            await add_to_outbox(session, outbox, envelope())
            await session.rollback()  # rolled back: nothing handed over
        assert handed == []
        kept = envelope()
        async with sessions() as session, session.begin():
            await add_to_outbox(session, outbox, kept)
            assert handed == []  # not before the commit
        assert [e.id for e in handed] == [kept.id]
        await until(lambda: _true(relay.stats.published == 1), within=10)
    finally:
        relay.stop()
        await task
    assert await stream_msg_ids(js) == [str(kept.id)]
    assert await outbox_count(engine) == 0


async def test_a_handed_over_event_that_fails_to_publish_stays_for_the_poll(
    engine: AsyncEngine, js: JetStreamContext
) -> None:
    orphan = envelope(event_type="ghost.appeared")  # no stream captures guichet.*.ghost.>
    behind = envelope()
    await queue(engine, [orphan, behind])
    relay = OutboxRelay(engine, js, outbox, batch_size=1, publish_timeout=1)
    relay.committed([QueuedEvent.of(orphan), QueuedEvent.of(behind)])
    await relay.relay_handed_over()
    await relay.relay_handed_over()  # nothing left in memory: no spinning while NATS fails
    assert (relay.stats.published, relay.stats.failed) == (0, 1)
    assert await outbox_count(engine) == 2  # the poll retries them with backoff


async def test_the_hand_over_delete_locks_its_rows_in_one_pass(engine: AsyncEngine) -> None:
    """The outbox is nearly always empty when autovacuum looks, so the planner believes it
    holds one row and may run a locking subquery once per deleted row (seen: 55 ms for ~70
    rows under load). The rows must be locked by an InitPlan of their own (run once, whatever
    the estimates), not by a subquery joined to the delete."""
    envelopes = [envelope(n) for n in range(200)]
    await queue(engine, envelopes)
    async with pooled_driver_connection(engine) as conn:
        plan = await conn.fetchval(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + _statements(outbox).delete,
            [e.id for e in envelopes],
        )  # the engine's connections decode json
    locks = [(node["Actual Loops"], relations) for node, relations in _plan_nodes(plan[0]["Plan"])
             if node["Node Type"] == "LockRows"]  # fmt: skip
    assert [(loops, relations[-1]) for loops, relations in locks] == [(1, "InitPlan")]
    assert await outbox_count(engine) == 0


def _plan_nodes(
    node: dict[str, Any], relations: tuple[str, ...] = ()
) -> list[tuple[dict[str, Any], tuple[str, ...]]]:
    """Every node of an EXPLAIN plan, with the parent relationships on its way down."""
    path = (*relations, node.get("Parent Relationship", ""))
    return [(node, path), *(n for child in node.get("Plans", []) for n in _plan_nodes(child, path))]


async def test_failing_row_waits_without_blocking_the_others(
    engine: AsyncEngine, js: JetStreamContext
) -> None:
    orphan = envelope(event_type="ghost.appeared")  # no stream captures guichet.*.ghost.>
    good = envelope()
    await queue(engine, [orphan, good])

    relay = OutboxRelay(engine, js, outbox, publish_timeout=1, retry_base=0.2)
    assert await relay.relay_once() == (2, False)
    async with engine.connect() as conn:
        row = (await conn.execute(select(outbox))).one()
        in_future = (await conn.execute(select(outbox.c.available_at > func.now()))).scalar_one()
    assert row.id == orphan.id
    assert row.attempts == 1
    assert "NoStreamResponse" in (row.last_error or "")
    assert in_future
    assert await stream_msg_ids(js) == [str(good.id)]
    assert await relay.relay_once() == (0, True)  # backing off

    await ensure_streams(js, [StreamSpec.for_aggregates("GHOSTS", ["ghost"])])
    await asyncio.sleep(0.25)
    assert await relay.relay_once() == (1, True)
    assert await stream_msg_ids(js, "GHOSTS") == [str(orphan.id)]


async def test_concurrent_relays_publish_each_event_once(
    database: TestDatabase, app_role: DbRole, engine: AsyncEngine, js: JetStreamContext
) -> None:
    total = 2000
    engines = [database.engine(app_role, schema=SCHEMA) for _ in range(2)]
    relays = [OutboxRelay(e, js, outbox, batch_size=50, poll_interval=0.05) for e in engines]
    tasks = [asyncio.create_task(r.run()) for r in relays]
    try:
        envelopes = [envelope(n) for n in range(total)]
        for start in range(0, total, 100):
            await queue(engine, envelopes[start : start + 100])
        await until(lambda: _eq(outbox_count(engine), 0))
    finally:
        for relay in relays:
            relay.stop()
        await asyncio.gather(*tasks)
        for e in engines:
            await e.dispose()

    ids = await stream_msg_ids(js)
    assert len(ids) == total
    assert set(ids) == {str(e.id) for e in envelopes}
    # Each row was published by exactly one relay (no double publish hidden by dedup)...
    assert sum(r.stats.published for r in relays) == total
    assert sum(r.stats.duplicates for r in relays) == 0
    # ...and both relays did take part.
    assert all(r.stats.published > 0 for r in relays)


DOOMED_RELAY = textwrap.dedent(
    """
    import asyncio, sys
    from sqlalchemy import MetaData
    from sqlalchemy.ext.asyncio import create_async_engine
    from guichet_kit.bus.connection import NatsConnection
    from guichet_kit.bus.outbox import outbox_table
    from guichet_kit.bus.relay import OutboxRelay

    class FreezeAfterPublish(OutboxRelay):
        async def _publish(self, rows):
            results = await super()._publish(rows)
            print(f"published {len(rows)}", flush=True)
            await asyncio.Event().wait()  # never settle: wait for SIGKILL
            return results

    async def main(db_url, nats_url, schema):
        connection = NatsConnection(nats_url, name="doomed-relay")
        await connection.connect()
        engine = create_async_engine(db_url)
        table = outbox_table(MetaData(), schema)
        await FreezeAfterPublish(engine, connection.js, table, batch_size=1000).relay_once()

    asyncio.run(main(*sys.argv[1:]))
    """
)


@pytest.mark.chaos
async def test_relay_killed_between_publish_and_delete(
    app_role: DbRole,
    engine: AsyncEngine,
    js: JetStreamContext,
    nats_server: NatsServer,
    tmp_path: Path,
) -> None:
    envelopes = [envelope(n) for n in range(100)]
    await queue(engine, envelopes)
    script = tmp_path / "doomed_relay.py"
    script.write_text(DOOMED_RELAY)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(script), app_role.url, nats_server.url, SCHEMA,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), timeout=30)
    assert line.decode().strip() == "published 100"
    os.kill(proc.pid, signal.SIGKILL)
    await proc.wait()

    assert len(await stream_msg_ids(js)) == 100  # published...
    assert await outbox_count(engine) == 100  # ...but never marked

    relay = OutboxRelay(engine, js, outbox)
    # The killed backend may hold its row locks for a moment: SKIP LOCKED then sees nothing.
    await until(lambda: _relayed(relay), within=30)

    assert await outbox_count(engine) == 0
    assert relay.stats.published == 100
    assert relay.stats.duplicates == 100  # every republish was dropped by JetStream
    ids = await stream_msg_ids(js)
    assert sorted(ids) == sorted(str(e.id) for e in envelopes)


async def _relayed(relay: OutboxRelay) -> bool:
    await relay.relay_once()
    return relay.stats.published == 100


async def _true(value: bool) -> bool:
    return value


async def _eq(awaitable: Any, expected: Any) -> bool:
    return bool(await awaitable == expected)


async def test_an_event_nats_would_refuse_is_never_queued(engine: AsyncEngine) -> None:
    huge = Envelope(
        type="report.submitted", version=1, tenant_id="23077", correlation_id=uuid.uuid4(),
        data={"text": "x" * MAX_EVENT_BYTES},
    )  # fmt: skip
    with pytest.raises(EventTooLargeError):
        await queue(engine, [huge])
    assert await outbox_count(engine) == 0


async def test_only_a_committed_outer_transaction_hands_its_events_over(
    engine: AsyncEngine,
) -> None:
    """A released savepoint is not a commit (the outer transaction may still roll back), and
    a session closed without commit or rollback forgets what it queued."""
    sessions = async_sessionmaker(engine)
    handed: list[QueuedEvent] = []
    hand_over_on_commit(sessions, handed.extend)
    async with sessions() as session, session.begin():
        async with session.begin_nested():
            await add_to_outbox(session, outbox, envelope())
        assert handed == []  # savepoint released, outer still open
        await session.rollback()
    assert handed == []
    session = sessions()
    await add_to_outbox(session, outbox, envelope())  # autobegun, then closed
    await session.close()
    async with session.begin():
        kept = envelope()
        await add_to_outbox(session, outbox, kept)
    await session.close()
    assert [e.id for e in handed] == [kept.id]
