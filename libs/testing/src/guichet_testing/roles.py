"""The roles matrix (`guichet_contracts.roles`) as tests probe it: a demo user of
Sint-Pieters-Leeuw (or none) holding each role, and the status a call of one cell must get."""

from __future__ import annotations

from collections.abc import Mapping

from guichet_contracts.roles import MATRIX, PLATFORM_ROLES, Action, Resource, Role

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


def expected_status(resource: Resource, action: Action, role: Role) -> int:
    """200 (any 2xx) when `role` may; else 404 for whoever is not a member of Leeuw and for
    hidden resources, 403 for a member lacking the role."""
    grant = MATRIX[resource]
    granted = getattr(grant, action.value)
    if role in granted:
        return 200
    member = role not in PLATFORM_ROLES and role is not Role.CITIZEN
    return 403 if member and not grant.hidden else 404
