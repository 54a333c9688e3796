"""Over real NATS: directory snapshots and routing decisions published on their streams become
cases, published on CASES; duplicates merge; redeliveries change nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol

import httpx
import nats
import pytest
from nats.js import JetStreamContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cases.clock import local, now
from cases.main import create_app
from cases.settings import Settings
from guichet_contracts.envelope import Envelope
from guichet_contracts.events.routing import RoutingDecided
from guichet_kit.bus import DIRECTORY_STREAM, ROUTING_STREAM, ensure_streams
from guichet_testing.apps import serve

STREAMS = [DIRECTORY_STREAM, ROUTING_STREAM]


class Reader(Protocol):
    async def until(
        self,
        stream: str,
        subject: str,
        ready: Callable[[list[dict[str, Any]]], bool],
        wait: float = 10.0,
    ) -> list[dict[str, Any]]: ...


@pytest.fixture(scope="module")
async def js(private_nats: str) -> AsyncIterator[JetStreamContext]:
    connection = await nats.connect(private_nats)
    jetstream = connection.jetstream()
    await ensure_streams(jetstream, STREAMS)
    try:
        yield jetstream
    finally:
        await connection.close()


@pytest.fixture(scope="module")
async def running_service(
    cases_settings: Callable[..., Settings], js: JetStreamContext
) -> AsyncIterator[httpx.AsyncClient]:
    settings = cases_settings()
    async with serve(create_app(settings)) as http:
        yield http


async def publish(js: JetStreamContext, envelope: Envelope, *, msg_id: bool = True) -> None:
    headers = {"Nats-Msg-Id": str(envelope.id)} if msg_id else None
    await js.publish(envelope.subject, envelope.to_bytes(), headers=headers)


async def rows(admin_engine: AsyncEngine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    async with admin_engine.connect() as conn:
        return [tuple(row) for row in await conn.execute(text(sql), params)]


async def eventually(
    admin_engine: AsyncEngine, sql: str, expected: list[tuple[Any, ...]], **params: Any
) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    for _ in range(100):
        found = await rows(admin_engine, sql, **params)
        if found == expected:
            break
        await asyncio.sleep(0.1)
    return found


async def town_known(js: JetStreamContext, admin_engine: AsyncEngine, snapshot: Envelope) -> None:
    """Publish a town's directory snapshot and wait until cases knows the town."""
    await publish(js, snapshot)
    town_sql = "SELECT nis FROM cases.directory_municipality WHERE nis = :n"
    expected = [(snapshot.tenant_id,)]
    assert await eventually(admin_engine, town_sql, expected, n=snapshot.tenant_id) == expected


async def test_decisions_become_cases_over_nats(
    running_service: httpx.AsyncClient,
    js: JetStreamContext,
    admin_engine: AsyncEngine,
    stream_reader: Reader,
    make_decision: Callable[..., Envelope],
    make_directory: Callable[..., Envelope],
) -> None:
    nis, prefix = "98765", "NATS"
    # the decision may arrive before the directory: it is retried until the prefix is known
    first = make_decision(nis)
    await publish(js, first)
    await asyncio.sleep(0.5)
    await publish(js, make_directory(nis, prefix, 1, ["roads"]))
    report_id = first.data["report"]["report_id"]
    case_sql = "SELECT number, supporters FROM cases.case WHERE report_id = :r"
    found = await eventually(
        admin_engine, case_sql, [(f"{prefix}-{local(now()).year}-000001", 1)], r=report_id
    )
    number = found[0][0] if found else None
    assert number is not None
    assert number.startswith(f"{prefix}-")

    created = await stream_reader.until(
        "CASES",
        f"guichet.{nis}.case.created.v1",
        lambda es: any(e["data"]["report_id"] == report_id for e in es),
    )
    mine = [e for e in created if e["data"]["report_id"] == report_id]
    assert len(mine) == 1
    assert mine[0]["causation_id"] == str(first.id)
    assert mine[0]["correlation_id"] == str(first.correlation_id)

    # redelivery (same event, no de-duplication header) and a replayed decision: one case
    await publish(js, first, msg_id=False)
    case_id = (
        await rows(admin_engine, "SELECT id FROM cases.case WHERE report_id = :r", r=report_id)
    )[0][0]
    duplicate = make_decision(nis, outcome="duplicate", duplicate_of=case_id)
    await publish(js, duplicate)
    await publish(js, duplicate, msg_id=False)
    assert await eventually(admin_engine, case_sql, [(number, 2)], r=report_id) == [(number, 2)]
    merged = await stream_reader.until(
        "CASES",
        f"guichet.{nis}.case.merged.v1",
        lambda es: any(e["data"]["case_id"] == str(case_id) for e in es),
    )
    assert [e["data"]["supporters"] for e in merged if e["data"]["case_id"] == str(case_id)] == [2]
    await asyncio.sleep(0.5)
    counts = await rows(
        admin_engine,
        "SELECT (SELECT count(*) FROM cases.case WHERE tenant_id = :t),"
        " (SELECT count(*) FROM cases.case_supporter WHERE tenant_id = :t)",
        t=nis,
    )
    assert counts == [(1, 1)]
    ready = await running_service.get("/readyz")
    assert ready.status_code == 200, ready.text


async def test_a_burst_of_decisions_opens_cases_in_stream_order(
    running_service: httpx.AsyncClient,
    js: JetStreamContext,
    admin_engine: AsyncEngine,
    make_decision: Callable[..., Envelope],
    make_directory: Callable[..., Envelope],
) -> None:
    """Decisions published at once reach the consumer's batch handler together: the cases
    are numbered in stream order, a replayed decision opens nothing and a duplicate joins the
    case opened just before it."""
    nis, prefix = "98764", "BRST"
    await town_known(js, admin_engine, make_directory(nis, prefix, 1, ["roads"]))
    openings = [make_decision(nis) for _ in range(5)]
    replayed = openings[1].payload(RoutingDecided)
    replay = Envelope.build(replayed, tenant_id=nis, correlation_id=openings[1].correlation_id)
    first_report = openings[0].payload(RoutingDecided).report.report_id
    duplicate = make_decision(nis, outcome="duplicate", duplicate_of=first_report)
    for envelope in [*openings, replay, duplicate]:
        await publish(js, envelope)
    year = local(now()).year
    expected = [
        (opening.data["report"]["report_id"], f"{prefix}-{year}-{n:06d}", 2 if n == 1 else 1)
        for n, opening in enumerate(openings, start=1)
    ]
    cases_sql = (
        "SELECT report_id::text, number, supporters FROM cases.case WHERE tenant_id = :t "
        "ORDER BY number"
    )
    assert await eventually(admin_engine, cases_sql, expected, t=nis) == expected


async def test_a_duplicate_arriving_before_its_case_waits_and_joins_it(
    running_service: httpx.AsyncClient,
    js: JetStreamContext,
    admin_engine: AsyncEngine,
    make_decision: Callable[..., Envelope],
    make_directory: Callable[..., Envelope],
) -> None:
    """As when the opening decision is handled by another replica, or retried: the duplicate
    is retried until the case exists, then joins it. One case, two supporters."""
    nis = "98763"
    await town_known(js, admin_engine, make_directory(nis, "WAIT", 1, ["roads"]))
    opening = make_decision(nis)
    opened = opening.payload(RoutingDecided).report.report_id
    await publish(js, make_decision(nis, outcome="duplicate", duplicate_of=opened))
    await asyncio.sleep(0.3)  # the duplicate is tried first, finds nothing, is retried
    await publish(js, opening)
    cases_sql = "SELECT report_id, supporters FROM cases.case WHERE tenant_id = :t"
    expected = [(opened, 2)]
    assert await eventually(admin_engine, cases_sql, expected, t=nis) == expected


async def test_a_duplicate_joins_within_a_second_of_its_case_appearing(
    running_service: httpx.AsyncClient,
    js: JetStreamContext,
    admin_engine: AsyncEngine,
    make_decision: Callable[..., Envelope],
    make_directory: Callable[..., Envelope],
) -> None:
    """The duplicate's decision is handled before its case exists (the opening decision is in
    another replica's transaction, or being retried) and the case appears up to 1.2 s later:
    the duplicate joins it within a second, not at the consumer's next backoff (1 s, then 5 s)."""
    offsets = [0.05 + i * (1.2 - 0.05) / 7 for i in range(8)]
    towns = [(f"9870{i}", f"DUP{chr(ord('A') + i)}") for i in range(len(offsets))]
    for nis, prefix in towns:
        await town_known(js, admin_engine, make_directory(nis, prefix, 1, ["roads"]))

    async def joined_after(nis: str, offset: float) -> float:
        opening = make_decision(nis)
        opened = opening.payload(RoutingDecided).report.report_id
        await publish(js, make_decision(nis, outcome="duplicate", duplicate_of=opened))
        await asyncio.sleep(offset)
        await publish(js, opening)
        published = loop.time()
        sql = "SELECT supporters FROM cases.case WHERE report_id = :r"
        while await rows(admin_engine, sql, r=opened) != [(2,)]:
            assert loop.time() - published < 10, "the duplicate never joined"
            await asyncio.sleep(0.01)
        return loop.time() - published

    loop = asyncio.get_running_loop()
    tries = zip(towns, offsets, strict=True)
    waited = await asyncio.gather(*(joined_after(nis, offset) for (nis, _), offset in tries))
    print("\ncase appeared → duplicate joined, ms:", [round(1000 * w) for w in waited])
    assert max(waited) < 1.0, waited
    one_each = "SELECT count(*) FROM cases.case WHERE tenant_id = ANY(:t)"
    assert await rows(admin_engine, one_each, t=[n for n, _ in towns]) == [(len(towns),)]
