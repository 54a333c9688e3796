"""Reports as a client sends them to intake, photos made with Pillow, and places in the demo
towns (routing's demo directory) far enough apart that no two tests' reports are duplicates."""

from __future__ import annotations

import io
import json
import math
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from PIL import Image

LEEUW, SOIGNIES, BRAINE, EUPEN, KORTRIJK = "23077", "55040", "55004", "63023", "34022"
PREFIX = {LEEUW: "SPL", SOIGNIES: "SOI", BRAINE: "BLC", EUPEN: "EUP", KORTRIJK: "KOR"}
# Town centres of routing/demo/directory.json.
CENTRES = {
    LEEUW: (50.7797, 4.2437),
    SOIGNIES: (50.5790, 4.0708),
    BRAINE: (50.6095, 4.1370),
    EUPEN: (50.6289, 6.0363),
    KORTRIJK: (50.8277, 3.2647),
}
IN_THE_SEA = {"lat": 51.45, "lon": 2.55}
METRES_PER_DEGREE_LAT = 111_320.0


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float

    def json(self) -> dict[str, float]:
        return {"lat": round(self.lat, 7), "lon": round(self.lon, 7)}

    def moved(self, north_m: float, east_m: float) -> Place:
        east_per_degree = METRES_PER_DEGREE_LAT * math.cos(math.radians(self.lat))
        return Place(
            self.lat + north_m / METRES_PER_DEGREE_LAT, self.lon + east_m / east_per_degree
        )


def place(nis: str, north_m: float = 0.0, east_m: float = 0.0) -> Place:
    lat, lon = CENTRES[nis]
    return Place(lat, lon).moved(north_m, east_m)


def grid(origin: Place, count: int, spacing_m: float = 120.0) -> list[Place]:
    """`count` points on a square grid starting at `origin` (north/east of it)."""
    side = math.ceil(math.sqrt(count))
    return [origin.moved((i // side) * spacing_m, (i % side) * spacing_m) for i in range(count)]


def report(
    where: Place,
    category: str,
    *,
    description: str = "Signalé par le test de bout en bout",
    answers: dict[str, Any] | None = None,
    language: str = "fr",
) -> dict[str, Any]:
    return {
        "category": category,
        "description": description,
        "location": where.json(),
        "channel": "web",
        "answers": answers or {},
        "language": language,
    }


def dumping(where: Place) -> dict[str, Any]:
    return report(where, "illegal_dumping", answers={"volume": "bag"})


async def submit(
    http: httpx.AsyncClient,
    intake_url: str,
    body: dict[str, Any],
    *,
    photos: Sequence[tuple[str, bytes, str]] = (),
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """POST /v1/reports: JSON, or multipart when there are photos (name, bytes, type)."""
    url = f"{intake_url}/v1/reports"
    if not photos:
        return await http.post(url, json=body, headers=headers)
    files = [("report", ("report.json", json.dumps(body).encode(), "application/json"))]
    files += [("photos", photo) for photo in photos]
    return await http.post(url, files=files, headers=headers)


# --- photos ------------------------------------------------------------------------------

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
MAKE, MODEL, DATETIME_ORIGINAL, USER_COMMENT = 0x010F, 0x0110, 0x9003, 0x9286


def jpeg_with_exif(where: Place, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A camera-like JPEG: maker, model, date and the GPS position of `where` in its EXIF."""
    image = Image.new("RGB", size)
    for x in range(0, size[0], 40):  # some structure, so the JPEG is not trivially small
        image.paste((x % 256, 90, 200 - x % 200), (x, 0, x + 20, size[1]))
    exif = Image.Exif()
    exif[MAKE] = "E2E Camera"
    exif[MODEL] = "Model GPS-1"
    exif.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] = "2026:11:28 10:00:00"
    exif.get_ifd(GPS_IFD).update(
        {
            1: "N",
            2: _dms(where.lat),
            3: "E",
            4: _dms(where.lon),
        }
    )
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def _dms(degrees: float) -> tuple[float, float, float]:
    whole = int(degrees)
    minutes = (degrees - whole) * 60
    return (float(whole), float(int(minutes)), round((minutes - int(minutes)) * 60, 4))


def exif_gps(data: bytes) -> dict[int, Any]:
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif().get_ifd(GPS_IFD))


def metadata_left(data: bytes) -> dict[str, Any]:
    """Whatever metadata a JPEG still carries: EXIF tags, APP1/ICC/XMP/comment info keys."""
    with Image.open(io.BytesIO(data)) as image:
        tags = dict(image.getexif())
        kept = {
            k: v for k, v in image.info.items() if k in {"exif", "icc_profile", "xmp", "comment"}
        }
    return {"exif_tags": tags, "info": kept, "has_exif_marker": b"Exif\x00\x00" in data}


def png_bomb(side: int = 20_000) -> bytes:
    """A valid 1-bit PNG of side x side pixels (400 megapixels) compressed to a few hundred KB."""
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte + packed pixels
    compressor = zlib.compressobj(9)
    chunks = [compressor.compress(row * 1000) for _ in range(side // 1000)]
    idat = b"".join(chunks) + compressor.compress(row * (side % 1000)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)
