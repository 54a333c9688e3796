"""Intake's case projection fed a fetched batch at once (the `intake-cases` batch handler)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from guichet_contracts.envelope import Envelope
from guichet_contracts.events.case import CaseCreated, CaseStatusChanged
from guichet_contracts.ids import uuid7
from guichet_contracts.values import (
    Actor,
    ActorKind,
    CaseStatus,
    Confidentiality,
    GeoPoint,
    Priority,
)
from guichet_kit.db import create_session_factory, tenant_transaction
from guichet_kit.db.driver import driver_connection
from guichet_testing.database import ServiceDatabase, TestDatabase
from guichet_testing.directory import LEEUW
from guichet_testing.statements import statements_sent
from intake.models import CaseReport, CaseView
from intake.open311.handlers import on_case_events

NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
async def sessions(
    intake_database: TestDatabase, intake_db: ServiceDatabase
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """The app role's sessions: row-level security applies."""
    engine = intake_database.engine(intake_db.app_role, schema="intake", service_name="intake")
    yield create_session_factory(engine)
    await engine.dispose()


def created(number: int, confidentiality: Confidentiality = Confidentiality.PUBLIC) -> CaseCreated:
    return CaseCreated(
        case_id=uuid7(),
        case_number=f"SPL-2026-{number:06d}",
        report_id=uuid7(),
        tracking_number=f"T-{number}",
        created_at=NOW - timedelta(minutes=number),
        category_code="wegdek",
        location=GeoPoint(lat=50.75, lon=4.25),
        departments=[f"dept-{number}", "other"],
        priority=Priority.NORMAL,
        confidentiality=confidentiality,
        status=CaseStatus.NEW,
        due_at=NOW + timedelta(days=number),
    )


def resolved(case: CaseCreated, message: str) -> CaseStatusChanged:
    return CaseStatusChanged(
        case_id=case.case_id,
        case_number=case.case_number,
        from_status=case.status,
        to_status=CaseStatus.RESOLVED,
        public_message=message,
        actor=Actor(kind=ActorKind.STAFF, subject="agent-1"),
        changed_at=NOW,
    )


def event(payload: CaseCreated | CaseStatusChanged) -> Envelope:
    return Envelope.build(payload, tenant_id=LEEUW, correlation_id=uuid7())


async def test_new_cases_of_a_batch_take_one_statement_and_a_later_change_applies(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    cases = [created(1), created(2, Confidentiality.CONFIDENTIAL), created(3)]
    batch = [
        *(event(case) for case in cases),
        event(cases[1]),  # the same creation again (a replay): changes nothing
        event(resolved(cases[0], "Hersteld")),  # after its creation, in the same batch
    ]
    async with tenant_transaction(sessions, LEEUW) as session:
        connection = await driver_connection(session)
        # The driver's statements (the ORM's, for the status change, are not logged).
        with statements_sent(connection, "intake") as statements:
            await on_case_events(session, batch)

    [creation] = statements
    assert "case_view" in creation
    assert "case_report" in creation
    async with tenant_transaction(sessions, LEEUW) as session:
        ids = [case.case_id for case in cases]
        views = await session.execute(select(CaseView).where(CaseView.case_id.in_(ids)))
        stored = {view.case_id: view for view in views.scalars()}
        links = await session.execute(select(CaseReport.report_id, CaseReport.case_id))
        reports = {link.report_id: link.case_id for link in links}
    for case in cases:
        view = stored[case.case_id]
        assert (view.case_number, view.confidentiality, view.department, view.due_at) == (
            case.case_number,
            case.confidentiality.value,
            case.departments[0],
            case.due_at,
        )
        assert (view.tenant_id, view.created_at) == (LEEUW, case.created_at)
        assert reports[case.report_id] == case.case_id
    first, second, third = (stored[case.case_id] for case in cases)
    assert (first.status, first.status_notes, first.updated_at) == ("resolved", "Hersteld", NOW)
    for untouched, case in ((second, cases[1]), (third, cases[2])):
        assert (untouched.status, untouched.status_notes) == ("new", None)
        assert untouched.updated_at == case.created_at
