"""Fixtures of the cross-service tests: one test database with every service schema migrated."""

from __future__ import annotations

import pytest

from guichet_testing.database import ServiceDatabase, TestDatabase, provision_service_schema
from tests.services import SERVICE_NAMES, service_modules


@pytest.fixture(scope="session")
async def platform_schemas(database: TestDatabase) -> dict[str, ServiceDatabase]:
    """Each service's schema, migrated by its own migration role, with its own app role."""
    return {
        name: await provision_service_schema(
            database, schema=name, script_location=service_modules(name).migrations_dir
        )
        for name in SERVICE_NAMES
    }
