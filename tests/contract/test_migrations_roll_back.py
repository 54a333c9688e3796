"""Every service's Alembic history can be rolled back to nothing and replayed."""

from __future__ import annotations

import asyncio
import importlib

import pytest
from sqlalchemy import text

from guichet_kit.db.migrations import downgrade, pending_model_changes, upgrade_async
from guichet_testing.database import create_test_database
from guichet_testing.stack import StackInfo
from tests.services import SERVICE_NAMES, service_modules

_OBJECTS = text(
    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = :schema AND c.relname NOT LIKE 'alembic_version%'"
)  # tables, indexes, sequences, views; the version table (and its key) stay


@pytest.mark.parametrize("name", SERVICE_NAMES)
async def test_down_to_base_then_up_again(name: str, stack: StackInfo) -> None:
    service = service_modules(name)
    scratch = await create_test_database(stack.pg_admin_url)
    try:
        migrator = await scratch.create_role(f"{name}_migrator", can_create_schema=True)
        app = await scratch.create_role(f"{name}_app")
        await upgrade_async(service.migrations_dir, migrator.url, app_role=app.name)
        await asyncio.to_thread(
            downgrade, service.migrations_dir, migrator.url, revision="base", app_role=app.name
        )
        admin = scratch.admin_engine()
        async with admin.connect() as connection:
            assert await connection.scalar(_OBJECTS, {"schema": name}) == 0
        await admin.dispose()
        await upgrade_async(service.migrations_dir, migrator.url, app_role=app.name)
        models = importlib.import_module(f"{name}.models")
        changes = await pending_model_changes(migrator.url, models.Base.metadata, schema=name)
        assert changes == []
    finally:
        await scratch.close()
