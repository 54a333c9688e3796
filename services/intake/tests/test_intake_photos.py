"""Photos: sniffed, limited, oriented, stripped of every metadata block, re-encoded, stored in
S3 under the town's prefix with a thumbnail, announced in the event; bad ones change nothing."""

from __future__ import annotations

import asyncio
import io
import json
import struct
import zlib
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import uuid4

import httpx
import pillow_heif
import pytest
from minio import Minio
from PIL import Image
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from guichet_testing.database import ServiceDatabase, TestDatabase
from guichet_testing.directory import IN_LEEUW, LEEUW
from intake.reports import service

TakeFootprint = Callable[[], Awaitable[Any]]
EventsOf = Callable[..., Awaitable[list[dict[str, Any]]]]
GPS_IFD = 0x8825
ORIENTATION = 0x0112
RED, BLUE = (220, 20, 20), (20, 20, 220)

pytestmark = pytest.mark.usefixtures("directory")


def report_part(**changes: Any) -> dict[str, str]:
    body = {
        "category": "wegdek",
        "description": "Put in het wegdek",
        "location": IN_LEEUW,
        "language": "nl",
        **changes,
    }
    return {"report": json.dumps(body)}


def two_colour(width: int, height: int) -> Image.Image:
    """Left half red, right half blue: shows which way an image was turned."""
    image = Image.new("RGB", (width, height), RED)
    image.paste(BLUE, (width // 2, 0, width, height))
    return image


def jpeg_with_gps_rotated() -> bytes:
    """A JPEG whose EXIF has GPS, a camera make and orientation 6 (turn 90° clockwise)."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "GuichetCam"
    exif[GPS_IFD] = {1: "N", 2: (50.0, 45.0, 0.0), 3: "E", 4: (4.0, 15.0, 0.0)}
    buffer = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">secret-place</x:xmpmeta>'
    two_colour(120, 60).save(buffer, format="JPEG", exif=exif, xmp=xmp, quality=95)
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # the input really carries what we strip
        assert check.getexif().get_ifd(GPS_IFD)
        assert check.getexif()[ORIENTATION] == 6
    return data


def encoded(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header announces `width` x `height` (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def photos(*items: bytes, name: str = "photo.jpg") -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("photos", (f"{i}-{name}", data, "image/jpeg")) for i, data in enumerate(items)]


def _rgb(pixel: object) -> tuple[int, int, int]:
    assert isinstance(pixel, tuple)
    red, green, blue = pixel
    return int(red), int(green), int(blue)


def stored(s3_client: Minio, bucket: str, key: str) -> bytes:
    response = s3_client.get_object(bucket, key)
    try:
        return response.read()
    finally:
        response.close()
        response.release_conn()


async def test_photo_is_oriented_stripped_resized_and_announced(
    client: httpx.AsyncClient,
    s3_client: Minio,
    intake_bucket: str,
    events_of: EventsOf,
    admin_engine: AsyncEngine,
) -> None:
    response = await client.post(
        "/v1/reports", data=report_part(), files=photos(jpeg_with_gps_rotated())
    )
    assert response.status_code == 201, response.text
    [event] = await events_of(response.json()["report_id"])
    [ref] = event["data"]["report"]["photos"]
    assert ref["object_key"].startswith(f"{LEEUW}/reports/{response.json()['report_id']}/")
    assert ref["thumbnail_key"].startswith(f"{LEEUW}/")
    assert ref["content_type"] == "image/jpeg"

    display = stored(s3_client, intake_bucket, ref["object_key"])
    assert len(display) == ref["size_bytes"]
    for marker in (b"Exif", b"xmpmeta", b"GuichetCam", b"secret-place", b"ICC_PROFILE"):
        assert marker not in display
    with Image.open(io.BytesIO(display)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert not {"exif", "xmp", "icc_profile"} & set(image.info)
        # Turned upright: 60 x 120, what was the left (red) half is now on top.
        assert image.size == (ref["width"], ref["height"]) == (60, 120)
        rgb = image.convert("RGB")
        top, bottom = _rgb(rgb.getpixel((30, 10))), _rgb(rgb.getpixel((30, 110)))
        assert top[0] > 150 > top[2]
        assert bottom[2] > 150 > bottom[0]
    thumbnail = stored(s3_client, intake_bucket, ref["thumbnail_key"])
    with Image.open(io.BytesIO(thumbnail)) as thumb:
        assert thumb.format == "JPEG"
        assert max(thumb.size) <= 400
        assert not thumb.getexif()

    async with admin_engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT tenant_id, original_type, object_key FROM intake.photo WHERE id = :id"
                ),
                {"id": ref["photo_id"]},
            )
        ).one()
    assert tuple(row) == (LEEUW, "image/jpeg", ref["object_key"])


async def test_large_photo_is_scaled_down_with_a_small_thumbnail(
    client: httpx.AsyncClient, s3_client: Minio, intake_bucket: str, events_of: EventsOf
) -> None:
    big = encoded(two_colour(3000, 1000), "JPEG")
    response = await client.post("/v1/reports", data=report_part(), files=photos(big))
    assert response.status_code == 201, response.text
    [event] = await events_of(response.json()["report_id"])
    [ref] = event["data"]["report"]["photos"]
    assert (ref["width"], ref["height"]) == (2560, 853)
    with Image.open(io.BytesIO(stored(s3_client, intake_bucket, ref["thumbnail_key"]))) as thumb:
        assert thumb.size == (400, 133)


@pytest.mark.parametrize(
    ("make", "original_type"),
    [
        (lambda: encoded(Image.new("RGBA", (80, 40), (0, 128, 0, 128)), "PNG"), "image/png"),
        (lambda: encoded(two_colour(80, 40), "WEBP"), "image/webp"),
        (lambda: _heic(two_colour(80, 40)), "image/heif"),
    ],
    ids=["png", "webp", "heic"],
)
async def test_png_webp_and_heic_become_jpeg(
    client: httpx.AsyncClient,
    s3_client: Minio,
    intake_bucket: str,
    events_of: EventsOf,
    admin_engine: AsyncEngine,
    make: Callable[[], bytes],
    original_type: str,
) -> None:
    # The client's file name and type lie (".jpg", image/jpeg): the bytes decide.
    response = await client.post("/v1/reports", data=report_part(), files=photos(make()))
    assert response.status_code == 201, response.text
    [event] = await events_of(response.json()["report_id"])
    [ref] = event["data"]["report"]["photos"]
    with Image.open(io.BytesIO(stored(s3_client, intake_bucket, ref["object_key"]))) as image:
        assert image.format == "JPEG"
        assert image.size == (80, 40)
    async with admin_engine.connect() as connection:
        kind = await connection.execute(
            text("SELECT original_type FROM intake.photo WHERE id = :id"), {"id": ref["photo_id"]}
        )
        assert kind.scalar_one() == original_type


def _heic(image: Image.Image) -> bytes:
    pillow_heif.register_heif_opener()
    data = encoded(image, "HEIF")
    assert data[4:12] == b"ftypheic"
    return data


async def test_five_photos_are_fine_six_are_too_many(
    client: httpx.AsyncClient, footprint: TakeFootprint, events_of: EventsOf
) -> None:
    small = encoded(two_colour(40, 20), "JPEG")
    five = await client.post("/v1/reports", data=report_part(), files=photos(*[small] * 5))
    assert five.status_code == 201, five.text
    [event] = await events_of(five.json()["report_id"])
    assert len(event["data"]["report"]["photos"]) == 5

    before = await footprint()
    six = await client.post("/v1/reports", data=report_part(), files=photos(*[small] * 6))
    assert six.status_code == 422
    assert six.json()["code"] == "report.too_many_photos"
    assert await footprint() == before


@pytest.mark.parametrize(
    ("make", "status", "code"),
    [
        (
            lambda: b"this is a text file pretending to be a JPEG",
            415,
            "upload.type_not_allowed",
        ),
        (lambda: b"GIF89a" + b"\x00" * 64, 415, "upload.type_not_allowed"),
        (lambda: encoded(two_colour(400, 300), "JPEG")[:600], 422, "upload.unreadable"),
        (lambda: png_declaring(100_000, 100_000), 413, "upload.too_many_pixels"),
        (lambda: png_declaring(7_000, 7_000), 413, "upload.too_many_pixels"),
        (lambda: b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024), 413, "upload.too_large"),
    ],
    ids=["text", "gif", "truncated", "bomb", "over-40-megapixels", "over-10-mib"],
)
async def test_bad_photo_is_refused_and_changes_nothing(
    client: httpx.AsyncClient,
    footprint: TakeFootprint,
    make: Callable[[], bytes],
    status: int,
    code: str,
) -> None:
    good = encoded(two_colour(40, 20), "JPEG")
    before = await footprint()
    response = await client.post("/v1/reports", data=report_part(), files=photos(good, make()))
    assert response.status_code == status, response.text
    problem = response.json()
    assert problem["code"] == code
    assert "2" in problem["detail"]  # names the second photo
    assert await footprint() == before


async def test_multipart_without_report_or_with_broken_json(
    client: httpx.AsyncClient, footprint: TakeFootprint
) -> None:
    good = encoded(two_colour(40, 20), "JPEG")
    before = await footprint()
    missing = await client.post("/v1/reports", data={"note": "x"}, files=photos(good))
    assert missing.status_code == 422
    assert missing.json()["code"] == "report.missing_report_part"
    broken = await client.post("/v1/reports", data={"report": "{nope"}, files=photos(good))
    assert broken.status_code == 400
    assert broken.json()["code"] == "request.malformed_json"
    deep = await client.post(
        "/v1/reports", data={"report": "[" * 900 + "]" * 900}, files=photos(good)
    )
    assert deep.status_code == 400, deep.text
    assert deep.json()["code"] == "request.json_too_deep"
    assert "32" in deep.json()["detail"]
    assert await footprint() == before


async def test_failed_transaction_removes_the_uploaded_objects(
    client: httpx.AsyncClient,
    footprint: TakeFootprint,
    intake_database: TestDatabase,
    intake_db: ServiceDatabase,
) -> None:
    """S3 took the photos, then the database refused the write: no orphan object is left."""
    role = intake_db.app_role.name
    before = await footprint()
    await intake_database.execute_admin(f'REVOKE INSERT ON intake.photo FROM "{role}"')
    try:
        response = await client.post(
            "/v1/reports", data=report_part(), files=photos(encoded(two_colour(40, 20), "JPEG"))
        )
    finally:
        await intake_database.execute_admin(f'GRANT INSERT ON intake.photo TO "{role}"')
    assert response.status_code == 500
    assert await footprint() == before


async def test_no_photo_is_stored_when_no_connection_can_be_had(
    client: httpx.AsyncClient, footprint: TakeFootprint, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The photos are cleaned, then the pool cannot give a connection (PostgreSQL down):
    the photos are stored only once the town is known, so nothing is left in S3."""
    calls = 0

    def checkout_fails(engine: AsyncEngine) -> Any:
        nonlocal calls
        calls += 1
        raise OSError("connection refused")

    before = await footprint()
    monkeypatch.setattr(service, "pooled_driver_connection", checkout_fails)
    response = await client.post(
        "/v1/reports", data=report_part(), files=photos(encoded(two_colour(40, 20), "JPEG"))
    )
    assert (calls, response.status_code) == (1, 500)
    assert await footprint() == before


async def test_concurrent_photo_retries_store_one_set_of_objects(
    client: httpx.AsyncClient, footprint: TakeFootprint
) -> None:
    key = str(uuid4())
    data = report_part(description="Dubbel verstuurd")
    files = photos(encoded(two_colour(40, 20), "JPEG"))
    before = await footprint()
    responses = await asyncio.gather(
        *(
            client.post("/v1/reports", data=data, files=files, headers={"Idempotency-Key": key})
            for _ in range(4)
        )
    )
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    assert len({r.json()["report_id"] for r in responses}) == 1
    after = await footprint()
    assert after.rows["report"] == before.rows["report"] + 1
    assert after.rows["photo"] == before.rows["photo"] + 1
    assert after.objects == before.objects + 2  # one photo, one thumbnail: the losers cleaned up
