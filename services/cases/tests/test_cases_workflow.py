"""The transition table, pair by pair, and what transitions require and do."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cases.errors import DuplicateTargetInvalid, TransitionIncomplete, TransitionNotAllowed
from cases.models.case import Case
from cases.models.case_history import CaseHistory
from cases.models.case_supporter import CaseSupporter
from cases.workflow import repository as store
from cases.workflow import service as workflow
from guichet_contracts.envelope import Envelope
from guichet_contracts.values import Actor, ActorKind, CaseStatus
from guichet_kit.db import tenant_transaction

Sessions = async_sessionmaker[AsyncSession]
Apply = Callable[[Envelope], Awaitable[None]]
ACTOR = Actor(kind=ActorKind.STAFF, subject="staff-1", display_name="staff.test")

# The rules as the issue states them, written independently of cases.workflow.table.
EXPECTED: dict[str, set[str]] = {
    "new": {
        "acknowledged",
        "in_progress",
        "planned",
        "on_hold",
        "resolved",
        "rejected",
        "duplicate",
    },
    "acknowledged": {"in_progress", "planned", "on_hold", "resolved", "rejected", "duplicate"},
    "in_progress": {"planned", "on_hold", "resolved", "rejected", "duplicate"},
    "planned": {"in_progress", "on_hold", "resolved", "rejected", "duplicate"},
    "on_hold": {"in_progress", "planned", "resolved", "rejected", "duplicate"},
    "resolved": {"closed", "acknowledged", "in_progress"},
    "closed": {"acknowledged", "in_progress"},
    "rejected": {"acknowledged", "in_progress"},
    "duplicate": set(),
}
PAIRS = [(source, target) for source in EXPECTED for target in EXPECTED]


async def new_case(
    apply_event: Apply, make_decision: Callable[..., Envelope], nis: str, sessions: Sessions
) -> Case:
    envelope = make_decision(nis)
    await apply_event(envelope)
    report_id = envelope.data["report"]["report_id"]
    async with tenant_transaction(sessions, nis) as session:
        found = await session.execute(select(Case).where(Case.report_id == report_id))
        return found.scalar_one()


async def force_status(admin_engine: AsyncEngine, case: Case, status: str) -> None:
    async with admin_engine.begin() as conn:
        await conn.execute(
            text("UPDATE cases.case SET status = :s WHERE id = :id"), {"s": status, "id": case.id}
        )


def complete(target: str) -> workflow.TransitionRequest:
    return workflow.TransitionRequest(
        to=CaseStatus(target),
        reason="because",
        planned_for=date(2026, 12, 3),
        public_message=None,
    )


async def run(
    sessions: Sessions, case: Case, request: workflow.TransitionRequest, target: Case | None = None
) -> Case:
    async with tenant_transaction(sessions, case.tenant_id) as session:
        locked = await store.by_id(session, case.id, lock=True)
        other = await store.by_id(session, target.id, lock=True) if target else None
        assert locked is not None
        await workflow.transition(session, locked, request, ACTOR, duplicate_of=other)
        return locked


@pytest.mark.parametrize(("source", "target"), PAIRS)
async def test_transition_table(
    source: str,
    target: str,
    sessions: Sessions,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
    admin_engine: AsyncEngine,
) -> None:
    nis, _ = new_town
    case = await new_case(apply_event, make_decision, nis, sessions)
    merge_target = await new_case(apply_event, make_decision, nis, sessions)
    await force_status(admin_engine, case, source)
    request = complete(target)
    duplicate_of = merge_target if target == "duplicate" else None
    if target in EXPECTED[source]:
        moved = await run(sessions, case, request, duplicate_of)
        assert moved.status == target
        async with tenant_transaction(sessions, nis) as session:
            entries = (
                (
                    await session.execute(
                        select(CaseHistory)
                        .where(CaseHistory.case_id == case.id)
                        .order_by(CaseHistory.at)
                    )
                )
                .scalars()
                .all()
            )
        last = entries[-1]
        assert (last.from_status, last.to_status, last.actor_subject) == (source, target, "staff-1")
        reopen = source in {"resolved", "closed", "rejected"} and target != "closed"
        assert last.action == ("reopened" if reopen else "status_changed")
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            await run(sessions, case, request, duplicate_of)
        assert set(refused.value.extra["allowed"]) == EXPECTED[source]
        assert (refused.value.extra["from"], refused.value.extra["to"]) == (source, target)
        async with tenant_transaction(sessions, nis) as session:
            assert (await store.by_id(session, case.id)).status == source  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("target", "missing"),
    [
        ("planned", ["planned_for"]),
        ("rejected", ["reason"]),
        ("duplicate", ["duplicate_of", "reason"]),
    ],
)
async def test_transitions_refuse_missing_data(
    target: str,
    missing: list[str],
    sessions: Sessions,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
) -> None:
    case = await new_case(apply_event, make_decision, new_town[0], sessions)
    with pytest.raises(TransitionIncomplete) as refused:
        await run(sessions, case, workflow.TransitionRequest(to=CaseStatus(target)))
    assert refused.value.extra["missing"] == missing


async def test_planned_sets_the_date_and_tells_the_reporter(
    sessions: Sessions,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
    admin_engine: AsyncEngine,
) -> None:
    case = await new_case(apply_event, make_decision, new_town[0], sessions)
    moved = await run(sessions, case, complete("planned"))
    assert moved.planned_for == date(2026, 12, 3)
    async with admin_engine.connect() as conn:
        rows = await conn.execute(text("SELECT payload FROM cases.outbox"))
        changes = [json.loads(bytes(r[0]))["data"] for r in rows]
    mine = [d for d in changes if d.get("case_id") == str(case.id) and "to_status" in d]
    assert mine[-1]["public_message"] == "Gepland op 3 december 2026."  # reporter speaks nl


async def test_duplicate_moves_supporters_to_the_target(
    sessions: Sessions,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
    admin_engine: AsyncEngine,
) -> None:
    nis, _ = new_town
    source = await new_case(apply_event, make_decision, nis, sessions)
    target = await new_case(apply_event, make_decision, nis, sessions)
    await apply_event(make_decision(nis, outcome="duplicate", duplicate_of=source.id))
    await run(sessions, source, complete("duplicate"), target)
    async with tenant_transaction(sessions, nis) as session:
        merged_into = await store.by_id(session, target.id)
        supporters = (
            (await session.execute(select(CaseSupporter).where(CaseSupporter.case_id == target.id)))
            .scalars()
            .all()
        )
        old = await store.by_id(session, source.id)
    assert merged_into is not None
    assert merged_into.supporters == 3
    assert len(supporters) == 2
    assert {s.merged_from_case_id for s in supporters} == {None, source.id}
    assert old is not None
    assert old.duplicate_of_case_id == target.id
    async with admin_engine.connect() as conn:
        rows = await conn.execute(text("SELECT payload FROM cases.outbox"))
        merged = [
            json.loads(bytes(r[0]))["data"]
            for r in rows
            if json.loads(bytes(r[0]))["type"] == "case.merged"
        ]
    assert {
        "case_id": str(target.id),
        "merged_case_id": str(source.id),
        "supporters": 3,
    }.items() <= next(m for m in merged if m["merged_case_id"] == str(source.id)).items()
    # a later duplicate report of the merged case joins the case it was merged into
    await apply_event(make_decision(nis, outcome="duplicate", duplicate_of=source.id))
    async with tenant_transaction(sessions, nis) as session:
        assert (await store.by_id(session, target.id)).supporters == 4  # type: ignore[union-attr]


async def test_merges_never_chain_past_one_hop(
    sessions: Sessions,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
) -> None:
    """a → b, then b → c: a points at c directly, however many merges follow."""
    nis, _ = new_town
    a, b, c = [await new_case(apply_event, make_decision, nis, sessions) for _ in range(3)]
    await run(sessions, a, complete("duplicate"), b)
    await run(sessions, b, complete("duplicate"), c)
    async with tenant_transaction(sessions, nis) as session:
        first = await store.by_id(session, a.id)
        second = await store.by_id(session, b.id)
    assert first is not None
    assert second is not None
    assert (first.duplicate_of_case_id, second.duplicate_of_case_id) == (c.id, c.id)


async def test_a_case_cannot_duplicate_itself_or_a_closed_case(
    sessions: Sessions,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
    admin_engine: AsyncEngine,
) -> None:
    nis, _ = new_town
    case = await new_case(apply_event, make_decision, nis, sessions)
    closed = await new_case(apply_event, make_decision, nis, sessions)
    await force_status(admin_engine, closed, "closed")

    async def duplicate_of_itself() -> None:
        async with tenant_transaction(sessions, nis) as session:
            locked = await store.by_id(session, case.id, lock=True)
            assert locked is not None
            await workflow.transition(
                session, locked, complete("duplicate"), ACTOR, duplicate_of=locked
            )

    with pytest.raises(DuplicateTargetInvalid):
        await duplicate_of_itself()
    with pytest.raises(DuplicateTargetInvalid):
        await run(sessions, case, complete("duplicate"), closed)
    async with tenant_transaction(sessions, nis) as session:
        assert (await store.by_id(session, case.id)).status == "new"  # type: ignore[union-attr]


async def test_duplicate_of_is_ignored_for_other_targets(
    sessions: Sessions,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    new_town: tuple[str, str],
) -> None:
    nis, _ = new_town
    case = await new_case(apply_event, make_decision, nis, sessions)
    other = await new_case(apply_event, make_decision, nis, sessions)
    await run(sessions, case, complete("acknowledged"), other)
    async with tenant_transaction(sessions, nis) as session:
        unchanged = await store.by_id(session, other.id)
        moved = await store.by_id(session, case.id)
    assert unchanged is not None
    assert unchanged.supporters == 1
    assert moved is not None
    assert (moved.status, moved.duplicate_of_case_id) == ("acknowledged", None)
