"""Cleaning uploaded photos: type sniffed from the bytes, size and pixel limits (decompression
bombs refused before decoding), EXIF orientation applied, every metadata block dropped (EXIF
with GPS, XMP, comments), colours converted to sRGB, re-encoded as JPEG with a thumbnail.

Refusals are `ImageRejected` problems (RFC 9457, messages in the kit's catalogue) that intake
and cases raise as they are, naming the photo when a request carries several. Decoding is
CPU-heavy: `ImagePool` runs it in a small dedicated thread pool (Pillow and libheif release
the GIL while decoding and encoding), never on the event loop.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import io
import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pillow_heif
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from guichet_kit.errors import GuichetError, PayloadTooLarge, Unprocessable, UnsupportedMediaType
from guichet_kit.i18n import N_

logger = logging.getLogger("guichet.images")

OUTPUT_CONTENT_TYPE = "image/jpeg"
MIB = 1024 * 1024


class ImageType(StrEnum):
    JPEG = "image/jpeg"
    PNG = "image/png"
    WEBP = "image/webp"
    HEIF = "image/heif"

    @property
    def pillow_format(self) -> str:
        return self.name


IMAGE_TYPES: tuple[str, ...] = tuple(t.value for t in ImageType)
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
)


class ImageRejected(GuichetError):
    """An upload refused: a problem every service raises as it is. `photo` (1-based) names
    the upload among several ("Photo 2 is ..."); without it the message says "The file"."""

    photo_message_key: str

    def __init__(
        self, *, photo: int | None = None, extra: Mapping[str, Any] | None = None, **params: Any
    ) -> None:
        super().__init__(extra=extra, **params)
        self.photo: int | None = None
        if photo is not None:
            self.of_photo(photo)

    def of_photo(self, photo: int) -> None:
        """Name photo `photo` (1-based) of the upload in this refusal."""
        self.photo = photo
        self.message_key = self.photo_message_key
        self.params["index"] = photo


class ImageTooLarge(ImageRejected, PayloadTooLarge):
    code = N_("upload.too_large")
    photo_message_key = N_("upload.photo_too_large")

    def __init__(self, limit_bytes: int, *, photo: int | None = None) -> None:
        super().__init__(photo=photo, limit_mib=limit_bytes // MIB)
        self.limit_bytes = limit_bytes


class ImageTypeNotAllowed(ImageRejected, UnsupportedMediaType):
    code = N_("upload.type_not_allowed")
    photo_message_key = N_("upload.photo_type_not_allowed")

    def __init__(self, allowed: Sequence[str] = IMAGE_TYPES, *, photo: int | None = None) -> None:
        super().__init__(photo=photo, allowed=", ".join(allowed), extra={"allowed": list(allowed)})


class ImageTooManyPixels(ImageRejected, PayloadTooLarge):
    code = N_("upload.too_many_pixels")
    photo_message_key = N_("upload.photo_too_many_pixels")

    def __init__(self, limit_pixels: int, *, photo: int | None = None) -> None:
        super().__init__(photo=photo, limit_mp=limit_pixels // 1_000_000)
        self.limit_pixels = limit_pixels


class ImageUnreadable(ImageRejected, Unprocessable):
    code = N_("upload.unreadable")
    photo_message_key = N_("upload.photo_unreadable")

    def __init__(self, *, photo: int | None = None) -> None:
        super().__init__(photo=photo)


def sniff(data: bytes) -> ImageType | None:
    """The image type from magic bytes; the client's file name and Content-Type are ignored."""
    if data.startswith(b"\xff\xd8\xff"):
        return ImageType.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ImageType.PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ImageType.WEBP
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return ImageType.HEIF
    return None


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int = 10 * MIB
    max_pixels: int = 40_000_000
    max_side: int = 2560
    thumbnail_side: int = 400
    jpeg_quality: int = 85


@dataclass(frozen=True)
class CleanImage:
    display: bytes
    thumbnail: bytes
    width: int
    height: int
    original_type: ImageType


def check_image(data: bytes, limits: ImageLimits) -> ImageType:
    """Cheap checks done before any decoding."""
    if len(data) > limits.max_bytes:
        raise ImageTooLarge(limits.max_bytes)
    kind = sniff(data)
    if kind is None:
        raise ImageTypeNotAllowed()
    return kind


def clean_image(data: bytes, limits: ImageLimits) -> CleanImage:
    """Decode, orient, clean and re-encode one image (blocking: call through ImagePool)."""
    kind = check_image(data, limits)
    try:
        with Image.open(io.BytesIO(data), formats=[kind.pillow_format]) as image:
            width, height = image.size
            if width * height > limits.max_pixels:
                raise ImageTooManyPixels(limits.max_pixels)
            image.load()
            clean = _srgb(ImageOps.exif_transpose(image), image.info.get("icc_profile"))
    except Image.DecompressionBombError as exc:
        raise ImageTooManyPixels(limits.max_pixels) from exc
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError) as exc:
        raise ImageUnreadable() from exc
    display = _fit(clean, limits.max_side)
    thumbnail = _fit(clean, limits.thumbnail_side)
    return CleanImage(
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


class ImagePool:
    """Bounded thread pool for image work; one per process, built in the app lifespan."""

    def __init__(self, limits: ImageLimits, workers: int = 2) -> None:
        pillow_heif.register_heif_opener()
        self.limits = limits
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="images")

    async def clean(self, data: bytes) -> CleanImage:
        """`clean_image` in the pool (the caller's context variables, e.g. logging, follow)."""
        loop = asyncio.get_running_loop()
        job = functools.partial(contextvars.copy_context().run, clean_image, data, self.limits)
        return await loop.run_in_executor(self._executor, job)

    async def aclose(self) -> None:
        await asyncio.to_thread(self._executor.shutdown, wait=True)
