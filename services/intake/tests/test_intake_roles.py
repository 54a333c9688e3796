"""The cell of the roles matrix that intake serves (docs/roles.md): reports taken at the counter
or on the phone, by a demo user holding each role. Submitting is not an admission to a
municipality (the point decides the town): whoever lacks the role gets 403."""

from __future__ import annotations

import httpx
import pytest

from guichet_contracts.roles import Action, Resource, roles_for
from guichet_testing.directory import IN_LEEUW
from guichet_testing.oidc import TokenFactory
from guichet_testing.roles import USER_OF_ROLE, cells

pytestmark = pytest.mark.usefixtures("directory")


def test_intake_serves_the_desk_channels_only() -> None:
    assert cells("intake") == [(Resource.DESK_REPORTS, Action.WRITE)]


@pytest.mark.parametrize("channel", ["counter", "phone"])
async def test_each_role_may_take_a_desk_report_as_the_matrix_says(
    client: httpx.AsyncClient, tokens: TokenFactory, channel: str
) -> None:
    granted = roles_for(Resource.DESK_REPORTS, Action.WRITE)
    body = {
        "category": "sluikstort",
        "description": "Zakken afval langs de weg",
        "location": IN_LEEUW,
        "answers": {"volume_m3": "1.5", "hazard": "no"},
        "language": "nl",
        "channel": channel,
    }
    got, want = {}, {}
    for role, user in USER_OF_ROLE.items():
        response = await client.post("/v1/reports", json=body, headers=(await tokens(user)).bearer)
        got[role] = response.status_code
        want[role] = 201 if role in granted else 403
    assert got == want
