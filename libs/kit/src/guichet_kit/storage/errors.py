"""Storage errors as kit errors (RFC 9457 problem+json with translated messages)."""

from __future__ import annotations

from guichet_kit.errors import BadRequest, DependencyUnavailable, NotFound, PayloadTooLarge
from guichet_kit.i18n import N_


class InvalidObjectKey(BadRequest):
    """A tenant or object path that could escape its tenant prefix or is not a safe key."""

    code = N_("storage.invalid_key")

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"


class ObjectTooLarge(PayloadTooLarge):
    code = N_("storage.object_too_large")

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(limit_mb=f"{limit / 1_000_000:g}", extra={"max_bytes": limit})
        self.size = size
        self.limit = limit


class ObjectNotFound(NotFound):
    code = N_("storage.object_not_found")

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key


class StorageUnavailable(DependencyUnavailable):
    """The object store failed or refused us (network, credentials, missing bucket): 503
    with Retry-After, logged in one line. The S3 error code, if any, is kept for logs; it
    never reaches the client."""

    code = N_("storage.unavailable")

    def __init__(self, s3_code: str | None = None) -> None:
        super().__init__("s3", cause=s3_code or "")
        self.s3_code = s3_code

    def __str__(self) -> str:
        cause = self.s3_code or (type(self.__cause__).__name__ if self.__cause__ else "unknown")
        return f"{self.code}: {cause}"
