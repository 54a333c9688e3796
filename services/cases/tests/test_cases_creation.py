"""Cases created from routing decisions: numbering, content, duplicates, idempotence, RLS."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cases.creation.new_case import create_case
from cases.creation.numbering import format_number
from cases.directory import repository as directory
from cases.errors import DuplicateTargetNotOpen
from cases.models.case import Case
from cases.models.case_history import CaseHistory
from cases.models.case_supporter import CaseSupporter
from guichet_contracts.envelope import Envelope
from guichet_contracts.events.routing import RoutingDecided
from guichet_kit.bus.consumer import last_delivery_var
from guichet_kit.db import tenant_transaction

Apply = Callable[[Envelope], Awaitable[None]]
Sessions = async_sessionmaker[AsyncSession]


async def cases_of(sessions: Sessions, tenant: str) -> list[Case]:
    async with tenant_transaction(sessions, tenant) as session:
        return list((await session.execute(select(Case).order_by(Case.number))).scalars())


async def outbox_events(admin_engine: AsyncEngine, event_type: str) -> list[dict[str, Any]]:
    async with admin_engine.connect() as conn:
        rows = await conn.execute(text("SELECT payload FROM cases.outbox ORDER BY created_at"))
        envelopes = [json.loads(bytes(row[0])) for row in rows]
    return [e for e in envelopes if e["type"] == event_type]


def test_number_format() -> None:
    assert format_number("SPL", 2026, 42) == "SPL-2026-000042"


async def test_numbers_run_per_municipality_and_year(
    sessions: Sessions,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
    make_directory: Callable[..., Envelope],
) -> None:
    nis, prefix = new_town
    for _ in range(3):
        await apply_event(make_decision(nis))
    year = datetime.now(UTC).astimezone().year
    numbers = [case.number for case in await cases_of(sessions, nis)]
    assert numbers == [format_number(prefix, year, n) for n in (1, 2, 3)]

    next_year = datetime(year + 1, 2, 1, 9, tzinfo=UTC)
    async with tenant_transaction(sessions, nis) as session:
        decided = make_decision(nis).payload(RoutingDecided)
        case = await create_case(session, nis, decided, prefix, created_at=next_year)
    assert case.number == format_number(prefix, year + 1, 1)


async def test_concurrent_creations_get_unique_gapless_numbers(
    sessions: Sessions,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
) -> None:
    nis, prefix = new_town
    await asyncio.gather(*(apply_event(make_decision(nis)) for _ in range(50)))
    numbers = sorted(case.number for case in await cases_of(sessions, nis))
    year = datetime.now(UTC).year
    assert numbers == [format_number(prefix, year, n) for n in range(1, 51)]


async def test_a_rolled_back_creation_gives_its_number_back(
    sessions: Sessions,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
) -> None:
    nis, prefix = new_town
    year = datetime.now(UTC).year
    taken: list[str] = []

    async def create_then_fail() -> None:
        async with tenant_transaction(sessions, nis) as session:
            decided = make_decision(nis).payload(RoutingDecided)
            case = await create_case(session, nis, decided, prefix)
            taken.append(case.number)
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError, match="abort"):
        await create_then_fail()
    assert taken == [format_number(prefix, year, 1)]
    await apply_event(make_decision(nis))
    assert [c.number for c in await cases_of(sessions, nis)] == [format_number(prefix, year, 1)]


async def test_case_content_deadline_history_and_event(
    sessions: Sessions,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
    admin_engine: AsyncEngine,
) -> None:
    nis, _ = new_town
    envelope = make_decision(nis, departments=("clean", "roads"), sla=3, contact=False)
    await apply_event(envelope)
    decided = envelope.payload(RoutingDecided)
    (case,) = await cases_of(sessions, nis)
    assert case.report_id == decided.report.report_id
    assert case.id == decided.report.report_id  # routing relies on it (ADR 0016)
    assert (case.status, case.priority, case.confidentiality) == ("new", "high", "public")
    assert (case.lead_department, case.departments) == ("clean", ["clean", "roads"])
    assert case.reporter_language == "fr"
    assert case.reporter_contactable is False
    assert case.description == decided.report.description
    assert case.due_at > case.created_at
    async with tenant_transaction(sessions, nis) as session:
        lon_lat = (
            await session.execute(
                select(
                    func.ST_X(Case.location), func.ST_Y(Case.location), func.ST_SRID(Case.location)
                )
            )
        ).one()
        entries = list((await session.execute(select(CaseHistory))).scalars())
    assert tuple(lon_lat) == (decided.report.location.lon, decided.report.location.lat, 4326)
    assert [(e.action, e.to_status) for e in entries] == [("created", "new")]
    created = [
        e
        for e in await outbox_events(admin_engine, "case.created")
        if e["data"]["case_id"] == str(case.id)
    ]
    assert len(created) == 1
    assert created[0]["causation_id"] == str(envelope.id)
    assert created[0]["data"]["case_number"] == case.number


async def test_redelivered_or_repeated_decision_makes_one_case(
    sessions: Sessions,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
) -> None:
    nis, _ = new_town
    envelope = make_decision(nis)
    await apply_event(envelope)
    await apply_event(envelope)  # the handler itself, without the inbox
    again = Envelope.build(
        envelope.payload(RoutingDecided), tenant_id=nis, correlation_id=envelope.correlation_id
    )
    await apply_event(again)
    assert len(await cases_of(sessions, nis)) == 1


async def test_unique_report_is_enforced_by_the_database(
    sessions: Sessions,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
) -> None:
    nis, prefix = new_town
    decided = make_decision(nis).payload(RoutingDecided)

    async def create_twice() -> None:
        async with tenant_transaction(sessions, nis) as session:
            await create_case(session, nis, decided, prefix)
            await create_case(session, nis, decided, prefix)

    with pytest.raises(asyncpg.UniqueViolationError, match=r"case_pkey|case_report_id_key"):
        await create_twice()


async def test_duplicate_decision_adds_a_supporter(
    sessions: Sessions,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
    admin_engine: AsyncEngine,
) -> None:
    nis, _ = new_town
    await apply_event(make_decision(nis))
    (case,) = await cases_of(sessions, nis)
    duplicate = make_decision(nis, outcome="duplicate", duplicate_of=case.id)
    await apply_event(duplicate)
    await apply_event(duplicate)
    (case,) = await cases_of(sessions, nis)
    assert case.supporters == 2
    async with tenant_transaction(sessions, nis) as session:
        supporters = list((await session.execute(select(CaseSupporter))).scalars())
    report_id = duplicate.payload(RoutingDecided).report.report_id
    assert [s.report_id for s in supporters] == [report_id]
    merged = [
        e["data"]
        for e in await outbox_events(admin_engine, "case.merged")
        if e["data"]["case_id"] == str(case.id)
    ]
    assert merged == [
        {
            "case_id": str(case.id),
            "case_number": case.number,
            "report_id": str(report_id),
            "merged_case_id": None,
            "supporters": 2,
            "merged_at": merged[0]["merged_at"],
        }
    ]


async def test_duplicate_of_an_unknown_case_opens_a_new_case_on_its_last_delivery(
    sessions: Sessions,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
    demo_towns: dict[str, str],
) -> None:
    nis, _ = new_town
    await apply_event(make_decision("23077"))
    other_towns_case = (await cases_of(sessions, "23077"))[-1]
    last = last_delivery_var.set(True)  # as the consumer sets it on the last delivery
    try:
        for target in (other_towns_case.id, UUID(int=12345)):
            await apply_event(make_decision(nis, outcome="duplicate", duplicate_of=target))
    finally:
        last_delivery_var.reset(last)
    mine = await cases_of(sessions, nis)
    assert [c.supporters for c in mine] == [1, 1]
    assert (await cases_of(sessions, "23077"))[-1].supporters == 1


async def test_a_duplicate_waits_for_its_case_and_writes_nothing_meanwhile(
    sessions: Sessions,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
) -> None:
    """Its case may be committing in another replica, or its decision waiting for a retry:
    the event is retried rather than opening a second case for one spot."""
    nis, _ = new_town
    decided = make_decision(nis, outcome="duplicate", duplicate_of=UUID(int=54321))
    with pytest.raises(DuplicateTargetNotOpen):
        await apply_event(decided)
    assert await cases_of(sessions, nis) == []


async def test_directory_projection_keeps_the_highest_revision(
    sessions: Sessions,
    apply_event: Apply,
    make_directory: Callable[..., Envelope],
    new_town: tuple[str, str],
) -> None:
    nis, prefix = new_town
    await apply_event(make_directory(nis, prefix, 3, ["parks"]))
    await apply_event(make_directory(nis, "OLD", 2, ["roads"]))
    async with tenant_transaction(sessions, nis) as session:
        town = await directory.municipality(session, nis)
        assert town is not None
        assert (town.revision, town.case_prefix) == (3, prefix)
        assert await directory.department_codes(session) == ["parks"]
    async with tenant_transaction(sessions, "23077") as session:
        assert "parks" not in await directory.department_codes(session)


async def test_other_tenant_sees_no_case(
    sessions: Sessions,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
    demo_towns: dict[str, str],
) -> None:
    nis, _ = new_town
    await apply_event(make_decision(nis))
    (case,) = await cases_of(sessions, nis)
    async with tenant_transaction(sessions, "55040") as session:
        assert await session.get(Case, case.id) is None
        found = await session.execute(select(CaseHistory).where(CaseHistory.case_id == case.id))
        assert found.first() is None


async def test_history_is_append_only(
    sessions: Sessions,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
) -> None:
    nis, _ = new_town
    await apply_event(make_decision(nis))

    async def execute(statement: str) -> None:
        async with tenant_transaction(sessions, nis) as session:
            await session.execute(text(statement))

    for statement in ("UPDATE case_history SET action = 'x'", "DELETE FROM case_history"):
        with pytest.raises(DBAPIError, match="append-only"):
            await execute(statement)
