"""Tenant isolation enforced by PostgreSQL itself, proven with raw SQL as the app role.

The schema comes from a real migration run through the kit's helpers
(kit_migrations/: `run_migrations`, `enable_tenant_rls`; the app role's grants come from
`run_migrations`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from guichet_kit.db.audit import INFRASTRUCTURE_EXEMPTIONS, tenancy_violations
from guichet_kit.db.tenancy import set_tenant
from guichet_testing.database import ServiceDatabase, TestDatabase

MIGRATIONS = Path(__file__).parent / "kit_migrations"
SCHEMA = "kit_rls"
A, B = "23077", "55040"


def sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


@pytest.fixture(scope="module")
async def kit_schema(database: TestDatabase) -> ServiceDatabase:
    return await database.service_schema(SCHEMA, MIGRATIONS)


@pytest.fixture(scope="module")
async def app_engine(database: TestDatabase, kit_schema: ServiceDatabase) -> AsyncEngine:
    return database.engine(kit_schema.app_role, schema=SCHEMA, service_name="rls-test")


@pytest.fixture
async def seeded(database: TestDatabase, kit_schema: ServiceDatabase) -> None:
    """Two notes per tenant, written by the superuser (which is exempt from RLS)."""
    await database.execute_admin(
        "TRUNCATE kit_rls.notes RESTART IDENTITY",
        f"INSERT INTO kit_rls.notes (tenant_id, body) VALUES "
        f"('{A}', 'a1'), ('{A}', 'a2'), ('{B}', 'b1'), ('{B}', 'b2')",
    )


async def admin_bodies(database: TestDatabase) -> dict[str, str]:
    async with database.admin_engine().connect() as connection:
        rows = await connection.execute(text("SELECT body, tenant_id FROM kit_rls.notes"))
        return {row.body: row.tenant_id for row in rows}


@pytest.fixture
async def as_tenant_a(app_engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with app_engine.connect() as connection:
        await connection.begin()
        await set_tenant(connection, A)
        yield connection
        await connection.rollback()


async def test_app_role_is_not_privileged(app_engine: AsyncEngine) -> None:
    async with app_engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb "
                    "FROM pg_roles WHERE rolname = current_user"
                )
            )
        ).one()
    assert tuple(row) == (False, False, False, False)


@pytest.mark.usefixtures("seeded")
async def test_select_sees_only_the_bound_tenant(as_tenant_a: AsyncConnection) -> None:
    rows = (await as_tenant_a.execute(text("SELECT body, tenant_id FROM notes"))).all()
    assert sorted(rows) == [("a1", A), ("a2", A)]
    explicit = await as_tenant_a.execute(
        text("SELECT count(*) FROM notes WHERE tenant_id = :t"), {"t": B}
    )
    assert explicit.scalar_one() == 0


@pytest.mark.usefixtures("seeded")
async def test_update_of_other_tenant_rows_touches_nothing(
    as_tenant_a: AsyncConnection, database: TestDatabase
) -> None:
    result = await as_tenant_a.execute(
        text("UPDATE notes SET body = 'hacked' WHERE tenant_id = :t"), {"t": B}
    )
    assert result.rowcount == 0
    await as_tenant_a.commit()
    assert await admin_bodies(database) == {"a1": A, "a2": A, "b1": B, "b2": B}


@pytest.mark.usefixtures("seeded")
async def test_delete_of_other_tenant_rows_touches_nothing(
    as_tenant_a: AsyncConnection, database: TestDatabase
) -> None:
    result = await as_tenant_a.execute(text("DELETE FROM notes"))
    assert result.rowcount == 2  # only its own
    await as_tenant_a.commit()
    assert await admin_bodies(database) == {"b1": B, "b2": B}


@pytest.mark.usefixtures("seeded")
async def test_insert_for_another_tenant_is_rejected(as_tenant_a: AsyncConnection) -> None:
    with pytest.raises(DBAPIError) as raised:
        await as_tenant_a.execute(
            text("INSERT INTO notes (tenant_id, body) VALUES (:t, 'smuggled')"), {"t": B}
        )
    assert sqlstate(raised.value) == "42501"
    assert "row-level security" in str(raised.value)


@pytest.mark.usefixtures("seeded")
async def test_own_row_cannot_be_moved_to_another_tenant(as_tenant_a: AsyncConnection) -> None:
    with pytest.raises(DBAPIError) as raised:
        await as_tenant_a.execute(
            text("UPDATE notes SET tenant_id = :t WHERE body = 'a1'"), {"t": B}
        )
    assert sqlstate(raised.value) == "42501"


@pytest.mark.usefixtures("seeded")
async def test_insert_for_own_tenant_works(
    as_tenant_a: AsyncConnection, database: TestDatabase
) -> None:
    await as_tenant_a.execute(
        text(
            "INSERT INTO notes (tenant_id, body, location) "
            "VALUES (:t, 'a3', ST_SetSRID(ST_MakePoint(4.24, 50.78), 4326))"
        ),
        {"t": A},
    )
    await as_tenant_a.commit()
    assert (await admin_bodies(database))["a3"] == A


@pytest.mark.usefixtures("seeded")
async def test_without_a_tenant_nothing_is_visible_or_writable(app_engine: AsyncEngine) -> None:
    async with app_engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM notes"))).scalar_one() == 0
        updated = await connection.execute(text("UPDATE notes SET body = 'x'"))
        assert updated.rowcount == 0
        with pytest.raises(DBAPIError) as raised:
            await connection.execute(
                text(f"INSERT INTO notes (tenant_id, body) VALUES ('{A}', 'n')")
            )
        assert sqlstate(raised.value) == "42501"


@pytest.mark.usefixtures("seeded")
async def test_tenant_does_not_survive_the_transaction_on_a_pooled_connection(
    app_engine: AsyncEngine,
) -> None:
    async with app_engine.connect() as connection:
        async with connection.begin():
            await set_tenant(connection, A)
            assert (await connection.execute(text("SELECT count(*) FROM notes"))).scalar_one() == 2
        # Same connection, next transaction: the setting is back to '' (not A).
        async with connection.begin():
            setting = await connection.execute(
                text("SELECT current_setting('app.tenant_id', true)")
            )
            assert setting.scalar_one() in ("", None)
            assert (await connection.execute(text("SELECT count(*) FROM notes"))).scalar_one() == 0


@pytest.mark.usefixtures("seeded")
async def test_rls_is_forced_for_the_owning_migration_role(
    database: TestDatabase, kit_schema: ServiceDatabase
) -> None:
    engine = database.engine(kit_schema.migration_role, schema=SCHEMA)
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM notes"))).scalar_one() == 0
        await set_tenant(connection, B)  # same (autobegun) transaction
        assert (await connection.execute(text("SELECT count(*) FROM notes"))).scalar_one() == 2


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE notes",  # TRUNCATE ignores RLS: never granted
        "ALTER TABLE notes DISABLE ROW LEVEL SECURITY",
        "DROP POLICY tenant_isolation ON notes",
        "CREATE TABLE kit_rls.sneaky (id int)",
        "SELECT * FROM kit_rls.alembic_version",
        "SET SESSION AUTHORIZATION postgres",
    ],
)
async def test_app_role_cannot_escape(app_engine: AsyncEngine, statement: str) -> None:
    async with app_engine.connect() as connection:
        with pytest.raises(DBAPIError) as raised:
            await connection.execute(text(statement))
    assert sqlstate(raised.value) in ("42501", "42P01")  # insufficient privilege / not owner


async def test_tenant_format_is_checked_by_the_database(database: TestDatabase) -> None:
    with pytest.raises(DBAPIError) as raised:
        await database.execute_admin(
            "INSERT INTO kit_rls.notes (tenant_id, body) VALUES ('2307', 'bad')"
        )
    assert sqlstate(raised.value) == "23514"  # check_violation
    assert "notes_tenant_id_format_check" in str(raised.value)


async def test_every_tenant_table_has_forced_rls(
    database: TestDatabase, kit_schema: ServiceDatabase
) -> None:
    async with database.admin_engine().connect() as connection:
        assert await tenancy_violations(connection, [SCHEMA], INFRASTRUCTURE_EXEMPTIONS) == []
    # The audit catches a tenant table that forgot its policy (or only enabled RLS), and a
    # table without tenant_id that nobody exempted.
    await database.execute_admin(
        "CREATE SCHEMA rls_lint",
        "CREATE TABLE rls_lint.forgotten (id int, tenant_id text)",
        "CREATE TABLE rls_lint.half (id int, tenant_id text)",
        "ALTER TABLE rls_lint.half ENABLE ROW LEVEL SECURITY",
        "CREATE TABLE rls_lint.anonymous (id int)",
        "CREATE TABLE rls_lint.outbox (id int)",
    )
    async with database.admin_engine().connect() as connection:
        violations = await tenancy_violations(connection, ["rls_lint"], INFRASTRUCTURE_EXEMPTIONS)
    assert [str(v) for v in violations] == [
        "rls_lint.anonymous: no tenant_id column and no exemption",
        "rls_lint.forgotten: row-level security not enabled and forced",
        "rls_lint.half: row-level security not enabled and forced",
    ]
