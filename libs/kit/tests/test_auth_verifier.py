"""TokenVerifier and the per-issuer JWKS cache, observed through the HTTP requests they make
to real provider instances."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
from fastapi import FastAPI

from guichet_kit.auth import (
    AuthComponent,
    IdentityProviderUnavailable,
    InvalidToken,
    TokenVerifier,
)
from guichet_kit.settings import KitSettings
from guichet_testing.oidc import (
    TokenFactory,
    forge_token,
    free_port,
    login,
    new_rsa_key,
    running_provider,
    unverified_claims,
)

AUDIENCE = "urn:guichet:api"


@dataclass
class RecordingHttp:
    """A real httpx client that remembers every request URL it sent."""

    client: httpx.AsyncClient
    urls: list[str] = field(default_factory=list)

    def count(self, suffix: str) -> int:
        return sum(url.endswith(suffix) for url in self.urls)


@pytest.fixture
async def http() -> AsyncIterator[RecordingHttp]:
    recording = RecordingHttp(httpx.AsyncClient(timeout=5.0))

    async def record(request: httpx.Request) -> None:
        recording.urls.append(str(request.url))

    recording.client.event_hooks["request"].append(record)
    async with recording.client:
        yield recording


def verifier(issuers: list[str], http: RecordingHttp, **options: float) -> TokenVerifier:
    return TokenVerifier(
        issuers=issuers,
        audience=AUDIENCE,
        algorithms=["RS256"],
        http=http.client,
        nrn_hash_key=b"k",
        **options,
    )


async def test_unsafe_algorithms_cannot_be_pinned(http: RecordingHttp) -> None:
    for algorithms in (["none"], ["HS256"], ["RS256", "HS512"], []):
        with pytest.raises(ValueError, match="asymmetric"):
            TokenVerifier(
                issuers=["https://id.example/realms/guichet"],
                audience=AUDIENCE,
                algorithms=algorithms,
                http=http.client,
                nrn_hash_key=b"k",
            )


async def test_valid_token_fetches_discovery_and_jwks_once(
    http: RecordingHttp, tokens: TokenFactory, oidc_issuer: str
) -> None:
    checker = verifier([oidc_issuer], http)
    token = (await tokens("agent.soignies")).access_token

    for _ in range(3):
        claims = await checker.verify(token)

    assert claims["organization"] == ["55040"]
    assert http.count("/.well-known/openid-configuration") == 1
    assert http.count("/protocol/openid-connect/certs") == 1


async def test_issuer_outside_allowlist_is_rejected_before_any_request(
    http: RecordingHttp, oidc_issuer: str
) -> None:
    async with running_provider() as other:
        foreign = await login("staff.leeuw", issuer=other.issuer)
    checker = verifier([oidc_issuer], http)

    with pytest.raises(InvalidToken, match="not trusted"):
        await checker.verify(foreign.access_token)

    assert http.urls == []


async def test_unknown_kid_triggers_one_refresh_then_fails(
    http: RecordingHttp, tokens: TokenFactory, oidc_issuer: str
) -> None:
    checker = verifier([oidc_issuer], http, min_refresh_interval=0.3)
    real = (await tokens("staff.leeuw")).access_token
    await checker.verify(real)
    forged = forge_token(unverified_claims(real), new_rsa_key(), kid="rotated-maybe")
    await asyncio.sleep(0.35)

    with pytest.raises(InvalidToken, match="unknown kid"):
        await checker.verify(forged)
    assert http.count("/certs") == 2  # the initial fetch + exactly one refresh

    for _ in range(5):  # junk kids within the interval: no hammering
        with pytest.raises(InvalidToken, match="unknown kid"):
            await checker.verify(forged)
    assert http.count("/certs") == 2
    await checker.verify(real)  # known keys still work


async def test_concurrent_requests_share_one_fetch(
    http: RecordingHttp, tokens: TokenFactory, oidc_issuer: str
) -> None:
    checker = verifier([oidc_issuer], http)
    token = (await tokens("coordinator.leeuw")).access_token

    results = await asyncio.gather(*(checker.verify(token) for _ in range(20)))

    assert {claims["sub"] for claims in results} == {results[0]["sub"]}
    assert http.count("/.well-known/openid-configuration") == 1
    assert http.count("/certs") == 1


async def test_key_rotation_is_picked_up(http: RecordingHttp) -> None:
    port = free_port()
    async with running_provider(port) as provider:
        before = await login("agent.leeuw", issuer=provider.issuer)
        checker = verifier([provider.issuer], http, min_refresh_interval=0)
        await checker.verify(before.access_token)
    async with running_provider(port) as restarted:  # same issuer, fresh keys
        after = await login("agent.leeuw", issuer=restarted.issuer)

        claims = await checker.verify(after.access_token)

    assert claims["preferred_username"] == "agent.leeuw"
    assert http.count("/certs") == 2
    with pytest.raises(InvalidToken, match="unknown kid"):  # the old key is gone
        await checker.verify(before.access_token)


async def test_discovery_must_name_the_configured_issuer(
    http: RecordingHttp, tokens: TokenFactory, oidc_issuer: str
) -> None:
    # Internal vs public hostname: the provider calls itself 127.0.0.1, we configured localhost.
    internal = oidc_issuer.replace("127.0.0.1", "localhost")
    checker = verifier([internal], http)
    claims = {**unverified_claims((await tokens("staff.leeuw")).access_token), "iss": internal}

    with pytest.raises(IdentityProviderUnavailable):
        await checker.verify(forge_token(claims, new_rsa_key(), kid="k1"))

    assert http.count("/.well-known/openid-configuration") == 1
    assert http.count("/certs") == 0


async def test_unreachable_provider_is_503_and_not_hammered(
    http: RecordingHttp, tokens: TokenFactory
) -> None:
    down = f"http://127.0.0.1:{free_port()}/realms/guichet"
    checker = verifier([down], http)
    real = unverified_claims((await tokens("staff.leeuw")).access_token)
    token = forge_token({**real, "iss": down}, new_rsa_key(), kid="k1")

    for _ in range(3):
        with pytest.raises(IdentityProviderUnavailable):
            await checker.verify(token)

    assert len(http.urls) == 1


async def test_auth_component_builds_verifier_from_settings(
    oidc_issuer: str, tokens: TokenFactory
) -> None:
    settings = KitSettings(oidc_issuers=[oidc_issuer])
    component = AuthComponent(settings)
    app = FastAPI()

    await component.start(app)
    try:
        await component.readiness_check().probe()
        principal = await app.state.token_verifier.authenticate(
            (await tokens("security.leeuw")).access_token
        )
    finally:
        await component.stop(app)

    assert principal.roles == frozenset({"security_officer"})
    assert principal.assurance == "Level400"
