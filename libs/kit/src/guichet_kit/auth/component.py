"""Token verification as an app component: publishes ``app.state.token_verifier``."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from guichet_kit.app.components import ReadinessCheck
from guichet_kit.auth.verifier import TokenVerifier
from guichet_kit.settings import KitSettings

JWKS_TIMEOUT = httpx.Timeout(5.0)


class AuthComponent:
    """Builds the TokenVerifier and the HTTP client it fetches discovery and JWKS with.

    Readiness passes once keys of every trusted issuer are cached: an identity provider
    that restarts later does not take the service out of rotation.
    """

    name = "oidc"

    def __init__(self, settings: KitSettings) -> None:
        self.settings = settings
        self.verifier: TokenVerifier | None = None
        self._http: httpx.AsyncClient | None = None

    async def start(self, app: FastAPI) -> None:
        self._http = httpx.AsyncClient(timeout=JWKS_TIMEOUT, follow_redirects=False)
        self.verifier = TokenVerifier.from_settings(self.settings, self._http)
        app.state.token_verifier = self.verifier

    async def stop(self, app: FastAPI) -> None:
        if self._http is not None:
            await self._http.aclose()
        self._http = self.verifier = None

    def readiness_check(self) -> ReadinessCheck:
        return ReadinessCheck(self.name, self._keys_loaded)

    async def _keys_loaded(self) -> None:
        if self.verifier is None:
            raise RuntimeError("auth component not started")
        await self.verifier.ensure_keys()
