"""The FastAPI dependencies against real tokens of the local OIDC provider.

Every negative case is a real token, or a real token altered the way an attacker would, sent
through a tiny app that uses the dependencies exactly like a service does.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI

from guichet_kit.auth import PrincipalDep, TokenVerifier
from guichet_kit.errors import install_error_handlers
from guichet_testing.oidc import (
    CITIZEN_SCOPE,
    TokenFactory,
    demo_users,
    forge_token,
    hmac_token,
    login,
    new_rsa_key,
    unsigned_token,
    unverified_claims,
    unverified_header,
    with_claims,
    with_flipped_signature,
)

NRN_KEY = b"api-test-nrn-key"
AUDIENCE = "urn:guichet:api"
INVALID_TOKEN_CHALLENGE = 'Bearer realm="guichet", error="invalid_token"'


def build_app(issuer: str) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=5.0) as http:
            app.state.token_verifier = TokenVerifier(
                issuers=[issuer],
                audience=AUDIENCE,
                algorithms=["RS256"],
                http=http,
                nrn_hash_key=NRN_KEY,
                leeway=0,
            )
            yield

    app = FastAPI(lifespan=lifespan)
    install_error_handlers(app)

    @app.get("/me")
    async def me(principal: PrincipalDep) -> dict[str, Any]:
        return {
            "subject": principal.subject,
            "username": principal.username,
            "tenant_id": principal.tenant_id,
            "roles": sorted(principal.roles),
            "assurance": principal.assurance,
            "nrn_hash": principal.nrn_hash,
        }

    return app


@pytest.fixture(scope="module")
async def api(oidc_issuer: str) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(oidc_issuer)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def assert_invalid_token(api: httpx.AsyncClient, token: str) -> httpx.Response:
    response = await api.get("/me", headers=bearer(token))
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith(INVALID_TOKEN_CHALLENGE)
    assert response.headers["content-type"] == "application/problem+json"
    return response


# --- positive ---------------------------------------------------------------------------


async def test_citizen_token_gives_principal_with_hashed_nrn(
    api: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    citizen = demo_users()["citizen.eid"]
    assert citizen.egov_nrn is not None
    issued = await tokens("citizen.eid", scope=CITIZEN_SCOPE, acr_values="Level500")

    response = await api.get("/me", headers=issued.bearer)

    assert response.status_code == 200, response.text
    body = response.json()
    expected_hash = hmac.new(NRN_KEY, citizen.egov_nrn.encode(), hashlib.sha256).hexdigest()
    assert body == {
        "subject": citizen.sub,
        "username": "citizen.eid",
        "tenant_id": None,
        "roles": ["citizen"],
        "assurance": "Level500",
        "nrn_hash": expected_hash,
    }
    assert citizen.egov_nrn not in response.text


async def test_staff_token_is_bound_to_its_municipality(
    api: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    issued = await tokens("staff.leeuw")

    me = await api.get("/me", headers=issued.bearer)

    assert me.json()["tenant_id"] == "23077"
    assert me.json()["nrn_hash"] is None


# --- authentication failures (401) ------------------------------------------------------


async def test_missing_token(api: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer"}):
        response = await api.get("/me", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == 'Bearer realm="guichet"'
        assert response.json()["code"] == "auth.missing_token"


async def test_garbage_token(api: httpx.AsyncClient) -> None:
    await assert_invalid_token(api, "not-a-jwt")
    await assert_invalid_token(api, "a.b.c")


async def test_id_token_is_not_an_access_token(
    api: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    issued = await tokens("staff.leeuw")
    assert issued.id_token is not None
    assert unverified_claims(issued.id_token)["aud"] == "guichet-tests"  # same key, other aud

    await assert_invalid_token(api, issued.id_token)


async def test_tampered_payload_and_signature(api: httpx.AsyncClient, tokens: TokenFactory) -> None:
    token = (await tokens("staff.leeuw")).access_token
    promoted = with_claims(
        token, organization=["55040"], realm_access={"roles": ["staff", "operator"]}
    )

    await assert_invalid_token(api, promoted)
    await assert_invalid_token(api, with_flipped_signature(token))
    assert (await api.get("/me", headers=bearer(token))).status_code == 200  # original is fine


async def test_alg_none_is_rejected(api: httpx.AsyncClient, tokens: TokenFactory) -> None:
    token = (await tokens("staff.leeuw")).access_token
    claims = {**unverified_claims(token), "realm_access": {"roles": ["operator"]}}

    await assert_invalid_token(api, unsigned_token(claims, kid=unverified_header(token)["kid"]))


async def test_hs256_signed_with_the_public_key_is_rejected(
    api: httpx.AsyncClient, tokens: TokenFactory, oidc_issuer: str
) -> None:
    token = (await tokens("staff.leeuw")).access_token
    kid = unverified_header(token)["kid"]
    async with httpx.AsyncClient() as http:
        jwks = (await http.get(f"{oidc_issuer}/protocol/openid-connect/certs")).json()
    public_jwk = next(key for key in jwks["keys"] if key["kid"] == kid)
    public_key = jwt.PyJWK(public_jwk).key
    pem = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = {**unverified_claims(token), "realm_access": {"roles": ["operator"]}}

    await assert_invalid_token(api, hmac_token(claims, pem, kid=kid))


async def test_token_signed_by_a_foreign_key_with_the_real_kid(
    api: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    token = (await tokens("staff.leeuw")).access_token
    claims = unverified_claims(token)

    forged = forge_token(claims, new_rsa_key(), kid=unverified_header(token)["kid"])

    await assert_invalid_token(api, forged)


async def test_wrong_issuer_is_rejected(api: httpx.AsyncClient, tokens: TokenFactory) -> None:
    token = (await tokens("staff.leeuw")).access_token
    claims = unverified_claims(token)
    lookalike = claims["iss"].replace("127.0.0.1", "localhost")

    forged = forge_token({**claims, "iss": lookalike}, new_rsa_key(), kid="attacker")

    await assert_invalid_token(api, forged)


async def test_expired_token(api: httpx.AsyncClient, oidc_issuer: str) -> None:
    issued = await login("agent.leeuw", client_id="guichet-tests-short-ttl", issuer=oidc_issuer)
    assert (await api.get("/me", headers=issued.bearer)).status_code == 200
    exp = unverified_claims(issued.access_token)["exp"]

    await asyncio.sleep(max(0.0, exp - time.time()) + 1.1)

    response = await assert_invalid_token(api, issued.access_token)
    assert 'error_description="The access token expired"' in response.headers["www-authenticate"]
    assert response.json()["code"] == "auth.token_expired"
