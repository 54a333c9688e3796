"""Open311 GeoReport v2 under `/open311`: discovery, services, service definitions, POST and
GET requests, tokens. `.xml` or `.json` on every resource; every error in the spec's format."""

from __future__ import annotations

import sys
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.datastructures import FormData
from starlette.types import Message

from guichet_kit.logging import event_correlation_id
from intake.directory.repository import categories
from intake.open311 import repository
from intake.open311.catalogue import definition, service
from intake.open311.documents import discovery, service_request, token_entry
from intake.open311.errors import (
    FormExpected,
    Open311Route,
    RequestNotFound,
    RequestTooLarge,
    ServiceNotFound,
    TokenNotFound,
    UnknownResource,
    UnsupportedFormat,
)
from intake.open311.jurisdiction import content_language, enter_jurisdiction
from intake.open311.notices import service_notice
from intake.open311.query import MAX_REQUESTS, comma_list, request_filter, request_numbers
from intake.open311.render import Format, parse_format, render
from intake.open311.submit import draft, find_service, media, point, required_field, text_field
from intake.reports.channels import check_idempotency_key, intake_context, replay_headers
from intake.reports.service import Submission, submit_report
from intake.settings import Settings

PREFIX = "/open311"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_FORM_OVERHEAD = 1024 * 1024

FormatParam = Annotated[str, "xml or json"]
Jurisdiction = Annotated[str | None, Query(description="NIS code of the municipality, e.g. 23077")]

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/xml": {}, "application/json": {}}},
    400: {"description": "Bad request (spec error document)"},
    404: {"description": "Unknown jurisdiction, service or request (spec error document)"},
}

_POST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            media_type: {
                "schema": {
                    "type": "object",
                    "required": ["jurisdiction_id", "service_code", "lat", "long"],
                    "properties": {
                        **{
                            name: {"type": "string"}
                            for name in (
                                "jurisdiction_id",
                                "service_code",
                                "lat",
                                "long",
                                "address_string",
                                "email",
                                "first_name",
                                "last_name",
                                "phone",
                                "description",
                                "device_id",
                                "account_id",
                                "media_url",
                                "attribute[code]",
                            )
                        },
                        **(
                            {"media": {"type": "string", "format": "binary"}}
                            if media_type == "multipart/form-data"
                            else {}
                        ),
                    },
                }
            }
            for media_type in FORM_TYPES
        },
    }
}


def _format(raw: str) -> Format:
    found = parse_format(raw)
    if found is None:
        raise UnsupportedFormat(format=raw[:16])
    return found


def _sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    sessions: async_sessionmaker[AsyncSession] = request.app.state.session_factory
    return sessions


def build_open311_router(settings: Settings) -> APIRouter:
    router = APIRouter(
        prefix=PREFIX, tags=["open311"], route_class=Open311Route, default_response_class=Response
    )

    @router.get("/discovery.{format}", summary="Open311 service discovery", responses=_RESPONSES)
    async def get_discovery(request: Request, format: FormatParam) -> Response:
        fmt = _format(format)
        return render(fmt, "discovery", discovery(str(request.base_url), settings.open311_contact))

    @router.get(
        "/v2/services.{format}",
        summary="Services (categories) of a jurisdiction",
        responses=_RESPONSES,
    )
    async def get_services(
        request: Request, format: FormatParam, jurisdiction_id: Jurisdiction = None
    ) -> Response:
        fmt = _format(format)
        async with _sessions(request)() as session, session.begin():
            town = await enter_jurisdiction(session, jurisdiction_id)
            lang = content_language(request, town)
            found = await categories(session, town.nis)
        return render(fmt, "services", [service(category, lang) for category in found])

    @router.get(
        "/v2/services/{service_code}.{format}",
        summary="Service definition (the category's questions as attributes)",
        responses=_RESPONSES,
    )
    async def get_definition(
        request: Request,
        service_code: str,
        format: FormatParam,
        jurisdiction_id: Jurisdiction = None,
    ) -> Response:
        fmt = _format(format)
        async with _sessions(request)() as session, session.begin():
            town = await enter_jurisdiction(session, jurisdiction_id)
            lang = content_language(request, town)
            found = await categories(session, town.nis)
            category = find_service(found, service_code, town, lang, ServiceNotFound)
        return render(fmt, "service_definition", definition(category, lang))

    @router.post(
        "/v2/requests.{format}",
        summary="Submit a service request (form; multipart with one `media` image)",
        status_code=201,
        openapi_extra=_POST_BODY,
        # FastAPI's limit answers in plain text: `_read_form` enforces the real one.
        max_body_size=sys.maxsize,
        responses=_RESPONSES,
    )
    async def post_request(
        request: Request,
        format: FormatParam,
        idempotency_key: Annotated[
            str | None,
            Header(
                alias="Idempotency-Key",
                description="optional (not in the spec), a random UUID (v4 or v7): a retry "
                "with the same key and form gets the first response",
            ),
        ] = None,
    ) -> Response:
        fmt = _format(format)
        check_idempotency_key(idempotency_key, None)
        form = await _read_form(request, settings.photo_max_bytes + _FORM_OVERHEAD)
        async with _sessions(request)() as session, session.begin():
            town = await enter_jurisdiction(session, text_field(form, "jurisdiction_id"))
            lang = content_language(request, town)
            code = required_field(form, "service_code")
            category = find_service(await categories(session, town.nis), code, town, lang)
        report = draft(form, category, point(form), lang)
        submission = Submission(
            draft=report,
            correlation_id=event_correlation_id(),
            fallback_language=lang,
            photos=await media(form, settings.photo_max_bytes),
            received_via=town.nis,
            idempotency_key=idempotency_key,
        )
        receipt = await submit_report(intake_context(request, settings), submission)
        body = {
            "service_request_id": receipt.body.tracking_number,
            "token": str(receipt.body.report_id),
            "service_notice": service_notice(receipt, town, lang),
            "account_id": text_field(form, "account_id"),
        }
        return render(
            fmt,
            "service_requests",
            [body],
            status_code=receipt.status_code,
            headers=replay_headers(receipt),
        )

    @router.get(
        "/v2/requests.{format}",
        summary="Service requests of a jurisdiction (public ones; last 90 days, max 1000)",
        responses=_RESPONSES,
    )
    async def get_requests(
        request: Request,
        format: FormatParam,
        jurisdiction_id: Jurisdiction = None,
        service_request_id: Annotated[
            str | None, Query(description="comma-separated; other filters then ignored")
        ] = None,
        service_code: Annotated[str | None, Query(description="comma-separated")] = None,
        start_date: Annotated[str | None, Query(description="ISO 8601 with timezone")] = None,
        end_date: Annotated[str | None, Query(description="ISO 8601 with timezone")] = None,
        status: Annotated[str | None, Query(description="open, closed or open,closed")] = None,
    ) -> Response:
        fmt = _format(format)
        ids = comma_list(service_request_id)
        wanted = None if ids else request_filter(start_date, end_date, service_code, status)
        async with _sessions(request)() as session, session.begin():
            town = await enter_jurisdiction(session, jurisdiction_id)
            lang = content_language(request, town)
            if wanted is None:
                rows = await repository.by_numbers(session, town.nis, request_numbers(ids))
            else:
                rows = await repository.matching(session, town.nis, wanted, MAX_REQUESTS)
        return render(fmt, "service_requests", [service_request(row, lang) for row in rows])

    @router.get(
        "/v2/requests/{service_request_id}.{format}",
        summary="One service request (public ones only)",
        responses=_RESPONSES,
    )
    async def get_request(
        request: Request,
        service_request_id: str,
        format: FormatParam,
        jurisdiction_id: Jurisdiction = None,
    ) -> Response:
        fmt = _format(format)
        numbers = request_numbers([service_request_id])
        async with _sessions(request)() as session, session.begin():
            town = await enter_jurisdiction(session, jurisdiction_id)
            lang = content_language(request, town)
            rows = await repository.by_numbers(session, town.nis, numbers) if numbers else []
        if not rows:
            raise RequestNotFound(service_request_id=service_request_id[:32])
        return render(fmt, "service_requests", [service_request(rows[0], lang)])

    @router.get(
        "/v2/tokens/{token}.{format}",
        summary="The service request id behind a token",
        responses=_RESPONSES,
    )
    async def get_token(
        request: Request, token: str, format: FormatParam, jurisdiction_id: Jurisdiction = None
    ) -> Response:
        fmt = _format(format)
        report_id = _uuid(token)
        async with _sessions(request)() as session, session.begin():
            town = await enter_jurisdiction(session, jurisdiction_id)
            content_language(request, town)
            row = await repository.by_report_id(session, town.nis, report_id) if report_id else None
        if row is None:
            raise TokenNotFound()
        return render(fmt, "service_requests", [token_entry(row)])

    @router.api_route(
        "/{path:path}",
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
    )
    async def unknown(path: str) -> Response:
        raise UnknownResource()

    return router


async def _read_form(request: Request, limit: int) -> FormData:
    """The form, at most `limit` bytes (announced or streamed), else a 413 in the spec's
    format."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in FORM_TYPES:
        raise FormExpected()
    too_large = RequestTooLarge(limit_mib=limit // (1024 * 1024))
    announced = request.headers.get("content-length", "")
    if announced.isdigit() and int(announced) > limit:
        raise too_large
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise too_large
        return message

    return await Request(request.scope, receive).form(max_files=1, max_fields=200)


def _uuid(raw: str) -> UUID | None:
    try:
        return UUID(raw)
    except ValueError:
        return None
