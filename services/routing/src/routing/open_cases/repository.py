"""SQL of the open-case projection (session bound to the tenant): driver statements (ADR 0013),
one for a batch's new cases and one for its status changes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.events.report import ReportContent
from guichet_contracts.values import CaseStatus
from guichet_kit.db.driver import Row, driver_connection, insert_rows, table_of
from routing.models import OpenCase

_SET_STATUSES = """
UPDATE routing.open_case AS open_case SET status = change.status
FROM unnest($1::uuid[], $2::text[]) AS change(case_id, status)
WHERE open_case.case_id = change.case_id
RETURNING open_case.case_id
"""


def open_case_row(
    *,
    tenant_id: str,
    case_id: UUID,
    category_code: str,
    lon: float,
    lat: float,
    status: str,
    created_at: datetime,
) -> Row:
    """An open case; an existing one is left as it is (a redelivered `case.created`, or the
    `case.created` of a case routing recorded at its decision, ADR 0016)."""
    values = {
        "tenant_id": tenant_id,
        "case_id": case_id,
        "category_code": category_code,
        "status": status,
        "created_at": created_at,
        "lon": lon,
        "lat": lat,
    }
    point = "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography"
    return Row(table_of(OpenCase), values, {"location": point}, "ON CONFLICT (case_id) DO NOTHING")


def opened_by(tenant_id: str, report: ReportContent) -> Row:
    """The case a report opens, known here from the decision on: cases gives it the report's
    id (ADR 0016), so a second report of the same spot a moment later is already its
    duplicate."""
    return open_case_row(
        tenant_id=tenant_id,
        case_id=report.report_id,
        category_code=report.category_code,
        lon=report.location.lon,
        lat=report.location.lat,
        status=CaseStatus.NEW.value,
        created_at=report.submitted_at,
    )


async def add_cases(session: AsyncSession, cases: Sequence[Row]) -> None:
    """From `case.created` (`open_case_row`s), in one statement."""
    await insert_rows(session, cases)


async def set_statuses(session: AsyncSession, statuses: Mapping[UUID, str]) -> set[UUID]:
    """Each case to its status, in one statement; the cases changed, without those unknown
    here (created before routing started listening). Sorted by case, so that replicas
    tend to take the row locks in one order."""
    ordered = sorted(statuses.items())
    connection = await driver_connection(session)
    rows = await connection.fetch(
        _SET_STATUSES, [case_id for case_id, _ in ordered], [status for _, status in ordered]
    )
    return {row["case_id"] for row in rows}
