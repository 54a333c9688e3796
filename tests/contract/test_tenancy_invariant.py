"""Custom lint: every service table is tenant-protected or exempted (ADR 0002, 0004)."""

from __future__ import annotations

from guichet_kit.db.audit import INFRASTRUCTURE_EXEMPTIONS, tenancy_violations
from guichet_testing.database import ServiceDatabase, TestDatabase
from tests.services import SERVICE_NAMES

EXEMPTIONS = {
    **INFRASTRUCTURE_EXEMPTIONS,
    ("routing", "municipality"): "public reference data: names and boundaries of the towns",
    ("cases", "directory_municipality"): (
        "public reference data projected from directory.published: names, languages and "
        "case-number prefix of the towns"
    ),
    ("intake", "municipality"): "public reference data: intake's projection of the directory",
    ("intake", "report_locator"): (
        "tracking number -> municipality, read before the tenant is known; token hash only"
    ),
    ("cases", "case_locator"): "tracking number -> municipality, read before the tenant is known",
    ("intake", "idempotency_record"): (
        "client idempotency keys, matched before the tenant is resolved; scoped by caller"
    ),
}


async def test_every_service_table_is_tenant_protected_or_exempted(
    database: TestDatabase, platform_schemas: dict[str, ServiceDatabase]
) -> None:
    assert set(platform_schemas) == set(SERVICE_NAMES)
    async with database.admin_engine().connect() as connection:
        violations = await tenancy_violations(connection, SERVICE_NAMES, EXEMPTIONS)
    assert violations == []
