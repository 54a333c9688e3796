"""Real OIDC logins for tests: the authorization code + PKCE flow driven over HTTP.

`login()` does what a browser does against the provider at ``GUICHET_OIDC_ISSUER``: GET the
authorization endpoint, fill in the HTML login form, follow the redirects (consent is
automatic for first-party clients), then exchange the code at the token endpoint. It works
against the local provider (deploy/local/oidc) and against a Keycloak realm alike, as long
as the login page is a plain HTML form with a password field.

Fixtures:
- ``oidc_issuer`` (session): the issuer of the provider the stack launcher started
  (``GUICHET_OIDC_ISSUER``), checked to answer discovery.
- ``tokens`` (session): ``await tokens("agent.leeuw")`` logs a demo user in (cached while
  the access token has more than 30 s left).

`LocalOidcProvider` starts extra provider instances (e.g. a second, untrusted issuer).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import shutil
import socket
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from guichet_testing.stack import StackInfo

REPO_ROOT = Path(__file__).resolve().parents[4]
PROVIDER_DIR = Path(os.environ.get("GUICHET_OIDC_PROVIDER_DIR", REPO_ROOT / "deploy/local/oidc"))
REALM_PATH = "/realms/guichet"
DEMO_PASSWORD = "guichet-demo"
TEST_CLIENT_ID = "guichet-tests"
TEST_REDIRECT_URI = "http://127.0.0.1/callback"
DEFAULT_SCOPE = "openid profile email roles organization"
CITIZEN_SCOPE = f"{DEFAULT_SCOPE} egovnrn"
_MAX_HOPS = 12


class LoginError(Exception):
    """The login did not produce tokens; `error` is an OAuth error code or a short reason."""

    def __init__(self, error: str, description: str = "", *, status: int | None = None) -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True)
class Tokens:
    access_token: str
    id_token: str | None
    refresh_token: str | None
    token_type: str
    scope: str
    expires_at: float

    @classmethod
    def from_response(cls, body: dict[str, Any]) -> Tokens:
        return cls(
            access_token=body["access_token"],
            id_token=body.get("id_token"),
            refresh_token=body.get("refresh_token"),
            token_type=body.get("token_type", "Bearer"),
            scope=body.get("scope", ""),
            expires_at=time.time() + int(body.get("expires_in", 0)),
        )

    @property
    def bearer(self) -> dict[str, str]:
        """``Authorization`` header for httpx/requests."""
        return {"Authorization": f"Bearer {self.access_token}"}


# --- the flow ---------------------------------------------------------------------------


def issuer_from_env() -> str:
    issuer = os.environ.get("GUICHET_OIDC_ISSUER", "")
    if not issuer:
        raise RuntimeError("GUICHET_OIDC_ISSUER is not set: use the oidc_issuer fixture")
    return issuer


def _pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


_discovery_cache: dict[str, dict[str, Any]] = {}


async def discovery(issuer: str, http: httpx.AsyncClient) -> dict[str, Any]:
    cached = _discovery_cache.get(issuer)
    if cached is None:
        response = await http.get(f"{issuer}/.well-known/openid-configuration")
        response.raise_for_status()
        cached = _discovery_cache[issuer] = response.json()
    return cached


@dataclass
class _Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    has_password: bool = False


class _PageParser(HTMLParser):
    """Collects forms (action, inputs) and the text of role="alert" elements."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[_Form] = []
        self.alerts: list[str] = []
        self._alert_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            method = attributes.get("method", "get").lower()
            self.forms.append(_Form(attributes.get("action", ""), method))
        elif tag == "input" and self.forms and attributes.get("name"):
            form = self.forms[-1]
            form.fields[attributes["name"]] = attributes.get("value", "")
            form.has_password |= attributes.get("type") == "password"
        if attributes.get("role") == "alert" or self._alert_depth:
            self._alert_depth += 1
            if self._alert_depth == 1:
                self.alerts.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._alert_depth:
            self._alert_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._alert_depth:
            self.alerts[-1] += data


def _parse_page(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    return parser


def _is_callback(location: str, redirect_uri: str) -> bool:
    """Same scheme, host and path as the redirect URI (loopback ports may vary)."""
    got, want = urlsplit(location), urlsplit(redirect_uri)
    return (got.scheme, got.hostname, got.path) == (want.scheme, want.hostname, want.path)


async def _authorize(
    http: httpx.AsyncClient,
    url: str,
    params: dict[str, str],
    *,
    username: str,
    password: str,
    redirect_uri: str,
) -> dict[str, list[str]]:
    """Walk from the authorization request to the callback; returns the callback's query."""
    response = await http.get(url, params=params)
    submitted = False
    for _ in range(_MAX_HOPS):
        if response.is_redirect:
            location = urljoin(str(response.url), response.headers["location"])
            if _is_callback(location, redirect_uri):
                return parse_qs(urlsplit(location).query)
            response = await http.get(location)
            continue
        page = _parse_page(response.text)
        login_form = next((form for form in page.forms if form.has_password), None)
        if login_form is None or submitted:
            reason = " ".join(text.strip() for text in page.alerts) or response.text[:200]
            error = "login_rejected" if submitted else "unexpected_page"
            raise LoginError(error, reason, status=response.status_code)
        fields = {**login_form.fields, "username": username, "password": password}
        action = urljoin(str(response.url), login_form.action)
        response = await http.post(action, data=fields)
        submitted = True
    raise LoginError("too_many_redirects")


async def login(
    username: str,
    password: str = DEMO_PASSWORD,
    *,
    client_id: str = TEST_CLIENT_ID,
    scope: str = DEFAULT_SCOPE,
    acr_values: str | None = None,
    issuer: str | None = None,
    redirect_uri: str = TEST_REDIRECT_URI,
    http: httpx.AsyncClient | None = None,
) -> Tokens:
    """Log `username` in through the real authorization code + PKCE (S256) flow.

    Pass `http` (follow_redirects=False) to keep the provider's session cookies afterwards,
    e.g. to test single sign-on or logout; otherwise a fresh cookie jar is used.
    """
    issuer = issuer or issuer_from_env()
    verifier, challenge = _pkce_pair()
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    params = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": scope,
        "state": state,
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    if acr_values:
        params["acr_values"] = acr_values
    async with contextlib.AsyncExitStack() as stack:
        if http is None:
            http = await stack.enter_async_context(httpx.AsyncClient(timeout=10.0))
        config = await discovery(issuer, http)
        callback = await _authorize(
            http,
            config["authorization_endpoint"],
            params,
            username=username,
            password=password,
            redirect_uri=redirect_uri,
        )
        if "error" in callback:
            raise LoginError(callback["error"][0], callback.get("error_description", [""])[0])
        if callback.get("state") != [state]:
            raise LoginError("state_mismatch")
        return await _token_request(
            http,
            config["token_endpoint"],
            {
                "grant_type": "authorization_code",
                "code": callback["code"][0],
                "redirect_uri": redirect_uri,
                "client_id": client_id,
                "code_verifier": verifier,
            },
        )


async def _token_request(
    http: httpx.AsyncClient,
    token_endpoint: str,
    form: dict[str, str],
    auth: httpx.BasicAuth | None = None,
) -> Tokens:
    if auth is None:
        response = await http.post(token_endpoint, data=form)
    else:
        response = await http.post(token_endpoint, data=form, auth=auth)
    body = response.json()
    if response.status_code != 200:
        raise LoginError(
            body.get("error", "token_error"),
            body.get("error_description", ""),
            status=response.status_code,
        )
    return Tokens.from_response(body)


async def refresh(
    refresh_token: str, *, client_id: str = TEST_CLIENT_ID, issuer: str | None = None
) -> Tokens:
    issuer = issuer or issuer_from_env()
    async with httpx.AsyncClient(timeout=10.0) as http:
        config = await discovery(issuer, http)
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return await _token_request(
            http, config["token_endpoint"], {**form, "client_id": client_id}
        )


async def client_credentials(
    client_id: str, client_secret: str, *, issuer: str | None = None
) -> Tokens:
    """Service-account token (e.g. guichet-operator-cli, role operator)."""
    issuer = issuer or issuer_from_env()
    async with httpx.AsyncClient(timeout=10.0) as http:
        config = await discovery(issuer, http)
        form = {"grant_type": "client_credentials"}
        return await _token_request(
            http, config["token_endpoint"], form, auth=httpx.BasicAuth(client_id, client_secret)
        )


async def logout(
    tokens: Tokens,
    *,
    http: httpx.AsyncClient,
    client_id: str = TEST_CLIENT_ID,
    post_logout_redirect_uri: str = "http://127.0.0.1/logged-out",
    issuer: str | None = None,
) -> str:
    """RP-initiated logout of the session held in `http`'s cookies (the client that logged
    in); confirms the provider's logout page and returns the final redirect location."""
    issuer = issuer or issuer_from_env()
    config = await discovery(issuer, http)
    params = {"client_id": client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
    if tokens.id_token:
        params["id_token_hint"] = tokens.id_token
    page = await http.get(config["end_session_endpoint"], params=params)
    form = next(iter(_parse_page(page.text).forms), None)
    if page.status_code != 200 or form is None:
        raise LoginError("logout_failed", page.text[:200], status=page.status_code)
    done = await http.post(
        urljoin(str(page.url), form.action), data={**form.fields, "logout": "yes"}
    )
    if not done.is_redirect:
        raise LoginError("logout_failed", done.text[:200], status=done.status_code)
    return urljoin(str(done.url), done.headers["location"])


# --- demo users -------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    description: str
    sub: str
    roles: tuple[str, ...]
    organization: tuple[str, ...]
    acr: str
    egov_nrn: str | None


def demo_users(path: Path = PROVIDER_DIR / "users.json") -> dict[str, DemoUser]:
    entries = json.loads(path.read_text(encoding="utf-8"))["users"]
    return {
        entry["username"]: DemoUser(
            username=entry["username"],
            description=entry["description"],
            sub=entry["sub"],
            roles=tuple(entry["roles"]),
            organization=tuple(entry["organization"]),
            acr=entry["acr"],
            egov_nrn=entry.get("egovNRN"),
        )
        for entry in entries
    }


# --- running a provider -----------------------------------------------------------------


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class LocalOidcProvider:
    """One `node server.mjs` process of deploy/local/oidc (same contract as the launcher)."""

    def __init__(self, port: int | None = None, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = port or free_port(host)
        self.base_url = f"http://{host}:{self.port}"
        self.issuer = f"{self.base_url}{REALM_PATH}"
        self._process: asyncio.subprocess.Process | None = None
        self._log: TextIO | None = None

    async def start(self, startup_seconds: float = 20.0) -> None:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is not installed (needed by the local OIDC provider)")
        if not (PROVIDER_DIR / "node_modules").is_dir():
            await _run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR)
        self._log = tempfile.TemporaryFile("w+", prefix="oidc-provider-")  # noqa: SIM115
        env = {
            **os.environ,
            "OIDC_HOST": self.host,
            "OIDC_PORT": str(self.port),
            "OIDC_PUBLIC_BASE_URL": self.base_url,
        }
        self._process = await asyncio.create_subprocess_exec(
            node, "server.mjs", cwd=PROVIDER_DIR, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=self._log,
        )  # fmt: skip
        assert self._process.stdout is not None
        try:
            line = await asyncio.wait_for(self._process.stdout.readline(), startup_seconds)
        except TimeoutError:
            line = b""
        if line.decode().strip() != f"ready {self.issuer}":
            await self.stop()
            raise RuntimeError(f"OIDC provider did not start: {line!r}\n{self._read_log()}")

    async def stop(self) -> int | None:
        """SIGTERM, then SIGKILL after 5 s; returns the exit code (None if never started)."""
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 5.0)
            except TimeoutError:
                process.kill()
                await process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        return None if process is None else process.returncode

    def _read_log(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read()[-4000:]


async def _run(argv: list[str], cwd: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        *argv, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{output.decode(errors='replace')}")


@contextlib.asynccontextmanager
async def running_provider(port: int | None = None) -> AsyncIterator[LocalOidcProvider]:
    provider = LocalOidcProvider(port)
    await provider.start()
    try:
        yield provider
    finally:
        await provider.stop()


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
async def oidc_issuer(stack: StackInfo) -> str:
    """The stack's issuer, after checking that its discovery document answers."""
    async with httpx.AsyncClient(timeout=5.0) as http:
        await discovery(stack.oidc_issuer, http)
    return stack.oidc_issuer


class TokenFactory:
    """``await tokens(username, scope=..., client_id=..., acr_values=...)`` → Tokens."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer
        self._cache: dict[tuple[str, str, str, str | None], Tokens] = {}

    async def __call__(
        self,
        username: str,
        *,
        client_id: str = TEST_CLIENT_ID,
        scope: str = DEFAULT_SCOPE,
        acr_values: str | None = None,
    ) -> Tokens:
        key = (username, client_id, scope, acr_values)
        cached = self._cache.get(key)
        if cached is not None and cached.expires_at - time.time() > 30:
            return cached
        fresh = await login(
            username, client_id=client_id, scope=scope, acr_values=acr_values, issuer=self.issuer
        )
        self._cache[key] = fresh
        return fresh


@pytest.fixture(scope="session")
def tokens(oidc_issuer: str) -> TokenFactory:
    return TokenFactory(oidc_issuer)


# --- forged tokens for negative tests ---------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _json_part(value: dict[str, Any]) -> str:
    return _b64url(json.dumps(value, separators=(",", ":")).encode())


def unverified_header(token: str) -> dict[str, Any]:
    header: dict[str, Any] = json.loads(_b64url_decode(token.split(".")[0]))
    return header


def unverified_claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = json.loads(_b64url_decode(token.split(".")[1]))
    return claims


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def forge_token(
    claims: dict[str, Any], key: rsa.RSAPrivateKey, *, kid: str, algorithm: str = "RS256"
) -> str:
    """A correctly formed JWT signed with a key the provider never had."""
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})


def unsigned_token(claims: dict[str, Any], *, kid: str) -> str:
    """``alg: none``: no signature at all."""
    return f"{_json_part({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{_json_part(claims)}."


def hmac_token(claims: dict[str, Any], secret: bytes, *, kid: str) -> str:
    """HS256 with an arbitrary secret, e.g. the provider's public key (algorithm confusion)."""
    signing_input = f"{_json_part({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}.{_json_part(claims)}"
    signature = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{_b64url(signature)}"


def with_claims(token: str, **changes: Any) -> str:
    """The same header and signature over a modified payload."""
    header, _, signature = token.split(".")
    return f"{header}.{_json_part({**unverified_claims(token), **changes})}.{signature}"


def with_flipped_signature(token: str) -> str:
    header, payload, signature = token.split(".")
    raw = bytearray(_b64url_decode(signature))
    raw[len(raw) // 2] ^= 0x01
    return f"{header}.{payload}.{_b64url(bytes(raw))}"
