"""The rules admin API: validation on save, round trip, and isolation between municipalities."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from guichet_kit.db import tenant_transaction
from guichet_testing.database import ServiceDatabase
from routing.directory.seed import SeedReport
from routing.models import RoutingRule

Auth = Callable[[str], Awaitable[dict[str, str]]]
LEEUW, SOIGNIES = "23077", "55040"
RULES = f"/v1/municipalities/{LEEUW}/rules"

NIGHT_RULE: dict[str, Any] = {
    "name": "Night on-call: hazardous dumping",
    "categories": ["illegal_dumping"],
    "time_window": {"weekdays": [], "start": "22:00", "end": "06:00"},
    "keywords": ["amiante", "asbest"],
    "departments": ["SAFETY", "CLEAN"],
    "priority": "urgent",
    "sla_business_days": 1,
    "confidentiality": "internal",
}


def industrial_zone(square: Any) -> dict[str, Any]:
    return {
        "name": "Industrial zone",
        "area": square(4.24, 50.78, 0.01),
        "departments": ["WORKS"],
        "priority": "normal",
        "sla_business_days": 5,
    }


@pytest.fixture
async def client(
    run_routing: Any, routing_db: ServiceDatabase, seeded: SeedReport
) -> AsyncIterator[httpx.AsyncClient]:
    async with run_routing(routing_db) as client:
        yield client


async def test_admin_saves_and_reads_an_ordered_rule_set(
    client: httpx.AsyncClient, auth: Auth, square: Any
) -> None:
    headers = await auth("admin.leeuw")
    area_rule = industrial_zone(square)
    response = await client.put(RULES, json={"rules": [NIGHT_RULE, area_rule]}, headers=headers)
    assert response.status_code == 200, response.text
    saved = response.json()["rules"]
    assert [(r["position"], r["name"]) for r in saved] == [
        (0, NIGHT_RULE["name"]),
        (1, "Industrial zone"),
    ]
    assert saved[0]["time_window"] == {"weekdays": [], "start": "22:00:00", "end": "06:00:00"}
    assert saved[1]["area"]["type"] == "MultiPolygon"

    # Reordering keeps the ids.
    swapped = [{**area_rule, "id": saved[1]["id"]}, {**NIGHT_RULE, "id": saved[0]["id"]}]
    response = await client.put(RULES, json={"rules": swapped}, headers=headers)
    assert [r["id"] for r in response.json()["rules"]] == [saved[1]["id"], saved[0]["id"]]

    listed = await client.get(RULES, headers=headers)
    assert [r["name"] for r in listed.json()["rules"]] == ["Industrial zone", NIGHT_RULE["name"]]
    one = await client.get(f"{RULES}/{saved[0]['id']}", headers=headers)
    assert one.json()["name"] == NIGHT_RULE["name"]


async def test_a_rule_set_read_is_accepted_back_unchanged(
    client: httpx.AsyncClient, auth: Auth, square: Any
) -> None:
    """What GET returns (ids, positions, areas, time windows) is a valid PUT body: an
    administrator edits the list read and sends it back. Its order is the evaluation order."""
    headers = await auth("admin.leeuw")
    area_rule = industrial_zone(square)
    saved = await client.put(RULES, json={"rules": [NIGHT_RULE, area_rule]}, headers=headers)
    assert saved.status_code == 200, saved.text
    read = (await client.get(RULES, headers=headers)).json()

    again = await client.put(RULES, json=read, headers=headers)
    assert again.status_code == 200, again.text
    assert again.json() == read

    reordered = {"rules": list(reversed(read["rules"]))}  # positions sent are the old ones
    moved = await client.put(RULES, json=reordered, headers=headers)
    assert moved.status_code == 200, moved.text
    assert [(r["position"], r["id"]) for r in moved.json()["rules"]] == [
        (0, read["rules"][1]["id"]),
        (1, read["rules"][0]["id"]),
    ]


@pytest.mark.parametrize(
    ("language", "messages"),
    [
        ("fr", ["service inconnu 'NOPE'", "le début est égal à la fin : la plage est vide"]),
        ("nl", ["onbekende dienst 'NOPE'", "begin is gelijk aan einde: het tijdvak is leeg"]),
        ("de", ["unbekannte Abteilung 'NOPE'", "Beginn gleich Ende: das Zeitfenster ist leer"]),
    ],
)
async def test_each_problem_of_a_rule_speaks_the_administrator_s_language(
    client: httpx.AsyncClient, auth: Auth, language: str, messages: list[str]
) -> None:
    headers = {**await auth("admin.leeuw"), "Accept-Language": language}
    wrong = {
        **NIGHT_RULE,
        "departments": ["NOPE"],
        "time_window": {"start": "08:00", "end": "08:00"},
    }
    response = await client.put(RULES, json={"rules": [wrong]}, headers=headers)
    assert response.status_code == 422, response.text
    assert [e["message"] for e in response.json()["errors"]] == messages


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"departments": ["NOPE"]}, "rules.0.departments", "unknown department 'NOPE'"),
        ({"departments": []}, "rules.0.departments", "empty action"),
        ({"categories": ["potholes"]}, "rules.0.categories", "unknown category 'potholes'"),
        ({"time_window": {"start": "08:00", "end": "08:00"}}, "rules.0.time_window",
         "start equals end"),
        ({"time_window": {"start": "08:00"}}, "rules.0.time_window", "both start and end"),
        ({"time_window": {"weekdays": [0, 8]}}, "rules.0.time_window.weekdays", "1 (Monday)"),
        ({"keywords": ["  "]}, "rules.0.keywords", "a keyword is empty"),
        ({"area": {"type": "Polygon", "coordinates": [[[4.2, 50.7], [4.3, 50.8], [4.3, 50.7],
          [4.2, 50.8], [4.2, 50.7]]]}}, "rules.0.area", "Self-intersection"),
        ({"area": {"type": "Point", "coordinates": [4.2, 50.7]}}, "rules.0.area", "'Point'"),
    ],
)  # fmt: skip
async def test_invalid_rules_are_refused_with_the_reason_and_nothing_changes(
    client: httpx.AsyncClient,
    auth: Auth,
    app_sessions: Any,
    change: dict[str, Any],
    field: str,
    message: str,
) -> None:
    headers = await auth("admin.leeuw")
    await client.put(RULES, json={"rules": [NIGHT_RULE]}, headers=headers)

    response = await client.put(RULES, json={"rules": [{**NIGHT_RULE, **change}]}, headers=headers)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert any(e["field"] == field and message in e["message"] for e in errors), errors
    async with tenant_transaction(app_sessions, LEEUW) as session:
        stored = list(await session.scalars(select(RoutingRule)))
    assert [(r.name, r.department_codes) for r in stored] == [
        (NIGHT_RULE["name"], NIGHT_RULE["departments"])
    ]


async def test_another_municipality_admin_can_neither_read_nor_change(
    client: httpx.AsyncClient, auth: Auth, app_sessions: Any
) -> None:
    await client.put(RULES, json={"rules": [NIGHT_RULE]}, headers=await auth("admin.leeuw"))
    stranger = await auth("admin.soignies")

    read = await client.get(RULES, headers=stranger)
    write = await client.put(RULES, json={"rules": []}, headers=stranger)

    assert (read.status_code, write.status_code) == (404, 404)
    assert "rules" not in read.json()
    async with tenant_transaction(app_sessions, LEEUW) as session:
        assert await session.scalar(select(func.count()).select_from(RoutingRule)) == 1
    own = await client.get(f"/v1/municipalities/{SOIGNIES}/rules", headers=stranger)
    assert own.status_code == 200


@pytest.mark.parametrize(
    ("username", "status"), [("staff.leeuw", 403), ("agent.leeuw", 403), ("operator", 404)]
)
async def test_only_tenant_admins_manage_rules(
    client: httpx.AsyncClient, auth: Auth, username: str, status: int
) -> None:
    """Own town without the role: 403; not of the town at all (the operator): 404."""
    response = await client.put(RULES, json={"rules": []}, headers=await auth(username))
    assert response.status_code == status
    assert (await client.get(RULES)).status_code == 401
