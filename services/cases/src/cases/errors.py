"""Errors of the cases service, rendered as translated problem documents."""

from __future__ import annotations

from collections.abc import Iterable

from cases.messages import requirement_label, status_label
from guichet_contracts.values import CaseStatus
from guichet_kit.errors import (
    Conflict,
    GuichetError,
    NotFound,
    Unprocessable,
    UnsupportedMediaType,
)
from guichet_kit.i18n import N_, translate


class TransitionNotAllowed(Conflict):
    code = N_("case.transition_not_allowed")

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
        allowed = ", ".join(status_label(s, lang) for s in self.allowed) or "—"
        return translate(
            self.code,
            lang,
            source=status_label(self.source, lang),
            target=status_label(self.target, lang),
            allowed=allowed,
        )


class TransitionIncomplete(Unprocessable):
    code = N_("case.transition_incomplete")

    def __init__(self, target: CaseStatus, missing: Iterable[str]) -> None:
        """`missing`: the workflow's requirements (`workflow.table.Requirement`)."""
        self.target, self.missing = target, sorted(str(m) for m in missing)
        super().__init__(extra={"to": target.value, "missing": self.missing})

    def detail(self, lang: str) -> str:
        missing = ", ".join(requirement_label(m, lang) for m in self.missing)
        return translate(self.code, lang, target=status_label(self.target, lang), missing=missing)


class DuplicateTargetInvalid(Conflict):
    code = N_("case.duplicate_target_invalid")


class CaseNotFound(NotFound):
    code = N_("case.not_found")


class DepartmentUnknown(Unprocessable):
    code = N_("case.department_unknown")


class InvalidArea(Unprocessable):
    code = N_("case.invalid_area")


class InvalidDate(Unprocessable):
    """A date filter outside what UTC (and the database) can hold."""

    code = N_("case.invalid_date")


class DirectoryMissing(RuntimeError):
    """No directory snapshot for the tenant yet: the case number needs its prefix. The event
    is retried (nak with backoff) until the snapshot arrives."""


class DuplicateTargetNotOpen(RuntimeError):
    """A duplicate's case is not there yet: retried (nak with backoff) until the case commits
    or the event's last delivery, which opens its own case (`creation.service`)."""


class CannedResponseNotFound(NotFound):
    code = N_("case.canned_response_not_found")


class CannedResponseUnknown(Unprocessable):
    """A transition names a canned response missing in the reporter's language."""

    code = "case.canned_response_unknown"
    message_key = N_("case.canned_response_not_found")


class TrackingNotFound(NotFound):
    """Unknown tracking number, wrong token, another account, staff: all the same answer."""

    code = N_("case.tracking_not_found")


class CommentEmpty(Unprocessable):
    code = N_("case.comment_empty")


class CommentTooLong(Unprocessable):
    code = N_("case.comment_too_long")


class TooManyComments(GuichetError):
    status = 429
    code = N_("case.too_many_comments")


class UnsupportedContentType(UnsupportedMediaType):
    code = N_("case.unsupported_content_type")


class FileMissing(Unprocessable):
    code = N_("case.file_missing")


class AttachmentNotFound(NotFound):
    code = N_("case.attachment_not_found")
