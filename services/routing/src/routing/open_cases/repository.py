"""SQL of the open-case projection (session bound to the tenant): one driver statement per
case event (ADR 0013)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.events.report import ReportContent
from guichet_contracts.values import CaseStatus
from guichet_kit.db.driver import Row, driver_connection, insert_rows, table_of
from routing.models import OpenCase

_SET_STATUS = "UPDATE routing.open_case SET status = $2 WHERE case_id = $1 RETURNING case_id"


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


async def add_case(session: AsyncSession, case: Row) -> None:
    """From `case.created` (an `open_case_row`)."""
    await insert_rows(session, [case])


async def set_status(session: AsyncSession, case_id: UUID, status: str) -> bool:
    """False when the case is unknown here (created before routing started listening)."""
    connection = await driver_connection(session)
    return await connection.fetchval(_SET_STATUS, case_id, status) is not None
