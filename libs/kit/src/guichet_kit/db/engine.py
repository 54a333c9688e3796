"""Async engine and session factory for a service's schema (built in the lifespan, never at
import)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

from guichet_kit.db.identifiers import checked_identifier
from guichet_kit.settings import KitSettings


def async_url(url: str) -> str:
    """SQLAlchemy URL using asyncpg, whatever scheme the configuration used."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url.removeprefix(prefix)
    raise ValueError("database URL must start with postgresql:// or postgresql+asyncpg://")


def server_settings(schema: str, application_name: str) -> dict[str, str]:
    # jit off: PostgreSQL's JIT adds up to 350 ms to PostGIS aggregates for no gain here.
    return {
        "search_path": f"{checked_identifier(schema)},public",
        "jit": "off",
        "application_name": application_name,
    }


def create_engine(
    settings: KitSettings, *, url: str | None = None, **engine_kwargs: Any
) -> AsyncEngine:
    """Engine for `settings.database_url` (the app role) with `search_path` set to the
    service schema. `engine_kwargs` override the pool options (e.g. ``poolclass=NullPool``)."""
    options: dict[str, Any] = {
        "pool_size": settings.database_pool_size,
        "max_overflow": settings.database_max_overflow,
    }
    options.update(engine_kwargs)
    if "poolclass" in engine_kwargs:
        options.pop("pool_size", None)
        options.pop("max_overflow", None)
    connect_args = {
        "server_settings": server_settings(settings.database_schema, settings.service_name)
    }
    return _create_async_engine(
        async_url(url or settings.database_url), connect_args=connect_args, **options
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
