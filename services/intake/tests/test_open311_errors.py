"""Open311 bad inputs: each gets the spec's error document (XML or JSON, by extension) with
its HTTP status and stable code, in the caller's language, and leaves nothing behind."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree as ET

import httpx
import pytest

from guichet_testing.apps import serve
from guichet_testing.directory import LEEUW
from intake.main import create_app
from intake.open311.render import to_xml
from intake.settings import Settings

TakeFootprint = Callable[[], Awaitable[Any]]
CODE = "Guichet-Error-Code"

pytestmark = pytest.mark.usefixtures("directory")

GOOD = {
    "jurisdiction_id": LEEUW,
    "service_code": "wegdek",
    "lat": "50.75",
    "long": "4.25",
    "description": "Put in de weg",
}


def errors(response: httpx.Response) -> list[dict[str, Any]]:
    """The error document, whatever its format, as [{code: int, description: str}]."""
    if response.headers["content-type"].startswith("application/json"):
        body = response.json()
        assert isinstance(body, list)
        return body
    assert response.headers["content-type"].startswith("text/xml"), response.text
    root = ET.fromstring(response.content)
    assert root.tag == "errors"
    return [
        {"code": int(e.findtext("code") or 0), "description": e.findtext("description")}
        for e in root.findall("error")
    ]


def assert_error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers[CODE] == code
    [error] = errors(response)
    assert error["code"] == status
    assert error["description"]
    return str(error["description"])


BAD_REQUESTS = [
    ({"jurisdiction_id": "99999"}, 404, "open311.unknown_jurisdiction", "99999"),
    ({"jurisdiction_id": "abc"}, 404, "open311.unknown_jurisdiction", "abc"),
    ({"jurisdiction_id": ""}, 400, "open311.missing_parameter", "jurisdiction_id"),
    ({"service_code": ""}, 400, "open311.missing_parameter", "service_code"),
    ({"service_code": "nope"}, 400, "open311.unknown_service", "nope"),
    ({"service_code": "sluikstort"}, 400, "report.invalid_answers", "attribute[volume_m3]"),
    (
        {"service_code": "sluikstort", "attribute[volume_m3]": "veel"},
        400,
        "report.invalid_answers",
        "not_a_number",
    ),
    (
        {"service_code": "sluikstort", "attribute[volume_m3]": "1", "attribute[hazard]": "maybe"},
        400,
        "report.invalid_answers",
        "not_an_option",
    ),
    ({"attribute[colour]": "red"}, 400, "report.invalid_answers", "attribute[colour]: unknown"),
    ({"lat": "fifty"}, 400, "open311.invalid_parameter", "lat"),
    ({"lat": "91"}, 400, "open311.invalid_parameter", "lat"),
    ({"long": "nan"}, 400, "open311.invalid_parameter", "long"),
    (
        {"lat": "", "long": "", "address_string": "Bergensesteenweg 1"},
        400,
        "open311.location_required",
        "lat",
    ),
    ({"lat": "51.2", "long": "3.2"}, 400, "report.outside_municipalities", "Guichet"),
    ({"email": "not-an-address"}, 400, "open311.invalid_request", "email"),
    ({"description": "x" * 5001}, 400, "open311.invalid_request", "description"),
]


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize(("changes", "status", "code", "mentions"), BAD_REQUESTS)
async def test_bad_post_gets_a_spec_error_and_creates_nothing(
    client: httpx.AsyncClient,
    footprint: TakeFootprint,
    fmt: str,
    changes: dict[str, str],
    status: int,
    code: str,
    mentions: str,
) -> None:
    before = await footprint()
    fields = {key: value for key, value in {**GOOD, **changes}.items() if value != ""}
    response = await client.post(f"/open311/v2/requests.{fmt}", data=fields)
    assert mentions in assert_error(response, status, code)
    assert response.headers["content-type"].startswith(
        "text/xml" if fmt == "xml" else "application/json"
    )
    assert await footprint() == before


async def test_post_needs_a_form_and_a_known_format(
    client: httpx.AsyncClient, footprint: TakeFootprint
) -> None:
    before = await footprint()
    as_json = await client.post("/open311/v2/requests.json", json=GOOD)
    assert_error(as_json, 415, "open311.form_expected")
    as_html = await client.post("/open311/v2/requests.html", data=GOOD)
    assert "html" in assert_error(as_html, 400, "open311.unsupported_format")
    assert as_html.headers["content-type"].startswith("text/xml")  # the mandatory format
    broken_media = await client.post(
        "/open311/v2/requests.json", data=GOOD, files={"media": ("x.jpg", b"not an image")}
    )
    assert_error(broken_media, 415, "upload.type_not_allowed")
    assert await footprint() == before


async def test_an_idempotency_key_must_be_a_random_uuid(
    client: httpx.AsyncClient, footprint: TakeFootprint
) -> None:
    """Open311 callers are anonymous: a key anyone could know would replay another's answer."""
    before = await footprint()
    response = await client.post(
        "/open311/v2/requests.json", data=GOOD, headers={"Idempotency-Key": "open311-000001"}
    )
    assert "UUID" in assert_error(response, 400, "report.anonymous_idempotency_key")
    assert await footprint() == before


async def test_errors_speak_the_callers_language(client: httpx.AsyncClient) -> None:
    german = await client.get(
        "/open311/v2/services.xml",
        params={"jurisdiction_id": "99999"},
        headers={"Accept-Language": "de-BE"},
    )
    assert assert_error(german, 404, "open311.unknown_jurisdiction") == (
        "Die Zuständigkeit 99999 wird von diesem Endpunkt nicht bedient."
    )
    # Once the town is known, its language is the default (Leeuw: Dutch).
    dutch = await client.get("/open311/v2/services/nope.json", params={"jurisdiction_id": LEEUW})
    described = assert_error(dutch, 404, "open311.service_not_found")
    assert described.startswith("Dienst nope bestaat niet in Sint-Pieters-Leeuw. (geldige codes: ")
    assert "sluikstort, wegdek" in described


BAD_READS = [
    ("/open311/v2/services.json", {}, 400, "open311.missing_parameter"),
    ("/open311/v2/services.html", {"jurisdiction_id": LEEUW}, 400, "open311.unsupported_format"),
    ("/open311/discovery.yaml", {}, 400, "open311.unsupported_format"),
    ("/open311/v2/services", {"jurisdiction_id": LEEUW}, 404, "open311.unknown_resource"),
    ("/open311/v3/services.json", {"jurisdiction_id": LEEUW}, 404, "open311.unknown_resource"),
    (
        "/open311/v2/requests.json",
        {"jurisdiction_id": LEEUW, "start_date": "yesterday"},
        400,
        "open311.invalid_parameter",
    ),
    (
        "/open311/v2/requests.json",
        {"jurisdiction_id": LEEUW, "end_date": "2026-11-01T00:00:00"},  # no timezone
        400,
        "open311.invalid_parameter",
    ),
    (
        "/open311/v2/requests.xml",
        {
            "jurisdiction_id": LEEUW,
            "start_date": "2026-11-02T00:00:00Z",
            "end_date": "2026-11-01T00:00:00Z",
        },
        400,
        "open311.invalid_parameter",
    ),
    (  # its default span (90 days after it) would leave year 9999
        "/open311/v2/requests.json",
        {"jurisdiction_id": LEEUW, "start_date": "9999-12-01T00:00:00Z"},
        400,
        "open311.invalid_parameter",
    ),
    (  # its default span (90 days before it) would leave year 1
        "/open311/v2/requests.xml",
        {"jurisdiction_id": LEEUW, "end_date": "0001-01-02T00:00:00Z"},
        400,
        "open311.invalid_parameter",
    ),
    (  # before year 1 in UTC
        "/open311/v2/requests.json",
        {"jurisdiction_id": LEEUW, "start_date": "0001-01-01T00:00:00+14:00"},
        400,
        "open311.invalid_parameter",
    ),
    (  # after year 9999 in UTC
        "/open311/v2/requests.json",
        {"jurisdiction_id": LEEUW, "end_date": "9999-12-31T23:59:59-14:00"},
        400,
        "open311.invalid_parameter",
    ),
    (
        "/open311/v2/requests.json",
        {"jurisdiction_id": LEEUW, "status": "pending"},
        400,
        "open311.invalid_parameter",
    ),
    (
        "/open311/v2/requests.json",
        {"jurisdiction_id": "00000"},
        404,
        "open311.unknown_jurisdiction",
    ),
    (
        "/open311/v2/requests/ABCD-EFGH-JKMN.json",
        {"jurisdiction_id": LEEUW},
        404,
        "open311.request_not_found",
    ),
    (
        "/open311/v2/requests/nonsense.xml",
        {"jurisdiction_id": LEEUW},
        404,
        "open311.request_not_found",
    ),
    (
        "/open311/v2/tokens/not-a-uuid.json",
        {"jurisdiction_id": LEEUW},
        404,
        "open311.token_not_found",
    ),
    (
        "/open311/v2/tokens/0193a4b2-0000-7000-8000-000000000000.xml",
        {"jurisdiction_id": LEEUW},
        404,
        "open311.token_not_found",
    ),
]


@pytest.mark.parametrize(("path", "params", "status", "code"), BAD_READS)
async def test_bad_reads_get_spec_errors(
    client: httpx.AsyncClient, path: str, params: dict[str, str], status: int, code: str
) -> None:
    response = await client.get(path, params=params)
    assert_error(response, status, code)
    expected = "application/json" if path.endswith(".json") else "text/xml"
    assert response.headers["content-type"].startswith(expected)


async def test_extreme_dates_given_both_are_read(client: httpx.AsyncClient) -> None:
    """The ends of the calendar are valid dates: only a span past them is refused."""
    response = await client.get(
        "/open311/v2/requests.json",
        params={
            "jurisdiction_id": LEEUW,
            "start_date": "0001-01-01T00:00:00Z",
            "end_date": "9999-12-31T23:59:59Z",
        },
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("announced", [True, False])
async def test_an_oversized_request_gets_a_spec_error_in_the_callers_language(
    settings: Settings, footprint: TakeFootprint, fmt: str, announced: bool
) -> None:
    """Over the limit, whether its Content-Length says so up front or it is streamed (chunked):
    the spec's error document in French, not a plain-text 413."""
    small = settings.model_copy(update={"photo_max_bytes": 1000})  # limit: 1 MiB + 1000 bytes
    body = urlencode({**GOOD, "description": "x" * (1024 * 1024 + 2000)}).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    before = await footprint()
    async with serve(create_app(small)) as http:
        response = await http.post(
            f"/open311/v2/requests.{fmt}",
            content=body if announced else chunks(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept-Language": "fr-BE",
            },
        )
    description = assert_error(response, 413, "open311.request_too_large")
    assert description.startswith("La demande est trop volumineuse")
    assert response.headers["content-type"].startswith(
        "text/xml" if fmt == "xml" else "application/json"
    )
    assert await footprint() == before


def test_xml_drops_characters_xml_cannot_carry() -> None:
    document = to_xml("service_requests", [{"description": "a\x00b\x0bc\td\ne\ufffff"}])
    [request] = ET.fromstring(document)
    assert request.findtext("description") == "abc\td\nef"
