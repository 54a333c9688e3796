"""SQL of report intake: idempotency records, locators, reports and photos."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.envelope import Envelope
from guichet_kit.bus import HandOver, commit_with_events
from guichet_kit.db.driver import Row, table_of
from intake.directory.repository import MunicipalityRef
from intake.models import IdempotencyRecord, Photo, Report, ReportLocator, outbox


@dataclass(frozen=True)
class StoredResponse:
    request_hash: bytes
    tenant_id: str
    report_id: UUID
    status_code: int
    response: dict[str, Any]


# The hot path of every report: straight to the driver, one statement each (ADR 0020).
_FIND_IDEMPOTENCY = (
    "SELECT request_hash, tenant_id, report_id, status_code, response::text AS response "
    "FROM intake.idempotency_record WHERE scope = $1 AND key = $2"
)
# The municipality covering the point (on a shared border the lowest NIS code wins, so the
# answer never depends on row order) and the earlier answer to the idempotency key, if any.
_LOCATE = """
SELECT town.nis, town.names::text AS names, town.languages, town.revision,
       earlier.request_hash, earlier.tenant_id, earlier.report_id, earlier.status_code,
       earlier.response::text AS response
FROM (SELECT 1) AS one
LEFT JOIN LATERAL (
    SELECT nis, names, languages, revision FROM intake.municipality
    WHERE ST_Covers(boundary, ST_SetSRID(ST_MakePoint($2, $1), 4326))
    ORDER BY nis LIMIT 1
) AS town ON true
LEFT JOIN intake.idempotency_record AS earlier ON earlier.scope = $3 AND earlier.key = $4
"""


@dataclass(frozen=True)
class IdempotencyClaim:
    scope: str
    key: str
    request_hash: bytes
    status_code: int
    response: dict[str, Any]


@dataclass(frozen=True)
class Placement:
    """Everything written for one accepted report (`place`)."""

    tenant_id: str
    idempotency: IdempotencyClaim | None
    report: Mapping[str, Any]  # the report's columns, with `lon` and `lat` for its point
    token_hash: bytes
    photos: Sequence[Mapping[str, Any]]
    event: Envelope


@dataclass(frozen=True)
class Located:
    town: MunicipalityRef | None  # None: outside every hosted municipality
    earlier: StoredResponse | None  # the answer already given to this idempotency key


async def locate(
    connection: asyncpg.Connection, lat: float, lon: float, scope: str, key: str | None
) -> Located:
    """Where a new report goes and whether its key was answered already: one statement."""
    row = await connection.fetchrow(_LOCATE, lat, lon, scope, key)
    assert row is not None  # one row, whatever matched
    town = None
    if row["nis"] is not None:
        names = json.loads(row["names"])
        town = MunicipalityRef(row["nis"], names, list(row["languages"]), row["revision"])
    return Located(town, _stored(row) if row["request_hash"] is not None else None)


async def find_idempotency(
    connection: asyncpg.Connection, scope: str, key: str
) -> StoredResponse | None:
    row = await connection.fetchrow(_FIND_IDEMPOTENCY, scope, key)
    return None if row is None else _stored(row)


def _stored(row: asyncpg.Record) -> StoredResponse:
    return StoredResponse(
        bytes(row["request_hash"]),
        row["tenant_id"],
        row["report_id"],
        row["status_code"],
        json.loads(row["response"]),
    )


async def place(connection: asyncpg.Connection, placement: Placement, hand_over: HandOver) -> bool:
    """Write the report in one statement, its own transaction (ADR 0020): bound to its town,
    gated by its idempotency key. False, and nothing written, when another request holds
    the key; once written, its event goes to `hand_over` (the relay)."""
    tenant, report_id = placement.tenant_id, placement.report["id"]
    owned = {"tenant_id": tenant, "report_id": report_id}
    locator = {"tracking_number": placement.report["tracking_number"], **owned}
    rows = [
        Row(table_of(ReportLocator), {**locator, "token_hash": placement.token_hash}),
        Row(table_of(Report), {**placement.report, "tenant_id": tenant}, _POINT),
        *(Row(table_of(Photo), {**photo, **owned}) for photo in placement.photos),
    ]
    claim = placement.idempotency
    return await commit_with_events(
        connection,
        hand_over,
        rows,
        outbox,
        [placement.event],
        tenant=tenant,
        claim=None if claim is None else _claim_row(claim, owned),
    )


# The report's point, from the `lon` and `lat` of its row.
_POINT = {"location": "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"}


def _claim_row(claim: IdempotencyClaim, owned: Mapping[str, Any]) -> Row:
    values = {
        "scope": claim.scope,
        "key": claim.key,
        "request_hash": claim.request_hash,
        **owned,
        "status_code": claim.status_code,
        "response": claim.response,
    }
    return Row(table_of(IdempotencyRecord), values)


async def find_locator(session: AsyncSession, tracking_number: str) -> ReportLocator | None:
    return (
        await session.execute(
            select(ReportLocator).where(ReportLocator.tracking_number == tracking_number)
        )
    ).scalar_one_or_none()


async def get_report(session: AsyncSession, report_id: UUID) -> tuple[Report, float, float] | None:
    """The report with its point as (lat, lon); session bound to the report's tenant."""
    row = (
        await session.execute(
            select(Report, func.ST_Y(Report.location), func.ST_X(Report.location)).where(
                Report.id == report_id
            )
        )
    ).first()
    if row is None:
        return None
    return row[0], float(row[1]), float(row[2])


async def get_photos(session: AsyncSession, report_id: UUID) -> list[Photo]:
    result = await session.execute(
        select(Photo).where(Photo.report_id == report_id).order_by(Photo.position)
    )
    return list(result.scalars())
