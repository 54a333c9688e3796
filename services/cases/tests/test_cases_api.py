"""The staff API over HTTP with real tokens: visibility, workflow, assignment, notes, filters,
and another municipality's staff seeing and changing nothing."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cases.main import create_app
from cases.settings import Settings
from guichet_contracts.envelope import Envelope
from guichet_contracts.values import Confidentiality
from guichet_testing.apps import serve
from guichet_testing.oidc import TokenFactory

Apply = Callable[[Envelope], Any]
LEEUW = "23077"
BASE = f"/v1/municipalities/{LEEUW}/cases"
_spots = itertools.count()


@pytest.fixture(scope="module")
async def client(
    cases_settings: Callable[..., Settings], demo_towns: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    settings = cases_settings()
    async with serve(create_app(settings)) as http:
        yield http


@dataclass
class Spot:
    """Cases of one test, at a place of their own: `bbox` finds exactly them."""

    lon: float
    lat: float
    numbers: dict[str, str]

    @property
    def bbox(self) -> str:
        d = 0.0005
        return f"{self.lon - d},{self.lat - d},{self.lon + d},{self.lat + d}"


async def number_of(admin_engine: AsyncEngine, envelope: Envelope) -> str:
    async with admin_engine.connect() as conn:
        found = await conn.execute(
            text("SELECT number FROM cases.case WHERE report_id = :r"),
            {"r": envelope.data["report"]["report_id"]},
        )
        return str(found.scalar_one())


@pytest.fixture
async def spot(
    apply_event: Apply, make_decision: Callable[..., Envelope], admin_engine: AsyncEngine
) -> Spot:
    n = next(_spots)
    lon, lat = 4.20 + n * 0.003 + random.random() * 1e-4, 50.77
    numbers = {}
    kinds = {
        "public": ("pothole", Confidentiality.PUBLIC, ("roads",)),
        "internal": ("graffiti", Confidentiality.INTERNAL, ("clean",)),
        "confidential": ("security", Confidentiality.CONFIDENTIAL, ("safety",)),
    }
    for name, (category, level, departments) in kinds.items():
        envelope = make_decision(
            LEEUW,
            category=category,
            confidentiality=level,
            departments=departments,
            lon=lon,
            lat=lat,
        )
        await apply_event(envelope)
        numbers[name] = await number_of(admin_engine, envelope)
    return Spot(lon=lon, lat=lat, numbers=numbers)


async def bearer(tokens: TokenFactory, user: str) -> dict[str, str]:
    return (await tokens(user)).bearer


class Reader(Protocol):
    async def until(
        self,
        stream: str,
        subject: str,
        ready: Callable[[list[dict[str, Any]]], bool],
        wait: float = 10.0,
    ) -> list[dict[str, Any]]: ...


async def published(
    reader: Reader,
    number: str,
    *,
    count: int = 1,
    event_type: str | None = None,
    wait: float = 10.0,
) -> list[dict[str, Any]]:
    """Events of case `number` on the CASES stream, once `count` of `event_type` are there."""

    def mine(envelopes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            e
            for e in envelopes
            if e["data"].get("case_number") == number
            and (event_type is None or e["type"] == event_type)
        ]

    envelopes = await reader.until(
        "CASES", f"guichet.{LEEUW}.case.>", lambda es: len(mine(es)) >= count, wait
    )
    return mine(envelopes)


async def case_state(admin_engine: AsyncEngine, number: str) -> tuple[Any, ...]:
    async with admin_engine.connect() as conn:
        row = await conn.execute(
            text(
                "SELECT c.status, c.lead_department, c.updated_at,"
                " (SELECT count(*) FROM cases.case_history h WHERE h.case_id = c.id),"
                " (SELECT count(*) FROM cases.case_note n WHERE n.case_id = c.id)"
                " FROM cases.case c WHERE c.number = :n"
            ),
            {"n": number},
        )
        return tuple(row.one())


EVERYONE_ELSE = ["staff.leeuw", "coordinator.leeuw", "agent.leeuw", "admin.leeuw"]
ENTITLED = ["security.leeuw", "mayor.leeuw"]


@pytest.mark.parametrize("user", EVERYONE_ELSE + ENTITLED)
async def test_confidential_cases_exist_only_for_entitled_roles(
    user: str, client: httpx.AsyncClient, tokens: TokenFactory, spot: Spot
) -> None:
    headers = await bearer(tokens, user)
    listed = await client.get(BASE, params={"bbox": spot.bbox}, headers=headers)
    assert listed.status_code == 200, listed.text
    numbers = {item["number"] for item in listed.json()["items"]}
    secret = spot.numbers["confidential"]
    detail = await client.get(f"{BASE}/{secret}", headers=headers)
    if user in ENTITLED:
        assert numbers == set(spot.numbers.values())
        assert listed.json()["total"] == 3
        assert detail.status_code == 200
        assert detail.json()["confidentiality"] == "confidential"
    else:
        assert numbers == {spot.numbers["public"], spot.numbers["internal"]}
        assert listed.json()["total"] == 2
        assert detail.status_code == 404
        assert detail.json()["code"] == "case.not_found"
        moved = await client.post(
            f"{BASE}/{secret}/transitions", json={"to": "acknowledged"}, headers=headers
        )
        assert moved.status_code in (403, 404)


@pytest.mark.parametrize("user", ["staff.soignies", "coordinator.soignies", "operator"])
async def test_other_municipality_sees_and_changes_nothing(
    stream_reader: Reader,
    user: str,
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    spot: Spot,
    admin_engine: AsyncEngine,
) -> None:
    headers = await bearer(tokens, user)
    number = spot.numbers["public"]
    before = await case_state(admin_engine, number)
    # The fixture's case.created, relayed by the app's poll (written outside its process).
    events_before = await published(stream_reader, number, event_type="case.created")
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", BASE, {"params": {"bbox": spot.bbox}}),
        ("GET", BASE, {"headers": {**headers, "Accept": "application/geo+json"}}),
        ("GET", f"{BASE}/{number}", {}),
        ("POST", f"{BASE}/{number}/transitions", {"json": {"to": "acknowledged"}}),
        ("POST", f"{BASE}/{number}/assignment", {"json": {"department": "clean"}}),
        ("POST", f"{BASE}/{number}/notes", {"json": {"text": "hi", "visibility": "public"}}),
    ]
    for method, url, options in calls:
        response = await client.request(method, url, **{"headers": headers, **options})
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "municipality.not_found"
        assert number not in response.json()["detail"]
    assert await case_state(admin_engine, number) == before
    await asyncio.sleep(0.3)
    assert await published(stream_reader, number, count=0, wait=0) == events_before


async def test_field_agent_reads_but_cannot_change(
    client: httpx.AsyncClient, tokens: TokenFactory, spot: Spot
) -> None:
    headers = await bearer(tokens, "agent.leeuw")
    number = spot.numbers["public"]
    assert (await client.get(f"{BASE}/{number}", headers=headers)).status_code == 200
    for path, body in [
        ("transitions", {"to": "acknowledged"}),
        ("assignment", {"department": "clean"}),
        ("notes", {"text": "x", "visibility": "internal"}),
    ]:
        response = await client.post(f"{BASE}/{number}/{path}", json=body, headers=headers)
        assert response.status_code == 403, response.text


async def test_unauthenticated_is_401(client: httpx.AsyncClient) -> None:
    assert (await client.get(BASE)).status_code == 401


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", ["'nieuw'", "'afgesloten'", "in behandeling genomen"]),
        ("fr", ["« nouveau »", "« clôturé »", "pris en compte"]),
        ("en", ["'new'", "'closed'", "acknowledged"]),
    ],
)
async def test_forbidden_transition_is_409_with_reason(
    language: str,
    expected: list[str],
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    spot: Spot,
    admin_engine: AsyncEngine,
) -> None:
    headers = {**await bearer(tokens, "staff.leeuw"), "Accept-Language": language}
    number = spot.numbers["public"]
    before = await case_state(admin_engine, number)
    response = await client.post(
        f"{BASE}/{number}/transitions", json={"to": "closed"}, headers=headers
    )
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "case.transition_not_allowed"
    assert (problem["from"], problem["to"]) == ("new", "closed")
    assert problem["allowed"] == [
        "acknowledged",
        "in_progress",
        "planned",
        "on_hold",
        "resolved",
        "rejected",
        "duplicate",
    ]
    for fragment in expected:
        assert fragment in problem["detail"]
    assert await case_state(admin_engine, number) == before


async def test_profile_language_is_used_without_accept_language(
    client: httpx.AsyncClient, tokens: TokenFactory, spot: Spot
) -> None:
    headers = await bearer(tokens, "staff.leeuw")  # locale nl
    number = spot.numbers["public"]
    response = await client.post(
        f"{BASE}/{number}/transitions", json={"to": "closed"}, headers=headers
    )
    assert response.status_code == 409
    assert "'afgesloten'" in response.json()["detail"]


async def test_workflow_through_the_api(
    stream_reader: Reader,
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    spot: Spot,
    admin_engine: AsyncEngine,
) -> None:
    headers = await bearer(tokens, "coordinator.leeuw")
    number = spot.numbers["public"]
    url = f"{BASE}/{number}/transitions"
    incomplete = await client.post(url, json={"to": "planned"}, headers=headers)
    assert incomplete.status_code == 422
    assert incomplete.json()["missing"] == ["planned_for"]
    planned = await client.post(
        url, json={"to": "planned", "planned_for": "2026-12-07"}, headers=headers
    )
    assert planned.status_code == 200, planned.text
    body = planned.json()
    assert (body["status"], body["planned_for"]) == ("planned", "2026-12-07")
    last = body["history"][-1]
    assert (last["from_status"], last["to_status"], last["actor_name"]) == (
        "new",
        "planned",
        "coordinator.leeuw",
    )
    assert last["actor_subject"]
    resolved = await client.post(
        url, json={"to": "resolved", "public_message": "Fixed."}, headers=headers
    )
    assert resolved.json()["status"] == "resolved"
    reopened = await client.post(url, json={"to": "in_progress"}, headers=headers)
    assert reopened.json()["history"][-1]["action"] == "reopened"
    changes = [
        e["data"]
        for e in await published(stream_reader, number, count=3, event_type="case.status_changed")
    ]
    assert [(c["from_status"], c["to_status"]) for c in changes] == [
        ("new", "planned"),
        ("planned", "resolved"),
        ("resolved", "in_progress"),
    ]
    assert changes[0]["public_message"] == "Gepland op 7 december 2026."
    assert changes[1]["public_message"] == "Fixed."
    assert changes[0]["actor"]["display_name"] == "coordinator.leeuw"


async def test_duplicate_through_the_api_merges(
    stream_reader: Reader,
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    spot: Spot,
    admin_engine: AsyncEngine,
) -> None:
    headers = await bearer(tokens, "staff.leeuw")
    source, target = spot.numbers["internal"], spot.numbers["public"]
    response = await client.post(
        f"{BASE}/{source}/transitions",
        json={"to": "duplicate", "duplicate_of": target, "reason": "same pothole"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    merged = (await client.get(f"{BASE}/{target}", headers=headers)).json()
    assert merged["supporters"] == 2
    assert len(merged["supporter_reports"]) == 1
    assert merged["history"][-1]["action"] == "merged"
    merged_events = await published(stream_reader, target, event_type="case.merged")
    assert merged_events[-1]["data"]["supporters"] == 2
    # a confidential case is not a valid target for someone who can't see it
    hidden = await client.post(
        f"{BASE}/{target}/transitions",
        json={"to": "duplicate", "duplicate_of": spot.numbers["confidential"], "reason": "x"},
        headers=headers,
    )
    assert hidden.status_code == 404


async def test_assignment(
    stream_reader: Reader,
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    spot: Spot,
    admin_engine: AsyncEngine,
) -> None:
    headers = await bearer(tokens, "coordinator.leeuw")
    number = spot.numbers["public"]
    url = f"{BASE}/{number}/assignment"
    unknown = await client.post(
        url, json={"department": "voirie"}, headers={**headers, "Accept-Language": "fr"}
    )
    assert unknown.status_code == 422
    problem = unknown.json()
    assert problem["code"] == "case.department_unknown"
    assert problem["allowed"] == ["clean", "roads", "safety"]  # the town's, not Soignies' voirie
    assert "clean, roads, safety" in problem["detail"]
    assert problem["detail"].startswith("Le service voirie")
    done = await client.post(
        url,
        json={"department": "clean", "team": "night", "assignee": "sub-42", "assignee_name": "Jan"},
        headers=headers,
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["lead_department"], body["departments"], body["team"]) == (
        "clean",
        ["clean", "roads"],
        "night",
    )
    assigned = [
        e["data"] for e in await published(stream_reader, number, event_type="case.assigned")
    ]
    assert assigned[-1]["department_code"] == "clean"
    assert assigned[-1]["assignee_subject"] == "sub-42"
    listed = await client.get(
        BASE, params={"bbox": spot.bbox, "department": "clean"}, headers=headers
    )
    assert number in {item["number"] for item in listed.json()["items"]}


async def test_internal_notes_never_leave_the_service(
    stream_reader: Reader,
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    spot: Spot,
    admin_engine: AsyncEngine,
) -> None:
    headers = await bearer(tokens, "staff.leeuw")
    number = spot.numbers["public"]
    secret = f"neighbour dispute {random.random()}"
    internal = await client.post(
        f"{BASE}/{number}/notes", json={"text": secret, "visibility": "internal"}, headers=headers
    )
    public = await client.post(
        f"{BASE}/{number}/notes",
        json={"text": "Crew on its way", "visibility": "public"},
        headers=headers,
    )
    assert (internal.status_code, public.status_code) == (201, 201)
    detail = (await client.get(f"{BASE}/{number}", headers=headers)).json()
    assert [(n["visibility"], n["text"]) for n in detail["notes"]] == [
        ("internal", secret),
        ("public", "Crew on its way"),
    ]
    comments = [
        e["data"]
        for e in await published(stream_reader, number, count=2, event_type="case.commented")
    ]
    assert [(c["visibility"], c["text"]) for c in comments] == [
        ("internal", None),
        ("public", "Crew on its way"),
    ]
    everything = await published(stream_reader, number, count=0, wait=0)
    assert secret not in json.dumps(everything)
    async with admin_engine.connect() as conn:
        rows = await conn.execute(text("SELECT payload FROM cases.outbox"))
        assert all(secret.encode() not in bytes(row[0]) for row in rows)


async def test_list_filters_sort_pages_and_geojson(
    client: httpx.AsyncClient, tokens: TokenFactory, spot: Spot, admin_engine: AsyncEngine
) -> None:
    headers = await bearer(tokens, "mayor.leeuw")
    async with admin_engine.begin() as conn:
        await conn.execute(
            text("UPDATE cases.case SET due_at = now() - interval '1 day' WHERE number = :n"),
            {"n": spot.numbers["internal"]},
        )

    async def numbers(**params: Any) -> list[str]:
        response = await client.get(BASE, params={"bbox": spot.bbox, **params}, headers=headers)
        assert response.status_code == 200, response.text
        return [item["number"] for item in response.json()["items"]]

    all_three = sorted(spot.numbers.values())
    assert await numbers(sort="number") == all_three
    assert await numbers(sort="-number") == all_three[::-1]
    assert await numbers(overdue="true") == [spot.numbers["internal"]]
    assert sorted(await numbers(overdue="false")) == sorted(
        [spot.numbers["public"], spot.numbers["confidential"]]
    )
    assert await numbers(category="security") == [spot.numbers["confidential"]]
    assert await numbers(department="roads") == [spot.numbers["public"]]
    assert await numbers(status=["acknowledged", "resolved"]) == []
    assert len(await numbers(status=["new", "planned"], priority=["high"])) == 3
    assert await numbers(priority="low") == []
    page1, page2 = (
        await numbers(sort="number", limit=2),
        await numbers(sort="number", limit=2, page=2),
    )
    assert page1 + page2 == all_three
    d = 0.001
    square = {
        "type": "Polygon",
        "coordinates": [
            [
                [spot.lon - d, spot.lat - d],
                [spot.lon + d, spot.lat - d],
                [spot.lon + d, spot.lat + d],
                [spot.lon - d, spot.lat + d],
                [spot.lon - d, spot.lat - d],
            ]
        ],
    }
    inside = await client.get(
        BASE, params={"polygon": json.dumps(square), "limit": 200}, headers=headers
    )
    assert set(spot.numbers.values()) <= {i["number"] for i in inside.json()["items"]}
    geo = await client.get(
        BASE,
        params={"bbox": spot.bbox, "sort": "number"},
        headers={**headers, "Accept": "application/geo+json"},
    )
    assert geo.headers["content-type"].startswith("application/geo+json")
    collection = geo.json()
    assert collection["type"] == "FeatureCollection"
    assert collection["total"] == 3
    first = collection["features"][0]
    assert first["geometry"]["type"] == "Point"
    assert first["geometry"]["coordinates"] == pytest.approx([spot.lon, spot.lat])
    assert first["properties"]["number"] == all_three[0]


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "1,2,3"},
        {"bbox": "5,5,1,1"},
        {"polygon": "nope"},
        {"polygon": json.dumps({"type": "Point", "coordinates": [4, 50]})},
        {"polygon": json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]})},
        {"status": "lost"},
        {"limit": "0"},
    ],
)
async def test_bad_list_parameters_are_422(
    params: dict[str, str], client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    response = await client.get(BASE, params=params, headers=await bearer(tokens, "staff.leeuw"))
    assert response.status_code == 422, response.text


def nested(depth: int) -> str:
    """A MultiPolygon whose coordinates nest `depth` arrays deep."""
    return '{"type": "MultiPolygon", "coordinates": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("depth", [6, 900, 5000])
async def test_deeply_nested_polygon_is_a_clear_422(
    depth: int, client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    response = await client.get(
        BASE, params={"polygon": nested(depth)}, headers=await bearer(tokens, "staff.leeuw")
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "case.invalid_area"
    assert "nests more than 5 levels" in problem["detail"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("created_from", "9999-12-31T23:59:59-14:00"),
        ("created_to", "9999-12-31T23:59:59-14:00"),
        ("created_from", "0001-01-01T00:00:00+14:00"),
        ("created_to", "0001-01-01T00:00:00+14:00"),
    ],
)
async def test_dates_out_of_range_are_a_clear_422(
    name: str, value: str, client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    headers = {**(await bearer(tokens, "staff.leeuw")), "Accept-Language": "nl"}
    response = await client.get(BASE, params={name: value}, headers=headers)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "case.invalid_date"
    assert (problem["field"], problem["minimum"], problem["maximum"]) == (
        name,
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
    )
    assert problem["detail"].startswith(f"{name} valt buiten het bereik")
    edge = {name: "9999-12-31T23:59:59+00:00"}
    assert (await client.get(BASE, params=edge, headers=headers)).status_code == 200


async def test_full_text_search_ignores_accents_and_case(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    apply_event: Apply,
    make_decision: Callable[..., Envelope],
    admin_engine: AsyncEngine,
) -> None:
    lon, lat = 4.1 + random.random() * 0.01, 50.70
    texts = {
        "fr": "Dépôt sauvage près de l'École communale",
        "de": "Müll an der Straße, Öl auf dem Gehweg",
        "nl": "Straatverlichting kapot aan de Kerkstraat",
        "secret": "Dépôt suspect: colis abandonné",
    }
    numbers = {}
    for name, description in texts.items():
        level = Confidentiality.CONFIDENTIAL if name == "secret" else Confidentiality.PUBLIC
        envelope = make_decision(
            LEEUW, description=description, confidentiality=level, lon=lon, lat=lat
        )
        await apply_event(envelope)
        numbers[name] = await number_of(admin_engine, envelope)
    d = 0.0005
    bbox = f"{lon - d},{lat - d},{lon + d},{lat + d}"

    async def found(user: str, q: str) -> set[str]:
        response = await client.get(
            BASE, params={"bbox": bbox, "q": q}, headers=await bearer(tokens, user)
        )
        assert response.status_code == 200, response.text
        return {item["number"] for item in response.json()["items"]}

    assert await found("staff.leeuw", "ecole") == {numbers["fr"]}
    assert await found("staff.leeuw", "DEPOT sauv") == {numbers["fr"]}
    assert await found("staff.leeuw", "strasse") == {numbers["de"]}
    assert await found("staff.leeuw", "mull oel") == set()
    assert await found("staff.leeuw", "müll öl") == {numbers["de"]}
    assert await found("staff.leeuw", "straatverl") == {numbers["nl"]}
    assert await found("staff.leeuw", numbers["nl"]) == {numbers["nl"]}
    assert await found("staff.leeuw", "dépôt") == {numbers["fr"]}
    assert await found("security.leeuw", "depot") == {numbers["fr"], numbers["secret"]}
    assert await found("staff.leeuw", "& | ! :*") == {numbers[n] for n in ("fr", "de", "nl")}
