"""Signing keys of one trusted issuer: OpenID discovery, then a cached JWKS.

- Discovery runs once; its `issuer` must equal the configured issuer exactly (a proxy or an
  internal hostname giving another `iss` is a configuration error, not something to accept).
- The JWKS is refreshed when a token names an unknown `kid` (key rotation) or the cache is
  older than `max_age` (a removed key stops being trusted), but never more often than
  `min_refresh_interval`: junk kids cannot make us hammer the identity provider.
- When a refresh fails, keys already cached keep working (the provider may be restarting);
  without any cached key the request fails with 503.
- One asyncio lock per issuer: concurrent requests with a new kid trigger one fetch.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt

from guichet_kit.auth.errors import IdentityProviderUnavailable, InvalidToken

logger = logging.getLogger("guichet.auth")

Clock = Callable[[], float]


class IssuerKeys:
    def __init__(
        self,
        issuer: str,
        http: httpx.AsyncClient,
        *,
        min_refresh_interval: float = 10.0,
        max_age: float = 3600.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self.issuer = issuer
        self._http = http
        self._min_refresh_interval = min_refresh_interval
        self._max_age = max_age
        self._clock = clock
        self._lock = asyncio.Lock()
        self._jwks_uri: str | None = None
        self._keys: dict[str, dict[str, Any]] | None = None
        self._fetched_at = 0.0
        self._last_attempt: float | None = None
        self._prepared: dict[tuple[str, str], jwt.PyJWK] = {}

    async def signing_key(self, kid: str, algorithm: str) -> jwt.PyJWK:
        """The key to verify a token with header (`kid`, `alg`); InvalidToken if unknown."""
        if self._needs_refresh(kid):
            await self._refresh(kid)
        jwk = (self._keys or {}).get(kid)
        if jwk is None:
            raise InvalidToken(f"unknown kid {kid!r} for issuer {self.issuer}")
        return self._prepare(kid, algorithm, jwk)

    async def ensure_loaded(self) -> None:
        """Fetch the keys unless some are cached (readiness probe, warm-up)."""
        if self._keys is None:
            await self._refresh(None)
        if self._keys is None:
            raise IdentityProviderUnavailable(f"no keys for {self.issuer}")

    def _needs_refresh(self, kid: str | None) -> bool:
        if self._keys is None:
            return True
        stale = self._clock() - self._fetched_at >= self._max_age
        return stale or (kid is not None and kid not in self._keys)

    async def _refresh(self, kid: str | None) -> None:
        async with self._lock:
            if not self._needs_refresh(kid):
                return  # another task refreshed while we waited
            now = self._clock()
            if self._throttled(now):
                if self._keys is None:
                    raise IdentityProviderUnavailable(f"keys of {self.issuer} unavailable")
                return
            self._last_attempt = now
            try:
                keys = await self._fetch()
            except (httpx.HTTPError, ValueError) as exc:
                if self._keys is None:
                    raise IdentityProviderUnavailable(f"{self.issuer}: {exc}") from exc
                logger.warning("JWKS refresh of %s failed, keeping old keys: %s", self.issuer, exc)
                return
            self._keys = keys
            self._fetched_at = now
            self._prepared.clear()

    def _throttled(self, now: float) -> bool:
        last = self._last_attempt
        return last is not None and now - last < self._min_refresh_interval

    async def _fetch(self) -> dict[str, dict[str, Any]]:
        jwks = await self._get_json(await self._discover_jwks_uri())
        keys = jwks.get("keys")
        if not isinstance(keys, list):
            raise ValueError("JWKS has no keys list")
        usable = {
            key["kid"]: key
            for key in keys
            if isinstance(key, dict)
            and isinstance(key.get("kid"), str)
            and key.get("use", "sig") == "sig"
        }
        logger.info("loaded %d signing keys of %s", len(usable), self.issuer)
        return usable

    async def _discover_jwks_uri(self) -> str:
        if self._jwks_uri is None:
            config = await self._get_json(f"{self.issuer}/.well-known/openid-configuration")
            if config.get("issuer") != self.issuer:
                raise ValueError(f"discovery issuer {config.get('issuer')!r} != {self.issuer!r}")
            jwks_uri = config.get("jwks_uri")
            if not isinstance(jwks_uri, str) or not jwks_uri.startswith(("https://", "http://")):
                raise ValueError("discovery document has no usable jwks_uri")
            self._jwks_uri = jwks_uri
        return self._jwks_uri

    async def _get_json(self, url: str) -> dict[str, Any]:
        response = await self._http.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        body = response.json()
        if not isinstance(body, dict):
            raise ValueError(f"{url} did not return a JSON object")
        return body

    def _prepare(self, kid: str, algorithm: str, jwk: dict[str, Any]) -> jwt.PyJWK:
        """PyJWK bound to the token's algorithm; a key that declares `alg` only serves that."""
        cached = self._prepared.get((kid, algorithm))
        if cached is not None:
            return cached
        declared = jwk.get("alg")
        if declared is not None and declared != algorithm:
            raise InvalidToken(f"key {kid!r} is for {declared}, token says {algorithm}")
        try:
            key = jwt.PyJWK(jwk, algorithm=algorithm)
        except (jwt.PyJWTError, ValueError) as exc:
            raise InvalidToken(f"key {kid!r} cannot verify {algorithm}: {exc}") from exc
        self._prepared[(kid, algorithm)] = key
        return key
