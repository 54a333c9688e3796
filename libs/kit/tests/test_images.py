"""Image cleaning (pure, no services): sniffing, limits, orientation, metadata stripped."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from guichet_kit.images import (
    CleanImage,
    ImageLimits,
    ImagePool,
    ImageTooLarge,
    ImageTooManyPixels,
    ImageType,
    ImageTypeNotAllowed,
    ImageUnreadable,
    check_image,
    clean_image,
    sniff,
)

ORIENTATION = 0x0112
GPS_IFD = 0x8825


def jpeg_with_exif(width: int = 60, height: int = 30, orientation: int = 6) -> bytes:
    """A landscape JPEG tagged 'rotate 90°' with GPS coordinates and a camera make."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "SecretCam"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (50.0, 47.0, 3.0), 3: "E", 4: (4.0, 14.0, 40.0)})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes(), comment=b"secret comment")
    return buffer.getvalue()


def png_bomb(side: int) -> bytes:
    """A tiny PNG declaring `side` x `side` pixels (the IHDR alone decides the size)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def test_sniff_reads_magic_bytes_not_names() -> None:
    assert sniff(jpeg_with_exif()) is ImageType.JPEG
    assert sniff(png_bomb(10)) is ImageType.PNG
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") is ImageType.WEBP
    assert sniff(b"\x00\x00\x00\x18ftypheic") is ImageType.HEIF
    assert sniff(b"%PDF-1.7") is None
    assert sniff(b"") is None


def test_exif_orientation_applied_and_every_metadata_block_dropped() -> None:
    cleaned = clean_image(jpeg_with_exif(60, 30), ImageLimits())
    assert (cleaned.width, cleaned.height) == (30, 60)
    for data in (cleaned.display, cleaned.thumbnail):
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG"
            assert not image.getexif()
            assert "exif" not in image.info
            assert "comment" not in image.info
        assert b"SecretCam" not in data
        assert b"Exif" not in data


def test_display_and_thumbnail_are_bounded() -> None:
    image = Image.new("RGB", (1000, 500), (0, 0, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    cleaned = clean_image(buffer.getvalue(), ImageLimits(max_side=400, thumbnail_side=100))
    assert (cleaned.width, cleaned.height) == (400, 200)
    with Image.open(io.BytesIO(cleaned.thumbnail)) as thumb:
        assert thumb.size == (100, 50)
    assert cleaned.original_type is ImageType.PNG


def test_transparency_is_flattened_on_white() -> None:
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    cleaned = clean_image(buffer.getvalue(), ImageLimits())
    with Image.open(io.BytesIO(cleaned.display)) as out:
        r, g, b = out.convert("RGB").getpixel((5, 5))  # type: ignore[misc]
        assert min(r, g, b) > 245


def test_too_many_pixels_refused_before_decoding() -> None:
    with pytest.raises(ImageTooManyPixels) as refused:
        clean_image(png_bomb(30_000), ImageLimits(max_pixels=40_000_000))
    assert refused.value.limit_pixels == 40_000_000


def test_too_large_and_wrong_type_and_damaged_are_refused() -> None:
    with pytest.raises(ImageTooLarge):
        check_image(b"\xff\xd8\xff" + b"0" * 100, ImageLimits(max_bytes=50))
    with pytest.raises(ImageTypeNotAllowed):
        check_image(b"%PDF-1.7 not an image", ImageLimits())
    with pytest.raises(ImageUnreadable):
        clean_image(b"\xff\xd8\xff\xe0 garbage that is no jpeg", ImageLimits())


async def test_pool_cleans_off_the_event_loop_and_raises_refusals() -> None:
    pool = ImagePool(ImageLimits(), workers=1)
    try:
        cleaned = await pool.clean(jpeg_with_exif())
        assert isinstance(cleaned, CleanImage)
        with pytest.raises(ImageTypeNotAllowed):
            await pool.clean(b"GIF89a")
    finally:
        await pool.aclose()


def test_refusals_are_problems_naming_the_file_or_the_photo() -> None:
    too_large = ImageTooLarge(10 * 1024 * 1024)
    assert (too_large.status, too_large.code) == (413, "upload.too_large")
    assert too_large.detail("en") == "The file is larger than 10 MiB."
    too_large.of_photo(2)
    assert too_large.detail("en") == "Photo 2 is larger than 10 MiB."
    assert too_large.detail("fr") == "La photo 2 dépasse 10\u00a0Mio."
    assert too_large.code == "upload.too_large"
    pixels = ImageTooManyPixels(40_000_000, photo=3)
    assert (pixels.status, pixels.detail("de")) == (413, "Foto 3 hat mehr als 40 Megapixel.")
    wrong = ImageTypeNotAllowed(("image/jpeg", "application/pdf"))
    assert (wrong.status, wrong.code) == (415, "upload.type_not_allowed")
    assert wrong.extra == {"allowed": ["image/jpeg", "application/pdf"]}
    assert wrong.detail("nl") == (
        "Dit bestandstype wordt niet aanvaard (toegelaten: image/jpeg, application/pdf)."
    )
    assert ImageTypeNotAllowed().extra["allowed"] == [t.value for t in ImageType]
    unreadable = ImageUnreadable(photo=1)
    assert (unreadable.status, unreadable.code) == (422, "upload.unreadable")
    assert unreadable.detail("en") == "Photo 1 is damaged or cannot be read as an image."
