"""Storage as an app component (`guichet_kit.app.Component`): built in the lifespan,
published on ``app.state.storage``, probed by /readyz."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI, Request

from guichet_kit.app.components import ReadinessCheck
from guichet_kit.settings import Environment, KitSettings
from guichet_kit.storage.errors import StorageUnavailable
from guichet_kit.storage.factory import (
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_OBJECT_BYTES,
    build_object_storage,
)
from guichet_kit.storage.object_storage import ObjectStorage

logger = logging.getLogger("guichet.storage")

STATE_ATTRIBUTE = "storage"


class StorageComponent:
    """`create_bucket` (default: outside production) makes the bucket exist: tried once at
    start without blocking startup on an unreachable S3, then by every readiness probe until
    it succeeds. In production the platform provisions the bucket and its policies, and the
    app's credentials need not be allowed to create buckets: readiness only checks it exists
    and that our credentials are accepted."""

    name = "storage"

    def __init__(
        self,
        settings: KitSettings,
        *,
        max_object_bytes: int = DEFAULT_MAX_OBJECT_BYTES,
        public_url: str | None = None,
        create_bucket: bool | None = None,
        start_timeout: float = 2.0,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
    ) -> None:
        self._settings = settings
        self._max_object_bytes = max_object_bytes
        self._public_url = public_url
        self._create_bucket = (
            settings.environment is not Environment.PRODUCTION
            if create_bucket is None
            else create_bucket
        )
        self._start_timeout = start_timeout
        self._max_connections = max_connections
        self._storage: ObjectStorage | None = None

    @property
    def storage(self) -> ObjectStorage:
        if self._storage is None:
            raise RuntimeError("storage component not started")
        return self._storage

    async def start(self, app: FastAPI) -> None:
        storage = build_object_storage(
            self._settings,
            max_object_bytes=self._max_object_bytes,
            public_url=self._public_url,
            max_connections=self._max_connections,
        )
        self._storage = storage
        setattr(app.state, STATE_ATTRIBUTE, storage)
        if self._create_bucket:
            try:
                await asyncio.wait_for(storage.ensure_bucket(), timeout=self._start_timeout)
            except (StorageUnavailable, TimeoutError) as exc:
                logger.warning(
                    "bucket %s not ensured at start (%s); readiness retries", storage.bucket, exc
                )

    async def stop(self, app: FastAPI) -> None:
        storage, self._storage = self._storage, None
        if getattr(app.state, STATE_ATTRIBUTE, None) is storage:
            delattr(app.state, STATE_ATTRIBUTE)
        if storage is not None:
            await storage.aclose()

    def readiness_check(self) -> ReadinessCheck:
        return ReadinessCheck(self.name, self._probe)

    async def _probe(self) -> None:
        storage = self.storage
        if self._create_bucket:
            await storage.ensure_bucket()
        elif not await storage.bucket_exists():
            raise RuntimeError(f"bucket {storage.bucket!r} does not exist")


def get_storage(request: Request) -> ObjectStorage:
    """FastAPI dependency: the storage published by StorageComponent."""
    storage: ObjectStorage = getattr(request.app.state, STATE_ATTRIBUTE)
    return storage
