"""`python -m guichet_stack token --user U` against the running test stack: a script gets a
real access token of a demo user (code + PKCE with the docs client), one the provider's
userinfo endpoint accepts."""

import httpx
import pytest

from guichet_stack.cli import main
from guichet_testing.oidc import unverified_claims
from guichet_testing.stack import StackInfo


def test_token_prints_an_access_token_of_the_demo_user(
    stack: StackInfo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["token", "--user", "staff.soignies", "--profile", "test"]) == 0
    token = capsys.readouterr().out.strip()

    claims = unverified_claims(token)
    assert claims["iss"] == stack.oidc_issuer
    assert claims["aud"] == "urn:guichet:api"
    assert claims["azp"] == "guichet-swagger"
    assert claims["preferred_username"] == "staff.soignies"
    assert claims["organization"] == ["55040"]
    userinfo = httpx.get(
        f"{stack.oidc_issuer}/protocol/openid-connect/userinfo",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert userinfo.status_code == 200, userinfo.text


def test_an_unknown_user_gets_no_token(
    stack: StackInfo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["token", "--user", "nobody", "--profile", "test"]) == 1
    assert "no token for nobody" in capsys.readouterr().err
