"""Errors of the cases service, rendered as translated problem documents."""

from __future__ import annotations

from collections.abc import Iterable

from cases.messages import register_case_messages
from guichet_contracts.values import CaseStatus
from guichet_kit.errors import (
    Conflict,
    GuichetError,
    NotFound,
    PayloadTooLarge,
    Unprocessable,
    UnsupportedMediaType,
)
from guichet_kit.i18n import translate

register_case_messages()


def _status(status: CaseStatus, lang: str) -> str:
    return translate(f"case.status.{status.value}", lang)


class TransitionNotAllowed(Conflict):
    code = "case.transition_not_allowed"

    def __init__(
        self, source: CaseStatus, target: CaseStatus, allowed: Iterable[CaseStatus]
    ) -> None:
        self.source, self.target, self.allowed = source, target, list(allowed)
        super().__init__(
            extra={
                "from": source.value,
                "to": target.value,
                "allowed": [status.value for status in self.allowed],
            }
        )

    def detail(self, lang: str) -> str:
        allowed = ", ".join(_status(s, lang) for s in self.allowed) or "—"
        return translate(
            self.code,
            lang,
            source=_status(self.source, lang),
            target=_status(self.target, lang),
            allowed=allowed,
        )


class TransitionIncomplete(Unprocessable):
    code = "case.transition_incomplete"

    def __init__(self, target: CaseStatus, missing: Iterable[str]) -> None:
        """`missing`: the workflow's requirements (`workflow.table.Requirement`)."""
        self.target, self.missing = target, sorted(str(m) for m in missing)
        super().__init__(extra={"to": target.value, "missing": self.missing})

    def detail(self, lang: str) -> str:
        missing = ", ".join(translate(f"case.requirement.{m}", lang) for m in self.missing)
        return translate(self.code, lang, target=_status(self.target, lang), missing=missing)


class DuplicateTargetInvalid(Conflict):
    code = "case.duplicate_target_invalid"


class CaseNotFound(NotFound):
    code = "case.not_found"


class DepartmentUnknown(Unprocessable):
    code = "case.department_unknown"


class InvalidArea(Unprocessable):
    code = "case.invalid_area"


class InvalidDate(Unprocessable):
    """A date filter outside what UTC (and the database) can hold."""

    code = "case.invalid_date"


class DirectoryMissing(RuntimeError):
    """No directory snapshot for the tenant yet: the case number needs its prefix. The event
    is retried (nak with backoff) until the snapshot arrives."""


class DuplicateTargetNotOpen(RuntimeError):
    """A duplicate's case is not there yet: retried (nak with backoff) until the case commits
    or the event's last delivery, which opens its own case (`creation.service`)."""


class CannedResponseNotFound(NotFound):
    code = "case.canned_response_not_found"


class CannedResponseUnknown(Unprocessable):
    """A transition names a canned response missing in the reporter's language."""

    code = "case.canned_response_unknown"
    message_key = "case.canned_response_not_found"


class TrackingNotFound(NotFound):
    """Unknown tracking number, wrong token, another account, staff: all the same answer."""

    code = "case.tracking_not_found"


class CommentEmpty(Unprocessable):
    code = "case.comment_empty"


class CommentTooLong(Unprocessable):
    code = "case.comment_too_long"


class TooManyComments(GuichetError):
    status = 429
    code = "case.too_many_comments"


class UnsupportedContentType(UnsupportedMediaType):
    code = "case.unsupported_content_type"


class FileMissing(Unprocessable):
    code = "case.file_missing"


class FileTooLarge(PayloadTooLarge):
    code = "case.file_too_large"


class FileTooManyPixels(PayloadTooLarge):
    code = "case.file_too_many_pixels"


class FileTypeNotAllowed(UnsupportedMediaType):
    code = "case.file_type_not_allowed"


class FileUnreadable(Unprocessable):
    code = "case.file_unreadable"


class AttachmentNotFound(NotFound):
    code = "case.attachment_not_found"
