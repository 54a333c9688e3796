"""`repository.place`: one statement writes an accepted report, all or nothing, once per key,
and hands its event to the relay once written."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from guichet_contracts.envelope import Envelope
from guichet_contracts.events.case import CaseMerged
from guichet_contracts.ids import uuid7
from guichet_kit.bus import QueuedEvent
from guichet_kit.db.driver import pooled_driver_connection
from guichet_testing.database import ServiceDatabase, TestDatabase
from guichet_testing.directory import LEEUW
from intake.reports.repository import IdempotencyClaim, Placement, place

SCHEMA = "intake"


def _report(report_id: UUID) -> dict[str, Any]:
    return {
        "id": report_id,
        "tracking_number": f"T{report_id.hex[:13].upper()}",
        "submitted_at": datetime(2026, 11, 28, 10, tzinfo=UTC),
        "channel": "web",
        "received_via": None,
        "category_code": "sluikstort",
        "subcategory_code": None,
        "description": "Zakken afval",
        "address": None,
        "language": "nl",
        "reporter_kind": "anonymous",
        "account_subject": None,
        "is_staff": False,
        "contact_name": None,
        "contact_email": None,
        "contact_phone": None,
        "answers": {"volume": "1 m³"},
        "correlation_id": uuid4(),
        "lon": 4.25,
        "lat": 50.75,
    }


def _photo(photo_id: UUID) -> dict[str, Any]:
    return {
        "id": photo_id,
        "position": 0,
        "object_key": f"{LEEUW}/reports/x/{photo_id}.jpg",
        "thumbnail_key": f"{LEEUW}/reports/x/{photo_id}-thumb.jpg",
        "content_type": "image/jpeg",
        "original_type": "image/png",
        "width": 10,
        "height": 10,
        "size_bytes": 100,
    }


def _event() -> Envelope:
    """Any event will do: `place` queues what it is given."""
    merged = CaseMerged(
        case_id=uuid7(), case_number="SPL-2026-000001", supporters=1, merged_at=datetime.now(UTC)
    )
    return Envelope.build(merged, tenant_id=LEEUW, correlation_id=uuid7())


async def _place(
    engine: AsyncEngine,
    admin: AsyncEngine,
    report_id: UUID,
    key: str,
    photos: list[dict[str, Any]],
) -> bool:
    """Places the report, then takes its outbox row away (no app relays it here); its event
    is handed over if, and only if, it was written."""
    event = _event()
    claim = IdempotencyClaim("anonymous", key, b"\x00\xff", 201, {"report_id": str(report_id)})
    placement = Placement(LEEUW, claim, _report(report_id), b"h" * 32, photos, event)
    handed: list[QueuedEvent] = []
    async with pooled_driver_connection(engine) as connection:
        try:
            placed = await place(connection, placement, handed.extend)
        finally:
            assert connection.is_in_transaction() is False  # the statement was its own
    async with admin.begin() as connection:
        await connection.execute(text("DELETE FROM intake.outbox WHERE id = :id"), {"id": event.id})
    assert [queued.id for queued in handed] == ([event.id] if placed else [])
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


async def test_a_report_without_key_is_written_whole_under_its_town(
    intake_database: TestDatabase, intake_db: ServiceDatabase, admin_engine: AsyncEngine
) -> None:
    """Through row-level security as the app role: the statement binds the town first."""
    engine = intake_database.engine(intake_db.app_role, schema=SCHEMA)
    report_id, photo_id = uuid4(), uuid4()
    event = _event()
    photos = [_photo(photo_id)]
    placement = Placement(LEEUW, None, _report(report_id), b"t" * 32, photos, event)
    async with pooled_driver_connection(engine) as connection:
        assert await place(connection, placement, lambda events: None) is True

    async with admin_engine.connect() as admin:

        async def one(sql: str, row_id: UUID) -> Any:
            return (await admin.execute(text(sql), {"id": row_id})).one()

        report = await one(
            "SELECT tenant_id, answers, ST_X(location) AS lon, ST_Y(location) AS lat,"
            " submitted_at FROM intake.report WHERE id = :id",
            report_id,
        )
        photo = await one(
            "SELECT tenant_id, report_id, position, width FROM intake.photo WHERE id = :id",
            photo_id,
        )
        queued = await one("SELECT payload, headers FROM intake.outbox WHERE id = :id", event.id)
        (token,) = await one(
            "SELECT token_hash FROM intake.report_locator WHERE report_id = :id", report_id
        )
    async with admin_engine.begin() as admin:  # no app relays it here
        await admin.execute(text("DELETE FROM intake.outbox WHERE id = :id"), {"id": event.id})
    assert tuple(report) == (
        LEEUW,
        {"volume": "1 m³"},
        4.25,
        50.75,
        datetime(2026, 11, 28, 10, tzinfo=UTC),
    )
    assert tuple(photo) == (LEEUW, report_id, 0, 10)
    assert (bytes(queued.payload), queued.headers) == (event.to_bytes(), {})
    assert bytes(token) == b"t" * 32


async def test_no_function_of_an_earlier_write_is_left(admin_engine: AsyncEngine) -> None:
    async with admin_engine.connect() as admin:
        found = await admin.execute(text("SELECT to_regproc('intake.place_report')"))
        assert found.scalar_one() is None
