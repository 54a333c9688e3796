"""Custom lint: every table of every service schema is tenant-protected or exempted (ADR 0002/0004)."""

from __future__ import annotations

from guichet_kit.db.audit import tenancy_violations
from guichet_testing.database import ServiceDatabase, TestDatabase
from tests.services import SERVICE_NAMES

EXEMPTIONS = {
    ("*", "alembic_version"): "migration bookkeeping",
    ("*", "outbox"): "ADR 0004: the relay publishes every tenant's events",
    ("*", "inbox"): "ADR 0004: keyed by event id, holds no tenant data",
    ("routing", "municipality"): "public reference data: names and boundaries of the towns",
}


async def test_every_service_table_is_tenant_protected_or_exempted(
    database: TestDatabase, platform_schemas: dict[str, ServiceDatabase]
) -> None:
    assert set(platform_schemas) == set(SERVICE_NAMES)
    async with database.admin_engine().connect() as connection:
        violations = await tenancy_violations(connection, SERVICE_NAMES, EXEMPTIONS)
    assert violations == []


async def test_the_lint_reports_an_unprotected_tenant_table(database: TestDatabase) -> None:
    await database.execute_admin(
        "CREATE SCHEMA lint_probe",
        "CREATE TABLE lint_probe.leaky (id int primary key, tenant_id text not null)",
        "CREATE TABLE lint_probe.anonymous (id int primary key)",
        "CREATE TABLE lint_probe.enabled_only (tenant_id text)",
        "ALTER TABLE lint_probe.enabled_only ENABLE ROW LEVEL SECURITY",
    )
    async with database.admin_engine().connect() as connection:
        violations = await tenancy_violations(connection, ["lint_probe"], EXEMPTIONS)
    assert [str(v) for v in violations] == [
        "lint_probe.anonymous: no tenant_id column and no exemption",
        "lint_probe.enabled_only: row-level security not enabled and forced",
        "lint_probe.leaky: row-level security not enabled and forced",
    ]
