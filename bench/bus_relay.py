"""Outbox relay: throughput (rows/s) and commit → publish latency.

    eval "$(uv run python -m guichet_stack env)"   # a running stack (make stack-up)
    uv run python bench/bus_relay.py [--rows 50000] [--events 2000] [--rate 200]

Uses a scratch database on the stack's PostgreSQL and a private nats-server (file store in a
temp dir); both are removed at the end.

- throughput: `rows` events queued up front, then one relay drains them (per batch size).
- latency: the relay is woken after each commit that queued an event (as the BusComponent
  wires it, `guichet_kit.bus.handover`); a producer commits one event per transaction at `rate`/s;
  a plain NATS subscriber on `guichet.>` stamps arrival. Latency = arrival minus the moment
  COMMIT returned, both on this process's monotonic clock.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from nats.aio.msg import Msg
from sqlalchemy import MetaData, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from guichet_contracts.envelope import Envelope
from guichet_kit.bus.connection import NatsConnection
from guichet_kit.bus.handover import hand_over_on_commit
from guichet_kit.bus.outbox import add_to_outbox, outbox_table
from guichet_kit.bus.relay import OutboxRelay
from guichet_kit.bus.subjects import StreamSpec, ensure_streams
from guichet_kit.db.engine import async_url
from guichet_testing.nats import NatsServer

SCHEMA = "bench"
metadata = MetaData()
outbox = outbox_table(metadata, SCHEMA)


def envelope(n: int) -> Envelope:
    return Envelope(
        type="report.submitted", version=1, tenant_id="23077", correlation_id=uuid.uuid4(),
        data={"n": n, "title": "Pothole in front of the town hall", "category": "roads"},
    )  # fmt: skip


async def bulk_queue(engine: AsyncEngine, rows: int) -> None:
    chunk = 5000
    for start in range(0, rows, chunk):
        values = [
            {"id": e.id, "subject": e.subject, "payload": e.to_bytes(), "headers": {}}
            for e in (envelope(n) for n in range(start, min(rows, start + chunk)))
        ]
        async with engine.begin() as conn:
            await conn.execute(insert(outbox), values)


async def pending(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(outbox)) or 0)


async def throughput(engine: AsyncEngine, conn: NatsConnection, rows: int, batch: int) -> float:
    await bulk_queue(engine, rows)
    relay = OutboxRelay(engine, conn.js, outbox, batch_size=batch)
    started = time.perf_counter()
    while (await relay.relay_once())[0]:
        pass
    elapsed = time.perf_counter() - started
    assert await pending(engine) == 0
    assert relay.stats.failed == 0
    return rows / elapsed


async def latency(engine: AsyncEngine, conn: NatsConnection, events: int, rate: float) -> None:
    committed: dict[str, float] = {}
    arrived: dict[str, float] = {}
    all_arrived = asyncio.Event()

    async def on_msg(msg: Msg) -> None:
        arrived[(msg.headers or {})["Nats-Msg-Id"]] = time.perf_counter()
        if len(arrived) == events:
            all_arrived.set()

    sub = await conn.nc.subscribe("guichet.>", cb=on_msg)
    relay = OutboxRelay(engine, conn.js, outbox, poll_interval=5.0)
    sessions = async_sessionmaker(engine)
    hand_over_on_commit(sessions, relay.committed)
    task = asyncio.create_task(relay.run())
    interval = 1 / rate
    next_at = time.perf_counter()
    for n in range(events):
        env = envelope(n)
        async with sessions() as session, session.begin():
            await add_to_outbox(session, outbox, env)
        committed[str(env.id)] = time.perf_counter()
        next_at += interval
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
    await all_arrived.wait()
    relay.stop()
    await task
    await sub.unsubscribe()
    ms = sorted((arrived[k] - committed[k]) * 1000 for k in committed)
    q = statistics.quantiles(ms, n=100)
    print(
        f"commit→publish latency over {events} events at {rate:g}/s: "
        f"p50 {q[49]:.2f} ms, p95 {q[94]:.2f} ms, p99 {q[98]:.2f} ms, max {ms[-1]:.2f} ms"
    )


async def main(args: argparse.Namespace) -> None:
    admin_url = async_url(os.environ["GUICHET_PG_ADMIN_URL"])
    admin = create_async_engine(admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    name = f"bench_bus_{uuid.uuid4().hex[:8]}"
    async with admin.connect() as c:
        await c.execute(text(f'CREATE DATABASE "{name}"'))
    engine = create_async_engine(admin_url.rsplit("/", 1)[0] + f"/{name}", pool_size=10)
    with tempfile.TemporaryDirectory() as tmp:
        server = NatsServer(os.environ["GUICHET_NATS_SERVER_BIN"], Path(tmp))
        server.start_on_free_ports()
        conn = NatsConnection(server.url, name="bench")
        try:
            async with engine.begin() as c:
                await c.execute(text(f"CREATE SCHEMA {SCHEMA}"))
                await c.run_sync(metadata.create_all)
            await conn.connect()
            await ensure_streams(conn.js, [StreamSpec.for_aggregates("BENCH", ["report"])])
            print(f"outbox {SCHEMA}.{outbox.name}; {os.cpu_count()} cores")
            for batch in args.batch:
                rate = await throughput(engine, conn, args.rows, batch)
                print(f"relay throughput, batch {batch}: {rate:,.0f} rows/s ({args.rows} rows)")
            await latency(engine, conn, args.events, args.rate)
        finally:
            await conn.close()
            server.kill()
            await engine.dispose()
            async with admin.connect() as c:
                await c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            await admin.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--batch", type=int, nargs="+", default=[64, 256, 1024])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=200.0)
    asyncio.run(main(parser.parse_args()))
