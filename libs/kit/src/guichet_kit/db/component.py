"""The database as an app component: engine + session factory on ``app.state``."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.pool import NullPool

from guichet_kit.app.components import ReadinessCheck
from guichet_kit.db.engine import create_engine, create_session_factory
from guichet_kit.settings import KitSettings


class DatabaseComponent:
    """Publishes ``app.state.engine`` and ``app.state.session_factory``.

    Readiness opens a fresh connection (NullPool engine) instead of borrowing one from the
    request pool: a saturated pool under load must not make every replica report "not ready"
    at once and take the whole service out of rotation.
    """

    name = "database"

    def __init__(self, settings: KitSettings) -> None:
        self.settings = settings
        self.engine: AsyncEngine | None = None
        self.session_factory: async_sessionmaker[AsyncSession] | None = None
        self._probe_engine: AsyncEngine | None = None

    async def start(self, app: FastAPI) -> None:
        self.engine = create_engine(self.settings)
        self._probe_engine = create_engine(self.settings, poolclass=NullPool)
        self.session_factory = create_session_factory(self.engine)
        app.state.engine = self.engine
        app.state.session_factory = self.session_factory

    async def stop(self, app: FastAPI) -> None:
        for engine in (self.engine, self._probe_engine):
            if engine is not None:
                await engine.dispose()
        self.engine = self._probe_engine = self.session_factory = None

    def readiness_check(self) -> ReadinessCheck:
        return ReadinessCheck(self.name, self._ping)

    async def _ping(self) -> None:
        if self._probe_engine is None:
            raise RuntimeError("database component not started")
        async with self._probe_engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
