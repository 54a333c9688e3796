"""Open311 errors, in fr/nl/de/en, and their rendering in the spec's format.

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
    GuichetError,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from guichet_kit.i18n import Catalog, localized, register_messages, request_language, translate
from intake.open311.render import Format, parse_format, render

logger = logging.getLogger(__name__)

ERROR_CODE_HEADER = "Guichet-Error-Code"
_EXTENSION = re.compile(r"\.([A-Za-z0-9]+)$")

MESSAGES: Catalog = {
    "open311.missing_parameter": {
        "en": "Parameter {parameter} is required.",
        "fr": "Le paramètre {parameter} est obligatoire.",
        "nl": "Parameter {parameter} is verplicht.",
        "de": "Der Parameter {parameter} ist erforderlich.",
    },
    "open311.invalid_parameter": {
        "en": "Parameter {parameter} is not valid: {reason}",
        "fr": "Le paramètre {parameter} n'est pas valable : {reason}",
        "nl": "Parameter {parameter} is ongeldig: {reason}",
        "de": "Der Parameter {parameter} ist ungültig: {reason}",
    },
    "open311.unknown_jurisdiction": {
        "en": "Jurisdiction {jurisdiction_id} is not served by this endpoint.",
        "fr": "La juridiction {jurisdiction_id} n'est pas desservie par ce point d'accès.",
        "nl": "Jurisdictie {jurisdiction_id} wordt niet door dit eindpunt bediend.",
        "de": "Die Zuständigkeit {jurisdiction_id} wird von diesem Endpunkt nicht bedient.",
    },
    "open311.unknown_service": {
        "en": "Service {service_code} does not exist in {municipality}.",
        "fr": "Le service {service_code} n'existe pas à {municipality}.",
        "nl": "Dienst {service_code} bestaat niet in {municipality}.",
        "de": "Den Dienst {service_code} gibt es in {municipality} nicht.",
    },
    "open311.location_required": {
        "en": (
            "A location is required as lat and long (WGS84): an address alone cannot be "
            "placed on the map."
        ),
        "fr": (
            "Un emplacement est requis en lat et long (WGS84) : une adresse seule ne peut "
            "pas être placée sur la carte."
        ),
        "nl": (
            "Een locatie is vereist als lat en long (WGS84): een adres alleen kan niet op "
            "de kaart worden geplaatst."
        ),
        "de": (
            "Ein Ort ist als lat und long (WGS84) erforderlich: eine Adresse allein kann "
            "nicht auf der Karte verortet werden."
        ),
    },
    "open311.request_not_found": {
        "en": "No service request {service_request_id} in this jurisdiction.",
        "fr": "Aucune demande {service_request_id} dans cette juridiction.",
        "nl": "Geen aanvraag {service_request_id} in deze jurisdictie.",
        "de": "Keine Anfrage {service_request_id} in dieser Zuständigkeit.",
    },
    "open311.token_not_found": {
        "en": "No service request for this token in this jurisdiction.",
        "fr": "Aucune demande pour ce jeton dans cette juridiction.",
        "nl": "Geen aanvraag voor dit token in deze jurisdictie.",
        "de": "Keine Anfrage zu diesem Token in dieser Zuständigkeit.",
    },
    "open311.unsupported_format": {
        "en": "Format {format} is not supported: use .xml or .json.",
        "fr": "Le format {format} n'est pas pris en charge : utilisez .xml ou .json.",
        "nl": "Formaat {format} wordt niet ondersteund: gebruik .xml of .json.",
        "de": "Das Format {format} wird nicht unterstützt: verwenden Sie .xml oder .json.",
    },
    "open311.unknown_resource": {
        "en": "There is no Open311 resource at this address.",
        "fr": "Il n'y a aucune ressource Open311 à cette adresse.",
        "nl": "Er is geen Open311-bron op dit adres.",
        "de": "Unter dieser Adresse gibt es keine Open311-Ressource.",
    },
    "open311.form_expected": {
        "en": "Send the request as application/x-www-form-urlencoded or multipart/form-data.",
        "fr": ("Envoyez la demande en application/x-www-form-urlencoded ou multipart/form-data."),
        "nl": "Verstuur de aanvraag als application/x-www-form-urlencoded of multipart/form-data.",
        "de": (
            "Senden Sie die Anfrage als application/x-www-form-urlencoded oder multipart/form-data."
        ),
    },
    "open311.request_too_large": {
        "en": "The service request is too large: at most {limit_mib} MiB, its media included.",
        "fr": ("La demande est trop volumineuse : {limit_mib} Mio au plus, média compris."),
        "nl": "De aanvraag is te groot: hoogstens {limit_mib} MiB, media inbegrepen.",
        "de": "Die Anfrage ist zu groß: höchstens {limit_mib} MiB, Medien eingeschlossen.",
    },
    "open311.valid_codes": {
        "en": "valid codes: {codes}",
        "fr": "codes valables : {codes}",
        "nl": "geldige codes: {codes}",
        "de": "gültige Codes: {codes}",
    },
    "open311.invalid_request": {
        "en": "The service request is not valid: {problems}",
        "fr": "La demande n'est pas valable : {problems}",
        "nl": "De aanvraag is ongeldig: {problems}",
        "de": "Die Anfrage ist ungültig: {problems}",
    },
}

register_messages(MESSAGES)


class MissingParameter(BadRequest):
    code = "open311.missing_parameter"


class InvalidParameter(BadRequest):
    code = "open311.invalid_parameter"


class UnknownJurisdiction(NotFound):
    code = "open311.unknown_jurisdiction"


class UnknownService(BadRequest):
    code = "open311.unknown_service"


class ServiceNotFound(NotFound):
    code = "open311.service_not_found"
    message_key = "open311.unknown_service"


class LocationRequired(BadRequest):
    code = "open311.location_required"


class RequestNotFound(NotFound):
    code = "open311.request_not_found"


class TokenNotFound(NotFound):
    code = "open311.token_not_found"


class UnsupportedFormat(BadRequest):
    code = "open311.unsupported_format"


class UnknownResource(NotFound):
    code = "open311.unknown_resource"


class FormExpected(UnsupportedMediaType):
    code = "open311.form_expected"


class InvalidRequest(BadRequest):
    code = "open311.invalid_request"


class RequestTooLarge(PayloadTooLarge):
    code = "open311.request_too_large"


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
    if exc.status >= 500:
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
    description = translate("error.bad_request", lang) if exc.status_code == 400 else ""
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

        return handle
