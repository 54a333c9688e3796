"""Who may see a case. One rule, used for single cases (`can_see`) and for lists and counts
(`visible_levels`), so the two can't drift apart. For anyone not entitled a confidential case
does not exist: 404, absent from lists and counts, never 403.

Explicit per-case grants are the next step: `can_see` will also accept a principal holding a
grant on the case, and `visible_levels` will become a clause with an EXISTS on the grants.
"""

from __future__ import annotations

from typing import Protocol

from guichet_contracts.roles import readable_levels
from guichet_contracts.values import Confidentiality
from guichet_kit.auth import Principal


class HasConfidentiality(Protocol):
    @property
    def tenant_id(self) -> str: ...

    @property
    def confidentiality(self) -> str: ...


def visible_levels(principal: Principal) -> frozenset[Confidentiality]:
    return readable_levels(principal.roles)


def can_see(principal: Principal, case: HasConfidentiality) -> bool:
    if principal.tenant_id != case.tenant_id:
        return False
    return Confidentiality(case.confidentiality) in visible_levels(principal)
