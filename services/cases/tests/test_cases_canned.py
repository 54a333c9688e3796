"""Canned responses: per municipality and language, edited by coordinators and tenant admins,
used as the public message of a transition in the reporter's language."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cases.main import create_app
from cases.settings import Settings
from guichet_contracts.envelope import Envelope
from guichet_testing.apps import serve
from guichet_testing.oidc import TokenFactory

Apply = Callable[[Envelope], Any]
LEEUW = "23077"
BASE = f"/v1/municipalities/{LEEUW}/canned-responses"


@pytest.fixture(scope="module")
async def client(
    cases_settings: Callable[..., Settings], demo_towns: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    settings = cases_settings()
    async with serve(create_app(settings)) as http:
        yield http


def unique_code() -> str:
    return f"resolved-{random.randrange(10**9)}"


async def test_editors_write_everyone_reads(
    client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    code = unique_code()
    coordinator = (await tokens("coordinator.leeuw")).bearer
    for language, body in [("nl", "Het probleem is opgelost."), ("fr", "Le problème est résolu.")]:
        put = await client.put(
            f"{BASE}/{code}/{language}",
            json={"title": "Opgelost", "body": body},
            headers=coordinator,
        )
        assert put.status_code == 200, put.text
        assert (put.json()["code"], put.json()["language"]) == (code, language)
    updated = await client.put(
        f"{BASE}/{code}/nl",
        json={"title": "Opgelost", "body": "Opgelost, dank u."},
        headers=(await tokens("admin.leeuw")).bearer,
    )
    assert updated.json()["body"] == "Opgelost, dank u."
    agent = (await tokens("agent.leeuw")).bearer
    listed = await client.get(BASE, params={"language": "nl"}, headers=agent)
    assert listed.status_code == 200
    mine = [row for row in listed.json() if row["code"] == code]
    assert [(row["language"], row["body"]) for row in mine] == [("nl", "Opgelost, dank u.")]
    for user in ("staff.leeuw", "agent.leeuw", "security.leeuw"):
        refused = await client.put(
            f"{BASE}/{code}/de",
            json={"title": "x", "body": "y"},
            headers=(await tokens(user)).bearer,
        )
        assert refused.status_code == 403
    deleted = await client.delete(f"{BASE}/{code}/fr", headers=coordinator)
    assert deleted.status_code == 204
    again = await client.delete(f"{BASE}/{code}/fr", headers=coordinator)
    assert again.status_code == 404
    assert again.json()["code"] == "case.canned_response_not_found"


@pytest.mark.parametrize("user", ["coordinator.soignies", "admin.soignies", "operator"])
async def test_other_municipality_gets_404_and_changes_nothing(
    user: str, client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    code = unique_code()
    coordinator = (await tokens("coordinator.leeuw")).bearer
    await client.put(f"{BASE}/{code}/nl", json={"title": "t", "body": "b"}, headers=coordinator)
    headers = (await tokens(user)).bearer
    responses = [
        await client.get(BASE, headers=headers),
        await client.put(f"{BASE}/{code}/nl", json={"title": "t", "body": "X"}, headers=headers),
        await client.delete(f"{BASE}/{code}/nl", headers=headers),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404]
    listed = await client.get(BASE, headers=coordinator)
    assert [r["body"] for r in listed.json() if r["code"] == code] == ["b"]


async def test_transition_uses_the_reporters_language(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    admin_engine: AsyncEngine,
) -> None:
    code = unique_code()
    coordinator = (await tokens("coordinator.leeuw")).bearer
    await client.put(
        f"{BASE}/{code}/nl",
        json={"title": "t", "body": "We zijn ermee bezig."},
        headers=coordinator,
    )
    dutch, french = make_decision(LEEUW), make_decision(LEEUW, contact=False)  # nl, fr reporter
    numbers = []
    for envelope in (dutch, french):
        await apply_event(envelope)
        async with admin_engine.connect() as conn:
            found = await conn.execute(
                text("SELECT number FROM cases.case WHERE report_id = :r"),
                {"r": envelope.data["report"]["report_id"]},
            )
            numbers.append(found.scalar_one())
    cases_url = f"/v1/municipalities/{LEEUW}/cases"
    used = await client.post(
        f"{cases_url}/{numbers[0]}/transitions",
        json={"to": "in_progress", "canned_response": code},
        headers=coordinator,
    )
    assert used.status_code == 200, used.text
    assert used.json()["history"][-1]["details"]["public_message"] == "We zijn ermee bezig."
    missing = await client.post(
        f"{cases_url}/{numbers[1]}/transitions",
        json={"to": "in_progress", "canned_response": code},
        headers=coordinator,
    )
    assert missing.status_code == 422
    assert missing.json()["code"] == "case.canned_response_unknown"
    unchanged = await client.get(f"{cases_url}/{numbers[1]}", headers=coordinator)
    assert unchanged.json()["status"] == "new"
