"""Photos of a report: the kit's image cleaning (`guichet_kit.images`: type sniffed from the
bytes, size and pixel limits, EXIF orientation applied, every metadata block dropped, sRGB,
JPEG with a thumbnail, and its refusals as problems) plus what is intake's own: the number of
photos per report, and refusals naming the photo (1-based index) that was refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from guichet_kit.images import (
    OUTPUT_CONTENT_TYPE,
    CleanImage,
    ImageLimits,
    ImagePool,
    ImageRejected,
    ImageType,
    check_image,
)
from intake.reports.errors import TooManyPhotos

PhotoType = ImageType
ProcessedPhoto = CleanImage

__all__ = [
    "OUTPUT_CONTENT_TYPE",
    "PhotoLimits",
    "PhotoProcessor",
    "PhotoType",
    "ProcessedPhoto",
    "check_count",
    "check_upload",
]


@dataclass(frozen=True)
class PhotoLimits(ImageLimits):
    max_photos: int = 5


def check_upload(index: int, data: bytes, limits: PhotoLimits) -> PhotoType:
    """Cheap checks done before any decoding (1-based `index` for messages)."""
    try:
        return check_image(data, limits)
    except ImageRejected as exc:
        exc.of_photo(index)
        raise


def check_count(count: int, limits: PhotoLimits) -> None:
    if count > limits.max_photos:
        raise TooManyPhotos(limit=limits.max_photos, count=count)


class PhotoProcessor:
    """A report's photos through the process's image pool (`guichet_kit.image_pool_component`,
    built with `PhotoLimits`), refusals naming the photo, and intake's photo count."""

    def __init__(self, pool: ImagePool) -> None:
        if not isinstance(pool.limits, PhotoLimits):
            raise TypeError("intake's image pool must be built with PhotoLimits")
        self.limits: PhotoLimits = pool.limits
        self._pool = pool

    async def process(self, uploads: Sequence[bytes]) -> list[ProcessedPhoto]:
        """Check every upload cheaply first (fail fast, nothing decoded), then decode them
        in the pool. Raises the first photo's error, in upload order."""
        if not uploads:
            return []
        check_count(len(uploads), self.limits)
        for index, data in enumerate(uploads, start=1):
            check_upload(index, data, self.limits)
        jobs = [self._process(index, data) for index, data in enumerate(uploads, start=1)]
        results = await asyncio.gather(*jobs, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return [r for r in results if isinstance(r, CleanImage)]

    async def _process(self, index: int, data: bytes) -> ProcessedPhoto:
        try:
            return await self._pool.clean(data)
        except ImageRejected as exc:
            exc.of_photo(index)
            raise
