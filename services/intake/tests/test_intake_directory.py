"""The directory projection: a snapshot replaces its town's data when newer, never when older;
boundaries answer point-in-municipality, deterministically on a shared border."""

from __future__ import annotations

import asyncio

from nats.js import JetStreamContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from guichet_kit.db import create_session_factory, set_tenant
from guichet_kit.db.driver import pooled_driver_connection
from guichet_testing.database import ServiceDatabase, TestDatabase
from guichet_testing.directory import (
    EUPEN,
    LEEUW,
    SOIGNIES,
    category,
    handled,
    projected_revision,
    publish,
    snapshot,
    wait_for_revision,
)
from intake.directory.handlers import DURABLE
from intake.directory.repository import categories
from intake.reports.repository import locate

SCHEMA = "intake"


def app_sessions(database: TestDatabase, db: ServiceDatabase) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(database.engine(db.app_role, schema=SCHEMA))


async def _codes(sessions: async_sessionmaker[AsyncSession], nis: str) -> list[str]:
    async with sessions() as session, session.begin():
        await set_tenant(session, nis)
        return [c.code for c in await categories(session, nis)]


async def test_newer_snapshot_replaces_older_is_ignored(
    directory: dict[str, int],
    js: JetStreamContext,
    admin_engine: AsyncEngine,
    intake_database: TestDatabase,
    intake_db: ServiceDatabase,
) -> None:
    sessions = app_sessions(intake_database, intake_db)
    assert await _codes(sessions, EUPEN) == ["strasse"]
    newer = directory[EUPEN] + 1
    await publish(js, snapshot(EUPEN, newer, [category("strasse"), category("laerm")]))
    await wait_for_revision(admin_engine, SCHEMA, EUPEN, newer)
    assert await _codes(sessions, EUPEN) == ["strasse", "laerm"]

    # An older revision arriving late changes nothing; a newer one after it still applies.
    older = snapshot(EUPEN, newer - 5, [category("alt")])
    await publish(js, older)
    deadline = asyncio.get_running_loop().time() + 10
    while not await handled(admin_engine, SCHEMA, DURABLE, str(older.id)):
        assert asyncio.get_running_loop().time() < deadline, "older snapshot never handled"
        await asyncio.sleep(0.05)
    assert await projected_revision(admin_engine, SCHEMA, EUPEN) == newer
    assert await _codes(sessions, EUPEN) == ["strasse", "laerm"]
    await publish(js, snapshot(EUPEN, newer + 1, [category("laerm")]))
    await wait_for_revision(admin_engine, SCHEMA, EUPEN, newer + 1)
    assert await _codes(sessions, EUPEN) == ["laerm"]

    # Back to the session's data for the other tests.
    await publish(js, snapshot(EUPEN, newer + 2))
    await wait_for_revision(admin_engine, SCHEMA, EUPEN, newer + 2)
    assert await _codes(sessions, EUPEN) == ["strasse"]


async def test_categories_are_tenant_isolated(
    directory: dict[str, int], intake_database: TestDatabase, intake_db: ServiceDatabase
) -> None:
    sessions = app_sessions(intake_database, intake_db)
    async with sessions() as session, session.begin():
        await set_tenant(session, SOIGNIES)
        visible = (
            await session.execute(text("SELECT DISTINCT tenant_id FROM intake.category"))
        ).scalars()
        assert list(visible) == [SOIGNIES]
    async with sessions() as session, session.begin():
        # No tenant bound: no category at all.
        assert (await session.execute(text("SELECT count(*) FROM intake.category"))).scalar() == 0


async def test_point_in_municipality_and_shared_border(
    directory: dict[str, int], intake_database: TestDatabase, intake_db: ServiceDatabase
) -> None:
    engine = intake_database.engine(intake_db.app_role, schema=SCHEMA)
    async with pooled_driver_connection(engine) as connection:
        inside, border, east, outside = [
            (await locate(connection, lat, lon, "anonymous", None)).town
            for lat, lon in ((50.75, 4.25), (50.75, 4.30), (50.75, 4.35), (51.2, 3.2))
        ]
    assert inside is not None
    assert inside.nis == LEEUW
    assert inside.names["nl"] == "Sint-Pieters-Leeuw"
    assert border is not None
    assert border.nis == LEEUW
    assert east is not None
    assert east.nis == EUPEN
    assert outside is None
