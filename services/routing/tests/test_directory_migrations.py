"""Routing's migrations: they build what the models declare, with RLS where tenants own rows,
and they can be rolled back and replayed."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from guichet_kit.db.audit import INFRASTRUCTURE_EXEMPTIONS, tenancy_violations
from guichet_kit.db.migrations import downgrade, pending_model_changes, upgrade_async
from guichet_testing.database import ServiceDatabase, TestDatabase, create_test_database
from guichet_testing.stack import StackInfo
from routing.cli import MIGRATIONS_DIR
from routing.models import Base

EXEMPTIONS = {
    **INFRASTRUCTURE_EXEMPTIONS,
    ("routing", "municipality"): "public reference data",
}
SCHEMA = "routing"
TENANT_TABLES = {
    "department",
    "category",
    "subcategory",
    "question",
    "routing_rule",
    "decision",
    "open_case",
    "directory_revision",
}
ALL_TABLES = TENANT_TABLES | {"municipality", "outbox", "inbox"}

_TABLES = text(
    "SELECT c.relname, c.relrowsecurity FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = :schema AND c.relkind = 'r' AND c.relname <> 'alembic_version'"
)


async def _tables(engine: AsyncEngine) -> dict[str, bool]:
    """Table name → row-level security enabled, for the routing schema."""
    async with engine.connect() as connection:
        result = await connection.execute(_TABLES, {"schema": SCHEMA})
        return dict(result.all())


async def test_migrations_build_exactly_the_models(routing_db: ServiceDatabase) -> None:
    changes = await pending_model_changes(
        routing_db.migration_role.url, Base.metadata, schema=SCHEMA
    )
    assert changes == []


async def test_tenant_tables_have_rls_and_municipality_does_not(
    routing_db: ServiceDatabase, admin_engine: AsyncEngine
) -> None:
    async with admin_engine.connect() as connection:
        assert await tenancy_violations(connection, [SCHEMA], EXEMPTIONS) == []
    tables = await _tables(admin_engine)
    assert set(tables) == ALL_TABLES
    assert {name for name, rls in tables.items() if rls} == TENANT_TABLES


async def test_boundary_is_a_multipolygon_column_with_a_gist_index(
    routing_db: ServiceDatabase, admin_engine: AsyncEngine
) -> None:
    async with admin_engine.connect() as connection:
        column = (
            await connection.execute(
                text(
                    "SELECT type, srid FROM geometry_columns "
                    "WHERE f_table_schema = :schema AND f_table_name = 'municipality' "
                    "AND f_geometry_column = 'boundary'"
                ),
                {"schema": SCHEMA},
            )
        ).one()
        index = await connection.scalar(
            text(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = :schema "
                "AND tablename = 'municipality' AND indexdef LIKE '%USING gist (boundary)%'"
            ),
            {"schema": SCHEMA},
        )
    assert tuple(column) == ("MULTIPOLYGON", 4326)
    assert index is not None


async def test_downgrade_to_base_then_upgrade_again(stack: StackInfo) -> None:
    scratch: TestDatabase = await create_test_database(stack.pg_admin_url)
    try:
        migrator = await scratch.create_role("routing_migrator", can_create_schema=True)
        app = await scratch.create_role("routing_app")
        admin = scratch.admin_engine()

        await upgrade_async(MIGRATIONS_DIR, migrator.url, app_role=app.name)
        assert set(await _tables(admin)) == ALL_TABLES

        await asyncio.to_thread(
            downgrade, MIGRATIONS_DIR, migrator.url, revision="base", app_role=app.name
        )
        assert await _tables(admin) == {}

        await upgrade_async(MIGRATIONS_DIR, migrator.url, app_role=app.name)
        assert set(await _tables(admin)) == ALL_TABLES
        assert await pending_model_changes(migrator.url, Base.metadata, schema=SCHEMA) == []
        async with admin.connect() as connection:
            assert await tenancy_violations(connection, [SCHEMA], EXEMPTIONS) == []
        await _app_role_can_write_municipality(scratch.url_for(app.name, app.password))
    finally:
        await scratch.close()


async def _app_role_can_write_municipality(app_url: str) -> None:
    """After replaying the migrations the app role still has its grants on the new tables."""
    engine = create_async_engine(app_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f"SET search_path = {SCHEMA}, public"))
            await connection.execute(
                text(
                    "INSERT INTO municipality (nis, names, languages, case_prefix, boundary) "
                    "VALUES ('99999', CAST(:names AS jsonb), ARRAY['fr'], 'TST', "
                    "ST_Multi(ST_MakeEnvelope(4.0, 50.0, 4.1, 50.1, 4326)))"
                ),
                {"names": '{"fr": "a", "nl": "b", "de": "c", "en": "d"}'},
            )
            await connection.rollback()
    finally:
        await engine.dispose()


async def test_open_cases_written_before_the_latitude_band_get_their_latitude(
    stack: StackInfo,
) -> None:
    """The migration runs as the schema's owner, for whom row-level security is forced: the
    open cases already there must still get their latitude (ADR 0017)."""
    scratch: TestDatabase = await create_test_database(stack.pg_admin_url)
    try:
        migrator = await scratch.create_role("routing_migrator", can_create_schema=True)
        app = await scratch.create_role("routing_app")
        await upgrade_async(
            MIGRATIONS_DIR, migrator.url, revision="f8b430d8774b", app_role=app.name
        )
        await scratch.execute_admin(
            "INSERT INTO routing.open_case (tenant_id, case_id, category_code, status, "
            "created_at, location) VALUES ('23077', gen_random_uuid(), 'graffiti', 'new', now(), "
            "ST_MakePoint(4.25, 50.78)::geography)"
        )
        await upgrade_async(MIGRATIONS_DIR, migrator.url, app_role=app.name)
        async with scratch.admin_engine().connect() as connection:
            latitudes = (await connection.execute(text("SELECT lat FROM routing.open_case"))).all()
        assert [tuple(row) for row in latitudes] == [(50.78,)]
    finally:
        await scratch.close()
