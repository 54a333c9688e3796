"""The open-case projection fed a fetched batch at once (the `routing-cases` batch handler)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select

from guichet_contracts.envelope import Envelope
from guichet_contracts.events.case import CaseCreated, CaseMerged, CaseStatusChanged
from guichet_contracts.ids import uuid7
from guichet_contracts.values import (
    Actor,
    ActorKind,
    CaseStatus,
    Confidentiality,
    GeoPoint,
    Priority,
)
from guichet_kit.db import tenant_transaction
from guichet_kit.db.driver import driver_connection
from guichet_testing.statements import statements_sent
from routing.models import OpenCase
from routing.open_cases.handlers import handle_case_events

LEEUW = "23077"
NOW = datetime.now(UTC)


def created(case_id: UUID, lon: float) -> CaseCreated:
    return CaseCreated(
        case_id=case_id,
        case_number="SPL-2026-000009",
        report_id=uuid7(),
        tracking_number="T-9",
        created_at=NOW,
        category_code="dirty_public_space",
        location=GeoPoint(lon=lon, lat=50.7760),
        departments=["CLEAN"],
        priority=Priority.NORMAL,
        confidentiality=Confidentiality.PUBLIC,
        status=CaseStatus.NEW,
        due_at=NOW + timedelta(days=5),
    )


def changed(case_id: UUID, to: CaseStatus) -> CaseStatusChanged:
    return CaseStatusChanged(
        case_id=case_id,
        case_number="SPL-2026-000009",
        from_status=CaseStatus.NEW,
        to_status=to,
        actor=Actor(kind=ActorKind.SYSTEM),
        changed_at=NOW,
    )


def event(payload: CaseCreated | CaseStatusChanged | CaseMerged) -> Envelope:
    return Envelope.build(payload, tenant_id=LEEUW, correlation_id=uuid7())


async def test_a_batch_takes_one_insert_and_one_update_the_last_change_of_a_case_winning(
    fresh_routing: Any,
) -> None:
    a, b, c = uuid7(), uuid7(), uuid7()
    first = created(a, 4.2310)
    merge = CaseMerged(
        case_id=a, case_number="SPL-2026-000009", merged_case_id=c, supporters=2, merged_at=NOW
    )
    batch = [
        event(first),
        event(created(b, 4.2311)),
        event(first),  # the same creation again (a replay): changes nothing
        event(created(c, 4.2312)),
        event(changed(a, CaseStatus.IN_PROGRESS)),
        event(changed(b, CaseStatus.PLANNED)),
        event(changed(a, CaseStatus.PLANNED)),  # later in the stream: wins
        event(changed(b, CaseStatus.IN_PROGRESS)),  # likewise
        event(merge),
        event(changed(uuid7(), CaseStatus.CLOSED)),  # unknown here: ignored
    ]
    async with tenant_transaction(fresh_routing.sessions, LEEUW) as session:
        connection = await driver_connection(session)
        with statements_sent(connection, "open_case") as statements:
            await handle_case_events(session, batch)

    assert [statement.split()[0] for statement in statements] == ["INSERT", "UPDATE"]
    async with tenant_transaction(fresh_routing.sessions, LEEUW) as session:
        query = select(OpenCase.case_id, OpenCase.status, OpenCase.lat, OpenCase.created_at)
        rows = {row.case_id: row for row in await session.execute(query)}
    assert {case_id: rows[case_id].status for case_id in (a, b, c)} == {
        a: CaseStatus.PLANNED.value,
        b: CaseStatus.IN_PROGRESS.value,
        c: CaseStatus.DUPLICATE.value,
    }
    assert (rows[a].lat, rows[a].created_at) == (50.7760, NOW)
