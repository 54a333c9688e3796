"""*Authorize* on /docs: the Swagger UI logs a person in at the realm.

Authorization code + PKCE (S256) with the public client `KitSettings.oidc_docs_client_id`
(``guichet-swagger``) at the first trusted issuer (the public URL of the realm, Keycloak's
URL layout). The OpenAPI document gets an OAuth2 scheme with the realm's URLs, offered on every
operation that takes the bearer token as an alternative to pasting a token; scripts keep
sending ``Authorization: Bearer`` as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from guichet_kit.settings import KitSettings

LOGIN_SCHEME = "realm"
BEARER_SCHEME = "HTTPBearer"  # the name FastAPI gives the kit's HTTPBearer dependency
LOGIN_SCOPES = {
    "openid": "OpenID Connect",
    "profile": "name and language",
    "email": "e-mail address",
    "roles": "realm roles (staff, coordinator, tenant_admin, ...)",
    "organization": "the municipalities (NIS codes) a staff member works for",
    "egovnrn": "a citizen's national register number (eID / itsme logins)",
}
DEFAULT_SCOPES = "openid profile email roles organization"


def realm_urls(issuer: str) -> dict[str, str]:
    base = f"{issuer.rstrip('/')}/protocol/openid-connect"
    return {"authorizationUrl": f"{base}/auth", "tokenUrl": f"{base}/token"}


def swagger_ui_oauth(settings: KitSettings) -> dict[str, Any] | None:
    """The Swagger UI's `initOAuth`; None when no issuer is configured (no login then)."""
    if not settings.oidc_issuers:
        return None
    return {
        "clientId": settings.oidc_docs_client_id,
        "usePkceWithAuthorizationCodeGrant": True,
        "scopes": DEFAULT_SCOPES,
    }


def offer_realm_login(app: FastAPI, settings: KitSettings) -> None:
    """Add the realm's OAuth2 scheme to `app`'s OpenAPI document (built once, on first use)."""
    if not settings.oidc_issuers:
        return
    scheme = {
        "type": "oauth2",
        "description": (
            f"Log in at the realm (authorization code + PKCE, client "
            f"`{settings.oidc_docs_client_id}`); the access token is then sent as a bearer token."
        ),
        "flows": {
            "authorizationCode": {**realm_urls(settings.oidc_issuers[0]), "scopes": LOGIN_SCOPES}
        },
    }
    app.openapi = _with_scheme(app.openapi, scheme)  # type: ignore[method-assign]


def _with_scheme(
    build: Callable[[], dict[str, Any]], scheme: dict[str, Any]
) -> Callable[[], dict[str, Any]]:
    document: dict[str, Any] | None = None

    def openapi() -> dict[str, Any]:
        nonlocal document
        if document is None:
            document = build()
            schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
            schemes[LOGIN_SCHEME] = scheme
            for operation in _operations(document):
                requirements: list[dict[str, list[str]]] = operation.get("security", [])
                if any(BEARER_SCHEME in requirement for requirement in requirements):
                    requirements.append({LOGIN_SCHEME: []})
        return document

    return openapi


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return [
        operation
        for item in document.get("paths", {}).values()
        for method, operation in item.items()
        if method in methods
    ]
