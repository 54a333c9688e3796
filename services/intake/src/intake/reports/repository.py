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
from guichet_kit.db.tenancy import TENANT_SETTING
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
# Every write of an accepted report, in one statement (its own transaction when sent outside
# one: all or nothing, ADR 0014). `bound` binds the town (RLS checks every row written after
# it: each INSERT reads its rows from `placed`, which reads `bound`); `claimed` takes the
# idempotency key, and when another request holds it, `placed` is empty and nothing is written.
# A plain statement, not a PL/pgSQL function: a function's interpreter, its SPI statements and
# its JSON arguments cost ~0.17 ms a report (pg_stat_statements, ADR 0018).
_PLACE = f"""
WITH bound AS (SELECT set_config('{TENANT_SETTING}', $1::text, true) AS tenant),
claimed AS (
    INSERT INTO intake.idempotency_record
        (scope, key, request_hash, tenant_id, report_id, status_code, response)
    SELECT $2::text, $3::text, $4::bytea, bound.tenant, $7::uuid, $5::smallint, $6::text::jsonb
    FROM bound WHERE $3::text IS NOT NULL
    ON CONFLICT (scope, key) DO NOTHING
    RETURNING tenant_id),
placed AS (
    SELECT bound.tenant FROM bound WHERE $3::text IS NULL
    UNION ALL
    SELECT claimed.tenant_id FROM claimed),
located AS (
    INSERT INTO intake.report_locator (tracking_number, tenant_id, report_id, token_hash)
    SELECT $8::text, placed.tenant, $7::uuid, $27::bytea FROM placed),
reported AS (
    INSERT INTO intake.report (
        id, tenant_id, tracking_number, submitted_at, channel, received_via, category_code,
        subcategory_code, description, location, address, language, reporter_kind,
        account_subject, is_staff, contact_name, contact_email, contact_phone, answers,
        correlation_id)
    SELECT $7::uuid, placed.tenant, $8::text, $9::timestamptz, $10::text, $11::text, $12::text,
           $13::text, $14::text, ST_SetSRID(ST_MakePoint($15::float8, $16::float8), 4326),
           $17::text, $18::text, $19::text, $20::text, $21::boolean, $22::text, $23::text,
           $24::text, $25::text::jsonb, $26::uuid
    FROM placed),
photographed AS (
    INSERT INTO intake.photo (
        id, tenant_id, report_id, position, object_key, thumbnail_key, content_type,
        original_type, width, height, size_bytes)
    SELECT photo.id, placed.tenant, $7::uuid, photo.position, photo.object_key,
           photo.thumbnail_key, photo.content_type, photo.original_type, photo.width,
           photo.height, photo.size_bytes
    FROM placed, unnest($28::uuid[], $29::smallint[], $30::text[], $31::text[], $32::text[],
                        $33::text[], $34::integer[], $35::integer[], $36::integer[])
        AS photo(id, position, object_key, thumbnail_key, content_type, original_type, width,
                 height, size_bytes)),
queued AS (
    INSERT INTO intake.outbox (id, subject, payload, headers)
    SELECT $37::uuid, $38::text, $39::bytea, $40::text::jsonb FROM placed)
SELECT EXISTS (SELECT FROM placed)
"""  # noqa: S608 (a constant setting name)
# The report's values in the order of $8-$26 ($7: `id`), then the photos' in that of $28-$36.
_REPORT_VALUES = (
    "tracking_number", "submitted_at", "channel", "received_via", "category_code",
    "subcategory_code", "description", "lon", "lat", "address", "language", "reporter_kind",
    "account_subject", "is_staff", "contact_name", "contact_email", "contact_phone", "answers",
    "correlation_id",
)  # fmt: skip
_PHOTO_VALUES = (
    "id", "position", "object_key", "thumbnail_key", "content_type", "original_type", "width",
    "height", "size_bytes",
)  # fmt: skip


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
    report = placement.report
    placed: bool = await connection.fetchval(
        _PLACE,
        placement.tenant_id,
        *(_claim_values(claim) if claim is not None else (None,) * 5),
        report["id"],
        *(_json(report[name]) if name == "answers" else report[name] for name in _REPORT_VALUES),
        placement.token_hash,
        *([photo[name] for photo in placement.photos] for name in _PHOTO_VALUES),
        placement.event.id,
        placement.event.subject,
        placement.event.payload,
        _json(dict(placement.event.headers)),
    )
    return placed


def _claim_values(claim: IdempotencyClaim) -> tuple[object, ...]:
    return (claim.scope, claim.key, claim.request_hash, claim.status_code, _json(claim.response))


def _json(value: object) -> str:
    """JSON text for a jsonb parameter."""
    return to_json(value).decode("utf-8")


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
