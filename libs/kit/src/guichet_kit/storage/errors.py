"""Storage errors as kit errors (RFC 9457 problem+json with translated messages)."""

from __future__ import annotations

from guichet_kit.errors import BadRequest, DependencyUnavailable, NotFound, PayloadTooLarge
from guichet_kit.i18n import register_messages

_NBSP = "\u00a0"


class InvalidObjectKey(BadRequest):
    """A tenant or object path that could escape its tenant prefix or is not a safe key."""

    code = "storage.invalid_key"

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"


class ObjectTooLarge(PayloadTooLarge):
    code = "storage.object_too_large"

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(limit_mb=f"{limit / 1_000_000:g}", extra={"max_bytes": limit})
        self.size = size
        self.limit = limit


class ObjectNotFound(NotFound):
    code = "storage.object_not_found"

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key


class StorageUnavailable(DependencyUnavailable):
    """The object store failed or refused us (network, credentials, missing bucket): 503
    with Retry-After, logged in one line. The S3 error code, if any, is kept for logs; it
    never reaches the client."""

    code = "storage.unavailable"

    def __init__(self, s3_code: str | None = None) -> None:
        super().__init__("s3", cause=s3_code or "")
        self.s3_code = s3_code

    def __str__(self) -> str:
        cause = self.s3_code or (type(self.__cause__).__name__ if self.__cause__ else "unknown")
        return f"{self.code}: {cause}"


register_messages(
    {
        "storage.invalid_key": {
            "en": "This file name or path is not allowed.",
            "fr": "Ce nom ou ce chemin de fichier n'est pas autorisé.",
            "nl": "Deze bestandsnaam of dit pad is niet toegestaan.",
            "de": "Dieser Dateiname oder Pfad ist nicht zulässig.",
        },
        "storage.object_too_large": {
            "en": "The file is too large (at most {limit_mb} MB).",
            "fr": f"Le fichier est trop volumineux (maximum {{limit_mb}}{_NBSP}Mo).",
            "nl": "Het bestand is te groot (maximaal {limit_mb} MB).",
            "de": "Die Datei ist zu groß (höchstens {limit_mb} MB).",
        },
        "storage.object_not_found": {
            "en": "The file does not exist.",
            "fr": "Le fichier n'existe pas.",
            "nl": "Het bestand bestaat niet.",
            "de": "Die Datei existiert nicht.",
        },
        "storage.unavailable": {
            "en": "File storage is temporarily unavailable. Please try again later.",
            "fr": "Le stockage des fichiers est temporairement indisponible. Réessayez plus tard.",
            "nl": "De bestandsopslag is tijdelijk niet beschikbaar. Probeer het later opnieuw.",
            "de": (
                "Der Dateispeicher ist vorübergehend nicht verfügbar. "
                "Bitte versuchen Sie es später erneut."
            ),
        },
    }
)
