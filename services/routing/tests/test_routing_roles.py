"""Every cell of the roles matrix that routing serves (docs/roles.md), with a real token of a
demo user holding each role: one endpoint per (resource, action) answers 2xx to the roles
granted, 403 to the town's other members, 404 to everyone outside the town; the operator is
admitted platform-wide where it is granted, and nowhere else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import httpx
import pytest

from guichet_contracts.ids import uuid7
from guichet_contracts.roles import Action, Resource, Role
from guichet_kit.db import tenant_transaction
from guichet_testing.oidc import TokenFactory
from guichet_testing.roles import LEEUW, USER_OF_ROLE, cell_id, cells, statuses_of_cell
from routing.demo import load_boundary, load_demo_directory
from routing.models import Decision

BASE = f"/v1/municipalities/{LEEUW}"
Cell = tuple[Resource, Action]


def labels(text: str) -> dict[str, str]:
    return {"fr": text, "nl": text, "de": text, "en": text}


def leeuw_as_hosted() -> dict[str, Any]:
    town = load_demo_directory().municipality(LEEUW)
    return {
        "names": town.names.model_dump(),
        "languages": list(town.languages),
        "case_prefix": town.case_prefix,
        "boundary": load_boundary(LEEUW),
    }


DEPARTMENT = {"json": {"labels": labels("Roles"), "kind": "municipal"}}
# One request per cell: method, path under the town ({report}: a decided report's id), options.
PROBES: dict[tuple[Resource, Action], tuple[str, str, dict[str, Any]]] = {
    (Resource.DIRECTORY, Action.READ): ("GET", "/directory", {}),
    (Resource.DIRECTORY, Action.WRITE): ("PUT", "/departments/ROLES", DEPARTMENT),
    (Resource.ROUTING_RULES, Action.READ): ("GET", "/rules", {}),
    (Resource.ROUTING_RULES, Action.WRITE): ("PUT", "/rules", {"json": {"rules": []}}),
    (Resource.ROUTING_DECISIONS, Action.READ): ("GET", "/decisions/{report}", {}),
    (Resource.MUNICIPALITIES, Action.WRITE): ("PUT", "", {"json": leeuw_as_hosted()}),
    (Resource.BOUNDARIES, Action.WRITE): ("PUT", "/boundary", {"json": load_boundary(LEEUW)}),
}


@pytest.fixture
async def client(run_routing: Any, fresh_routing: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with run_routing(fresh_routing.service) as http:
        yield http


async def decide(fresh_routing: Any, confidentiality: str) -> UUID:
    report_id = uuid7()
    async with tenant_transaction(fresh_routing.sessions, LEEUW) as session:
        session.add(
            Decision(
                tenant_id=LEEUW,
                report_id=report_id,
                tracking_number="ROLE-MATR-IX00",
                category_code="pothole",
                decided_at=datetime.now(UTC),
                outcome="new_case",
                departments=["ROADS"],
                priority="normal",
                confidentiality=confidentiality,
                sla_business_days=5,
                rule_name="defaults",
                explanation="category defaults",
                trace=[],
                event_id=uuid7(),
            )
        )
    return report_id


@pytest.fixture(scope="module")
async def decided_report(fresh_routing: Any) -> UUID:
    return await decide(fresh_routing, "public")


def test_every_cell_of_routing_has_a_probe() -> None:
    assert set(PROBES) == set(cells("routing")), "add a request for each cell routing serves"


@pytest.mark.parametrize("cell", cells("routing"), ids=cell_id)
async def test_each_role_gets_what_the_matrix_says(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    decided_report: UUID,
    cell: tuple[Resource, Action],
) -> None:
    method, path, options = PROBES[cell]
    url = BASE + path.format(report=decided_report)
    got, want = await statuses_of_cell(client, (method, url, options), tokens, cell)
    assert got == want


async def test_a_coordinator_reads_the_towns_departments(
    client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    """To dispatch a case a coordinator needs the department codes (and an unknown one is
    answered with the valid ones)."""
    coordinator = (await tokens(USER_OF_ROLE[Role.COORDINATOR])).bearer
    response = await client.get(f"{BASE}/directory", headers=coordinator)
    assert response.status_code == 200, response.text
    assert "WORKS" in {department["code"] for department in response.json()["departments"]}


async def test_a_confidential_decision_is_hidden_from_who_may_not_read_confidential_facts(
    client: httpx.AsyncClient, tokens: TokenFactory, fresh_routing: Any
) -> None:
    """It would tell the report's category, departments and tracking number of a case that,
    for them, does not exist."""
    url = f"{BASE}/decisions/{await decide(fresh_routing, 'confidential')}"
    for role in (Role.STAFF, Role.COORDINATOR, Role.TENANT_ADMIN):
        response = await client.get(url, headers=(await tokens(USER_OF_ROLE[role])).bearer)
        assert response.status_code == 404, (role, response.text)
        assert response.json()["code"] == "routing.decision_not_found"
    officer = (await tokens(USER_OF_ROLE[Role.SECURITY_OFFICER])).bearer
    shown = await client.get(url, headers=officer)
    assert shown.status_code == 200, shown.text
    assert shown.json()["confidentiality"] == "confidential"


async def test_the_operator_provisions_a_hosted_towns_directory_only(
    client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    operator = (await tokens(USER_OF_ROLE[Role.OPERATOR])).bearer
    department = {"labels": labels("Provisioned"), "kind": "municipal"}
    hosted = await client.put(f"{BASE}/departments/PROVISIONED", json=department, headers=operator)
    assert hosted.status_code == 200, hosted.text
    for path in ("/departments/PROVISIONED", "/directory"):
        url = f"/v1/municipalities/99999{path}"
        not_hosted = await client.request(
            "PUT" if "departments" in path else "GET", url, json=department, headers=operator
        )
        assert not_hosted.status_code == 404, not_hosted.text
        assert not_hosted.json()["code"] == "municipality.not_found"
