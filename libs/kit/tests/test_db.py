"""Engine, naming convention, migrations helpers and role provisioning on real PostgreSQL."""

from __future__ import annotations

import asyncio
import importlib
import io
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from guichet_kit.db import create_session_factory, ensure_app_role
from guichet_kit.db.engine import async_url, create_engine
from guichet_kit.db.migrations import (
    APP_ROLE_ATTRIBUTE,
    URL_ATTRIBUTE,
    downgrade,
    pending_model_changes,
    upgrade_async,
)
from guichet_kit.settings import KitSettings
from guichet_testing.database import (
    ServiceDatabase,
    TestDatabase,
    create_test_database,
    provision_service_schema,
)
from guichet_testing.stack import StackInfo

MIGRATIONS = Path(__file__).parent / "kit_migrations"
SCHEMA = "kit_rls"

# The test models live next to their migrations (env.py imports them the same way).
sys.path.insert(0, str(MIGRATIONS))
kit_test_models = importlib.import_module("kit_test_models")
Base = kit_test_models.Base
Note = kit_test_models.Note


@pytest.fixture(scope="module")
async def kit_schema(database: TestDatabase) -> ServiceDatabase:
    return await database.service_schema(SCHEMA, MIGRATIONS)


@pytest.fixture
async def scratch_database(stack: StackInfo) -> AsyncIterator[TestDatabase]:
    """A database of its own, for tests that move the schema up and down."""
    scratch = await create_test_database(stack.pg_admin_url)
    try:
        yield scratch
    finally:
        await scratch.close()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u:p@h:5/d", "postgresql+asyncpg://u:p@h:5/d"),
        ("postgres://u@h/d", "postgresql+asyncpg://u@h/d"),
        ("postgresql+asyncpg://u@h/d", "postgresql+asyncpg://u@h/d"),
    ],
)
def test_async_url(url: str, expected: str) -> None:
    assert async_url(url) == expected


def test_other_drivers_are_refused() -> None:
    with pytest.raises(ValueError, match="postgresql"):
        async_url("mysql://u@h/d")


def test_invalid_schema_names_are_refused() -> None:
    with pytest.raises(ValueError, match="invalid SQL identifier"):
        create_engine(KitSettings(database_schema="intake; DROP TABLE x"))


def test_naming_convention_gives_postgres_style_names() -> None:
    table = Note.__table__
    assert table.schema == SCHEMA
    assert {index.name for index in table.indexes} == {"ix_notes_tenant_id", "ix_notes_location"}
    assert table.primary_key.name == "notes_pkey"


async def test_engine_connects_with_service_schema_jit_off_and_app_name(
    database: TestDatabase, kit_schema: ServiceDatabase
) -> None:
    settings = KitSettings(
        database_url=kit_schema.app_role.url,
        database_schema=SCHEMA,
        service_name="kit-db-test",
        database_pool_size=3,
        database_max_overflow=1,
    )
    engine = create_engine(settings)
    try:
        assert engine.pool.size() == 3  # type: ignore[attr-defined]
        async with engine.connect() as connection:
            row = (
                await connection.execute(
                    text(
                        "SELECT current_setting('search_path'), current_setting('jit'), "
                        "current_setting('application_name'), current_user"
                    )
                )
            ).one()
            assert tuple(row) == (
                f"{SCHEMA},public",
                "off",
                "kit-db-test",
                kit_schema.app_role.name,
            )
            # Unqualified names resolve to the service schema, PostGIS to public.
            await connection.execute(text("SELECT count(*) FROM notes"))
            await connection.execute(text("SELECT ST_AsText(ST_MakePoint(1, 2))"))
    finally:
        await engine.dispose()


async def test_session_factory_keeps_objects_usable_after_commit(
    database: TestDatabase, kit_schema: ServiceDatabase
) -> None:
    sessions = create_session_factory(database.engine(kit_schema.app_role, schema=SCHEMA))
    async with sessions() as session:
        await session.execute(text("SELECT set_config('app.tenant_id', '63023', true)"))
        note = Note(tenant_id="63023", body="Eupen")
        session.add(note)
        await session.commit()
        assert note.body == "Eupen"  # no refresh (and no lazy IO) after commit
        assert note.id is not None


async def test_models_and_migrations_agree(kit_schema: ServiceDatabase) -> None:
    assert (
        await pending_model_changes(kit_schema.migration_role.url, Base.metadata, schema=SCHEMA)
        == []
    )


async def test_drift_between_models_and_migrations_is_reported(
    scratch_database: TestDatabase,
) -> None:
    service = await provision_service_schema(
        scratch_database, schema=SCHEMA, script_location=MIGRATIONS
    )
    await scratch_database.execute_admin("ALTER TABLE kit_rls.notes DROP COLUMN body")
    changes = await pending_model_changes(service.migration_role.url, Base.metadata, schema=SCHEMA)
    assert [change[0] for change in changes] == ["add_column"]
    assert changes[0][3].name == "body"


async def test_migrations_go_down_and_up_again(scratch_database: TestDatabase) -> None:
    service = await provision_service_schema(
        scratch_database, schema=SCHEMA, script_location=MIGRATIONS
    )
    url, role = service.migration_role.url, service.app_role.name
    await asyncio.to_thread(downgrade, MIGRATIONS, url, revision="base", app_role=role)
    async with scratch_database.admin_engine().connect() as connection:
        tables = await connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY 1"), {"s": SCHEMA}
        )
        assert [row[0] for row in tables] == ["alembic_version"]
        policies = await connection.execute(text("SELECT count(*) FROM pg_policies"))
        assert policies.scalar_one() == 0
    await upgrade_async(MIGRATIONS, url, app_role=role)
    async with scratch_database.admin_engine().connect() as connection:
        version = await connection.execute(text("SELECT version_num FROM kit_rls.alembic_version"))
        assert version.scalar_one() == "0002"


async def test_migration_without_its_app_role_fails_clearly(
    scratch_database: TestDatabase,
) -> None:
    migrator = await scratch_database.create_role("kit_migrator", can_create_schema=True)
    with pytest.raises(RuntimeError, match="app role 'kit_app_missing' does not exist"):
        await upgrade_async(MIGRATIONS, migrator.url, app_role="kit_app_missing")


async def test_migration_gives_up_on_a_locked_table_after_lock_timeout(
    scratch_database: TestDatabase,
) -> None:
    app_role = await scratch_database.create_role("kit_app")
    migrator = await scratch_database.create_role("kit_migrator", can_create_schema=True)
    await upgrade_async(MIGRATIONS, migrator.url, revision="0001", app_role=app_role.name)
    locker = create_async_engine(scratch_database.admin_url, poolclass=NullPool)
    try:
        async with locker.connect() as connection:
            await connection.execute(text("LOCK TABLE kit_rls.notes IN ACCESS SHARE MODE"))
            started = time.monotonic()
            with pytest.raises(DBAPIError) as raised:
                await upgrade_async(MIGRATIONS, migrator.url, app_role=app_role.name)
            waited = time.monotonic() - started
            await connection.rollback()
    finally:
        await locker.dispose()
    assert getattr(raised.value.orig, "sqlstate", None) == "55P03"  # lock_not_available
    assert 4.5 < waited < 15
    # 0001 stayed applied (one transaction per migration); 0002 can run once the lock is gone.
    await upgrade_async(MIGRATIONS, migrator.url, app_role=app_role.name)


def test_offline_mode_writes_the_whole_sql_script() -> None:
    buffer = io.StringIO()
    config = Config(output_buffer=buffer)
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes[URL_ATTRIBUTE] = "postgresql://nobody@127.0.0.1:1/none"
    config.attributes[APP_ROLE_ATTRIBUTE] = "kit_app"
    command.upgrade(config, "head", sql=True)
    script = buffer.getvalue()
    assert "SET lock_timeout = '5s'" in script
    assert 'CREATE SCHEMA IF NOT EXISTS "kit_rls"' in script
    assert "CREATE TABLE kit_rls.notes" in script
    assert 'ALTER TABLE "kit_rls"."notes" FORCE ROW LEVEL SECURITY' in script
    assert "CREATE POLICY tenant_isolation" in script
    assert (
        'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "kit_rls" TO "kit_app"'
        in script
    )
    assert script.index("CREATE POLICY") < script.index("GRANT USAGE ON SCHEMA")


async def test_ensure_app_role_is_idempotent_and_restores_safe_attributes(
    database: TestDatabase,
) -> None:
    role = await database.create_role("kit_prov")
    await database.execute_admin(f"ALTER ROLE {role.name} BYPASSRLS CREATEDB")
    tricky_password = "it's 100% $$secret$$ \\ ok"
    await ensure_app_role(database.admin_url, role.name, tricky_password)
    await ensure_app_role(database.admin_url, role.name, tricky_password)
    async with database.admin_engine().connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, "
                    "rolreplication, rolpassword IS NOT NULL "
                    "FROM pg_authid WHERE rolname = :r"
                ),
                {"r": role.name},
            )
        ).one()
    assert tuple(row) == (True, False, False, False, False, False, True)


async def test_ensure_app_role_survives_a_concurrent_creation(
    database: TestDatabase,
) -> None:
    role = await database.create_role("kit_race")
    await database.execute_admin(f"DROP ROLE {role.name}")
    await asyncio.gather(*(ensure_app_role(database.admin_url, role.name, "pw") for _ in range(4)))
    async with database.admin_engine().connect() as connection:
        count = await connection.execute(
            text("SELECT count(*) FROM pg_roles WHERE rolname = :r"), {"r": role.name}
        )
        assert count.scalar_one() == 1
