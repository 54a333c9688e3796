"""Every service's Alembic history produces exactly its SQLAlchemy models."""

from __future__ import annotations

import importlib

import pytest

from guichet_kit.db.migrations import pending_model_changes
from guichet_testing.database import ServiceDatabase
from tests.services import SERVICE_NAMES


@pytest.mark.parametrize("name", SERVICE_NAMES)
async def test_migrations_and_models_agree(
    name: str, platform_schemas: dict[str, ServiceDatabase]
) -> None:
    models = importlib.import_module(f"{name}.models")
    service = platform_schemas[name]
    changes = await pending_model_changes(
        service.migration_role.url, models.Base.metadata, schema=name
    )
    assert changes == []
