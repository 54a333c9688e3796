"""*Authorize* on /docs: the OpenAPI document offers the realm's authorization code flow
(client guichet-swagger, PKCE) next to the bearer scheme, the Swagger UI is set up for it, and
the local provider lets a person log in with that client from any service's
/docs/oauth2-redirect on the dev and test port bases; the token it gives works on an
authenticated endpoint. Browser-free: the flow is driven with httpx, as a browser would."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi import APIRouter

from guichet_kit.app import build_app
from guichet_kit.auth import AuthComponent, PrincipalDep
from guichet_kit.settings import KitSettings
from guichet_testing.apps import serve
from guichet_testing.oidc import LoginError, discovery, login

CLIENT = "guichet-swagger"
# intake on the dev base, portal on the test base: /docs of any service on either.
DOCS_ORIGINS = ("http://127.0.0.1:17100", "http://localhost:26105")

router = APIRouter()


@router.get("/me")
async def me(principal: PrincipalDep) -> dict[str, Any]:
    return {"username": principal.username, "tenant_id": principal.tenant_id}


@pytest.fixture
async def http(oidc_issuer: str) -> Any:
    settings = KitSettings(service_name="docs-login-test", oidc_issuers=[oidc_issuer])
    app = build_app(
        settings=settings,
        title="Docs login test",
        version="1",
        routers=[router],
        components=[AuthComponent(settings)],
    )
    async with serve(app) as client:
        yield client


async def test_openapi_offers_the_realms_code_flow_next_to_the_bearer_token(
    http: httpx.AsyncClient, oidc_issuer: str
) -> None:
    async with httpx.AsyncClient(timeout=5.0) as client:
        config = await discovery(oidc_issuer, client)
    document = (await http.get("/openapi.json")).json()

    schemes = document["components"]["securitySchemes"]
    assert schemes["HTTPBearer"]["scheme"] == "bearer"  # scripts paste a token, as before
    flow = schemes["realm"]["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == config["authorization_endpoint"]
    assert flow["tokenUrl"] == config["token_endpoint"]
    assert {"openid", "roles", "organization"} <= set(flow["scopes"])
    assert document["paths"]["/me"]["get"]["security"] == [{"HTTPBearer": []}, {"realm": []}]
    assert "security" not in document["paths"]["/healthz"]["get"]

    page = (await http.get("/docs")).text
    assert f'"clientId": "{CLIENT}"' in page
    assert '"usePkceWithAuthorizationCodeGrant": true' in page
    assert (await http.get("/docs/oauth2-redirect")).status_code == 200


async def test_no_issuer_no_login_scheme() -> None:
    app = build_app(settings=KitSettings(), title="No realm", version="1", routers=[router])
    document = app.openapi()
    assert set(document["components"]["securitySchemes"]) == {"HTTPBearer"}
    assert app.swagger_ui_init_oauth is None


@pytest.mark.parametrize("origin", DOCS_ORIGINS)
async def test_a_person_logs_in_with_the_docs_client_and_the_token_works(
    http: httpx.AsyncClient, oidc_issuer: str, origin: str
) -> None:
    """What the Swagger UI does: authorization request with a PKCE challenge, login form,
    redirect to /docs/oauth2-redirect, then the code exchanged from the page's origin (CORS)."""
    responses: list[httpx.Response] = []

    async def record(response: httpx.Response) -> None:
        responses.append(response)

    async with httpx.AsyncClient(
        timeout=10.0, headers={"Origin": origin}, event_hooks={"response": [record]}
    ) as browser:
        tokens = await login(
            "staff.soignies",
            client_id=CLIENT,
            redirect_uri=f"{origin}/docs/oauth2-redirect",
            issuer=oidc_issuer,
            http=browser,
        )
    token_response = next(r for r in responses if r.url.path.endswith("/token"))
    assert token_response.headers["access-control-allow-origin"] == origin
    assert json.loads(token_response.text)["token_type"].lower() == "bearer"

    answer = await http.get("/me", headers=tokens.bearer)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"username": "staff.soignies", "tenant_id": "55040"}


async def test_the_docs_client_redirects_nowhere_else(oidc_issuer: str) -> None:
    with pytest.raises(LoginError):
        await login(
            "staff.soignies",
            client_id=CLIENT,
            redirect_uri="http://127.0.0.1:17100/elsewhere",
            issuer=oidc_issuer,
        )
