"""Open311 errors and their rendering in the spec's format.

Every error under ``/open311`` is a GeoReport v2 error document — ``<errors><error><code/>
<description/></error></errors>`` or ``[{"code": .., "description": ..}]`` — in the format of
the path's extension (XML when the extension is missing or unknown), with the HTTP status as
``code``. Intake's own 422s (unknown category, invalid answers, outside every municipality)
become 400, the status the spec uses for bad requests. The stable machine code travels in the
``Guichet-Error-Code`` header.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from guichet_kit.errors import (
    BadRequest,
    DependencyUnavailable,
    GuichetError,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
    log_outage,
    outage_error,
)
from guichet_kit.i18n import N_, localized, request_language, translate
from intake.open311.render import Format, parse_format, render

logger = logging.getLogger(__name__)

ERROR_CODE_HEADER = "Guichet-Error-Code"
_EXTENSION = re.compile(r"\.([A-Za-z0-9]+)$")


class MissingParameter(BadRequest):
    code = N_("open311.missing_parameter")


class InvalidParameter(BadRequest):
    code = N_("open311.invalid_parameter")


class UnknownJurisdiction(NotFound):
    code = N_("open311.unknown_jurisdiction")


class UnknownService(BadRequest):
    code = N_("open311.unknown_service")


class ServiceNotFound(NotFound):
    code = "open311.service_not_found"
    message_key = N_("open311.unknown_service")


class LocationRequired(BadRequest):
    code = N_("open311.location_required")


class RequestNotFound(NotFound):
    code = N_("open311.request_not_found")


class TokenNotFound(NotFound):
    code = N_("open311.token_not_found")


class UnsupportedFormat(BadRequest):
    code = N_("open311.unsupported_format")


class UnknownResource(NotFound):
    code = N_("open311.unknown_resource")


class FormExpected(UnsupportedMediaType):
    code = N_("open311.form_expected")


class InvalidRequest(BadRequest):
    code = N_("open311.invalid_request")


class RequestTooLarge(PayloadTooLarge):
    code = N_("open311.request_too_large")


def requested_format(request: Request) -> Format:
    """The format of the path's extension; XML (the spec's mandatory one) otherwise."""
    match = _EXTENSION.search(request.url.path)
    found = parse_format(match.group(1)) if match else None
    return found or Format.XML


def error_response(
    request: Request, status: int, code: str, description: str, *, headers: Mapping[str, str]
) -> Response:
    spec_status = 400 if status == 422 else status
    body = [{"code": spec_status, "description": description}]
    return render(
        requested_format(request),
        "errors",
        body,
        status_code=spec_status,
        headers={**headers, ERROR_CODE_HEADER: code},
    )


def _guichet_error(request: Request, exc: GuichetError) -> Response:
    if isinstance(exc, DependencyUnavailable):
        log_outage(exc)
    elif exc.status >= 500:
        logger.error("open311 request failed: %s", exc, exc_info=exc)
    lang = request_language(request)
    description = exc.detail(lang)
    details = _details(localized(exc.extra, lang), lang)
    if details:
        description = f"{description} ({details})"
    return error_response(request, exc.status, exc.code, description, headers=exc.headers)


def _details(extra: Mapping[str, Any], lang: str) -> str:
    """Intake's structured details as text (the spec's error has only a description)."""
    parts: list[str] = []
    for problem in extra.get("errors", []):
        if "question" in problem:
            parts.append(f"attribute[{problem['question']}]: {problem['problem']}")
        elif "field" in problem:
            parts.append(f"{problem['field']}: {problem['message']}")
    if "valid_codes" in extra:
        codes = ", ".join(str(code) for code in extra["valid_codes"])
        parts.append(translate("open311.valid_codes", lang, codes=codes))
    return "; ".join(parts)


def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    lang = request_language(request)
    if exc.status_code == 404:
        error: GuichetError = UnknownResource()
        return _guichet_error(request, error)
    description = BadRequest().detail(lang) if exc.status_code == 400 else ""
    return error_response(
        request,
        exc.status_code,
        f"http.{exc.status_code}",
        description or str(exc.detail),
        headers=exc.headers or {},
    )


def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    problems = "; ".join(
        f"{'.'.join(str(part) for part in error['loc'][1:])}: {error['msg']}"
        for error in exc.errors()
    )
    return _guichet_error(request, InvalidRequest(problems=problems))


class Open311Route(APIRoute):
    """A route whose errors, all of them, are GeoReport v2 error documents."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except GuichetError as exc:
                return _guichet_error(request, exc)
            except RequestValidationError as exc:
                return _validation_error(request, exc)
            except StarletteHTTPException as exc:
                return _http_error(request, exc)
            except Exception as exc:
                outage = outage_error(exc)
                if outage is None:
                    raise
                return _guichet_error(request, outage)

        return handle
