"""Who is calling: the verified claims of an access token, reduced to what services use.

The national register number (egovNRN) never leaves this module in clear: the Principal
only carries its keyed hash, stable per deployment key, so services can link a citizen's
reports without storing the number itself.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from guichet_kit.auth.errors import InvalidToken

_NRN_SEPARATORS = str.maketrans("", "", ".- ")


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    issuer: str
    username: str
    tenant_id: str | None
    organizations: tuple[str, ...]
    roles: frozenset[str]
    assurance: str | None
    email: str | None = field(default=None, repr=False)
    locale: str | None = None
    nrn_hash: str | None = field(default=None, repr=False)

    def has_role(self, *roles: str) -> bool:
        """True when the principal holds at least one of `roles`."""
        return not self.roles.isdisjoint(roles)


def hash_nrn(nrn: str, key: bytes) -> str:
    """HMAC-SHA256 of a national register number (digits only), hex encoded."""
    digits = nrn.translate(_NRN_SEPARATORS)
    if len(digits) != 11 or not digits.isdigit():
        raise InvalidToken("egovNRN claim is not an 11-digit number")
    return hmac.new(key, digits.encode("ascii"), hashlib.sha256).hexdigest()


def _optional_str(claims: Mapping[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidToken(f"claim {name} is not a string")
    return value


def _organizations(claims: Mapping[str, Any]) -> tuple[str, ...]:
    """Keycloak's organization mapper emits a list of aliases, or a map alias → attributes
    when "add organization attributes" is on; both give the NIS codes."""
    value = claims.get("organization")
    if value is None:
        return ()
    aliases = list(value) if isinstance(value, list | dict) else None
    if aliases is None or not all(isinstance(alias, str) for alias in aliases):
        raise InvalidToken("claim organization is neither a list nor a map of aliases")
    return tuple(aliases)


def _roles(claims: Mapping[str, Any]) -> frozenset[str]:
    realm_access = claims.get("realm_access")
    if realm_access is None:
        return frozenset()
    roles = realm_access.get("roles", []) if isinstance(realm_access, dict) else None
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise InvalidToken("claim realm_access.roles is not a list of strings")
    return frozenset(roles)


def principal_from_claims(claims: Mapping[str, Any], *, nrn_hash_key: bytes) -> Principal:
    """Build a Principal from already verified claims."""
    subject = claims.get("sub")
    issuer = claims.get("iss")
    if not isinstance(subject, str) or not subject or not isinstance(issuer, str):
        raise InvalidToken("token lacks sub or iss")
    organizations = _organizations(claims)
    nrn = _optional_str(claims, "egovNRN")
    return Principal(
        subject=subject,
        issuer=issuer,
        username=_optional_str(claims, "preferred_username") or subject,
        # Staff belong to exactly one municipality; anything else has no implicit tenant.
        tenant_id=organizations[0] if len(organizations) == 1 else None,
        organizations=organizations,
        roles=_roles(claims),
        assurance=_optional_str(claims, "acr"),
        email=_optional_str(claims, "email"),
        locale=_optional_str(claims, "locale"),
        nrn_hash=hash_nrn(nrn, nrn_hash_key) if nrn is not None else None,
    )
