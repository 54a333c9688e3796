"""Every cell of the roles matrix that cases serves (docs/roles.md), with a real token of a
demo user holding each role: one endpoint per (resource, action) answers 2xx to the roles
granted, 403 to the town's other members, 404 to everyone outside the town — and to the town's
members who may not know a hidden resource exists (confidential cases)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cases.main import create_app
from cases.settings import Settings
from guichet_contracts.envelope import Envelope
from guichet_contracts.roles import Action, Resource, Role
from guichet_contracts.values import Confidentiality
from guichet_testing.apps import serve
from guichet_testing.oidc import TokenFactory
from guichet_testing.roles import LEEUW, USER_OF_ROLE, cell_id, cells, statuses_of_cell

BASE = f"/v1/municipalities/{LEEUW}"


@dataclass(frozen=True)
class Cases:
    public: str
    confidential: str


PDF = {"file": ("note.pdf", b"%PDF-1.4 roles", "application/pdf")}
CANNED = {"json": {"title": "Rollen", "body": "Bedankt."}}
# One request per cell: method, path under the town ({public}, {confidential}: case numbers).
PROBES: dict[tuple[Resource, Action], tuple[str, str, dict[str, Any]]] = {
    (Resource.CASES, Action.READ): ("GET", "/cases/{public}", {}),
    (Resource.CONFIDENTIAL_CASES, Action.READ): ("GET", "/cases/{confidential}", {}),
    (Resource.CASE_WORKFLOW, Action.WRITE): (
        "POST",
        "/cases/{public}/assignment",
        {"json": {"department": "roads"}},
    ),
    (Resource.CASE_NOTES, Action.WRITE): (
        "POST",
        "/cases/{public}/notes",
        {"json": {"text": "roles matrix", "visibility": "internal"}},
    ),
    (Resource.ATTACHMENTS, Action.READ): ("GET", "/cases/{public}/attachments", {}),
    (Resource.ATTACHMENTS, Action.WRITE): (
        "POST",
        "/cases/{public}/attachments",
        {"data": {"visibility": "internal"}, "files": PDF},
    ),
    (Resource.CANNED_RESPONSES, Action.READ): ("GET", "/canned-responses", {}),
    (Resource.CANNED_RESPONSES, Action.WRITE): ("PUT", "/canned-responses/roles/nl", CANNED),
    (Resource.CASE_SETTINGS, Action.READ): ("GET", "/case-settings", {}),
    (Resource.CASE_SETTINGS, Action.WRITE): (
        "PUT",
        "/case-settings",
        {"json": {"show_staff_names": False}},
    ),
}


@pytest.fixture(scope="module")
async def client(
    cases_settings: Callable[..., Settings], demo_towns: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(create_app(cases_settings())) as http:
        yield http


@pytest.fixture(scope="module")
async def cases(
    apply_event: Callable[[Envelope], Awaitable[None]],
    make_decision: Callable[..., Envelope],
    admin_engine: AsyncEngine,
    demo_towns: dict[str, str],
) -> Cases:
    numbers: dict[Confidentiality, str] = {}
    kinds = ((Confidentiality.PUBLIC, "pothole"), (Confidentiality.CONFIDENTIAL, "security"))
    for level, category in kinds:
        envelope = make_decision(LEEUW, category=category, confidentiality=level)
        await apply_event(envelope)
        async with admin_engine.connect() as conn:
            numbers[level] = str(
                await conn.scalar(
                    text("SELECT number FROM cases.case WHERE report_id = :r"),
                    {"r": envelope.data["report"]["report_id"]},
                )
            )
    return Cases(
        public=numbers[Confidentiality.PUBLIC], confidential=numbers[Confidentiality.CONFIDENTIAL]
    )


def test_every_cell_of_cases_has_a_probe() -> None:
    assert set(PROBES) == set(cells("cases")), "add a request for each cell cases serves"


@pytest.mark.parametrize("cell", cells("cases"), ids=cell_id)
async def test_each_role_gets_what_the_matrix_says(
    client: httpx.AsyncClient, tokens: TokenFactory, cases: Cases, cell: tuple[Resource, Action]
) -> None:
    method, path, options = PROBES[cell]
    url = BASE + path.format(public=cases.public, confidential=cases.confidential)
    got, want = await statuses_of_cell(client, (method, url, options), tokens, cell)
    assert got == want


async def test_the_mayor_reads_every_case_and_handles_none(
    client: httpx.AsyncClient, tokens: TokenFactory, cases: Cases
) -> None:
    """The mayor reads confidential cases and handles none: no note, no transition, no
    assignment, nothing changed."""
    mayor = (await tokens(USER_OF_ROLE[Role.MAYOR])).bearer
    secret = f"{BASE}/cases/{cases.confidential}"
    assert (await client.get(secret, headers=mayor)).status_code == 200
    for path, body in [
        ("notes", {"text": "from the mayor", "visibility": "internal"}),
        ("transitions", {"to": "acknowledged"}),
        ("assignment", {"department": "safety"}),
    ]:
        response = await client.post(f"{secret}/{path}", json=body, headers=mayor)
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "auth.role_required"
    detail = (await client.get(secret, headers=mayor)).json()
    assert detail["status"] == "new"
    assert detail["notes"] == []
