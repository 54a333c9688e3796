"""RFC 9457 problem documents (`application/problem+json`)."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse

from guichet_kit.errors.messages import DEFAULT_TITLE_KEY, STATUS_TITLE_KEYS
from guichet_kit.i18n import request_language, translate
from guichet_kit.logging.context import correlation_id_var

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://guichet.be/problems/"
_STANDARD_MEMBERS = frozenset(
    {"type", "title", "status", "detail", "instance", "code", "correlation_id"}
)


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def problem_type(code: str | None) -> str:
    """The problem's `type` URI; ``about:blank`` for plain HTTP errors without a code."""
    return f"{PROBLEM_TYPE_BASE}{code}" if code else "about:blank"


def status_title(status: int, lang: str) -> str:
    key = STATUS_TITLE_KEYS.get(status)
    if key is not None:
        return translate(key, lang)
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return translate(DEFAULT_TITLE_KEY, lang)


def problem_response(
    connection: HTTPConnection,
    *,
    status: int,
    code: str,
    detail: str,
    type_uri: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
    lang: str | None = None,
) -> ProblemResponse:
    lang = lang or request_language(connection)
    body: dict[str, Any] = {
        "type": type_uri or problem_type(code),
        "title": status_title(status, lang),
        "status": status,
        "detail": detail,
        "instance": connection.url.path,
        "code": code,
        "correlation_id": correlation_id_var.get(),
    }
    for key, value in (extra or {}).items():
        if key not in _STANDARD_MEMBERS:
            body[key] = value
    response_headers = {"Content-Language": lang, "Vary": "Accept-Language"}
    response_headers.update(headers or {})
    return ProblemResponse(body, status_code=status, headers=response_headers)


def internal_error_response(connection: HTTPConnection) -> ProblemResponse:
    """The 500 answer: generic, translated, nothing about the cause."""
    lang = request_language(connection)
    return problem_response(
        connection,
        status=500,
        code="server.internal_error",
        detail=translate("error.internal", lang),
        lang=lang,
    )
