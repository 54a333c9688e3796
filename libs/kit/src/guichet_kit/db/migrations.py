"""Alembic, the Guichet way: one history per service, in the service's own schema.

A service's ``migrations/env.py`` is three lines::

    from guichet_kit.db.migrations import run_migrations
    from intake.models import Base
    run_migrations(Base.metadata, schema="intake")

and its CLI (``python -m intake.cli migrate``) calls::

    upgrade(MIGRATIONS_DIR, settings.migration_url, app_role=settings.database_app_role)

`upgrade` passes the URL and app role through ``Config.attributes``; they win over the
``migration_url``/``app_role`` arguments of `run_migrations`, then ``sqlalchemy.url``.

What `run_migrations` does: connects (asyncpg) as the migration role, creates the schema if
missing, keeps ``alembic_version`` in that schema, runs each migration in its own transaction
with ``lock_timeout`` (a migration waiting on a busy table fails fast instead of queueing every
query behind it), then grants the app role USAGE + DML (`grant_app_role_sql`). Autogenerate only
looks at the service schema and ignores PostGIS's own tables.

The PostGIS extension is created by provisioning (it needs a superuser), not by migrations.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Literal

from alembic import command, context
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from geoalchemy2 import Geography, Geometry
from sqlalchemy import Connection, MetaData, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from guichet_kit.db.engine import async_url
from guichet_kit.db.identifiers import checked_identifier, quote_ident
from guichet_kit.db.rls import grant_app_role_sql
from guichet_kit.db.roles import ensure_app_role

__all__ = [
    "downgrade",
    "ensure_app_role",
    "include_name",
    "include_object",
    "pending_model_changes",
    "run_migrations",
    "upgrade",
    "upgrade_async",
]

# Config.attributes keys through which `upgrade()` overrides what env.py passes.
URL_ATTRIBUTE = "guichet.url"
APP_ROLE_ATTRIBUTE = "guichet.app_role"

POSTGIS_SCHEMAS = frozenset({"tiger", "tiger_data", "topology"})
POSTGIS_TABLES = frozenset({"spatial_ref_sys", "geometry_columns", "geography_columns"})


def run_migrations(
    metadata: MetaData,
    *,
    schema: str,
    migration_url: str | None = None,
    app_role: str | None = None,
    lock_timeout: str = "5s",
) -> None:
    """Entry point for a service's ``migrations/env.py`` (online and ``--sql`` offline)."""
    checked_identifier(schema)
    config = context.config
    url = config.attributes.get(URL_ATTRIBUTE) or migration_url
    url = url or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: pass migration_url or use upgrade(..., url)")
    role = config.attributes.get(APP_ROLE_ATTRIBUTE, app_role)
    options = _configure_options(metadata, schema)
    if context.is_offline_mode():
        _run_offline(url, schema, role, lock_timeout, options)
    else:
        asyncio.run(_run_online(url, schema, role, lock_timeout, options))


def _configure_options(metadata: MetaData, schema: str) -> dict[str, Any]:
    return {
        "target_metadata": metadata,
        "version_table_schema": schema,
        "include_schemas": True,
        "include_name": lambda name, type_, parents: include_name(name, type_, parents, schema),
        "include_object": include_object,
        "render_item": render_item,
        "transaction_per_migration": True,
        "compare_type": True,
    }


def include_name(name: str | None, type_: str, parent_names: Any, schema: str) -> bool:
    """Autogenerate sees only the service schema, never PostGIS's tables."""
    if type_ == "schema":
        return name == schema
    if type_ == "table":
        return name not in POSTGIS_TABLES
    return True


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    if type_ != "table":
        return True
    return name not in POSTGIS_TABLES and getattr(obj, "schema", None) not in POSTGIS_SCHEMAS


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Autogenerate writes spatial column types with their import."""
    if type_ == "type" and isinstance(obj, Geometry | Geography):
        autogen_context.imports.add(f"from geoalchemy2 import {type(obj).__name__}")
        return repr(obj)
    return False


def _run_offline(
    url: str, schema: str, role: str | None, lock_timeout: str, options: dict[str, Any]
) -> None:
    context.configure(url=async_url(url), literal_binds=True, **options)
    with context.begin_transaction():
        context.execute(f"SET lock_timeout = '{_checked_timeout(lock_timeout)}'")
        context.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(schema)}")
        context.run_migrations()
        for statement in grant_app_role_sql(schema, role) if role else []:
            context.execute(statement)


async def _run_online(
    url: str, schema: str, role: str | None, lock_timeout: str, options: dict[str, Any]
) -> None:
    engine = create_async_engine(
        async_url(url),
        poolclass=NullPool,
        connect_args={"server_settings": {"search_path": f"{schema},public", "jit": "off"}},
    )
    try:
        async with engine.connect() as connection:
            await connection.run_sync(
                _migrate, schema=schema, role=role, lock_timeout=lock_timeout, options=options
            )
    finally:
        await engine.dispose()


def _migrate(
    connection: Connection,
    *,
    schema: str,
    role: str | None,
    lock_timeout: str,
    options: dict[str, Any],
) -> None:
    connection.exec_driver_sql(f"SET lock_timeout = '{_checked_timeout(lock_timeout)}'")
    _ensure_schema(connection, schema)
    if role is not None:
        _require_role(connection, role)
    connection.commit()
    context.configure(connection=connection, **options)
    with context.begin_transaction():
        context.run_migrations()
    if role is not None:
        for statement in grant_app_role_sql(schema, role):
            connection.exec_driver_sql(statement)
        connection.commit()


def _ensure_schema(connection: Connection, schema: str) -> None:
    # Checked first so a pre-created schema needs no CREATE privilege on the database.
    exists = connection.scalar(
        text("SELECT 1 FROM pg_namespace WHERE nspname = :schema"), {"schema": schema}
    )
    if not exists:
        connection.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(schema)}")


def _require_role(connection: Connection, role: str) -> None:
    exists = connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    if not exists:
        raise RuntimeError(f"app role {role!r} does not exist: provision it (ensure_app_role)")


def _checked_timeout(value: str) -> str:
    if not value.replace(" ", "").isalnum():
        raise ValueError(f"invalid lock_timeout {value!r}")
    return value


def _alembic_config(script_location: str | Path, url: str, app_role: str | None) -> Config:
    location = Path(script_location)
    if location.suffix == ".ini":
        config = Config(str(location))
    else:
        config = Config()
        config.set_main_option("script_location", str(location))
    config.attributes[URL_ATTRIBUTE] = url  # not a main option: URLs may contain '%'
    if app_role is not None:
        config.attributes[APP_ROLE_ATTRIBUTE] = app_role
    return config


def upgrade(
    script_location: str | Path, url: str, *, revision: str = "head", app_role: str | None = None
) -> None:
    """Upgrade a service schema (`script_location` = migrations dir or an alembic.ini).

    Synchronous: call it from a CLI, or through `upgrade_async` inside an event loop."""
    command.upgrade(_alembic_config(script_location, url, app_role), revision)


def downgrade(
    script_location: str | Path, url: str, *, revision: str, app_role: str | None = None
) -> None:
    command.downgrade(_alembic_config(script_location, url, app_role), revision)


async def pending_model_changes(url: str, metadata: MetaData, *, schema: str) -> list[Any]:
    """What autogenerate would still emit after the migrations: ``[]`` when the migrations and
    the models agree. Every service's test suite asserts it."""
    engine = create_async_engine(async_url(url), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_compare, metadata=metadata, schema=schema)
    finally:
        await engine.dispose()


def _compare(connection: Connection, *, metadata: MetaData, schema: str) -> list[Any]:
    options = _configure_options(metadata, schema)
    options.pop("target_metadata")
    migration_context = MigrationContext.configure(connection, opts=options)
    return list(compare_metadata(migration_context, metadata))


async def upgrade_async(
    script_location: str | Path, url: str, *, revision: str = "head", app_role: str | None = None
) -> None:
    """`upgrade` from async code (tests, startup hooks): env.py runs its own event loop, so it
    goes to a worker thread."""
    await asyncio.to_thread(upgrade, script_location, url, revision=revision, app_role=app_role)
