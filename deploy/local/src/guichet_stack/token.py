"""`python -m guichet_stack token --user staff.soignies`: an access token of a demo user of the
local stack, for scripts (``curl -H "Authorization: Bearer $(...)"``).

The local provider, like the production realm, gives users' tokens only through the
authorization code flow with PKCE; this walks it as the Swagger UI's *Authorize* does (same
public client, `guichet-swagger`), filling the provider's login form with the demo password.
"""

from __future__ import annotations

import asyncio

import httpx

from guichet_stack.config import StackConfig
from guichet_stack.errors import StackError

DOCS_CLIENT = "guichet-swagger"
DEFAULT_SCOPE = "openid profile email roles organization"


def demo_token(cfg: StackConfig, username: str, *, scope: str = DEFAULT_SCOPE) -> str:
    # The tests' walk through the provider's login form (a workspace library, dev only).
    from guichet_testing.oidc import LoginError, login

    redirect_uri = f"http://{cfg.host}:{cfg.ports['intake']}/docs/oauth2-redirect"
    try:
        tokens = asyncio.run(
            login(
                username,
                client_id=DOCS_CLIENT,
                scope=scope,
                issuer=cfg.oidc_issuer,
                redirect_uri=redirect_uri,
            )
        )
    except (LoginError, httpx.TransportError) as exc:
        raise StackError(f"no token for {username} at {cfg.oidc_issuer}: {exc}") from exc
    return tokens.access_token
