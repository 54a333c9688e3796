"""The local OIDC provider behaves like the production Keycloak realm where it matters:
credentials, PKCE, assurance levels, loopback redirects, refresh, logout, userinfo."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from guichet_testing.oidc import (
    CITIZEN_SCOPE,
    DEMO_PASSWORD,
    LocalOidcProvider,
    LoginError,
    TokenFactory,
    client_credentials,
    demo_users,
    login,
    logout,
    refresh,
    unverified_claims,
)

REDIRECT = "http://127.0.0.1/callback"


def auth_params(client_id: str = "guichet-tests", **extra: str) -> dict[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return {
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "openid",
        "state": "s1",
        "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
        **extra,
    }


def callback_error(response: httpx.Response) -> str:
    assert response.status_code == 303, response.text
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return query["error"][0]


@pytest.fixture
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10.0) as client:
        yield client


async def test_wrong_password_is_rejected_with_an_accessible_message(oidc_issuer: str) -> None:
    for username, password in (("staff.leeuw", "not-the-password"), ("nobody", DEMO_PASSWORD)):
        with pytest.raises(LoginError) as rejected:
            await login(username, password, issuer=oidc_issuer)
        assert rejected.value.status == 401
        assert rejected.value.description == "Invalid username or password."


async def test_login_page_is_accessible_html(browser: httpx.AsyncClient, oidc_issuer: str) -> None:
    start = await browser.get(
        f"{oidc_issuer}/protocol/openid-connect/auth",
        params=auth_params(ui_locales="nl-BE"),
        follow_redirects=True,
    )
    page = start.text

    assert start.status_code == 200
    assert '<html lang="nl">' in page
    for field in ("username", "password"):
        assert f'<label for="{field}">' in page
        assert re.search(f'<input id="{field}" name="{field}"', page)
    assert "<title>Aanmelden bij Guichet</title>" in page

    action = re.search(r'<form id="login-form" method="post" action="([^"]+)"', page)
    assert action is not None
    retry = await browser.post(
        httpx.URL(str(start.url)).join(action.group(1)),
        data={"username": "staff.leeuw", "password": "wrong"},
    )
    assert retry.status_code == 401
    assert '<p id="login-error" class="error" role="alert">' in retry.text
    assert 'aria-describedby="login-error"' in retry.text
    assert 'value="staff.leeuw"' in retry.text  # the username is kept


async def test_pkce_is_required_and_only_s256(browser: httpx.AsyncClient, oidc_issuer: str) -> None:
    endpoint = f"{oidc_issuer}/protocol/openid-connect/auth"
    without = auth_params()
    del without["code_challenge"], without["code_challenge_method"]

    assert callback_error(await browser.get(endpoint, params=without)) == "invalid_request"
    plain = auth_params(code_challenge="x" * 43, code_challenge_method="plain")
    assert callback_error(await browser.get(endpoint, params=plain)) == "invalid_request"


async def test_code_cannot_be_redeemed_with_another_verifier(oidc_issuer: str) -> None:
    # Drive the flow by hand to hold the code, then present a verifier of our own.
    async with httpx.AsyncClient(timeout=10.0) as http:
        page = await http.get(
            f"{oidc_issuer}/protocol/openid-connect/auth",
            params=auth_params(),
            follow_redirects=True,
        )
        action = re.search(r'<form id="login-form" method="post" action="([^"]+)"', page.text)
        assert action is not None
        response = await http.post(
            httpx.URL(str(page.url)).join(action.group(1)),
            data={"username": "agent.leeuw", "password": DEMO_PASSWORD},
        )
        while not response.headers["location"].startswith(REDIRECT):
            response = await http.get(
                httpx.URL(str(response.url)).join(response.headers["location"])
            )
        code = parse_qs(urlsplit(response.headers["location"]).query)["code"][0]

        token = await http.post(
            f"{oidc_issuer}/protocol/openid-connect/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT,
                "client_id": "guichet-tests",
                "code_verifier": secrets.token_urlsafe(48),
            },
        )

    assert token.status_code == 400
    assert token.json()["error"] == "invalid_grant"


async def test_acr_values_follow_the_login_method(oidc_issuer: str) -> None:
    eid = await login("citizen.eid", scope=CITIZEN_SCOPE, acr_values="Level500", issuer=oidc_issuer)
    itsme = await login(
        "citizen.itsme", scope=CITIZEN_SCOPE, acr_values="Level400", issuer=oidc_issuer
    )

    assert eid.id_token is not None
    assert unverified_claims(eid.access_token)["acr"] == "Level500"
    assert unverified_claims(eid.id_token)["acr"] == "Level500"
    assert unverified_claims(itsme.access_token)["acr"] == "Level400"
    with pytest.raises(LoginError) as too_weak:
        await login("citizen.itsme", acr_values="Level500", issuer=oidc_issuer)
    assert too_weak.value.status == 403


async def test_citizen_claims_need_the_egovnrn_scope(tokens: TokenFactory) -> None:
    user = demo_users()["citizen.itsme"]
    with_scope = unverified_claims(
        (await tokens("citizen.itsme", scope=CITIZEN_SCOPE)).access_token
    )
    without = unverified_claims((await tokens("citizen.itsme")).access_token)

    assert with_scope["egovNRN"] == user.egov_nrn
    assert {"givenName", "surname", "prefLanguage"} <= with_scope.keys()
    assert "egovNRN" not in without
    assert without["realm_access"] == {"roles": ["citizen"]}


async def test_optional_scopes_behave_like_keycloak(tokens: TokenFactory) -> None:
    # Keycloak: profile/email/roles are default scopes (always in the access token);
    # organization and egovnrn are optional and only emitted when requested.
    bare = unverified_claims((await tokens("staff.soignies", scope="openid")).access_token)
    full = unverified_claims((await tokens("staff.soignies")).access_token)

    assert bare["realm_access"] == {"roles": ["staff"]}
    assert bare["preferred_username"] == "staff.soignies"
    assert bare["email"] == "voirie@soignies.example"
    assert "organization" not in bare
    assert full["organization"] == ["55040"]
    assert full["aud"] == bare["aud"] == "urn:guichet:api"


async def test_userinfo_accepts_the_access_token(
    browser: httpx.AsyncClient, tokens: TokenFactory, oidc_issuer: str
) -> None:
    issued = await tokens("citizen.eid", scope=CITIZEN_SCOPE)
    endpoint = f"{oidc_issuer}/protocol/openid-connect/userinfo"

    info = await browser.get(endpoint, headers=issued.bearer)
    anonymous = await browser.get(endpoint)

    assert info.status_code == 200
    assert info.json()["egovNRN"] == demo_users()["citizen.eid"].egov_nrn
    assert info.json()["sub"] == unverified_claims(issued.access_token)["sub"]
    assert anonymous.status_code == 401


async def test_loopback_redirects_accept_any_port_but_nothing_else(
    browser: httpx.AsyncClient, oidc_issuer: str
) -> None:
    endpoint = f"{oidc_issuer}/protocol/openid-connect/auth"
    for redirect in ("http://127.0.0.1:8123/auth/callback", "http://localhost:9/auth/callback"):
        ok = await browser.get(
            endpoint, params=auth_params("guichet-portal", redirect_uri=redirect)
        )
        assert ok.status_code == 303
        assert "/login-actions/" in ok.headers["location"]
    for redirect in ("http://evil.example/auth/callback", "http://127.0.0.1:8123/other"):
        bad = await browser.get(
            endpoint, params=auth_params("guichet-portal", redirect_uri=redirect)
        )
        assert bad.status_code == 400, redirect


async def test_refresh_keeps_claims_and_logout_ends_the_session(
    browser: httpx.AsyncClient, oidc_issuer: str
) -> None:
    issued = await login("coordinator.leeuw", issuer=oidc_issuer, http=browser)
    assert issued.refresh_token is not None

    renewed = await refresh(issued.refresh_token, issuer=oidc_issuer)
    old_claims, new_claims = (
        unverified_claims(issued.access_token),
        unverified_claims(renewed.access_token),
    )
    assert {k: new_claims[k] for k in ("sub", "organization", "realm_access", "acr")} == {
        k: old_claims[k] for k in ("sub", "organization", "realm_access", "acr")
    }
    assert renewed.refresh_token is not None

    landed = await logout(issued, http=browser, issuer=oidc_issuer)

    assert landed.startswith("http://127.0.0.1/logged-out")
    with pytest.raises(LoginError) as ended:
        await refresh(renewed.refresh_token, issuer=oidc_issuer)
    assert ended.value.error == "invalid_grant"


async def test_client_credentials_needs_the_secret(oidc_issuer: str) -> None:
    issued = await client_credentials(
        "guichet-operator-cli", "dev-only-operator-cli-secret", issuer=oidc_issuer
    )
    claims = unverified_claims(issued.access_token)

    assert claims["realm_access"] == {"roles": ["operator"]}
    assert claims["aud"] == "urn:guichet:api"
    with pytest.raises(LoginError) as rejected:
        await client_credentials("guichet-operator-cli", "guessed", issuer=oidc_issuer)
    assert rejected.value.error == "invalid_client"


async def test_provider_binds_only_its_host_and_stops_cleanly_on_sigterm() -> None:
    provider = LocalOidcProvider(host="127.0.0.2")  # also loopback on Linux, but not 127.0.0.1
    await provider.start()
    try:
        async with httpx.AsyncClient(timeout=5.0) as http:
            discovery = await http.get(f"{provider.issuer}/.well-known/openid-configuration")
            assert discovery.json()["issuer"] == provider.issuer
            with pytest.raises(httpx.ConnectError):
                await http.get(f"http://127.0.0.1:{provider.port}/health/ready")
    finally:
        exit_code = await provider.stop()

    assert exit_code == 0


async def test_cancel_on_the_login_form_denies_access(oidc_issuer: str) -> None:
    async with httpx.AsyncClient(timeout=10.0) as http:
        authorize = f"{oidc_issuer}/protocol/openid-connect/auth"
        page = await http.get(authorize, params=auth_params(), follow_redirects=True)
        action = re.search(r'<form id="abort-form" method="post" action="([^"]+)"', page.text)
        assert action is not None
        response = await http.post(httpx.URL(str(page.url)).join(action.group(1)))
        while not response.headers["location"].startswith(REDIRECT):
            response = await http.get(
                httpx.URL(str(response.url)).join(response.headers["location"])
            )

    assert callback_error(response) == "access_denied"
