"""Authentication and authorization errors, rendered as problem+json by guichet_kit.errors.

The `reason` of an error is for logs only: clients get a translated, deliberately vague
message (telling an attacker which check failed helps nobody else).
"""

from __future__ import annotations

from guichet_kit.errors import Forbidden, NotFound, ServiceUnavailable, Unauthorized
from guichet_kit.i18n import Catalog, register_messages

REALM = "guichet"
_NBSP = "\u00a0"  # French typography: non-breaking space before a colon

MESSAGES: Catalog = {
    "auth.missing_token": {
        "en": "Sign in first: this resource needs a bearer access token.",
        "fr": f"Connectez-vous d'abord{_NBSP}: cette ressource exige un jeton d'accès (bearer).",
        "nl": "Meld u eerst aan: voor deze bron is een toegangstoken (bearer) nodig.",
        "de": "Melden Sie sich zuerst an: Diese Ressource erfordert ein Zugriffstoken (Bearer).",
    },
    "auth.invalid_token": {
        "en": "The access token is not valid.",
        "fr": "Le jeton d'accès n'est pas valide.",
        "nl": "Het toegangstoken is ongeldig.",
        "de": "Das Zugriffstoken ist ungültig.",
    },
    "auth.token_expired": {
        "en": "The access token has expired. Sign in again.",
        "fr": "Le jeton d'accès a expiré. Reconnectez-vous.",
        "nl": "Het toegangstoken is verlopen. Meld u opnieuw aan.",
        "de": "Das Zugriffstoken ist abgelaufen. Melden Sie sich erneut an.",
    },
    "auth.role_required": {
        "en": "Your account does not have the role needed for this action.",
        "fr": "Votre compte n'a pas le rôle nécessaire pour cette action.",
        "nl": "Uw account heeft niet de rol die voor deze actie nodig is.",
        "de": "Ihr Konto hat nicht die für diese Aktion nötige Rolle.",
    },
    "municipality.not_found": {
        "en": "No hosted municipality with NIS code {nis}.",
        "fr": "Aucune commune hébergée avec le code INS {nis}.",
        "nl": "Geen gehoste gemeente met NIS-code {nis}.",
        "de": "Keine gehostete Gemeinde mit NIS-Code {nis}.",
    },
    "auth.identity_provider_unavailable": {
        "en": "Sign-in cannot be checked right now. Please try again later.",
        "fr": "La connexion ne peut pas être vérifiée pour le moment. Réessayez plus tard.",
        "nl": "De aanmelding kan nu niet worden gecontroleerd. Probeer het later opnieuw.",
        "de": "Die Anmeldung kann gerade nicht geprüft werden. Bitte später erneut versuchen.",
    },
}

register_messages(MESSAGES)


def _bearer_challenge(error: str | None = None, description: str | None = None) -> str:
    parts = [f'realm="{REALM}"']
    if error:
        parts.append(f'error="{error}"')
    if description:
        parts.append(f'error_description="{description}"')
    return "Bearer " + ", ".join(parts)


class MissingToken(Unauthorized):
    """No bearer token at all (RFC 6750 §3.1: the challenge carries no error code)."""

    code = "auth.missing_token"

    def __init__(self) -> None:
        super().__init__(headers={"WWW-Authenticate": _bearer_challenge()})
        self.reason = "no bearer token"


class InvalidToken(Unauthorized):
    code = "auth.invalid_token"
    _description = "The access token is invalid"

    def __init__(self, reason: str) -> None:
        challenge = _bearer_challenge("invalid_token", self._description)
        super().__init__(headers={"WWW-Authenticate": challenge})
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"


class ExpiredToken(InvalidToken):
    code = "auth.token_expired"
    _description = "The access token expired"


class RoleRequired(Forbidden):
    code = "auth.role_required"

    def __init__(self, *roles: str) -> None:
        super().__init__(extra={"required_roles": sorted(roles)})
        self.reason = f"needs one of {sorted(roles)}"


class MunicipalityNotFound(NotFound):
    """No such hosted municipality, or one the caller is not admitted to: outsiders learn
    nothing about another town, not even that it is hosted."""

    code = "municipality.not_found"


class IdentityProviderUnavailable(ServiceUnavailable):
    """Keys of a trusted issuer cannot be fetched (and none are cached): 503, not 401, so
    clients keep their tokens and retry."""

    code = "auth.identity_provider_unavailable"

    def __init__(self, reason: str) -> None:
        super().__init__(headers={"Retry-After": "5"})
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"
