"""FastAPI dependencies for authenticated endpoints.

The verifier lives on ``app.state.token_verifier`` (built in the lifespan, see
`AuthComponent`); nothing here touches the network or settings at import. These say *who*
calls; `guichet_kit.auth.admission` says whether they may enter a municipality's endpoints.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from guichet_kit.auth.errors import InvalidToken, MissingToken
from guichet_kit.auth.principal import Principal
from guichet_kit.auth.verifier import TokenVerifier

logger = logging.getLogger("guichet.auth")

_bearer = HTTPBearer(
    auto_error=False,
    description="Access token of the Guichet identity provider (audience urn:guichet:api)",
)


def token_verifier(request: Request) -> TokenVerifier:
    verifier = getattr(request.app.state, "token_verifier", None)
    if not isinstance(verifier, TokenVerifier):
        raise RuntimeError("app.state.token_verifier is not set: add AuthComponent to the app")
    return verifier


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise MissingToken()
    try:
        principal = await token_verifier(request).authenticate(credentials.credentials)
    except InvalidToken as exc:
        logger.info("access token rejected: %s", exc.reason)
        raise
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


async def optional_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """For endpoints open to anonymous callers: no token is fine, a token sent must be valid
    (else 401, never silently anonymous)."""
    if credentials is None:
        return None
    return await current_principal(request, credentials)


OptionalPrincipalDep = Annotated[Principal | None, Depends(optional_principal)]

# The operation's `security` in OpenAPI when a route reads its token by hand (below).
BEARER_SECURITY: list[dict[str, list[str]]] = [{_bearer.scheme_name: []}]


async def request_principal(request: Request) -> Principal | None:
    """`optional_principal` without dependency injection, for a hot route that reads its
    inputs by hand (FastAPI's dependency solving is ~13 % of intake's report submission). Such
    a route documents the token with ``openapi_extra={"security": BEARER_SECURITY}``."""
    return await optional_principal(request, await _bearer(request))
