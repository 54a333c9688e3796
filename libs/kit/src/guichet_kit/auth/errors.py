"""Authentication and authorization errors, rendered as problem+json by guichet_kit.errors.

The `reason` of an error is for logs only: clients get a translated, deliberately vague
message (telling an attacker which check failed helps nobody else).
"""

from __future__ import annotations

from guichet_kit.errors import Forbidden, NotFound, ServiceUnavailable, Unauthorized
from guichet_kit.i18n import N_

REALM = "guichet"


def _bearer_challenge(error: str | None = None, description: str | None = None) -> str:
    parts = [f'realm="{REALM}"']
    if error:
        parts.append(f'error="{error}"')
    if description:
        parts.append(f'error_description="{description}"')
    return "Bearer " + ", ".join(parts)


class MissingToken(Unauthorized):
    """No bearer token at all (RFC 6750 §3.1: the challenge carries no error code)."""

    code = N_("auth.missing_token")

    def __init__(self) -> None:
        super().__init__(headers={"WWW-Authenticate": _bearer_challenge()})
        self.reason = "no bearer token"


class InvalidToken(Unauthorized):
    code = N_("auth.invalid_token")
    _description = "The access token is invalid"

    def __init__(self, reason: str) -> None:
        challenge = _bearer_challenge("invalid_token", self._description)
        super().__init__(headers={"WWW-Authenticate": challenge})
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"


class ExpiredToken(InvalidToken):
    code = N_("auth.token_expired")
    _description = "The access token expired"


class RoleRequired(Forbidden):
    code = N_("auth.role_required")

    def __init__(self, *roles: str) -> None:
        super().__init__(extra={"required_roles": sorted(roles)})
        self.reason = f"needs one of {sorted(roles)}"


class MunicipalityNotFound(NotFound):
    """No such hosted municipality, or one the caller is not admitted to: outsiders learn
    nothing about another town, not even that it is hosted."""

    code = N_("municipality.not_found")


class IdentityProviderUnavailable(ServiceUnavailable):
    """Keys of a trusted issuer cannot be fetched (and none are cached): 503, not 401, so
    clients keep their tokens and retry."""

    code = N_("auth.identity_provider_unavailable")

    def __init__(self, reason: str) -> None:
        super().__init__(headers={"Retry-After": "5"})
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"
