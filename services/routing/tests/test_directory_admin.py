"""The directory admin API: validated changes, each one published; other towns kept out."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

Auth = Callable[[str], Awaitable[dict[str, str]]]
LEEUW = "23077"
BASE = f"/v1/municipalities/{LEEUW}"


def labels(text: str) -> dict[str, str]:
    return {"fr": f"{text} (fr)", "nl": f"{text} (nl)", "de": f"{text} (de)", "en": text}


def dumping(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "labels": labels("Illegal dumping"),
        "default_department": "CLEAN",
        "default_priority": "normal",
        "confidentiality": "public",
        "sla_business_days": 3,
        "duplicate_radius_m": 80,
        "subcategories": [{"code": "bulky_waste", "labels": labels("Bulky waste")}],
        "questions": [
            {
                "code": "volume",
                "labels": labels("Volume"),
                "datatype": "singlevaluelist",
                "required": True,
                "options": [{"key": "bag", "labels": labels("A bag")}],
            },
            {"code": "smell", "labels": labels("Does it smell?"), "datatype": "string"},
        ],
    }
    return {**body, **changes}


@pytest.fixture
async def client(fresh_routing: Any, run_routing: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with run_routing(fresh_routing.service) as client:
        yield client


async def directory(client: httpx.AsyncClient, auth: Auth) -> dict[str, Any]:
    response = await client.get(f"{BASE}/directory", headers=await auth("admin.leeuw"))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_category_change_is_stored_and_published(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    before = await directory(client, auth)

    response = await client.put(
        f"{BASE}/categories/illegal_dumping", json=dumping(), headers=await auth("admin.leeuw")
    )

    assert response.status_code == 200, response.text
    after = response.json()
    assert after["revision"] == before["revision"] + 1
    category = next(c for c in after["categories"] if c["code"] == "illegal_dumping")
    assert category["duplicate_radius_m"] == 80
    assert [s["code"] for s in category["subcategories"]] == ["bulky_waste"]
    assert [(q["code"], q["datatype"]) for q in category["questions"]] == [
        ("volume", "singlevaluelist"),
        ("smell", "string"),
    ]
    # The same body again changes nothing: no new revision.
    again = await client.put(
        f"{BASE}/categories/illegal_dumping", json=dumping(), headers=await auth("admin.leeuw")
    )
    assert again.json()["revision"] == after["revision"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (dumping(default_department="NOPE"), "default_department", "unknown department 'NOPE'"),
        (dumping(questions=[{"code": "volume", "labels": labels("V"),
                             "datatype": "singlevaluelist"}]),
         "questions.0.options", "needs options"),
        (dumping(subcategories=[{"code": "a_b", "labels": labels("A")},
                                {"code": "a_b", "labels": labels("B")}]),
         "subcategories", "'a_b' appears 2 times"),
    ],
)  # fmt: skip
async def test_invalid_category_is_refused_and_nothing_changes(
    client: httpx.AsyncClient, auth: Auth, body: dict[str, Any], field: str, message: str
) -> None:
    before = await directory(client, auth)

    response = await client.put(
        f"{BASE}/categories/illegal_dumping", json=body, headers=await auth("admin.leeuw")
    )

    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert any(e["field"] == field and message in e["message"] for e in errors), errors
    assert await directory(client, auth) == before


async def test_missing_translation_is_a_validation_error(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    body = dumping(labels={"fr": "Dépôt", "nl": "Sluikstort", "en": "Dumping"})
    response = await client.put(
        f"{BASE}/categories/illegal_dumping", json=body, headers=await auth("admin.leeuw")
    )
    assert response.status_code == 422
    assert any(e["field"].endswith("labels.de") for e in response.json()["errors"])


async def test_departments_in_use_cannot_be_deleted(client: httpx.AsyncClient, auth: Auth) -> None:
    admin = await auth("admin.leeuw")
    created = await client.put(
        f"{BASE}/departments/ONCALL", json={"labels": labels("On call")}, headers=admin
    )
    assert created.status_code == 200, created.text
    assert "ONCALL" in [d["code"] for d in created.json()["departments"]]
    rule = {"name": "nights", "departments": ["ONCALL"], "priority": "high", "sla_business_days": 1}
    await client.put(f"{BASE}/rules", json={"rules": [rule]}, headers=admin)

    used_by_categories = await client.delete(f"{BASE}/departments/CLEAN", headers=admin)
    used_by_rule = await client.delete(f"{BASE}/departments/ONCALL", headers=admin)
    await client.put(f"{BASE}/rules", json={"rules": []}, headers=admin)
    unused = await client.delete(f"{BASE}/departments/ONCALL", headers=admin)
    gone = await client.delete(f"{BASE}/departments/ONCALL", headers=admin)

    assert used_by_categories.status_code == 422
    assert any(
        "category illegal_dumping" in e["message"] for e in used_by_categories.json()["errors"]
    )
    assert used_by_rule.status_code == 422
    assert "routing rule 'nights'" in used_by_rule.json()["errors"][0]["message"]
    assert (unused.status_code, gone.status_code) == (204, 404)


async def test_a_second_police_partner_is_refused(client: httpx.AsyncClient, auth: Auth) -> None:
    response = await client.put(
        f"{BASE}/departments/POLICE2",
        json={"labels": labels("Other zone"), "kind": "police_partner"},
        headers=await auth("admin.leeuw"),
    )
    assert response.status_code == 422
    assert "POLICE is already the police partner" in response.json()["errors"][0]["message"]


async def test_another_town_admin_sees_and_changes_nothing(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    before = await directory(client, auth)
    stranger = await auth("admin.soignies")

    calls = [
        await client.get(f"{BASE}/directory", headers=stranger),
        await client.put(f"{BASE}/categories/illegal_dumping", json=dumping(), headers=stranger),
        await client.delete(f"{BASE}/categories/graffiti", headers=stranger),
        await client.put(f"{BASE}/departments/X1", json={"labels": labels("X")}, headers=stranger),
        await client.delete(f"{BASE}/departments/ENV", headers=stranger),
    ]

    assert [c.status_code for c in calls] == [404] * len(calls)
    assert {c.json()["code"] for c in calls} == {"municipality.not_found"}
    assert await directory(client, auth) == before
