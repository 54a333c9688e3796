"""Errors of report intake (their messages are in intake's catalogue)."""

from __future__ import annotations

from guichet_kit.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    Unprocessable,
    UnsupportedMediaType,
)
from guichet_kit.i18n import N_


class OutsideMunicipalities(Unprocessable):
    code = N_("report.outside_municipalities")


class UnknownCategory(Unprocessable):
    code = N_("report.unknown_category")


class UnknownSubcategory(Unprocessable):
    code = N_("report.unknown_subcategory")


class InvalidAnswers(Unprocessable):
    code = N_("report.invalid_answers")


class ChannelRequiresStaff(Forbidden):
    code = N_("report.channel_requires_staff")


class ChannelReserved(Unprocessable):
    code = N_("report.channel_reserved")


class TooManyPhotos(Unprocessable):
    code = N_("report.too_many_photos")


class MissingReportPart(Unprocessable):
    code = N_("report.missing_report_part")


class UnsupportedContentType(UnsupportedMediaType):
    code = N_("report.unsupported_content_type")


class InvalidIdempotencyKey(BadRequest):
    code = N_("report.invalid_idempotency_key")


class AnonymousIdempotencyKey(BadRequest):
    code = N_("report.anonymous_idempotency_key")


class IdempotencyKeyReused(Unprocessable):
    code = N_("report.idempotency_key_reused")


class ReportNotFound(NotFound):
    code = N_("report.not_found")
