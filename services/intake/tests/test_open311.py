"""Open311 GeoReport v2 against the real stack: client flows in XML and JSON, the case
projection fed over NATS, visibility (confidential cases, other jurisdictions), hand-over."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlencode
from uuid import UUID
from xml.etree import ElementTree as ET

import httpx
import pytest
from nats.js import JetStreamContext
from PIL import Image
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from guichet_contracts.envelope import Envelope
from guichet_contracts.events.case import (
    CaseCommented,
    CaseCreated,
    CaseMerged,
    CaseStatusChanged,
)
from guichet_contracts.events.directory import CategoryInfo, QuestionInfo, QuestionOption
from guichet_contracts.ids import uuid7
from guichet_contracts.payload import EventPayload
from guichet_contracts.values import (
    Actor,
    ActorKind,
    CaseStatus,
    Confidentiality,
    GeoPoint,
    Labels,
    Priority,
)
from guichet_kit.bus import CASES_STREAM, ensure_streams
from guichet_testing.directory import (
    CATEGORIES,
    IN_LEEUW,
    LEEUW,
    SOIGNIES,
    category,
    handled,
    labels,
    publish,
    snapshot,
    wait_for_revision,
)

STREET_LIGHT = CategoryInfo(
    code="straatlamp",
    labels=Labels(
        fr="Éclairage public", nl="Straatverlichting", de="Straßenlicht", en="Street light"
    ),
    default_department_code="general",
    default_priority=Priority.NORMAL,
    confidentiality=Confidentiality.PUBLIC,
    sla_business_days=5,
    duplicate_radius_m=50,
    questions=[
        QuestionInfo(
            code="defects",
            labels=Labels(fr="Défauts", nl="Defecten", de="Mängel", en="Defects"),
            datatype="multivaluelist",
            required=True,
            options=[
                QuestionOption(
                    key="dark", labels=Labels(fr="éteint", nl="uit", de="aus", en="off")
                ),
                QuestionOption(
                    key="blinking",
                    labels=Labels(fr="clignote", nl="knippert", de="blinkt", en="blinking"),
                ),
            ],
        ),
        QuestionInfo(code="seen_at", labels=labels("seen at"), datatype="datetime"),
    ],
)
VANDALISM = CategoryInfo(
    code="vandalisme",
    labels=labels("vandalisme"),
    default_department_code="police",
    default_priority=Priority.HIGH,
    confidentiality=Confidentiality.CONFIDENTIAL,
    sla_business_days=5,
    duplicate_radius_m=0,
)
# Leeuw also has "voirie", a code Soignies has too: a request sent to Soignies for a point in
# Leeuw can be handed over.
LEEUW_CATEGORIES = [*CATEGORIES[LEEUW], STREET_LIGHT, VANDALISM, category("voirie")]


def xml(response: httpx.Response) -> ET.Element:
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>"), response.text
    return ET.fromstring(response.content)


def xml_items(response: httpx.Response) -> list[dict[str, str | None]]:
    """A list document (services, service_requests, errors) as flat dicts."""
    return [{child.tag: child.text for child in item} for item in xml(response)]


async def publish_case_event(
    js: JetStreamContext, payload: EventPayload, tenant_id: str = LEEUW
) -> Envelope:
    envelope = Envelope.build(payload, tenant_id=tenant_id, correlation_id=uuid7())
    await publish(js, envelope)
    return envelope


def case_created(
    report_id: str,
    tracking_number: str,
    *,
    confidentiality: Confidentiality = Confidentiality.PUBLIC,
    department: str = "wegen",
    due_in: timedelta = timedelta(days=7),
) -> CaseCreated:
    now = datetime.now(UTC)
    return CaseCreated(
        case_id=uuid7(),
        case_number="SPL-2026-000001",
        report_id=UUID(report_id),
        tracking_number=tracking_number,
        created_at=now,
        category_code="wegdek",
        location=GeoPoint(lat=50.75, lon=4.25),
        departments=[department],
        priority=Priority.NORMAL,
        confidentiality=confidentiality,
        status=CaseStatus.NEW,
        due_at=now + due_in,
    )


def status_changed(
    case: CaseCreated, to: CaseStatus, message: str | None = None
) -> CaseStatusChanged:
    return CaseStatusChanged(
        case_id=case.case_id,
        case_number=case.case_number,
        from_status=case.status,
        to_status=to,
        public_message=message,
        actor=Actor(kind=ActorKind.STAFF, subject="agent-1"),
        changed_at=datetime.now(UTC),
    )


def merged(case: CaseCreated, report_id: str) -> CaseMerged:
    return CaseMerged(
        case_id=case.case_id,
        case_number=case.case_number,
        report_id=UUID(report_id),
        supporters=2,
        merged_at=datetime.now(UTC),
    )


async def eventually(
    fetch: Callable[[], Any], check: Callable[[Any], bool], within: float = 10.0
) -> Any:
    """Polls `await fetch()` until `check(result)`; the last result otherwise (to assert on)."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = await fetch()
        if check(result) or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.1)


SCHEMA = "intake"
TRACKING = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
SSRF_URL = "http://169.254.169.254/latest/meta-data/"

pytestmark = pytest.mark.usefixtures("open311_directory")


@pytest.fixture(scope="module")
async def open311_directory(
    directory: dict[str, int], js: JetStreamContext, admin_engine: AsyncEngine
) -> None:
    """Leeuw with three more categories (multivaluelist questions, a confidential one, and
    "voirie", which Soignies has too); the CASES stream the tests publish case events on."""
    revision = directory[LEEUW] + 1
    await publish(js, snapshot(LEEUW, revision, LEEUW_CATEGORIES))
    await wait_for_revision(admin_engine, SCHEMA, LEEUW, revision)
    await ensure_streams(js, [CASES_STREAM])


def form(**changes: str) -> list[tuple[str, str]]:
    fields = {
        "jurisdiction_id": LEEUW,
        "service_code": "straatlamp",
        "lat": str(IN_LEEUW["lat"]),
        "long": str(IN_LEEUW["lon"]),
        "address_string": "Bergensesteenweg 1",
        "email": "an@example.be",
        "first_name": "An",
        "last_name": "Peeters",
        "phone": "+32 2 123 45 67",
        "description": "Lamp brandt niet",
        "device_id": "device-7",
        "account_id": "acc-42",
        "api_key": "whatever",
        "media_url": SSRF_URL,
    }
    fields.update(changes)
    pairs = [(key, value) for key, value in fields.items() if value != ""]
    if fields["service_code"] == "straatlamp":
        pairs += [
            ("attribute[defects]", "dark"),
            ("attribute[defects]", "blinking"),
            ("attribute[seen_at]", "2026-11-27T21:00:00+01:00"),
        ]
    return pairs


async def submit(client: httpx.AsyncClient, **changes: str) -> dict[str, Any]:
    return await submit_pairs(client, form(**changes))


async def submit_pairs(client: httpx.AsyncClient, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """URL-encoded, repeated keys kept (attribute[defects] twice)."""
    response = await client.post(
        "/open311/v2/requests.json",
        content=urlencode(pairs).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    return _created(response)


def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    [receipt] = response.json()
    assert isinstance(receipt, dict)
    return receipt


def in_leeuw(number: str) -> dict[str, str]:
    return {"jurisdiction_id": LEEUW, "service_request_id": number}


async def get_one(client: httpx.AsyncClient, number: str, nis: str = LEEUW) -> httpx.Response:
    return await client.get(f"/open311/v2/requests/{number}.json", params={"jurisdiction_id": nis})


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


async def report_row(engine: AsyncEngine, report_id: str) -> Any:
    async with engine.connect() as connection:
        query = text(
            "SELECT tenant_id, channel, received_via, category_code, answers, description, "
            "address, contact_name, contact_email, contact_phone, language, "
            "(SELECT count(*) FROM intake.photo p WHERE p.report_id = r.id) AS photos "
            "FROM intake.report r WHERE id = :id"
        )
        return (await connection.execute(query, {"id": report_id})).one()


async def test_json_client_flow(client: httpx.AsyncClient, admin_engine: AsyncEngine) -> None:
    discovery = await client.get("/open311/discovery.json")
    assert discovery.status_code == 200, discovery.text
    assert discovery.headers["content-type"].startswith("application/json")
    [endpoint] = discovery.json()["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert discovery.json()["changeset"]
    assert discovery.json()["contact"]

    services = await client.get("/open311/v2/services.json", params={"jurisdiction_id": LEEUW})
    assert services.status_code == 200, services.text
    by_code = {entry["service_code"]: entry for entry in services.json()}
    assert list(by_code) == [c.code for c in LEEUW_CATEGORIES]
    assert by_code["sluikstort"]["metadata"] is True
    assert by_code["wegdek"]["metadata"] is False
    assert by_code["straatlamp"]["service_name"] == "Straatverlichting"  # Leeuw speaks nl
    assert by_code["straatlamp"]["type"] == "realtime"
    assert by_code["sluikstort"]["keywords"] == "other"  # the subcategories

    definition = await client.get(
        "/open311/v2/services/straatlamp.json",
        params={"jurisdiction_id": LEEUW},
        headers={"Accept-Language": "en-GB,en;q=0.8"},
    )
    assert definition.status_code == 200, definition.text
    assert definition.json()["service_code"] == "straatlamp"
    defects, seen_at = definition.json()["attributes"]
    assert defects == {
        "variable": True,
        "code": "defects",
        "datatype": "multivaluelist",
        "required": True,
        "datatype_description": defects["datatype_description"],
        "order": 1,
        "description": "Defects",
        "values": [{"key": "dark", "name": "off"}, {"key": "blinking", "name": "blinking"}],
    }
    assert "values" in defects["datatype_description"]
    assert (seen_at["datatype"], seen_at["required"], seen_at["order"]) == ("datetime", False, 2)
    assert "values" not in seen_at

    receipt = await submit_pairs(client, form())
    number, token = receipt["service_request_id"], receipt["token"]
    assert TRACKING.match(number)
    assert receipt["account_id"] == "acc-42"
    assert number in receipt["service_notice"]
    assert "Sint-Pieters-Leeuw" in receipt["service_notice"]

    row = await report_row(admin_engine, token)
    assert (row.tenant_id, row.channel, row.received_via) == (LEEUW, "open311", None)
    assert row.answers == {"defects": ["dark", "blinking"], "seen_at": "2026-11-27T21:00:00+01:00"}
    assert (row.contact_name, row.contact_email, row.contact_phone) == (
        "An Peeters",
        "an@example.be",
        "+32 2 123 45 67",
    )
    assert (row.description, row.address, row.language) == (
        "Lamp brandt niet",
        "Bergensesteenweg 1",
        "nl",
    )
    assert "169.254" not in repr(tuple(row))  # media_url is neither fetched nor stored

    one = await client.get(
        f"/open311/v2/requests/{number}.json",
        params={"jurisdiction_id": LEEUW},
        headers={"Accept-Language": "en"},
    )
    assert one.status_code == 200, one.text
    [request] = one.json()
    assert request["service_request_id"] == number
    assert request["status"] == "open"
    assert (request["service_code"], request["service_name"]) == ("straatlamp", "Street light")
    assert (request["lat"], request["long"]) == (IN_LEEUW["lat"], IN_LEEUW["lon"])
    assert request["address"] == "Bergensesteenweg 1"
    assert request["expected_datetime"] is None
    assert request["agency_responsible"] is None
    assert datetime.fromisoformat(request["requested_datetime"]).tzinfo is not None
    assert "an@example.be" not in one.text
    assert "Peeters" not in one.text

    lenient = await get_one(client, number.lower().replace("-", ""))
    assert lenient.json()[0]["service_request_id"] == number

    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    listed = await client.get(
        "/open311/v2/requests.json",
        params={
            "jurisdiction_id": LEEUW,
            "service_code": "straatlamp,wegdek",
            "status": "open",
            "start_date": since,
        },
    )
    assert listed.status_code == 200, listed.text
    assert number in [r["service_request_id"] for r in listed.json()]
    for params in (
        {"status": "closed"},
        {"service_code": "wegdek"},
        {"end_date": since},
        {"start_date": (datetime.now(UTC) + timedelta(hours=1)).isoformat()},
    ):
        other = await client.get(
            "/open311/v2/requests.json", params={"jurisdiction_id": LEEUW, **params}
        )
        assert other.status_code == 200, other.text
        assert number not in [r["service_request_id"] for r in other.json()], params

    by_ids = await client.get(
        "/open311/v2/requests.json",
        params={**in_leeuw(f"{number},NOT-A-NUMBER,0000-0000-0000"), "status": "closed"},
    )
    assert [r["service_request_id"] for r in by_ids.json()] == [number]  # other filters ignored

    resolved = await client.get(
        f"/open311/v2/tokens/{token}.json", params={"jurisdiction_id": LEEUW}
    )
    assert resolved.status_code == 200, resolved.text
    assert resolved.json() == [{"service_request_id": number, "token": token}]


async def test_xml_client_flow_with_media(
    client: httpx.AsyncClient, admin_engine: AsyncEngine
) -> None:
    discovery = await client.get("/open311/discovery.xml")
    assert discovery.headers["content-type"].startswith("text/xml")
    root = xml(discovery)
    assert root.tag == "discovery"
    formats = [f.text for f in root.findall("./endpoints/endpoint/formats/format")]
    assert formats == ["text/xml", "application/json"]
    assert root.findtext("./endpoints/endpoint/specification") == (
        "http://wiki.open311.org/GeoReport_v2"
    )

    french = {"Accept-Language": "fr-BE"}
    services = await client.get(
        "/open311/v2/services.xml", params={"jurisdiction_id": LEEUW}, headers=french
    )
    assert xml(services).tag == "services"
    by_code = {s["service_code"]: s for s in xml_items(services)}
    assert by_code["straatlamp"]["service_name"] == "Éclairage public"
    assert (by_code["straatlamp"]["metadata"], by_code["wegdek"]["metadata"]) == ("true", "false")
    assert by_code["straatlamp"]["type"] == "realtime"

    definition = xml(
        await client.get(
            "/open311/v2/services/straatlamp.xml",
            params={"jurisdiction_id": LEEUW},
            headers=french,
        )
    )
    assert definition.tag == "service_definition"
    assert definition.findtext("service_code") == "straatlamp"
    [defects, _] = definition.findall("./attributes/attribute")
    assert defects.findtext("variable") == "true"
    assert defects.findtext("required") == "true"
    assert defects.findtext("description") == "Défauts"
    values = [(v.findtext("key"), v.findtext("name")) for v in defects.findall("./values/value")]
    assert values == [("dark", "éteint"), ("blinking", "clignote")]

    posted = await client.post(
        "/open311/v2/requests.xml",
        data=dict(form(service_code="wegdek", account_id="")),
        files={"media": ("kapot.png", png(), "image/png")},
        headers=french,
    )
    assert posted.status_code == 201, posted.text
    [receipt] = xml_items(posted)
    number = receipt["service_request_id"]
    assert number is not None
    assert TRACKING.match(number)
    assert receipt["token"]
    assert receipt["account_id"] is None
    assert "a bien reçu" in (receipt["service_notice"] or "")
    row = await report_row(admin_engine, receipt["token"])
    assert (row.category_code, row.photos, row.language) == ("wegdek", 1, "fr")

    one = await client.get(f"/open311/v2/requests/{number}.xml", params={"jurisdiction_id": LEEUW})
    [request] = xml_items(one)
    assert request["status"] == "open"
    assert (request["lat"], request["long"]) == (str(IN_LEEUW["lat"]), str(IN_LEEUW["lon"]))
    assert request["media_url"] is None
    assert request["status_notes"] is None

    listed = await client.get(
        "/open311/v2/requests.xml", params={"jurisdiction_id": LEEUW, "status": "open,closed"}
    )
    assert number in [r["service_request_id"] for r in xml_items(listed)]

    token = await client.get(
        f"/open311/v2/tokens/{receipt['token']}.xml", params={"jurisdiction_id": LEEUW}
    )
    assert xml_items(token) == [{"service_request_id": number, "token": receipt["token"]}]


async def test_case_events_drive_the_open311_status(
    client: httpx.AsyncClient, js: JetStreamContext
) -> None:
    first = await submit(client, service_code="wegdek")
    second = await submit(client, service_code="wegdek")
    case = case_created(first["token"], first["service_request_id"], department="wegen")
    await publish_case_event(js, case)

    def opened(response: httpx.Response) -> bool:
        return response.status_code == 200 and response.json()[0]["agency_responsible"] == "wegen"

    found = await eventually(lambda: get_one(client, first["service_request_id"]), opened)
    [request] = found.json()
    assert request["status"] == "open"
    assert datetime.fromisoformat(request["expected_datetime"]) == case.due_at

    await publish_case_event(js, status_changed(case, CaseStatus.RESOLVED, "Hersteld op 28/11"))
    await publish_case_event(js, merged(case, second["token"]))

    def closed(response: httpx.Response) -> bool:
        return response.status_code == 200 and response.json()[0]["status"] == "closed"

    for receipt in (first, second):
        number = receipt["service_request_id"]
        done = await eventually(partial(get_one, client, number), closed)
        [request] = done.json()
        assert request["status"] == "closed", request
        assert request["status_notes"] == "Hersteld op 28/11"
        assert request["updated_datetime"] > request["requested_datetime"]

    numbers = f"{first['service_request_id']},{second['service_request_id']}"
    closed_list = await client.get(
        "/open311/v2/requests.json", params={"jurisdiction_id": LEEUW, "status": "closed"}
    )
    open_list = await client.get(
        "/open311/v2/requests.json", params={"jurisdiction_id": LEEUW, "status": "open"}
    )
    closed_ids = {r["service_request_id"] for r in closed_list.json()}
    open_ids = {r["service_request_id"] for r in open_list.json()}
    assert set(numbers.split(",")) <= closed_ids
    assert not set(numbers.split(",")) & open_ids


def commented(case: CaseCreated, text: str, author: ActorKind) -> CaseCommented:
    return CaseCommented(
        case_id=case.case_id,
        case_number=case.case_number,
        comment_id=uuid7(),
        visibility="public",
        author=Actor(kind=author, subject="someone"),
        text=text,
        commented_at=datetime.now(UTC),
    )


async def test_only_the_towns_public_messages_become_status_notes(
    client: httpx.AsyncClient, js: JetStreamContext, admin_engine: AsyncEngine
) -> None:
    """A reporter's public comment is on the case for the reporter and staff, but Open311
    publishes only what the town says: a later citizen's comment does not replace it."""
    receipt = await submit(client, service_code="wegdek")
    number = receipt["service_request_id"]
    case = case_created(receipt["token"], number)
    await publish_case_event(js, case)
    await publish_case_event(js, commented(case, "Ploeg komt morgen", ActorKind.STAFF))
    citizen = await publish_case_event(
        js, commented(case, "Mijn buurman Jan Peeters (0470 12 34 56) deed het", ActorKind.REPORTER)
    )
    deadline = asyncio.get_running_loop().time() + 10
    while not await handled(admin_engine, SCHEMA, "intake-cases", str(citizen.id)):
        assert asyncio.get_running_loop().time() < deadline, "the comment was never handled"
        await asyncio.sleep(0.1)
    [request] = (await get_one(client, number)).json()
    assert request["status_notes"] == "Ploeg komt morgen"
    listed = await client.get("/open311/v2/requests.json", params=in_leeuw(number))
    assert [r["status_notes"] for r in listed.json()] == ["Ploeg komt morgen"]


async def test_confidential_requests_are_never_shown(
    client: httpx.AsyncClient, js: JetStreamContext
) -> None:
    public_then_secret = await submit(client, service_code="wegdek")
    number = public_then_secret["service_request_id"]
    assert (await get_one(client, number)).status_code == 200

    case = case_created(
        public_then_secret["token"], number, confidentiality=Confidentiality.CONFIDENTIAL
    )
    await publish_case_event(js, case)
    gone = await eventually(lambda: get_one(client, number), lambda r: r.status_code == 404)
    assert gone.status_code == 404
    assert gone.json() == [{"code": 404, "description": gone.json()[0]["description"]}]

    # A confidential category is hidden from the start, before any case exists.
    secret = await submit(client, service_code="vandalisme")
    for hidden in (number, secret["service_request_id"]):
        assert (await get_one(client, hidden)).status_code == 404
        listed = await client.get("/open311/v2/requests.json", params=in_leeuw(hidden))
        assert listed.json() == []
    everything = await client.get("/open311/v2/requests.json", params={"jurisdiction_id": LEEUW})
    listed_ids = {r["service_request_id"] for r in everything.json()}
    assert not {number, secret["service_request_id"]} & listed_ids
    for token in (public_then_secret["token"], secret["token"]):
        response = await client.get(
            f"/open311/v2/tokens/{token}.xml", params={"jurisdiction_id": LEEUW}
        )
        assert response.status_code == 404
        assert xml_items(response)[0]["code"] == "404"


async def test_other_jurisdiction_sees_nothing_and_hand_over(
    client: httpx.AsyncClient, admin_engine: AsyncEngine
) -> None:
    mine = await submit(client, service_code="wegdek")
    number = mine["service_request_id"]
    elsewhere = await get_one(client, number, SOIGNIES)
    assert elsewhere.status_code == 404
    listed = await client.get(
        "/open311/v2/requests.json",
        params={"jurisdiction_id": SOIGNIES, "service_request_id": number},
    )
    assert listed.json() == []
    token = await client.get(
        f"/open311/v2/tokens/{mine['token']}.json", params={"jurisdiction_id": SOIGNIES}
    )
    assert token.status_code == 404

    # Sent to Soignies for a point in Leeuw: Leeuw's report, received via Soignies.
    handed = await submit(client, jurisdiction_id=SOIGNIES, service_code="voirie")
    assert f"jurisdiction_id={LEEUW}" in handed["service_notice"]
    row = await report_row(admin_engine, handed["token"])
    assert (row.tenant_id, row.received_via, row.channel) == (LEEUW, SOIGNIES, "open311")
    assert row.language == "fr"  # Soignies' language, no Accept-Language sent
    assert (await get_one(client, handed["service_request_id"], SOIGNIES)).status_code == 404
    assert (await get_one(client, handed["service_request_id"], LEEUW)).status_code == 200


async def test_case_events_out_of_order_or_stale(
    client: httpx.AsyncClient, js: JetStreamContext, admin_engine: AsyncEngine
) -> None:
    receipt = await submit(client, service_code="wegdek")
    number = receipt["service_request_id"]
    case = case_created(receipt["token"], number)
    newer = status_changed(case, CaseStatus.IN_PROGRESS, "Ploeg onderweg")
    older = newer.model_copy(
        update={
            "to_status": CaseStatus.REJECTED,
            "public_message": "Geweigerd",
            "changed_at": newer.changed_at - timedelta(minutes=1),
        }
    )
    await publish_case_event(js, newer)  # before its case exists: retried with backoff
    await asyncio.sleep(0.3)
    await publish_case_event(js, case)

    def progressing(response: httpx.Response) -> bool:
        return response.status_code == 200 and response.json()[0]["status_notes"] is not None

    found = await eventually(partial(get_one, client, number), progressing, within=15)
    assert found.json()[0]["status_notes"] == "Ploeg onderweg"

    stale = await publish_case_event(js, older)
    deadline = asyncio.get_running_loop().time() + 10
    while not await handled(admin_engine, SCHEMA, "intake-cases", str(stale.id)):
        assert asyncio.get_running_loop().time() < deadline, "stale event never handled"
        await asyncio.sleep(0.1)
    [request] = (await get_one(client, number)).json()
    assert (request["status"], request["status_notes"]) == ("open", "Ploeg onderweg")


async def test_idempotency_key_replays_the_first_answer(
    client: httpx.AsyncClient, admin_engine: AsyncEngine
) -> None:
    key = str(uuid7())
    fields = dict(form(service_code="wegdek"))
    first = await client.post(
        "/open311/v2/requests.json", data=fields, headers={"Idempotency-Key": key}
    )
    again = await client.post(
        "/open311/v2/requests.json", data=fields, headers={"Idempotency-Key": key}
    )
    assert first.status_code == again.status_code == 201, again.text
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    async with admin_engine.connect() as connection:
        query = text("SELECT count(*) FROM intake.report WHERE tracking_number = :n")
        count = await connection.execute(query, {"n": first.json()[0]["service_request_id"]})
        assert count.scalar_one() == 1
    changed = await client.post(
        "/open311/v2/requests.json",
        data={**fields, "description": "iets anders"},
        headers={"Idempotency-Key": key},
    )
    assert changed.status_code == 400
    assert changed.headers["Guichet-Error-Code"] == "report.idempotency_key_reused"
