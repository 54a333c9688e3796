"""The write path of a routed report: statements sent, one atomic write per case, and no case
number taken that no case uses."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cases.creation.handlers import on_routing_decided
from cases.models.case import Case
from cases.numbering import format_number
from guichet_contracts.envelope import Envelope
from guichet_contracts.events.routing import RoutingDecided
from guichet_kit.bus.handover import hand_over_on_commit
from guichet_kit.db import tenant_transaction
from guichet_kit.db.driver import driver_connection
from guichet_testing.database import TestDatabase

Sessions = async_sessionmaker[AsyncSession]
MakeDecision = Callable[..., Envelope]


@asynccontextmanager
async def sent_statements(engine: AsyncEngine, session: AsyncSession) -> AsyncIterator[list[str]]:
    """Every statement `session` sends meanwhile, through SQLAlchemy or straight through its
    driver connection (the transaction is already open on the database)."""
    sent: list[str] = []
    connection = await driver_connection(session)

    def through_sqlalchemy(*args: Any) -> None:
        sent.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", through_sqlalchemy)
    try:
        with connection.query_logger(lambda record: sent.append(record.query)):
            yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", through_sqlalchemy)


async def decide(engine: AsyncEngine, sessions: Sessions, envelope: Envelope) -> list[str]:
    """Apply the decision in its own transaction; the statements it sent."""
    async with (
        tenant_transaction(sessions, envelope.tenant_id) as session,
        sent_statements(engine, session) as sent,
    ):
        await on_routing_decided(session, envelope)
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
