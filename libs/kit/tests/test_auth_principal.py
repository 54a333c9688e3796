"""Principal construction from verified claims (no network: pure mapping rules)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest

from guichet_kit.auth import InvalidToken, Principal, hash_nrn, principal_from_claims

KEY = b"principal-test-key"
NRN = "85071412330"


def claims(**extra: Any) -> dict[str, Any]:
    return {"sub": "user-1", "iss": "https://id.example/realms/guichet", **extra}


def test_nrn_hash_is_keyed_hmac_and_never_the_number() -> None:
    digest = hash_nrn(NRN, KEY)

    assert digest == hmac.new(KEY, NRN.encode(), hashlib.sha256).hexdigest()
    assert NRN not in digest
    assert hash_nrn(NRN, b"another-deployment-key") != digest
    assert hash_nrn("85.07.14-123.30", KEY) == digest  # printed form, same person


@pytest.mark.parametrize("bad", ["8507141233", "850714123301", "85O71412330", ""])
def test_malformed_nrn_is_rejected(bad: str) -> None:
    with pytest.raises(InvalidToken):
        hash_nrn(bad, KEY)


def test_citizen_principal_keeps_only_the_hash() -> None:
    principal = principal_from_claims(
        claims(egovNRN=NRN, realm_access={"roles": ["citizen"]}, acr="Level500"),
        nrn_hash_key=KEY,
    )

    assert principal.nrn_hash == hash_nrn(NRN, KEY)
    assert NRN not in repr(principal)
    assert all(NRN not in str(value) for value in vars_of(principal))
    assert principal.tenant_id is None
    assert principal.assurance == "Level500"
    assert principal.username == "user-1"  # no preferred_username: falls back to sub


def vars_of(principal: Principal) -> list[object]:
    return [getattr(principal, name) for name in Principal.__slots__]


def test_single_organization_is_the_tenant() -> None:
    principal = principal_from_claims(
        claims(organization=["23077"], realm_access={"roles": ["staff"]}), nrn_hash_key=KEY
    )

    assert principal.tenant_id == "23077"
    assert principal.organizations == ("23077",)
    assert principal.has_role("staff", "coordinator")
    assert not principal.has_role("coordinator")
    assert not principal.has_role("operator")


def test_organization_map_form_and_several_organizations() -> None:
    principal = principal_from_claims(
        claims(organization={"23077": {"name": "Sint-Pieters-Leeuw"}, "55040": {}}),
        nrn_hash_key=KEY,
    )

    assert principal.organizations == ("23077", "55040")
    assert principal.tenant_id is None  # ambiguous: no implicit tenant


@pytest.mark.parametrize(
    "bad",
    [
        {"organization": "23077"},
        {"organization": [23077]},
        {"realm_access": {"roles": "staff"}},
        {"realm_access": ["staff"]},
        {"email": 42},
        {"sub": ""},
    ],
)
def test_malformed_claims_are_rejected(bad: dict[str, Any]) -> None:
    with pytest.raises(InvalidToken):
        principal_from_claims(claims(**bad), nrn_hash_key=KEY)
