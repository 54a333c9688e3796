"""Photo cleaning: type sniffed from the bytes, size and pixel limits, EXIF orientation applied,
every metadata block dropped (EXIF with GPS, XMP, comments), colours converted to sRGB,
re-encoded as JPEG with a thumbnail.

Decoding is CPU-heavy: `PhotoProcessor` runs it in a small dedicated thread pool (Pillow and
libheif release the GIL while decoding and encoding), never on the event loop.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import io
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum

import pillow_heif
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from intake.reports.errors import (
    PhotoTooLarge,
    PhotoTooManyPixels,
    PhotoTypeNotAllowed,
    PhotoUnreadable,
    TooManyPhotos,
)

logger = logging.getLogger(__name__)

OUTPUT_CONTENT_TYPE = "image/jpeg"
_MIB = 1024 * 1024


class PhotoType(StrEnum):
    JPEG = "image/jpeg"
    PNG = "image/png"
    WEBP = "image/webp"
    HEIF = "image/heif"

    @property
    def pillow_format(self) -> str:
        return self.name


ALLOWED_TYPES = ", ".join(t.value for t in PhotoType)
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
)


def sniff(data: bytes) -> PhotoType | None:
    """The image type from magic bytes; the client's file name and Content-Type are ignored."""
    if data.startswith(b"\xff\xd8\xff"):
        return PhotoType.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PhotoType.PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return PhotoType.WEBP
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return PhotoType.HEIF
    return None


@dataclass(frozen=True)
class PhotoLimits:
    max_photos: int = 5
    max_bytes: int = 10 * _MIB
    max_pixels: int = 40_000_000
    max_side: int = 2560
    thumbnail_side: int = 400
    jpeg_quality: int = 85


@dataclass(frozen=True)
class ProcessedPhoto:
    display: bytes
    thumbnail: bytes
    width: int
    height: int
    original_type: PhotoType


def check_upload(index: int, data: bytes, limits: PhotoLimits) -> PhotoType:
    """Cheap checks done before any decoding (1-based `index` for messages)."""
    if len(data) > limits.max_bytes:
        raise PhotoTooLarge(index=index, limit_mib=limits.max_bytes // _MIB)
    kind = sniff(data)
    if kind is None:
        raise PhotoTypeNotAllowed(
            index=index, allowed=ALLOWED_TYPES, extra={"allowed": [t.value for t in PhotoType]}
        )
    return kind


def check_count(count: int, limits: PhotoLimits) -> None:
    if count > limits.max_photos:
        raise TooManyPhotos(limit=limits.max_photos, count=count)


def process_photo(index: int, data: bytes, limits: PhotoLimits) -> ProcessedPhoto:
    """Decode, orient, clean and re-encode one photo (blocking: call through PhotoProcessor)."""
    kind = check_upload(index, data, limits)
    try:
        with Image.open(io.BytesIO(data), formats=[kind.pillow_format]) as image:
            width, height = image.size
            if width * height > limits.max_pixels:
                raise PhotoTooManyPixels(index=index, limit_mp=limits.max_pixels // 1_000_000)
            image.load()
            clean = _srgb(ImageOps.exif_transpose(image), image.info.get("icc_profile"))
    except Image.DecompressionBombError as exc:
        raise PhotoTooManyPixels(index=index, limit_mp=limits.max_pixels // 1_000_000) from exc
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError) as exc:
        raise PhotoUnreadable(index=index) from exc
    display = _fit(clean, limits.max_side)
    thumbnail = _fit(clean, limits.thumbnail_side)
    return ProcessedPhoto(
        display=_jpeg(display, limits.jpeg_quality),
        thumbnail=_jpeg(thumbnail, limits.jpeg_quality),
        width=display.width,
        height=display.height,
        original_type=kind,
    )


def _srgb(image: Image.Image, icc_profile: object) -> Image.Image:
    """RGB pixels in sRGB, transparency flattened on white, with no metadata attached."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        rgb = flat
    else:
        rgb = image.convert("RGB")
    if isinstance(icc_profile, bytes) and icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(rgb, source, ImageCms.createProfile("sRGB"))
            if converted is not None:
                rgb = converted
        except (ImageCms.PyCMSError, OSError) as exc:
            logger.info("ignoring unusable ICC profile: %s", exc)
    # A fresh image: nothing of the upload's info (exif, xmp, icc, comments) can follow.
    return Image.frombytes("RGB", rgb.size, rgb.tobytes())


def _fit(image: Image.Image, side: int) -> Image.Image:
    fitted = image.copy()
    fitted.thumbnail((side, side), Image.Resampling.LANCZOS)
    return fitted


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


class PhotoProcessor:
    """Bounded pool for photo work; one per process (see `PhotoComponent`)."""

    def __init__(self, limits: PhotoLimits, workers: int = 2) -> None:
        pillow_heif.register_heif_opener()
        self.limits = limits
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="photos")

    async def process(self, uploads: Sequence[bytes]) -> list[ProcessedPhoto]:
        """Check every upload cheaply first (fail fast, nothing decoded), then decode them
        in the pool. Raises the first photo's error, in upload order."""
        check_count(len(uploads), self.limits)
        for index, data in enumerate(uploads, start=1):
            check_upload(index, data, self.limits)
        loop = asyncio.get_running_loop()
        jobs = [
            loop.run_in_executor(
                self._executor,
                functools.partial(
                    contextvars.copy_context().run, process_photo, index, data, self.limits
                ),
            )
            for index, data in enumerate(uploads, start=1)
        ]
        results = await asyncio.gather(*jobs, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return [r for r in results if isinstance(r, ProcessedPhoto)]

    async def aclose(self) -> None:
        await asyncio.to_thread(self._executor.shutdown, wait=True)
