"""Every kind of error rendered as RFC 9457 problem+json, in the request's language."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, HTTPException, Query
from pydantic import BaseModel, Field

from guichet_kit.app import build_app
from guichet_kit.errors import (
    PROBLEM_MEDIA_TYPE,
    BadRequest,
    Conflict,
    Forbidden,
    GuichetError,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    Unprocessable,
    UnsupportedMediaType,
)
from guichet_kit.i18n import Message, load_catalogue
from guichet_kit.settings import KitSettings
from guichet_testing.catalogues import write_catalogue

TEST_MESSAGES = {
    "test.transition_not_allowed": {
        "en": "A case cannot go from {current} to {target}.",
        "fr": "Un dossier ne peut pas passer de {current} à {target}.",
        "nl": "Een dossier kan niet van {current} naar {target} gaan.",
        "de": "Ein Vorgang kann nicht von {current} zu {target} wechseln.",
    },
    "test.unknown_department": {
        "en": "unknown department {code}",
        "fr": "service inconnu {code}",
        "nl": "onbekende dienst {code}",
        "de": "unbekannte Abteilung {code}",
    },
}


@pytest.fixture(scope="module", autouse=True)
def _test_catalogue(tmp_path_factory: pytest.TempPathFactory) -> None:
    package = tmp_path_factory.mktemp("catalogues") / "kit_errors_test"
    load_catalogue(package.name, write_catalogue(package, TEST_MESSAGES))


class TransitionNotAllowed(Conflict):
    code = "test.transition_not_allowed"


class NeverRegistered(NotFound):
    code = "test.never_registered"


class Location(BaseModel):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class ReportIn(BaseModel):
    title: str = Field(min_length=3)
    location: Location


router = APIRouter()
KIT_ERRORS: list[type[GuichetError]] = [
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    Unprocessable,
]


@router.post("/transition")
async def transition() -> None:
    raise TransitionNotAllowed(current="new", target="closed", extra={"allowed": ["assigned"]})


@router.post("/rules")
async def rules() -> None:
    problem = Message("test.unknown_department", {"code": "XYZ"})
    raise Unprocessable(extra={"errors": [{"field": "rules.0.departments", "message": problem}]})


@router.get("/kit-error/{index}")
async def kit_error(index: int) -> None:
    raise KIT_ERRORS[index]()


@router.get("/unregistered")
async def unregistered() -> None:
    raise NeverRegistered()


@router.get("/challenge")
async def challenge() -> None:
    raise Unauthorized(headers={"WWW-Authenticate": 'Bearer realm="guichet"'})


@router.post("/reports")
async def create_report(report: ReportIn) -> dict[str, str]:
    return {"title": report.title}


@router.get("/search")
async def search(page: int = Query(ge=1)) -> dict[str, int]:
    return {"page": page}


@router.get("/http-custom")
async def http_custom() -> None:
    raise HTTPException(status_code=403, detail="Only coordinators may do this.")


@router.get("/http-structured")
async def http_structured() -> None:
    raise HTTPException(status_code=409, detail={"reason": "stale", "version": 3})


@router.get("/boom")
async def boom() -> None:
    raise RuntimeError("secret internals: password=hunter2 at db.internal:5432")


@router.post("/big")
async def big(report: ReportIn) -> dict[str, str]:
    return {"title": report.title}


@pytest.fixture(scope="module")
def errors_app() -> FastAPI:
    settings = KitSettings(service_name="errors-test")
    return build_app(
        settings=settings,
        title="errors",
        version="0",
        routers=[router],
        default_language="fr",
        max_body_size=2048,
    )


@pytest.fixture
async def client(errors_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=errors_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["instance"] == response.request.url.path
    assert body["correlation_id"] == response.headers["x-correlation-id"]
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


async def test_domain_error_has_its_code_type_and_translated_detail(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/transition", headers={"Accept-Language": "nl-BE,nl;q=0.9"})
    body = assert_problem(response, 409, "test.transition_not_allowed")
    assert body["type"] == "https://guichet.be/problems/test.transition_not_allowed"
    assert body["title"] == "Conflict"
    assert body["detail"] == "Een dossier kan niet van new naar closed gaan."
    assert body["allowed"] == ["assigned"]
    assert response.headers["content-language"] == "nl"


@pytest.mark.parametrize(
    ("lang", "title", "detail"),
    [
        ("de", "Konflikt", "Ein Vorgang kann nicht von new zu closed wechseln."),
        ("en", "Conflict", "A case cannot go from new to closed."),
        ("fr", "Conflit", "Un dossier ne peut pas passer de new à closed."),
        ("it", "Conflit", "Un dossier ne peut pas passer de new à closed."),  # app default: fr
    ],
)
async def test_language_follows_accept_language(
    client: httpx.AsyncClient, lang: str, title: str, detail: str
) -> None:
    response = await client.post("/transition", headers={"Accept-Language": lang})
    body = assert_problem(response, 409, "test.transition_not_allowed")
    assert (body["title"], body["detail"]) == (title, detail)


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("fr", "service inconnu XYZ"),
        ("nl", "onbekende dienst XYZ"),
        ("en", "unknown department XYZ"),
    ],
)
async def test_messages_inside_a_problem_speak_the_request_language(
    client: httpx.AsyncClient, lang: str, message: str
) -> None:
    response = await client.post("/rules", headers={"Accept-Language": lang})
    body = assert_problem(response, 422, "unprocessable")
    assert body["errors"] == [{"field": "rules.0.departments", "message": message}]


@pytest.mark.parametrize("index", range(len(KIT_ERRORS)))
async def test_each_kit_error_renders_its_status_and_generic_message(
    client: httpx.AsyncClient, index: int
) -> None:
    error = KIT_ERRORS[index]
    response = await client.get(f"/kit-error/{index}", headers={"Accept-Language": "en"})
    body = assert_problem(response, error.status, error.code)
    assert body["type"] == f"https://guichet.be/problems/{error.code}"
    assert body["detail"] == error().detail("en")
    assert body["detail"] != error().detail("de")


async def test_unregistered_message_falls_back_to_the_status_message(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/unregistered", headers={"Accept-Language": "de"})
    body = assert_problem(response, 404, "test.never_registered")
    assert body["detail"] == "Die angeforderte Ressource existiert nicht."


async def test_error_headers_reach_the_response(client: httpx.AsyncClient) -> None:
    response = await client.get("/challenge")
    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == 'Bearer realm="guichet"'


async def test_validation_error_names_the_field_and_why_in_the_request_language(
    client: httpx.AsyncClient,
) -> None:
    payload = {"title": "Hole", "location": {"lat": 95, "lon": 4.3}}
    response = await client.post("/reports", json=payload, headers={"Accept-Language": "nl"})
    body = assert_problem(response, 422, "request.validation_failed")
    assert body["type"] == "https://guichet.be/problems/request.validation_failed"
    assert body["title"] == "Ongeldige gegevens"
    assert body["errors"] == [
        {"field": "body.location.lat", "message": "Moet kleiner dan of gelijk aan 90 zijn."}
    ]


async def test_validation_reports_every_field(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/reports",
        json={"title": "x", "location": {"lat": "north"}},
        headers={"Accept-Language": "de"},
    )
    body = assert_problem(response, 422, "request.validation_failed")
    assert sorted(body["errors"], key=lambda e: e["field"]) == [
        {"field": "body.location.lat", "message": "Muss eine Zahl sein."},
        {"field": "body.location.lon", "message": "Dieses Feld ist erforderlich."},
        {"field": "body.title", "message": "Muss mindestens 3 Zeichen enthalten."},
    ]


async def test_query_validation(client: httpx.AsyncClient) -> None:
    response = await client.get("/search?page=0", headers={"Accept-Language": "fr"})
    body = assert_problem(response, 422, "request.validation_failed")
    assert body["errors"] == [
        {"field": "query.page", "message": "Doit être supérieur ou égal à 1."}
    ]


async def test_malformed_json_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/reports",
        content=b'{"title": "Hole", ',
        headers={"Content-Type": "application/json", "Accept-Language": "en"},
    )
    body = assert_problem(response, 400, "request.malformed_json")
    assert body["detail"] == "The request body is not valid JSON (error at character 18)."
    assert body["errors"] == [{"field": "body", "message": body["detail"]}]


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
async def test_json_endpoint_with_another_content_type_is_a_415(
    client: httpx.AsyncClient, content_type: str | None
) -> None:
    headers = {"Accept-Language": "en"}
    if content_type:
        headers["Content-Type"] = content_type
    body_bytes = b'{"title": "Hole", "location": {"lat": 50.8, "lon": 4.3}}'
    response = await client.post("/reports", content=body_bytes, headers=headers)
    body = assert_problem(response, 415, "request.unsupported_media_type")
    assert "application/json" in str(body["detail"])


async def test_the_same_body_as_json_is_accepted(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/reports", json={"title": "Hole", "location": {"lat": 50.8, "lon": 4.3}}
    )
    assert response.status_code == 200
    assert response.json() == {"title": "Hole"}


async def test_streamed_body_over_the_app_limit_is_a_413_problem(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"title": "'
        for _ in range(8):
            yield b"x" * 512
        yield b'", "location": {"lat": 1, "lon": 1}}'

    with caplog.at_level(logging.ERROR, logger="guichet.errors"):
        response = await client.post(
            "/big", content=chunks(), headers={"Content-Type": "application/json"}
        )
    body = assert_problem(response, 413, "http.content_too_large")
    assert body["detail"] == "Le corps de la requête est trop volumineux."
    assert not caplog.records


async def test_announced_oversized_body_is_refused_without_an_error_log(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    # With a Content-Length over the limit, Starlette's limiter (outside our middleware)
    # answers 413 itself, in plain text; the app factory turns it into the same problem.
    with caplog.at_level(logging.ERROR, logger="guichet.errors"):
        response = await client.post(
            "/big", json={"title": "x" * 4096, "location": {"lat": 1, "lon": 1}}
        )
    body = assert_problem(response, 413, "http.content_too_large")
    assert body["detail"] == "Le corps de la requête est trop volumineux."
    assert body["max_bytes"] == 2048
    assert not caplog.records


async def test_unknown_route_is_a_translated_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/nowhere", headers={"Accept-Language": "de-BE"})
    body = assert_problem(response, 404, "http.not_found")
    assert body["type"] == "about:blank"
    assert body["title"] == "Nicht gefunden"
    assert body["detail"] == "Die angeforderte Ressource existiert nicht."


async def test_wrong_method_is_a_405_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.delete("/reports", headers={"Accept-Language": "en"})
    body = assert_problem(response, 405, "http.method_not_allowed")
    assert body["title"] == "Method not allowed"
    assert response.headers["allow"] == "POST"


async def test_http_exception_keeps_a_custom_detail(client: httpx.AsyncClient) -> None:
    response = await client.get("/http-custom")
    body = assert_problem(response, 403, "http.forbidden")
    assert body["detail"] == "Only coordinators may do this."
    assert body["title"] == "Accès interdit"


async def test_http_exception_structured_detail_goes_to_errors(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/http-structured", headers={"Accept-Language": "en"})
    body = assert_problem(response, 409, "http.conflict")
    assert body["errors"] == {"reason": "stale", "version": 3}
    assert body["detail"] == "The request conflicts with the current state of the resource."


async def test_unexpected_error_is_a_500_without_internals(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="guichet.errors"):
        response = await client.get("/boom", headers={"X-Correlation-ID": "trace-500"})
    body = assert_problem(response, 500, "server.internal_error")
    assert body["correlation_id"] == "trace-500"
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text
    assert body["detail"].startswith("Une erreur inattendue")
    [record] = [r for r in caplog.records if r.name == "guichet.errors"]
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError
    assert "GET /boom" in record.getMessage()


def test_str_of_an_error_is_english_with_its_code() -> None:
    error = TransitionNotAllowed(current="new", target="closed")
    assert str(error) == "test.transition_not_allowed: A case cannot go from new to closed."
    assert error.status == 409


def test_explicit_message_key_wins() -> None:
    error = Conflict("test.transition_not_allowed", current="a", target="b")
    assert error.detail("fr") == "Un dossier ne peut pas passer de a à b."
    assert error.code == "conflict"
