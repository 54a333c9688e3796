"""Admission to a municipality (`guichet_kit.auth.admission`): real tokens of the stack's OIDC
provider, a real database under row-level security, a tiny app that uses the dependency exactly
like a service does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from guichet_contracts.roles import Action, Resource, roles_for
from guichet_kit.app import build_app
from guichet_kit.auth import Admission, TokenVerifier, admission
from guichet_kit.db import create_session_factory
from guichet_kit.settings import KitSettings
from guichet_testing.database import ServiceDatabase, TestDatabase
from guichet_testing.oidc import TokenFactory, client_credentials

MIGRATIONS = Path(__file__).parent / "kit_migrations"
SCHEMA = "kit_rls"
LEEUW, SOIGNIES = "23077", "55040"
CASES = f"/v1/municipalities/{LEEUW}/cases"
COUNT_NOTES = text(f"SELECT count(*) FROM {SCHEMA}.notes WHERE body = 'admission'")

CasesReader = Annotated[Admission, Depends(admission(Resource.CASES, Action.READ))]
RulesWriter = Annotated[Admission, Depends(admission(Resource.ROUTING_RULES, Action.WRITE))]
MunicipalitiesWriter = Annotated[
    Admission, Depends(admission(Resource.MUNICIPALITIES, Action.WRITE))
]
router = APIRouter(prefix="/v1/municipalities/{nis}")


async def _answer(admitted: Admission) -> dict[str, Any]:
    bound = await admitted.session.scalar(text("SELECT current_setting('app.tenant_id', true)"))
    notes = await admitted.session.scalar(COUNT_NOTES)
    return {
        "tenant": admitted.tenant_id,
        "bound": bound,
        "notes": notes,
        "by": admitted.principal.username,
    }


@router.get("/cases")
async def read_cases(admitted: CasesReader) -> dict[str, Any]:
    return await _answer(admitted)


@router.put("/rules")
async def write_rules(admitted: RulesWriter) -> dict[str, Any]:
    return await _answer(admitted)


@router.put("")
async def host(admitted: MunicipalitiesWriter) -> dict[str, Any]:
    return await _answer(admitted)


@pytest.fixture(scope="module")
async def app_engine(database: TestDatabase) -> AsyncEngine:
    kit_schema: ServiceDatabase = await database.service_schema(SCHEMA, MIGRATIONS)
    engine = database.engine(kit_schema.app_role, schema=SCHEMA)
    async with database.admin_engine().begin() as conn:
        await conn.execute(text(f"DELETE FROM {SCHEMA}.notes WHERE body = 'admission'"))
        await conn.execute(
            text(f"INSERT INTO {SCHEMA}.notes (tenant_id, body) VALUES ('{LEEUW}', 'admission')")
        )
    return engine


@pytest.fixture(scope="module")
async def api(app_engine: AsyncEngine, oidc_issuer: str) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = build_app(
        settings=KitSettings(service_name="admission-test"), title="t", version="0"
    )
    app.include_router(router)
    app.state.session_factory = create_session_factory(app_engine)
    async with httpx.AsyncClient(timeout=5.0) as jwks_http:
        app.state.token_verifier = TokenVerifier(
            issuers=[oidc_issuer],
            audience="urn:guichet:api",
            algorithms=["RS256"],
            http=jwks_http,
            nrn_hash_key=b"admission-test",
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            yield client


async def test_a_member_holding_the_role_is_admitted_to_a_bound_transaction(
    api: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    response = await api.get(CASES, headers=(await tokens("staff.leeuw")).bearer)
    assert response.status_code == 200, response.text
    assert response.json() == {"tenant": LEEUW, "bound": LEEUW, "notes": 1, "by": "staff.leeuw"}


@pytest.mark.parametrize("user", ["staff.soignies", "citizen.eid", "operator"])
async def test_another_town_no_town_and_the_operator_find_no_such_municipality(
    api: httpx.AsyncClient, tokens: TokenFactory, user: str
) -> None:
    """404 as if Leeuw were not hosted, whatever the caller's roles; nothing is read."""
    response = await api.get(CASES, headers=(await tokens(user)).bearer)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "municipality.not_found"
    assert LEEUW in body["detail"]


async def test_a_member_without_the_role_is_refused_with_the_roles_that_would_do(
    api: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    response = await api.put(
        f"/v1/municipalities/{LEEUW}/rules", headers=(await tokens("staff.leeuw")).bearer
    )
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["code"] == "auth.role_required"
    assert body["required_roles"] == sorted(roles_for(Resource.ROUTING_RULES, Action.WRITE))
    admin = await api.put(
        f"/v1/municipalities/{LEEUW}/rules", headers=(await tokens("admin.leeuw")).bearer
    )
    assert admin.status_code == 200, admin.text


async def test_a_platform_role_is_admitted_to_any_municipality_where_it_is_granted(
    api: httpx.AsyncClient, tokens: TokenFactory, oidc_issuer: str
) -> None:
    service_account = await client_credentials(
        "guichet-operator-cli", "dev-only-operator-cli-secret", issuer=oidc_issuer
    )
    for headers in ((await tokens("operator")).bearer, service_account.bearer):
        for nis in (LEEUW, SOIGNIES, "99999"):
            response = await api.put(f"/v1/municipalities/{nis}", headers=headers)
            assert response.status_code == 200, response.text
            assert response.json()["bound"] == nis
    # A town's administrator is a member of Leeuw, but hosting is not a town's business.
    leeuw = f"/v1/municipalities/{LEEUW}"
    admin = await api.put(leeuw, headers=(await tokens("admin.leeuw")).bearer)
    assert admin.status_code == 403
    outsider = await api.put(leeuw, headers=(await tokens("admin.soignies")).bearer)
    assert outsider.status_code == 404


async def test_a_malformed_nis_is_refused_before_any_admission(
    api: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    headers = (await tokens("staff.leeuw")).bearer
    for nis in ("2307", "230777", "23O77"):
        response = await api.get(f"/v1/municipalities/{nis}/cases", headers=headers)
        assert response.status_code == 422, (nis, response.text)


@pytest.mark.parametrize(
    ("user", "accept_language", "language"),
    [
        ("staff.soignies", None, "fr"),  # refused by the rule, in the caller's locale
        ("agent.eupen", None, "de"),
        ("staff.soignies", "nl", "nl"),  # Accept-Language wins
    ],
)
async def test_problems_speak_the_callers_profile_language_unless_asked_otherwise(
    api: httpx.AsyncClient,
    tokens: TokenFactory,
    user: str,
    accept_language: str | None,
    language: str,
) -> None:
    headers = (await tokens(user)).bearer
    if accept_language:
        headers["Accept-Language"] = accept_language
    nis = SOIGNIES if user.endswith("soignies") else "63023"
    response = await api.put(f"/v1/municipalities/{nis}/rules", headers=headers)
    assert response.status_code == 403, response.text
    assert response.headers["content-language"] == language


async def test_an_outsider_is_refused_in_the_language_asked_or_the_default(
    api: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    """The profile is not consulted before the caller is admitted: an outsider's 404 is the
    same whoever asks."""
    response = await api.get(CASES, headers=(await tokens("staff.soignies")).bearer)
    assert response.headers["content-language"] == "en"
