"""The photo pool as an app component: built in the lifespan, on ``app.state.photo_processor``."""

from __future__ import annotations

from fastapi import FastAPI, Request

from guichet_kit.app.components import ReadinessCheck
from intake.reports.photos import PhotoLimits, PhotoProcessor

STATE_ATTRIBUTE = "photo_processor"


class PhotoComponent:
    name = "photos"

    def __init__(self, limits: PhotoLimits, workers: int) -> None:
        self._limits = limits
        self._workers = workers
        self._processor: PhotoProcessor | None = None

    async def start(self, app: FastAPI) -> None:
        self._processor = PhotoProcessor(self._limits, self._workers)
        setattr(app.state, STATE_ATTRIBUTE, self._processor)

    async def stop(self, app: FastAPI) -> None:
        processor, self._processor = self._processor, None
        if processor is not None:
            await processor.aclose()

    def readiness_check(self) -> ReadinessCheck | None:
        return None


def get_photo_processor(request: Request) -> PhotoProcessor:
    processor: PhotoProcessor = getattr(request.app.state, STATE_ATTRIBUTE)
    return processor
