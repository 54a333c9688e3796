"""`POST /v1/reports` (JSON or multipart with photos) and `GET /v1/reports/{tracking_number}`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse

from guichet_contracts.values import Channel
from guichet_kit.auth import (
    BEARER_SECURITY,
    OptionalPrincipalDep,
    profile_language,
    request_principal,
)
from guichet_kit.i18n import request_language
from guichet_kit.logging import event_correlation_id
from intake.reports.channels import check_idempotency_key, intake_context, replay_headers
from intake.reports.errors import ChannelReserved
from intake.reports.follow import follow_report
from intake.reports.openapi import submission_request_body
from intake.reports.parsing import read_submission
from intake.reports.photos import PhotoLimits
from intake.reports.schemas import ReportSummary, SubmissionReceipt
from intake.reports.service import Submission, submit_report
from intake.settings import Settings

_FORM_OVERHEAD = 1024 * 1024
_IDEMPOTENCY_KEY_DOC = (
    "8-255 chars [A-Za-z0-9._:-], a random UUID (v4 or v7) without a bearer token; a retry "
    "with the same key and body returns the first response"
)
IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": _IDEMPOTENCY_KEY_DOC,
    "schema": {
        "type": "string",
        "minLength": 8,
        "maxLength": 255,
        "pattern": "^[A-Za-z0-9._:-]+$",
        "title": "Idempotency-Key",
        "description": _IDEMPOTENCY_KEY_DOC,
    },
}


_PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"description": text, "content": {"application/problem+json": {}}}
    for status, text in {
        400: "Malformed JSON or invalid Idempotency-Key",
        401: "Invalid access token",
        403: "Counter and phone channels need a staff or coordinator role",
        413: "A photo is too large (bytes or pixels)",
        415: "Not JSON/multipart, or a photo of a type not accepted",
        422: "Invalid report: outside every municipality, unknown category, answers, photos, "
        "or an Idempotency-Key reused with another body",
    }.items()
}


def limits_from(settings: Settings) -> PhotoLimits:
    return PhotoLimits(
        max_photos=settings.photo_max_count,
        max_bytes=settings.photo_max_bytes,
        max_pixels=settings.photo_max_pixels,
        max_side=settings.photo_max_side,
        thumbnail_side=settings.photo_thumbnail_side,
        jpeg_quality=settings.photo_jpeg_quality,
    )


def build_router(settings: Settings) -> APIRouter:
    limits = limits_from(settings)
    router = APIRouter(prefix="/v1/reports", tags=["reports"])

    @router.post(
        "",
        status_code=201,
        response_model=SubmissionReceipt,
        responses=_PROBLEMS,
        openapi_extra={
            "requestBody": submission_request_body(),
            "parameters": [IDEMPOTENCY_KEY_PARAMETER],
            "security": BEARER_SECURITY,
        },
        max_body_size=limits.max_photos * limits.max_bytes + _FORM_OVERHEAD,
        summary="Submit a report (JSON, or multipart with up to 5 photos)",
    )
    async def post_report(request: Request) -> JSONResponse:
        # The token and the header are read here, not injected: on the platform's busiest
        # route FastAPI's dependency solving cost ~13 % of the request (documented above).
        principal = await request_principal(request)
        language = profile_language(request, principal)
        idempotency_key = request.headers.get("Idempotency-Key")
        check_idempotency_key(idempotency_key, principal)
        draft, photos = await read_submission(request, limits)
        if draft.language is not None:
            request.state.language = draft.language  # problems answer in the report's language
        if draft.channel is Channel.OPEN311:
            raise ChannelReserved(channel=draft.channel.value)
        submission = Submission(
            draft=draft,
            correlation_id=event_correlation_id(),
            fallback_language=language,  # type: ignore[arg-type]
            photos=photos,
            principal=principal,
            idempotency_key=idempotency_key,
        )
        receipt = await submit_report(intake_context(request, settings), submission)
        headers = {
            "Location": f"/v1/reports/{receipt.body.tracking_number}",
            **replay_headers(receipt),
        }
        return JSONResponse(
            receipt.body.model_dump(mode="json"), status_code=receipt.status_code, headers=headers
        )

    @router.get(
        "/{tracking_number}",
        response_model=ReportSummary,
        responses={
            404: {
                "description": "Unknown number, wrong token, or not your report",
                "content": {"application/problem+json": {}},
            }
        },
        summary="Follow your own report (tracking token, or the account that submitted it)",
    )
    async def get_report(
        request: Request,
        tracking_number: str,
        principal: OptionalPrincipalDep,
        token: Annotated[
            str | None,
            Header(alias="X-Tracking-Token", description="the token returned at submission"),
        ] = None,
    ) -> ReportSummary:
        return await follow_report(
            request.app.state.session_factory,
            tracking_number,
            token,
            principal,
            request_language(request),
        )

    return router
