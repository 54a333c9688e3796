"""The roles matrix (`guichet_contracts.roles`) as tests probe it: a demo user of
Sint-Pieters-Leeuw (or none) holding each role, and the status a call of one cell must get."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from guichet_contracts.roles import MATRIX, PLATFORM_ROLES, Action, Resource, Role
from guichet_testing.oidc import TokenFactory

LEEUW = "23077"
USER_OF_ROLE: Mapping[Role, str] = {
    Role.CITIZEN: "citizen.eid",
    Role.FIELD_AGENT: "agent.leeuw",
    Role.STAFF: "staff.leeuw",
    Role.COORDINATOR: "coordinator.leeuw",
    Role.TENANT_ADMIN: "admin.leeuw",
    Role.SECURITY_OFFICER: "security.leeuw",
    Role.MAYOR: "mayor.leeuw",
    Role.OPERATOR: "operator",
}
OUTSIDER = "coordinator.soignies"  # a member of another town


def cells(service: str) -> list[tuple[Resource, Action]]:
    """Every (resource, action) of `service` that the matrix grants to someone."""
    return [
        (resource, action)
        for resource, grant in MATRIX.items()
        if grant.service == service
        for action in Action
        if getattr(grant, action.value) is not None
    ]


def cell_id(cell: tuple[Resource, Action]) -> str:
    """A readable test id: ``cases.read``."""
    return f"{cell[0].value}.{cell[1].value}"


def expected_status(resource: Resource, action: Action, role: Role) -> int:
    """200 (any 2xx) when `role` may; else 404 for whoever is not a member of Leeuw and for
    hidden resources, 403 for a member lacking the role."""
    grant = MATRIX[resource]
    granted = getattr(grant, action.value)
    if role in granted:
        return 200
    member = role not in PLATFORM_ROLES and role is not Role.CITIZEN
    return 403 if member and not grant.hidden else 404


async def statuses_of_cell(
    client: httpx.AsyncClient,
    request: tuple[str, str, Mapping[str, Any]],
    tokens: TokenFactory,
    cell: tuple[Resource, Action],
) -> tuple[dict[str, int], dict[str, int]]:
    """(got, want): the status the request (method, url, httpx options) gets with a token of
    each role (any 2xx as 200) and of another town, and what the matrix says it must get."""
    method, url, options = request
    got: dict[str, int] = {}
    want: dict[str, int] = {}
    for who, user in [*USER_OF_ROLE.items(), ("another town", OUTSIDER)]:
        headers = (await tokens(user)).bearer
        response = await client.request(method, url, headers=headers, **options)
        got[who] = 200 if response.is_success else response.status_code
        want[who] = expected_status(*cell, who) if isinstance(who, Role) else 404
    return got, want
