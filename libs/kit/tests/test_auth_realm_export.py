"""The production realm export (deploy/keycloak) and the local provider describe the same
realm: same roles, clients, scopes and audience. Static checks only: no Keycloak runs here."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from guichet_contracts.roles import Role
from guichet_stack.ports import DEFAULT_BASES, SERVICE_NAMES, SERVICE_OFFSET
from guichet_testing.oidc import PROVIDER_DIR, demo_users

REALM_FILE = Path(__file__).resolve().parents[3] / "deploy" / "keycloak" / "guichet-realm.json"
ROLES = {role.value for role in Role}
LOCAL_ONLY_CLIENTS = {"guichet-tests-short-ttl"}


@pytest.fixture(scope="module")
def realm() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(REALM_FILE.read_text(encoding="utf-8"))
    return data


def local_clients() -> dict[str, dict[str, Any]]:
    entries = json.loads((PROVIDER_DIR / "clients.json").read_text(encoding="utf-8"))["clients"]
    return {entry["client_id"]: entry for entry in entries}


def mappers(realm: dict[str, Any], scope: str) -> list[dict[str, Any]]:
    found = next(s for s in realm["clientScopes"] if s["name"] == scope)
    result: list[dict[str, Any]] = found["protocolMappers"]
    return result


def test_realm_roles_match_the_brief_and_the_demo_users(realm: dict[str, Any]) -> None:
    realm_roles = {role["name"] for role in realm["roles"]["realm"]}

    assert realm["realm"] == "guichet"
    assert realm["organizationsEnabled"] is True
    assert realm_roles == ROLES
    assert {role for user in demo_users().values() for role in user.roles} <= realm_roles


def test_clients_match_the_local_provider(realm: dict[str, Any]) -> None:
    exported = {client["clientId"]: client for client in realm["clients"]}
    local = local_clients()

    assert set(exported) == set(local) - LOCAL_ONLY_CLIENTS
    for client_id, client in exported.items():
        public = local[client_id]["metadata"]["token_endpoint_auth_method"] == "none"
        assert client["publicClient"] is public, client_id
        if public:
            assert client["attributes"]["pkce.code.challenge.method"] == "S256", client_id
            assert client["directAccessGrantsEnabled"] is False, client_id
        assert "guichet-api" in client["defaultClientScopes"], client_id
    operator = exported["guichet-operator-cli"]
    assert operator["serviceAccountsEnabled"] is True
    account = next(
        u for u in realm["users"] if u.get("serviceAccountClientId") == "guichet-operator-cli"
    )
    assert account["realmRoles"] == ["operator"]


def test_token_layout_matches_the_local_provider(realm: dict[str, Any]) -> None:
    audience = mappers(realm, "guichet-api")[0]
    roles = mappers(realm, "roles")[0]
    organization = mappers(realm, "organization")[0]
    egovnrn = {m["config"]["claim.name"] for m in mappers(realm, "egovnrn")}

    assert audience["protocolMapper"] == "oidc-audience-mapper"
    assert audience["config"]["included.custom.audience"] == "urn:guichet:api"
    assert roles["config"]["claim.name"] == "realm_access.roles"
    assert organization["protocolMapper"] == "oidc-organization-membership-mapper"
    assert organization["config"]["claim.name"] == "organization"
    assert egovnrn == {"egovNRN", "givenName", "surname", "prefLanguage"}
    assert set(realm["defaultOptionalClientScopes"]) >= {"organization", "egovnrn"}


def test_identity_providers_for_citizens(realm: dict[str, Any]) -> None:
    providers = {idp["alias"]: idp for idp in realm["identityProviders"]}
    imported = {
        (m["identityProviderAlias"], m["config"].get("user.attribute"))
        for m in realm["identityProviderMappers"]
    }

    assert providers["fas"]["config"]["defaultScope"] == "openid profile egovnrn"
    assert " eid" in providers["itsme"]["config"]["defaultScope"]
    for alias in ("fas", "itsme"):
        assert (alias, "egovNRN") in imported
        assert providers[alias]["config"]["pkceMethod"] == "S256"


def test_no_secret_is_committed() -> None:
    text = REALM_FILE.read_text(encoding="utf-8")
    values = re.findall(r'"(?:secret|clientSecret|value)"\s*:\s*"([^"]*)"', text)

    assert values
    assert all(re.fullmatch(r"\$\{[A-Z_]+\}", value) for value in values)


def test_the_docs_client_returns_to_every_services_docs_on_the_dev_and_test_bases(
    realm: dict[str, Any],
) -> None:
    exported = next(c for c in realm["clients"] if c["clientId"] == "guichet-swagger")
    local = local_clients()["guichet-swagger"]["metadata"]
    ports = [
        base + SERVICE_OFFSET + i
        for base in DEFAULT_BASES.values()
        for i in range(len(SERVICE_NAMES))
    ]

    for host in ("127.0.0.1", "localhost"):
        assert f"http://{host}/docs/oauth2-redirect" in local["redirect_uris"]  # any port
        for port in ports:
            assert f"http://{host}:{port}/docs/oauth2-redirect" in exported["redirectUris"]
    assert local["application_type"] == "native"
    assert local["grant_types"] == ["authorization_code"]
    assert exported["standardFlowEnabled"] is True
    assert exported["implicitFlowEnabled"] is False
