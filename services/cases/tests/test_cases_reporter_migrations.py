"""The reporter-access migration can be rolled back and replayed, leaving exactly the models,
RLS on the new tenant tables and none on the tracking-number locator."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cases.cli import MIGRATIONS_DIR
from cases.models import Base
from guichet_kit.db.audit import INFRASTRUCTURE_EXEMPTIONS, tenancy_violations
from guichet_kit.db.migrations import downgrade, pending_model_changes, upgrade_async
from guichet_testing.database import TestDatabase, create_test_database
from guichet_testing.stack import StackInfo

SCHEMA = "cases"
PREVIOUS = "3b1f0c7d9e21"  # before the reporter-access migrations
NEW_TABLES = {"case_locator", "case_settings", "case_attachment"}
EXEMPTIONS = {
    **INFRASTRUCTURE_EXEMPTIONS,
    ("cases", "directory_municipality"): "public reference data",
    ("cases", "case_locator"): "tracking number lookup before the tenant is known",
}
_TABLES = text(
    "SELECT c.relname, c.relrowsecurity FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = :schema AND c.relkind = 'r' AND c.relname <> 'alembic_version'"
)
_COLUMNS = text(
    "SELECT table_name || '.' || column_name FROM information_schema.columns "
    "WHERE table_schema = :schema AND column_name IN "
    "('reporter_subject', 'tracking_token_hash', 'author_kind')"
)


async def _tables(engine: AsyncEngine) -> dict[str, bool]:
    async with engine.connect() as connection:
        return dict((await connection.execute(_TABLES, {"schema": SCHEMA})).all())


async def _reporter_columns(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set((await connection.execute(_COLUMNS, {"schema": SCHEMA})).scalars())


async def test_reporter_access_migration_rolls_back_and_replays(stack: StackInfo) -> None:
    scratch: TestDatabase = await create_test_database(stack.pg_admin_url)
    try:
        migrator = await scratch.create_role("cases_migrator", can_create_schema=True)
        app = await scratch.create_role("cases_app")
        admin = scratch.admin_engine()
        await upgrade_async(MIGRATIONS_DIR, migrator.url, app_role=app.name)
        tables = await _tables(admin)
        assert set(tables) >= NEW_TABLES
        assert (tables["case_locator"], tables["case_settings"], tables["case_attachment"]) == (
            False,
            True,
            True,
        )
        assert len(await _reporter_columns(admin)) == 6

        await asyncio.to_thread(
            downgrade, MIGRATIONS_DIR, migrator.url, revision=PREVIOUS, app_role=app.name
        )
        assert not NEW_TABLES & set(await _tables(admin))
        assert await _reporter_columns(admin) == set()

        await upgrade_async(MIGRATIONS_DIR, migrator.url, app_role=app.name)
        assert await pending_model_changes(migrator.url, Base.metadata, schema=SCHEMA) == []
        async with admin.connect() as connection:
            assert await tenancy_violations(connection, [SCHEMA], EXEMPTIONS) == []
    finally:
        await scratch.close()
