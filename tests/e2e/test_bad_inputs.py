"""Bad input end to end: each one is refused by intake with a clear 4xx problem+json, and
nothing changes anywhere: no report, photo, outbox row or S3 object in intake, no case.

"No case" is proven, not waited for: after the bad request a valid sentinel report is sent
and followed until its case exists. Everything intake writes goes through one outbox, one
stream and the same two consumers in order, so a case caused by the bad request would exist
by then; the footprint must have grown by exactly the sentinel's own.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.e2e.events import tap
from tests.e2e.pipeline import Platform
from tests.e2e.reports import (
    IN_THE_SEA,
    SOIGNIES,
    Place,
    dumping,
    grid,
    jpeg_with_exif,
    place,
    png_bomb,
    report,
    submit,
)

Send = Callable[[httpx.AsyncClient, str], Awaitable[httpx.Response]]

# Sentinels far from each other (200 m > any duplicate radius) in a corner of Soignies.
SENTINELS = iter(grid(place(SOIGNIES, north_m=-3000, east_m=-3000), 60, spacing_m=200))
KEYS = (str(uuid.uuid4()) for _ in itertools.count())  # anonymous: random UUIDs
HERE = place(SOIGNIES, north_m=-2600, east_m=1200)
FOOTPRINT = {
    "cases": 'SELECT count(*) FROM cases."case"',
    "supporters": "SELECT count(*) FROM cases.case_supporter",
    "reports": "SELECT count(*) FROM intake.report",
    "photos": "SELECT count(*) FROM intake.photo",
    "locators": "SELECT count(*) FROM intake.report_locator",
    "idempotency": "SELECT count(*) FROM intake.idempotency_record",
    "decisions": "SELECT count(*) FROM routing.decision",
}
SENTINEL_FOOTPRINT = {"cases": 1, "reports": 1, "locators": 1, "decisions": 1, "intake_events": 1}


async def footprint(platform: Platform) -> dict[str, int]:
    counts = {name: await platform.scalar(query) for name, query in FOOTPRINT.items()}
    return counts | {
        "s3_objects": await platform.object_count(),
        "intake_events": await platform.stream_messages("INTAKE"),
    }


def _jpeg(size: tuple[int, int] = (320, 240)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def _photos(*images: bytes) -> list[tuple[str, bytes, str]]:
    return [(f"IMG_{i}.jpg", data, "image/jpeg") for i, data in enumerate(images, start=1)]


async def _raw_json(http: httpx.AsyncClient, url: str, content: bytes) -> httpx.Response:
    return await http.post(
        f"{url}/v1/reports", content=content, headers={"Content-Type": "application/json"}
    )


@dataclass(frozen=True)
class BadInput:
    id: str
    send: Send
    status: int
    code: str
    check: Callable[[dict[str, Any]], None] = lambda problem: None


def _field_errors(*fields: str) -> Callable[[dict[str, Any]], None]:
    def check(problem: dict[str, Any]) -> None:
        named = {error["field"] for error in problem["errors"]}
        assert {f"body.{field}" for field in fields} <= named, named

    return check


def _lists_codes(problem: dict[str, Any]) -> None:
    assert "illegal_dumping" in problem["valid_codes"]
    assert "fly_tipping" not in problem["valid_codes"]


def _names_question(problem: dict[str, Any]) -> None:
    assert {"question": "volume", "problem": "required"} in problem["errors"]


def _lists_types(problem: dict[str, Any]) -> None:
    assert {"image/jpeg", "image/png"} <= set(problem["allowed"])


def _with(changes: dict[str, Any], where: Place = HERE) -> dict[str, Any]:
    return dumping(where) | changes


BAD_INPUTS = [
    BadInput(
        "malformed-json",
        lambda http, url: _raw_json(http, url, b'{"category": "illegal_dumping", "loc'),
        400,
        "request.malformed_json",
    ),
    BadInput(
        "malformed-json-in-multipart",
        lambda http, url: http.post(
            f"{url}/v1/reports",
            files=[
                ("report", ("r.json", b"{not json", "application/json")),
                ("photos", ("IMG_1.jpg", _jpeg(), "image/jpeg")),
            ],
        ),
        400,
        "request.malformed_json",
    ),
    BadInput(
        "wrong-types",
        lambda http, url: submit(
            http,
            url,
            _with({"location": {"lat": "north", "lon": [4.07]}, "anonymous": "perhaps"}),
        ),
        422,
        "request.validation_failed",
        _field_errors("location.lat", "location.lon", "anonymous"),
    ),
    BadInput(
        "unknown-channel-and-language",
        lambda http, url: submit(http, url, _with({"channel": "pigeon", "language": "xx"})),
        422,
        "request.validation_failed",
        _field_errors("channel", "language"),
    ),
    BadInput(
        "not-json-nor-multipart",
        lambda http, url: http.post(
            f"{url}/v1/reports",
            content=json.dumps(dumping(HERE)),
            headers={"Content-Type": "text/plain"},
        ),
        415,
        "report.unsupported_content_type",
    ),
    BadInput(
        "photo-over-10-mib",
        lambda http, url: submit(
            http, url, dumping(HERE), photos=_photos(b"\xff\xd8\xff\xe0" + os.urandom(11 << 20))
        ),
        413,
        "upload.too_large",
    ),
    BadInput(
        "bytes-that-are-not-an-image",
        lambda http, url: submit(
            http, url, dumping(HERE), photos=_photos(b"GIF89a but really just text " * 50)
        ),
        415,
        "upload.type_not_allowed",
        _lists_types,
    ),
    BadInput(
        "decompression-bomb-png",
        lambda http, url: submit(
            http, url, dumping(HERE), photos=[("bomb.png", png_bomb(), "image/png")]
        ),
        413,
        "upload.too_many_pixels",
    ),
    BadInput(
        "good-photo-then-truncated-jpeg",
        lambda http, url: submit(
            http,
            url,
            dumping(HERE),
            photos=_photos(jpeg_with_exif(HERE, (800, 600)), _jpeg((1024, 768))[:700]),
        ),
        422,
        "upload.unreadable",
    ),
    BadInput(
        "six-photos",
        lambda http, url: submit(http, url, dumping(HERE), photos=_photos(*[_jpeg()] * 6)),
        422,
        "report.too_many_photos",
    ),
    BadInput(
        "point-outside-every-municipality",
        lambda http, url: submit(http, url, _with({"location": IN_THE_SEA})),
        422,
        "report.outside_municipalities",
    ),
    BadInput(
        "unknown-category",
        lambda http, url: submit(http, url, _with({"category": "fly_tipping"})),
        422,
        "report.unknown_category",
        _lists_codes,
    ),
    BadInput(
        "required-answer-missing",
        lambda http, url: submit(http, url, _with({"answers": {}})),
        422,
        "report.invalid_answers",
        _names_question,
    ),
    BadInput(
        "invalid-idempotency-key",
        lambda http, url: submit(http, url, dumping(HERE), headers={"Idempotency-Key": "no way!"}),
        400,
        "report.invalid_idempotency_key",
    ),
]


async def _sentinel_case(platform: Platform, http: httpx.AsyncClient) -> None:
    """A valid report, followed until its case exists."""
    async with tap(platform.nats.url) as events:
        body = report(next(SENTINELS), "dirty_public_space")
        response = await submit(http, platform.url("intake"), body)
        assert response.status_code == 201, response.text
        await events.wait_for("case.created", within=10, report_id=response.json()["report_id"])


def _assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    assert (problem["status"], problem["code"]) == (status, code)
    assert problem["title"].strip()
    assert problem["detail"].strip()
    return problem


async def _assert_refused_without_trace(
    platform: Platform, http: httpx.AsyncClient, bad: BadInput
) -> None:
    before = await footprint(platform)
    problem = _assert_problem(await bad.send(http, platform.url("intake")), bad.status, bad.code)
    bad.check(problem)
    await _sentinel_case(platform, http)
    after = await footprint(platform)
    grown = {name: after[name] - before[name] for name in after if after[name] != before[name]}
    assert grown == SENTINEL_FOOTPRINT


@pytest.mark.parametrize("bad", BAD_INPUTS, ids=[bad.id for bad in BAD_INPUTS])
async def test_bad_input_is_a_clear_problem_and_leaves_nothing(
    platform: Platform, http: httpx.AsyncClient, bad: BadInput
) -> None:
    await _assert_refused_without_trace(platform, http, bad)


async def test_an_idempotency_key_reused_with_another_body_is_refused_and_changes_nothing(
    platform: Platform, http: httpx.AsyncClient
) -> None:
    key = next(KEYS)
    first_body = dumping(place(SOIGNIES, north_m=-2600, east_m=1600))
    async with tap(platform.nats.url) as events:
        first = await submit(
            http, platform.url("intake"), first_body, headers={"Idempotency-Key": key}
        )
        assert first.status_code == 201, first.text
        await events.wait_for("case.created", within=10, report_id=first.json()["report_id"])

    other_body = first_body | {"description": "Une autre description"}
    reused = BadInput(
        "reused-key",
        lambda http, url: submit(http, url, other_body, headers={"Idempotency-Key": key}),
        422,
        "report.idempotency_key_reused",
    )
    await _assert_refused_without_trace(platform, http, reused)


async def test_a_replay_with_the_same_key_and_body_answers_the_first_receipt_and_creates_nothing(
    platform: Platform, http: httpx.AsyncClient
) -> None:
    key = next(KEYS)
    body = dumping(place(SOIGNIES, north_m=-2600, east_m=2000))
    async with tap(platform.nats.url) as events:
        first = await submit(http, platform.url("intake"), body, headers={"Idempotency-Key": key})
        assert first.status_code == 201, first.text
        await events.wait_for("case.created", within=10, report_id=first.json()["report_id"])

    before = await footprint(platform)
    replay = await submit(
        http,
        platform.url("intake"),
        json.loads(json.dumps(body, indent=2)),
        headers={"Idempotency-Key": key},
    )
    assert replay.status_code == 201, replay.text
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    await _sentinel_case(platform, http)
    after = await footprint(platform)
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == SENTINEL_FOOTPRINT
