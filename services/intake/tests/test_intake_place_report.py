"""intake.place_report(): one statement writes an accepted report, all or nothing."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from guichet_kit.db.driver import pooled_driver_connection
from guichet_testing.database import ServiceDatabase, TestDatabase
from guichet_testing.directory import LEEUW

SCHEMA = "intake"
PLACE = (
    "SELECT intake.place_report($1, $2::jsonb, $3::jsonb, $4, $5::jsonb, $6, $7, $8, '{}'::jsonb)"
)


def _report(report_id: UUID) -> dict[str, Any]:
    return {
        "id": str(report_id),
        "tracking_number": f"T{report_id.hex[:13].upper()}",
        "submitted_at": "2026-11-28T10:00:00Z",
        "channel": "web",
        "category_code": "sluikstort",
        "description": "Zakken afval",
        "language": "nl",
        "reporter_kind": "anonymous",
        "is_staff": False,
        "answers": {},
        "correlation_id": str(uuid4()),
        "lon": 4.25,
        "lat": 50.75,
    }


def _photo(photo_id: UUID) -> dict[str, Any]:
    return {
        "id": str(photo_id),
        "position": 0,
        "object_key": f"{LEEUW}/reports/x/{photo_id}.jpg",
        "thumbnail_key": f"{LEEUW}/reports/x/{photo_id}-thumb.jpg",
        "content_type": "image/jpeg",
        "original_type": "image/png",
        "width": 10,
        "height": 10,
        "size_bytes": 100,
    }


async def _place(
    engine: AsyncEngine,
    admin: AsyncEngine,
    report_id: UUID,
    key: str,
    photos: list[dict[str, Any]],
) -> bool:
    """Calls the function, then takes its outbox row away (no app relays it here)."""
    event_id = uuid4()
    claim = {
        "scope": "anonymous",
        "key": key,
        "request_hash": "00ff",
        "status_code": 201,
        "response": {"report_id": str(report_id)},
    }
    async with pooled_driver_connection(engine) as connection:
        placed: bool = await connection.fetchval(
            PLACE,
            LEEUW,
            json.dumps(claim),
            json.dumps(_report(report_id)),
            b"h" * 32,
            json.dumps(photos),
            event_id,
            "report.submitted.v1",
            b"{}",
        )
    async with admin.begin() as connection:
        await connection.execute(text("DELETE FROM intake.outbox WHERE id = :id"), {"id": event_id})
    return placed


async def _rows(admin: AsyncEngine, report_id: UUID, key: str) -> dict[str, int]:
    queries = {
        "idempotency": "SELECT count(*) FROM intake.idempotency_record WHERE key = :key",
        "locator": "SELECT count(*) FROM intake.report_locator WHERE report_id = :id",
        "report": "SELECT count(*) FROM intake.report WHERE id = :id AND tenant_id = :nis",
        "photo": "SELECT count(*) FROM intake.photo WHERE report_id = :id",
    }
    async with admin.connect() as connection:
        return {
            name: (
                await connection.execute(text(sql), {"id": report_id, "key": key, "nis": LEEUW})
            ).scalar_one()
            for name, sql in queries.items()
        }


async def test_a_failing_write_leaves_nothing(
    intake_database: TestDatabase, intake_db: ServiceDatabase, admin_engine: AsyncEngine
) -> None:
    engine = intake_database.engine(intake_db.app_role, schema=SCHEMA)
    report_id, key = uuid4(), str(uuid4())
    same = _photo(uuid4())
    with pytest.raises(asyncpg.UniqueViolationError):  # the photo insert fails, after the others
        await _place(engine, admin_engine, report_id, key, [same, {**same, "position": 1}])
    assert await _rows(admin_engine, report_id, key) == dict.fromkeys(
        ("idempotency", "locator", "report", "photo"), 0
    )


async def test_a_report_is_written_once_per_key(
    intake_database: TestDatabase, intake_db: ServiceDatabase, admin_engine: AsyncEngine
) -> None:
    engine = intake_database.engine(intake_db.app_role, schema=SCHEMA)
    first, second, key = uuid4(), uuid4(), str(uuid4())
    assert await _place(engine, admin_engine, first, key, [_photo(uuid4())]) is True
    assert (
        await _place(engine, admin_engine, second, key, []) is False
    )  # the key is taken: nothing written
    assert await _rows(admin_engine, first, key) == {
        "idempotency": 1,
        "locator": 1,
        "report": 1,
        "photo": 1,
    }
    assert await _rows(admin_engine, second, key) == {
        "idempotency": 1,  # the first one's
        "locator": 0,
        "report": 0,
        "photo": 0,
    }
