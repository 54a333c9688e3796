"""Exception handlers rendering every error as `application/problem+json`.

Decisions (documented for API clients):
- a body that is not syntactically valid JSON → **400** ``request.malformed_json``;
- a JSON endpoint called with another (or no) Content-Type → **415**
  ``request.unsupported_media_type``;
- a body/query/path that parses but does not validate → **422** ``request.validation_failed``
  with ``errors: [{field: "body.location.lat", message: "..."}]``;
- `GuichetError` → its own status and code, type ``https://guichet.be/problems/<code>``;
- routing/HTTP errors (404, 405, ...) → type ``about:blank``, code ``http.<reason>``;
- a body over the size limit → 413 problem ``http.content_too_large``, whether the limit is
  hit while reading or the Content-Length already announces too much (Starlette's limiter
  answers that one itself, in plain text: `guichet_kit.app.body_limit` turns it into the
  same problem, with the route's limit as ``max_bytes``);
- a dependency away (PostgreSQL restarting, NATS reconnecting: `unavailable_dependency`) →
  503 ``service.dependency_unavailable`` with ``Retry-After``, logged in one line;
- anything else → 500 ``server.internal_error``, logged with its traceback, nothing leaked.
"""

from __future__ import annotations

import http.client
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from guichet_kit.errors.exceptions import GuichetError
from guichet_kit.errors.messages import STATUS_DETAIL_KEYS
from guichet_kit.errors.problem import (
    ProblemResponse,
    internal_error_response,
    problem_response,
    status_title,
)
from guichet_kit.errors.unavailable import DependencyUnavailable, log_outage, outage_error
from guichet_kit.errors.validation import field_errors, is_unparsed_body
from guichet_kit.i18n import localized, request_language, translate

logger = logging.getLogger("guichet.errors")

# Reason phrases renamed by RFC 9110 (Python 3.11 still has the old ones): codes derived from
# them must not change with the Python version.
_RFC9110_REASONS = {413: "Content Too Large", 422: "Unprocessable Content"}


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(GuichetError, _guichet_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    # Fallback only: RequestContextMiddleware normally renders unexpected errors itself, inside
    # the request's logging context.
    app.add_exception_handler(Exception, _unexpected_error)


async def _guichet_error(request: Request, exc: GuichetError) -> Response:
    if isinstance(exc, DependencyUnavailable):
        log_outage(exc)
    elif exc.status >= 500:
        logger.error("request failed: %s", exc, exc_info=exc)
    return error_response(request, exc)


def error_response(request: Request, exc: GuichetError) -> ProblemResponse:
    lang = request_language(request)
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        detail=exc.detail(lang),
        headers=exc.headers,
        extra=localized(exc.extra, lang),
        lang=lang,
    )


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    lang = request_language(request)
    errors = exc.errors()
    malformed = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if malformed is not None:
        position = malformed["loc"][1] if len(malformed["loc"]) > 1 else 0
        detail = translate("error.malformed_json", lang, position=position)
        return problem_response(
            request,
            status=400,
            code="request.malformed_json",
            detail=detail,
            extra={"errors": [{"field": "body", "message": detail}]},
            lang=lang,
        )
    if any(is_unparsed_body(e) for e in errors):
        detail = translate("error.json_expected", lang)
        return problem_response(
            request, status=415, code="request.unsupported_media_type", detail=detail, lang=lang
        )
    return problem_response(
        request,
        status=422,
        code="request.validation_failed",
        detail=translate("error.validation", lang),
        extra={"errors": field_errors(errors, lang)},
        lang=lang,
    )


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    return http_error_response(request, exc)


def http_error_response(
    request: Request, exc: StarletteHTTPException, *, extra: dict[str, Any] | None = None
) -> Response:
    """The problem of a routing/HTTP error (`extra` members added)."""
    lang = request_language(request)
    status = exc.status_code
    extra = dict(extra or {})
    raw_detail: object = exc.detail  # FastAPI's HTTPException allows any JSON value
    if isinstance(raw_detail, str) and not _is_stock_detail(status, raw_detail):
        detail = raw_detail
    else:
        key = STATUS_DETAIL_KEYS.get(status)
        detail = translate(key, lang) if key else status_title(status, lang)
        if raw_detail and not isinstance(raw_detail, str):
            extra["errors"] = raw_detail
    return problem_response(
        request,
        status=status,
        code=f"http.{_code_suffix(status)}",
        detail=detail,
        type_uri="about:blank",
        headers=exc.headers,
        extra=extra,
        lang=lang,
    )


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    return unexpected_error_response(request, exc)


def unexpected_error_response(request: Request, exc: Exception) -> ProblemResponse:
    """503 when a dependency is away (logged in one line), else 500 logged with the
    traceback."""
    outage = outage_error(exc)
    if outage is not None:
        log_outage(outage)
        return error_response(request, outage)
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return internal_error_response(request)


def _is_stock_detail(status: int, detail: str) -> bool:
    """True for the reason phrases Starlette/FastAPI put in errors they raise themselves."""
    stock = {"", _reason(status), http.client.responses.get(status, "")}
    return detail.lower() in {phrase.lower() for phrase in stock}


def _reason(status: int) -> str:
    return _RFC9110_REASONS.get(status) or http.client.responses.get(status, "")


def _code_suffix(status: int) -> str:
    reason = _reason(status)
    if not reason:
        return str(status)
    return reason.lower().replace(" ", "_").replace("-", "_").replace("'", "")
