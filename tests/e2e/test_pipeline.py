"""The report pipeline over real processes: a report submitted to intake over HTTP is routed by
routing and becomes a case in cases, each service in its own uvicorn process, talking through
the private JetStream server, S3 and PostgreSQL, with real OIDC logins for staff."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from guichet_testing.oidc import TokenFactory
from tests.e2e.events import tap
from tests.e2e.pipeline import Platform
from tests.e2e.reports import (
    BRAINE,
    KORTRIJK,
    LEEUW,
    PREFIX,
    SOIGNIES,
    Place,
    dumping,
    exif_gps,
    jpeg_with_exif,
    metadata_left,
    place,
    report,
    submit,
)

WITHIN_SECONDS = 1.0


async def staff_get(
    http: httpx.AsyncClient, platform: Platform, tokens: TokenFactory, path: str
) -> httpx.Response:
    bearer = (await tokens("staff.soignies")).bearer
    return await http.get(
        f"{platform.url('cases')}/v1/municipalities/{SOIGNIES}{path}", headers=bearer
    )


async def case_detail(
    http: httpx.AsyncClient, platform: Platform, tokens: TokenFactory, number: str
) -> dict[str, Any]:
    response = await staff_get(http, platform, tokens, f"/cases/{number}")
    assert response.status_code == 200, response.text
    detail: dict[str, Any] = response.json()
    return detail


async def test_photo_report_becomes_a_case_of_the_right_department_within_a_second(
    platform: Platform, http: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    # Log in and let cases fetch the provider's keys before the clock starts.
    assert (await staff_get(http, platform, tokens, "/cases?limit=1")).status_code == 200
    where = place(SOIGNIES, north_m=1500)
    photo = jpeg_with_exif(where)
    assert exif_gps(photo)[2][0] == 50.0, "the uploaded photo must carry its GPS position"

    async with tap(platform.nats.url) as events:
        started = time.monotonic()
        response = await submit(
            http,
            platform.url("intake"),
            dumping(where),
            photos=[("IMG_0001.jpg", photo, "image/jpeg")],
        )
        assert response.status_code == 201, response.text
        receipt = response.json()
        created = await events.wait_for("case.created", within=10, report_id=receipt["report_id"])
        number = created.data["case_number"]
        while (await staff_get(http, platform, tokens, f"/cases/{number}")).status_code != 200:
            assert time.monotonic() - started < 10, "case.created published, case not readable"
            await asyncio.sleep(0.005)
        visible = time.monotonic()

    print(  # measured, shown with -s
        f"\nsubmission → case.created {1000 * (created.at - started):.0f} ms, "
        f"→ visible in the staff API {1000 * (visible - started):.0f} ms"
    )
    assert created.at - started < WITHIN_SECONDS
    assert visible - started < WITHIN_SECONDS
    assert receipt["municipality"]["nis"] == SOIGNIES
    assert created.envelope["tenant_id"] == SOIGNIES
    assert number.startswith("SOI-")

    detail = await case_detail(http, platform, tokens, number)
    assert detail["report_id"] == receipt["report_id"]
    assert detail["tracking_number"] == receipt["tracking_number"]
    assert (detail["category_code"], detail["lead_department"]) == ("illegal_dumping", "CLEAN")
    assert detail["status"] == "new"
    assert detail["answers"] == {"volume": "bag"}
    [stored] = detail["photos"]
    for key in (stored["object_key"], stored["thumbnail_key"]):
        assert key.startswith(f"{SOIGNIES}/reports/{receipt['report_id']}/")
        image = await platform.read_object(key)
        assert image[:3] == b"\xff\xd8\xff"
        assert metadata_left(image) == {"exif_tags": {}, "info": {}, "has_exif_marker": False}


async def _case_for(
    platform: Platform, http: httpx.AsyncClient, body: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    async with tap(platform.nats.url) as events:
        response = await submit(http, platform.url("intake"), body)
        assert response.status_code == 201, response.text
        receipt: dict[str, Any] = response.json()
        created = await events.wait_for("case.created", within=10, report_id=receipt["report_id"])
    return str(created.data["case_number"]), receipt


async def _known_to_routing(platform: Platform, case_number: str, within: float = 10.0) -> None:
    """Until routing's open-case projection (fed by case.created) holds the case."""
    deadline = time.monotonic() + within
    query = (
        'SELECT count(*) FROM routing.open_case o JOIN cases."case" c ON c.id = o.case_id '
        "WHERE c.number = :number"
    )
    while not await platform.scalar(query, {"number": case_number}):
        assert time.monotonic() < deadline, f"routing never projected {case_number}"
        await asyncio.sleep(0.02)


async def test_a_second_report_nearby_is_merged_into_the_first_case(
    platform: Platform, http: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    first_place = place(SOIGNIES, north_m=-1500)
    number, first = await _case_for(platform, http, report(first_place, "road_damage"))
    await _known_to_routing(platform, number)

    second_place = first_place.moved(north_m=12, east_m=9)  # 15 m away; radius 30 m
    async with tap(platform.nats.url) as events:
        response = await submit(http, platform.url("intake"), report(second_place, "road_damage"))
        assert response.status_code == 201, response.text
        second = response.json()
        merged = await events.wait_for("case.merged", within=10, report_id=second["report_id"])

    assert merged.data["case_number"] == number
    assert merged.data["supporters"] == 2
    assert await platform.case_numbers([second["report_id"]]) == {second["report_id"]: []}
    assert not events.matching("case.created", report_id=second["report_id"])
    detail = await case_detail(http, platform, tokens, number)
    assert detail["supporters"] == 2
    assert [s["report_id"] for s in detail["supporter_reports"]] == [second["report_id"]]
    decision = await http.get(
        f"{platform.url('routing')}/v1/municipalities/{SOIGNIES}/decisions/{second['report_id']}",
        headers=(await tokens("staff.soignies")).bearer,
    )
    assert decision.status_code == 200, decision.text
    assert decision.json()["outcome"] == "duplicate"
    assert first["report_id"] != second["report_id"]


@pytest.fixture
async def new_case(platform: Platform, http: httpx.AsyncClient) -> str:
    number, _ = await _case_for(platform, http, report(place(SOIGNIES, east_m=1500), "graffiti"))
    return number


async def test_a_transition_not_in_the_table_is_refused_with_409_and_the_reason(
    platform: Platform, http: httpx.AsyncClient, tokens: TokenFactory, new_case: str
) -> None:
    url = f"{platform.url('cases')}/v1/municipalities/{SOIGNIES}/cases/{new_case}/transitions"
    bearer = (await tokens("staff.soignies")).bearer
    async with tap(platform.nats.url) as events:
        refused = await http.post(
            url, json={"to": "closed"}, headers={**bearer, "Accept-Language": "fr"}
        )
        assert refused.status_code == 409, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["code"] == "case.transition_not_allowed"
        assert (problem["from"], problem["to"]) == ("new", "closed")
        assert "acknowledged" in problem["allowed"]
        assert "closed" not in problem["allowed"]
        assert problem["detail"].startswith(
            "Un dossier ne peut pas passer de « nouveau » à « clôturé ». Depuis « nouveau », "
            "il peut passer à : pris en compte"
        )
        assert (await case_detail(http, platform, tokens, new_case))["status"] == "new"

        allowed = await http.post(url, json={"to": "acknowledged"}, headers=bearer)
        assert allowed.status_code == 200, allowed.text
        assert allowed.json()["status"] == "acknowledged"
        changed = await events.wait_for("case.status_changed", case_number=new_case)
    assert (changed.data["from_status"], changed.data["to_status"]) == ("new", "acknowledged")
    assert len(events.matching("case.status_changed", case_number=new_case)) == 1
    history = (await case_detail(http, platform, tokens, new_case))["history"]
    assert [h["to_status"] for h in history if h["to_status"]][-1] == "acknowledged"


# road_damage goes to a different department per town (routing/demo/directory.json); the
# Soignies / Braine-le-Comte border crosses latitude 50.60 at longitude ~4.0741.
ROAD_DAMAGE = [
    (Place(50.60, 4.0725), SOIGNIES, "ROADS"),  # ~115 m west of the border
    (Place(50.60, 4.0760), BRAINE, "WORKS"),  # ~130 m east of it
    (place(KORTRIJK, north_m=500), KORTRIJK, "ROADS"),
    (place(LEEUW, north_m=-1500, east_m=1000), LEEUW, "WORKS"),
]


async def test_each_report_goes_to_its_own_towns_department_even_across_a_border(
    platform: Platform, http: httpx.AsyncClient
) -> None:
    async with tap(platform.nats.url) as events:
        receipts = []
        for where, _, _ in ROAD_DAMAGE:
            response = await submit(http, platform.url("intake"), report(where, "road_damage"))
            assert response.status_code == 201, response.text
            receipts.append(response.json())
        created = [
            await events.wait_for("case.created", report_id=receipt["report_id"])
            for receipt in receipts
        ]
    for (_, nis, department), receipt, case in zip(ROAD_DAMAGE, receipts, created, strict=True):
        assert receipt["municipality"]["nis"] == nis
        assert case.envelope["tenant_id"] == nis
        assert case.data["case_number"].startswith(f"{PREFIX[nis]}-")
        assert case.data["departments"][0] == department
