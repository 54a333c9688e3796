"""The realm's roles and who may read or write what: the one roles matrix.

Every service admits callers from this table (through `guichet_kit.auth.admission`), and
docs/roles.md shows it (a contract test keeps the two equal). A role other than `operator` is
held *in* a municipality: its holder is a member of that town's organization and is admitted to
that town only; the operator is platform-wide and belongs to no town. Roles add up: someone who
administers the town and also handles cases holds both `tenant_admin` and `staff`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from guichet_contracts.values import Confidentiality


class Role(StrEnum):
    FIELD_AGENT = "field_agent"
    STAFF = "staff"
    COORDINATOR = "coordinator"
    TENANT_ADMIN = "tenant_admin"
    SECURITY_OFFICER = "security_officer"
    MAYOR = "mayor"
    OPERATOR = "operator"
    CITIZEN = "citizen"


PLATFORM_ROLES: Final = frozenset({Role.OPERATOR})
"""Held platform-wide: admitted to any municipality, for the resources that grant them."""
TOWN_STAFF_ROLES: Final = frozenset({Role.FIELD_AGENT, Role.STAFF, Role.COORDINATOR})
"""The roles whose reports count as made by the town's staff (the report's staff flag; a
staff member's report is received via their own town)."""


class Action(StrEnum):
    READ = "read"
    WRITE = "write"


class Resource(StrEnum):
    CASES = "cases"
    CONFIDENTIAL_CASES = "confidential_cases"
    CASE_WORKFLOW = "case_workflow"
    CASE_NOTES = "case_notes"
    ATTACHMENTS = "attachments"
    CANNED_RESPONSES = "canned_responses"
    CASE_SETTINGS = "case_settings"
    DIRECTORY = "directory"
    ROUTING_RULES = "routing_rules"
    ROUTING_DECISIONS = "routing_decisions"
    MUNICIPALITIES = "municipalities"
    BOUNDARIES = "boundaries"
    DESK_REPORTS = "desk_reports"


@dataclass(frozen=True)
class Grant:
    """Who reads and who writes one resource; None: the resource has no such operation.
    `hidden`: refused even to the town's members as if it did not exist (404, not 403)."""

    service: str
    what: str
    read: frozenset[Role] | None
    write: frozenset[Role] | None
    hidden: bool = False


_TOWN: Final = frozenset(
    {
        Role.FIELD_AGENT,
        Role.STAFF,
        Role.COORDINATOR,
        Role.TENANT_ADMIN,
        Role.SECURITY_OFFICER,
        Role.MAYOR,
    }
)
# Who handles cases: moves them through the workflow, writes notes and attachments. The mayor
# and the tenant administrator read cases but handle none; confidential cases are handled by
# the security officer, the only handler who sees them.
_HANDLERS: Final = frozenset({Role.STAFF, Role.COORDINATOR, Role.SECURITY_OFFICER})
_ADMIN: Final = frozenset({Role.TENANT_ADMIN})
_OPERATOR: Final = frozenset({Role.OPERATOR})

MATRIX: Final[Mapping[Resource, Grant]] = {
    Resource.CASES: Grant(
        "cases", "a town's cases: list, search, detail with history and notes", _TOWN, None
    ),
    Resource.CONFIDENTIAL_CASES: Grant(
        "cases",
        "cases routed as confidential: for anyone else they do not exist",
        frozenset({Role.SECURITY_OFFICER, Role.MAYOR}),
        None,
        hidden=True,
    ),
    Resource.CASE_WORKFLOW: Grant("cases", "a case's transitions and assignment", None, _HANDLERS),
    Resource.CASE_NOTES: Grant(
        "cases", "notes on a case: internal, or public messages to the reporter", None, _HANDLERS
    ),
    Resource.ATTACHMENTS: Grant("cases", "files attached to a case", _TOWN, _HANDLERS),
    Resource.CANNED_RESPONSES: Grant(
        "cases",
        "the town's canned answers",
        _TOWN,
        frozenset({Role.COORDINATOR, Role.TENANT_ADMIN}),
    ),
    Resource.CASE_SETTINGS: Grant("cases", "the town's case settings", _TOWN, _ADMIN),
    Resource.DIRECTORY: Grant(
        "routing",
        "the town's directory: departments, categories (the operator provisions a new town's)",
        _TOWN | _OPERATOR,
        _ADMIN | _OPERATOR,
    ),
    Resource.ROUTING_RULES: Grant("routing", "the town's ordered routing rules", _ADMIN, _ADMIN),
    Resource.ROUTING_DECISIONS: Grant(
        "routing",
        "why a report went where it went",
        frozenset({Role.STAFF, Role.COORDINATOR, Role.TENANT_ADMIN, Role.SECURITY_OFFICER}),
        None,
    ),
    Resource.MUNICIPALITIES: Grant(
        "routing", "hosting a municipality: names, languages, case prefix", None, _OPERATOR
    ),
    Resource.BOUNDARIES: Grant("routing", "a municipality's boundary", None, _OPERATOR),
    Resource.DESK_REPORTS: Grant(
        "intake",
        "reports taken at the counter or on the phone (channels counter, phone)",
        None,
        frozenset({Role.STAFF, Role.COORDINATOR}),
    ),
}


def roles_for(resource: Resource, action: Action) -> frozenset[str]:
    """The roles that may do `action` on `resource`; KeyError if it has no such operation."""
    roles = getattr(MATRIX[resource], action.value)
    if roles is None:
        raise KeyError(f"{resource} has no {action} operation")
    return frozenset(roles)


def readable_levels(roles: Iterable[str]) -> frozenset[Confidentiality]:
    """The confidentiality levels a holder of `roles` may read: anything confidential (a case,
    its routing decision) only with `confidential_cases` read; for anyone else it is hidden."""
    if roles_for(Resource.CONFIDENTIAL_CASES, Action.READ).isdisjoint(roles):
        return frozenset({Confidentiality.PUBLIC, Confidentiality.INTERNAL})
    return frozenset(Confidentiality)
