"""The image pool as an app component: built in the lifespan, on ``app.state.image_pool``
(one bounded thread pool per process for the services that clean uploaded images)."""

from __future__ import annotations

from fastapi import FastAPI, Request

from guichet_kit.app.components import ReadinessCheck
from guichet_kit.images import ImageLimits, ImagePool

STATE_ATTRIBUTE = "image_pool"


class ImageComponent:
    name = "images"

    def __init__(self, limits: ImageLimits, workers: int) -> None:
        self._limits = limits
        self._workers = workers
        self._pool: ImagePool | None = None

    async def start(self, app: FastAPI) -> None:
        self._pool = ImagePool(self._limits, self._workers)
        setattr(app.state, STATE_ATTRIBUTE, self._pool)

    async def stop(self, app: FastAPI) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.aclose()

    def readiness_check(self) -> ReadinessCheck | None:
        return None


def get_image_pool(request: Request) -> ImagePool:
    pool: ImagePool = getattr(request.app.state, STATE_ATTRIBUTE)
    return pool
