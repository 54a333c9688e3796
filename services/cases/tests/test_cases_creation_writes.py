"""The write path of routed reports: statements sent, one atomic write for the new cases of a
batch, numbers in stream order, and no case number taken that no case uses."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from asyncpg.connection import LoggedQuery
from sqlalchemy import event, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cases.creation.handlers import on_routing_decisions
from cases.creation.numbering import format_number
from cases.creation.repository import _SITUATION
from cases.errors import DirectoryMissing
from cases.models.case import Case
from guichet_contracts.envelope import Envelope
from guichet_contracts.events.routing import RoutingDecided
from guichet_contracts.ids import uuid7
from guichet_kit.bus.handover import hand_over_on_commit
from guichet_kit.db import tenant_transaction
from guichet_kit.db.driver import driver_connection
from guichet_testing.database import TestDatabase

Sessions = async_sessionmaker[AsyncSession]
MakeDecision = Callable[..., Envelope]


@asynccontextmanager
async def sent_statements(engine: AsyncEngine, session: AsyncSession) -> AsyncIterator[list[str]]:
    """Every statement `session` sends meanwhile, through SQLAlchemy or straight through its
    driver connection (the transaction is already open on the database). Left out: asyncpg's
    look-ups of a type it meets for the first time on a connection (e.g. `uuid[]`), which name
    no table of ours."""
    sent: list[str] = []
    connection = await driver_connection(session)

    def through_sqlalchemy(*args: Any) -> None:
        sent.append(args[2])

    def through_driver(record: LoggedQuery) -> None:
        if "cases" in record.query:
            sent.append(record.query)

    event.listen(engine.sync_engine, "before_cursor_execute", through_sqlalchemy)
    try:
        with connection.query_logger(through_driver):
            yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", through_sqlalchemy)


async def decide(engine: AsyncEngine, sessions: Sessions, *envelopes: Envelope) -> list[str]:
    """Apply one town's decisions as one batch, in their own transaction; the statements sent."""
    async with (
        tenant_transaction(sessions, envelopes[0].tenant_id) as session,
        sent_statements(engine, session) as sent,
    ):
        await on_routing_decisions(session, envelopes)
    return sent


async def numbers_of(sessions: Sessions, tenant: str) -> list[str]:
    async with tenant_transaction(sessions, tenant) as session:
        return list((await session.execute(select(Case.number).order_by(Case.number))).scalars())


async def test_statements_per_new_case_known_report_and_supporter(
    app_engine: AsyncEngine,
    sessions: Sessions,
    make_decision: MakeDecision,
    new_town: tuple[str, str],
) -> None:
    nis, _ = new_town
    first = make_decision(nis)
    assert len(await decide(app_engine, sessions, first)) == 3  # situation, number, rows
    assert len(await decide(app_engine, sessions, first)) == 1  # situation: known
    async with tenant_transaction(sessions, nis) as session:
        case = (await session.execute(select(Case))).scalar_one()
    duplicate = make_decision(nis, outcome="duplicate", duplicate_of=case.id)
    # situation, the case's new total (locked), the supporter's rows
    assert len(await decide(app_engine, sessions, duplicate)) == 3


async def test_a_known_report_or_a_supporter_takes_no_number(
    sessions: Sessions,
    make_decision: MakeDecision,
    new_town: tuple[str, str],
    apply_event: Callable[[Envelope], Any],
) -> None:
    nis, prefix = new_town
    first = make_decision(nis)
    await apply_event(first)
    again = Envelope.build(
        first.payload(RoutingDecided), tenant_id=nis, correlation_id=first.correlation_id
    )
    await apply_event(again)
    (case_id,) = [c.id for c in await cases(sessions, nis)]
    await apply_event(make_decision(nis, outcome="duplicate", duplicate_of=case_id))
    await apply_event(make_decision(nis))
    year = datetime.now(UTC).year
    assert await numbers_of(sessions, nis) == [format_number(prefix, year, n) for n in (1, 2)]


async def cases(sessions: Sessions, tenant: str) -> list[Case]:
    async with tenant_transaction(sessions, tenant) as session:
        return list((await session.execute(select(Case))).scalars())


async def test_one_creation_writes_case_locator_history_and_event_and_wakes_the_relay(
    sessions: Sessions,
    make_decision: MakeDecision,
    new_town: tuple[str, str],
    apply_event: Callable[[Envelope], Any],
    admin_engine: AsyncEngine,
    cases_database: TestDatabase,
) -> None:
    nis, _ = new_town
    envelope = make_decision(nis)
    report = envelope.payload(RoutingDecided).report
    handed: list[Any] = []
    before = dict(sessions.kw.get("info", {}))
    hand_over_on_commit(sessions, handed.extend)
    try:
        await apply_event(envelope)
    finally:
        sessions.configure(info=before)
    assert len(handed) == 1  # the event, handed to the relay after the commit
    async with admin_engine.connect() as conn:
        case = (
            await conn.execute(
                text('SELECT id, number FROM cases."case" WHERE report_id = :r'),
                {"r": report.report_id},
            )
        ).one()
        located = (
            await conn.execute(
                text(
                    "SELECT tenant_id, report_id FROM cases.case_locator WHERE tracking_number = :t"
                ),
                {"t": report.tracking_number},
            )
        ).one()
        history = (
            await conn.execute(
                text("SELECT action, tenant_id FROM cases.case_history WHERE case_id = :c"),
                {"c": case.id},
            )
        ).all()
        queued = (
            await conn.execute(
                text("SELECT subject, payload, headers FROM cases.outbox WHERE payload LIKE :p"),
                {"p": f"%{case.id}%".encode()},
            )
        ).one()
    assert tuple(located) == (nis, report.report_id)
    assert [tuple(h) for h in history] == [("created", nis)]
    created = json.loads(bytes(queued.payload))
    assert (created["type"], created["causation_id"]) == ("case.created", str(envelope.id))
    assert created["data"]["case_number"] == case.number
    assert queued.subject == f"guichet.{nis}.case.created.v1"
    assert queued.headers == {}


async def test_a_failing_write_leaves_no_case_and_no_number_taken(
    sessions: Sessions,
    make_decision: MakeDecision,
    new_town: tuple[str, str],
    apply_event: Callable[[Envelope], Any],
) -> None:
    """The locator, written in the same statement as the case row, refuses a tracking number
    given to another report: nothing of the case stays, and its number is given back."""
    nis, prefix = new_town
    first = make_decision(nis)
    await apply_event(first)
    taken = first.payload(RoutingDecided).report.tracking_number
    with pytest.raises(asyncpg.UniqueViolationError, match="case_locator_pkey"):
        await apply_event(make_decision(nis, tracking_number=taken))
    assert len(await cases(sessions, nis)) == 1
    await apply_event(make_decision(nis))
    year = datetime.now(UTC).year
    assert await numbers_of(sessions, nis) == [format_number(prefix, year, n) for n in (1, 2)]


async def test_a_supporter_joins_the_surviving_case_of_a_merge_committed_meanwhile(
    sessions: Sessions,
    make_decision: MakeDecision,
    new_town: tuple[str, str],
    apply_event: Callable[[Envelope], Any],
) -> None:
    nis, _ = new_town
    for _ in range(2):
        await apply_event(make_decision(nis))
    async with tenant_transaction(sessions, nis) as session:
        first, survivor = (await session.execute(select(Case).order_by(Case.number))).scalars()
    duplicate = make_decision(nis, outcome="duplicate", duplicate_of=first.id)
    async with tenant_transaction(sessions, nis) as merging:
        await merging.execute(
            text(
                "UPDATE cases.\"case\" SET status = 'duplicate', duplicate_of_case_id = :to "
                "WHERE id = :id"
            ),
            {"to": survivor.id, "id": first.id},
        )
        joining = asyncio.create_task(apply_event(duplicate))  # waits for the merge's lock
        await asyncio.sleep(0.3)
        assert not joining.done()
    await asyncio.wait_for(joining, 10)
    async with tenant_transaction(sessions, nis) as session:
        totals = dict(
            (await session.execute(select(Case.id, Case.supporters).order_by(Case.number))).all()
        )
    assert totals == {first.id: 1, survivor.id: 2}


def report_id(envelope: Envelope) -> UUID:
    return envelope.payload(RoutingDecided).report.report_id


async def numbers_by_report(sessions: Sessions, tenant: str) -> dict[UUID, str]:
    async with tenant_transaction(sessions, tenant) as session:
        found = await session.execute(select(Case.report_id, Case.number))
        return dict(found.all())


async def written(admin_engine: AsyncEngine, tenant: str) -> tuple[int, ...]:
    """Cases, supporters, locators, history entries and queued `case.created` of `tenant`."""
    subject = f"guichet.{tenant}.case.created.v1"
    async with admin_engine.connect() as conn:
        counts = await conn.execute(
            text(
                'SELECT (SELECT count(*) FROM cases."case" WHERE tenant_id = :t),'
                " (SELECT count(*) FROM cases.case_supporter WHERE tenant_id = :t),"
                " (SELECT count(*) FROM cases.case_locator WHERE tenant_id = :t),"
                " (SELECT count(*) FROM cases.case_history WHERE tenant_id = :t),"
                " (SELECT count(*) FROM cases.outbox WHERE subject = :s)"
            ),
            {"t": tenant, "s": subject},
        )
        return tuple(counts.one())


async def test_a_batch_of_one_town_opens_its_cases_in_stream_order_in_three_statements(
    app_engine: AsyncEngine,
    admin_engine: AsyncEngine,
    sessions: Sessions,
    make_decision: MakeDecision,
    new_town: tuple[str, str],
) -> None:
    nis, prefix = new_town
    alone = make_decision(nis)
    batch = [make_decision(nis, description=f"report {n}") for n in range(6)]
    # situation, numbers, rows: the same three statements for one case as for six
    assert len(await decide(app_engine, sessions, alone)) == 3
    assert await decide(app_engine, sessions, *batch) == await decide(
        app_engine, sessions, make_decision(nis)
    )
    year = datetime.now(UTC).year
    numbers = await numbers_by_report(sessions, nis)
    assert [numbers[report_id(e)] for e in [alone, *batch]] == [
        format_number(prefix, year, n) for n in range(1, 8)
    ]
    assert await written(admin_engine, nis) == (8, 0, 8, 8, 8)


async def test_a_decision_replayed_in_its_own_batch_makes_one_case(
    admin_engine: AsyncEngine,
    sessions: Sessions,
    make_decision: MakeDecision,
    new_town: tuple[str, str],
    apply_event: Callable[[Envelope], Any],
) -> None:
    nis, prefix = new_town
    known = make_decision(nis)
    await apply_event(known)
    first, later = make_decision(nis), make_decision(nis)
    replayed = Envelope.build(
        first.payload(RoutingDecided), tenant_id=nis, correlation_id=first.correlation_id
    )
    async with tenant_transaction(sessions, nis) as session:
        await on_routing_decisions(session, [first, known, replayed, later])
    year = datetime.now(UTC).year
    numbers = await numbers_by_report(sessions, nis)
    assert [numbers[report_id(e)] for e in (known, first, later)] == [
        format_number(prefix, year, n) for n in (1, 2, 3)
    ]
    assert await written(admin_engine, nis) == (3, 0, 3, 3, 3)


async def test_a_duplicate_joins_the_case_opened_earlier_in_its_batch(
    admin_engine: AsyncEngine,
    sessions: Sessions,
    make_decision: MakeDecision,
    new_town: tuple[str, str],
) -> None:
    nis, prefix = new_town
    opening = make_decision(nis)
    # routing names the case by its opening report's id before cases has opened it (ADR 0016)
    duplicate = make_decision(nis, outcome="duplicate", duplicate_of=report_id(opening))
    after = make_decision(nis)
    async with tenant_transaction(sessions, nis) as session:
        await on_routing_decisions(session, [opening, duplicate, after])
    async with tenant_transaction(sessions, nis) as session:
        totals = dict((await session.execute(select(Case.number, Case.supporters))).all())
    year = datetime.now(UTC).year
    assert totals == {format_number(prefix, year, 1): 2, format_number(prefix, year, 2): 1}
    assert await written(admin_engine, nis) == (2, 1, 3, 3, 2)


async def test_a_batch_before_the_directory_writes_nothing(
    admin_engine: AsyncEngine, sessions: Sessions, make_decision: MakeDecision
) -> None:
    nis = "10999"  # no snapshot: no prefix
    with pytest.raises(DirectoryMissing):
        async with tenant_transaction(sessions, nis) as session:
            await on_routing_decisions(session, [make_decision(nis), make_decision(nis)])
    assert await written(admin_engine, nis) == (0, 0, 0, 0, 0)


async def test_the_situation_probes_each_report_and_never_hashes_a_table(
    sessions: Sessions, new_town: tuple[str, str]
) -> None:
    """An EXISTS over a batch's array may become a hash of every case and supporter, built
    for each batch (0.55 ms a batch at 6,000 cases, and growing): scalar probes never do."""
    nis, _ = new_town
    async with tenant_transaction(sessions, nis) as session:
        connection = await driver_connection(session)
        explain = "EXPLAIN (VERBOSE) " + _SITUATION  # VERBOSE: how the subplans are used
        rows = await connection.fetch(explain, [uuid7(), uuid7()], nis)
    plan = "\n".join(row[0] for row in rows)
    assert "hashed SubPlan" not in plan
    assert "SubPlan" in plan
