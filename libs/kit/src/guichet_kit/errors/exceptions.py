"""Domain errors that know their HTTP status, a stable machine code and a translatable message.

A service declares its errors once, next to the code that raises them::

    class TransitionNotAllowed(Conflict):
        code = N_("case.transition_not_allowed")  # stable, part of the API contract

    raise TransitionNotAllowed(current="new", target="closed")   # params fill the template

A subclass that sets `code` but no `message_key` uses its code as message key (so its code
is marked with `N_`: it is a msgid of the package's catalogue too); a key no catalogue has
falls back to the generic message for the status. `extra` adds members to the problem
document (e.g. ``extra={"allowed": [...]}``); `headers` go on the response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guichet_kit.errors.messages import STATUS_DETAIL_KEYS
from guichet_kit.i18n import FALLBACK_LANGUAGE, N_, has_message, translate


class GuichetError(Exception):
    status: int = 500
    code: str = "server.internal_error"
    message_key: str | None = N_("error.internal")

    def __init__(
        self,
        message_key: str | None = None,
        /,
        *,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> None:
        self.message_key = message_key or self.message_key or self.code
        self.params = params
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})
        super().__init__(self.message_key)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__ and "message_key" not in cls.__dict__:
            cls.message_key = cls.code

    def detail(self, lang: str) -> str:
        key = self.message_key if self.message_key and has_message(self.message_key) else None
        key = key or STATUS_DETAIL_KEYS.get(self.status, "error.internal")
        return translate(key, lang, **self.params)

    def __str__(self) -> str:
        return f"{self.code}: {self.detail(FALLBACK_LANGUAGE)}"


class BadRequest(GuichetError):
    status = 400
    code = "bad_request"
    message_key = N_("error.bad_request")


class Unauthorized(GuichetError):
    status = 401
    code = "unauthorized"
    message_key = N_("error.unauthorized")


class Forbidden(GuichetError):
    status = 403
    code = "forbidden"
    message_key = N_("error.forbidden")


class NotFound(GuichetError):
    status = 404
    code = "not_found"
    message_key = N_("error.not_found")


class Conflict(GuichetError):
    status = 409
    code = "conflict"
    message_key = N_("error.conflict")


class PayloadTooLarge(GuichetError):
    status = 413
    code = "payload_too_large"
    message_key = N_("error.payload_too_large")


class UnsupportedMediaType(GuichetError):
    status = 415
    code = "unsupported_media_type"
    message_key = N_("error.unsupported_media_type")


class Unprocessable(GuichetError):
    status = 422
    code = "unprocessable"
    message_key = N_("error.unprocessable")


class ServiceUnavailable(GuichetError):
    status = 503
    code = "service_unavailable"
    message_key = N_("error.service_unavailable")
