"""Access token verification: exact issuer allowlist, pinned asymmetric algorithms, audience.

Order matters: the unverified header and payload are read only to choose the issuer among the
trusted ones; a token naming any other issuer is rejected before any network call, so an
attacker cannot make us fetch keys from a URL of their choosing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx
import jwt

from guichet_kit.auth.errors import ExpiredToken, InvalidToken
from guichet_kit.auth.jwks import IssuerKeys
from guichet_kit.auth.principal import Principal, principal_from_claims
from guichet_kit.settings import KitSettings

# Signature algorithms a public JWKS can verify. `none` and HMAC (HS*) are never accepted:
# HS* with a public key as secret is the classic algorithm-confusion forgery.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]


class TokenVerifier:
    def __init__(
        self,
        *,
        issuers: Iterable[str],
        audience: str,
        algorithms: Iterable[str],
        http: httpx.AsyncClient,
        nrn_hash_key: bytes,
        leeway: float = 10.0,
        min_refresh_interval: float = 10.0,
        jwks_max_age: float = 3600.0,
    ) -> None:
        self._algorithms = frozenset(algorithms)
        unsafe = self._algorithms - ASYMMETRIC_ALGORITHMS
        if unsafe or not self._algorithms:
            raise ValueError(f"only asymmetric JWS algorithms may be pinned, got {sorted(unsafe)}")
        self._keys = {
            issuer: IssuerKeys(
                issuer, http, min_refresh_interval=min_refresh_interval, max_age=jwks_max_age
            )
            for issuer in issuers
        }
        if not self._keys:
            raise ValueError("at least one trusted issuer is required")
        if not audience:
            raise ValueError("an audience is required")
        self._audience = audience
        self._leeway = leeway
        self._nrn_hash_key = nrn_hash_key

    @classmethod
    def from_settings(cls, settings: KitSettings, http: httpx.AsyncClient) -> TokenVerifier:
        return cls(
            issuers=settings.oidc_issuers,
            audience=settings.oidc_audience,
            algorithms=settings.oidc_algorithms,
            http=http,
            nrn_hash_key=settings.nrn_hash_key.get_secret_value().encode(),
        )

    async def verify(self, token: str) -> dict[str, Any]:
        """The verified claims of `token`; raises InvalidToken / ExpiredToken."""
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"malformed token: {exc}") from exc
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm not in self._algorithms:
            raise InvalidToken(f"algorithm {algorithm!r} is not allowed")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("token header has no kid")
        issuer = unverified.get("iss")
        keys = self._keys.get(issuer) if isinstance(issuer, str) else None
        if keys is None:
            raise InvalidToken(f"issuer {issuer!r} is not trusted")
        key = await keys.signing_key(kid, algorithm)
        try:
            return jwt.decode(
                token,
                key=key,
                algorithms=[algorithm],
                audience=self._audience,
                issuer=keys.issuer,
                leeway=self._leeway,
                options={"require": REQUIRED_CLAIMS, "enforce_minimum_key_length": True},
            )
        except jwt.ExpiredSignatureError as exc:
            raise ExpiredToken(str(exc)) from exc
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc

    async def authenticate(self, token: str) -> Principal:
        return principal_from_claims(await self.verify(token), nrn_hash_key=self._nrn_hash_key)

    async def ensure_keys(self) -> None:
        """Load (or confirm cached) keys of every trusted issuer; for readiness checks."""
        for keys in self._keys.values():
            await keys.ensure_loaded()
