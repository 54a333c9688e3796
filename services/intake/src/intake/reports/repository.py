"""SQL of report intake: idempotency records, locators, reports and photos."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
from pydantic_core import to_json
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_kit.bus import QueuedEvent
from intake.directory.repository import MunicipalityRef
from intake.models import Photo, Report, ReportLocator


@dataclass(frozen=True)
class StoredResponse:
    request_hash: bytes
    tenant_id: str
    report_id: UUID
    status_code: int
    response: dict[str, Any]


# The hot path of every report: straight to the driver, one statement each (ADR 0014).
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
_PLACE_REPORT = (
    "SELECT intake.place_report($1, $2::text::jsonb, $3::text::jsonb, $4, $5::text::jsonb, "
    "$6, $7, $8, $9::text::jsonb)"
)


@dataclass(frozen=True)
class IdempotencyClaim:
    scope: str
    key: str
    request_hash: bytes
    status_code: int
    response: dict[str, Any]


@dataclass(frozen=True)
class Placement:
    """Everything written for one accepted report (see the `place_report` migration)."""

    tenant_id: str
    idempotency: IdempotencyClaim | None
    report: dict[str, Any]  # the report's columns, with `lon` and `lat` for its point
    token_hash: bytes
    photos: Sequence[dict[str, Any]]
    event: QueuedEvent


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


async def place(connection: asyncpg.Connection, placement: Placement) -> bool:
    """Write the report in one statement, its own transaction; False (nothing written) when
    another request holds the idempotency key."""
    claim = placement.idempotency
    placed: bool = await connection.fetchval(
        _PLACE_REPORT,
        placement.tenant_id,
        None
        if claim is None
        else _json(vars(claim)),  # no deep copy of the response (asdict's cost)
        _json(placement.report),
        placement.token_hash,
        _json(list(placement.photos)),
        placement.event.id,
        placement.event.subject,
        placement.event.payload,
        _json(dict(placement.event.headers)),
    )
    return placed


def _json(value: object) -> str:
    """JSON for a jsonb parameter; bytes as hex (the function decodes them)."""
    return to_json(value, bytes_mode="hex").decode("utf-8")


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
