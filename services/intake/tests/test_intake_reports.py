"""POST /v1/reports (JSON) and GET /v1/reports/{tracking_number} against the real stack."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from uuid import NAMESPACE_URL, uuid1, uuid4, uuid5

import asyncpg
import httpx
import pytest
from nats.js import JetStreamContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from guichet_kit.db.driver import pooled_driver_connection
from guichet_testing.apps import serve
from guichet_testing.directory import (
    EUPEN,
    IN_LEEUW,
    IN_SOIGNIES,
    LEEUW,
    OUTSIDE,
    SOIGNIES,
    category,
    publish,
    snapshot,
    wait_for_revision,
)
from guichet_testing.oidc import TokenFactory
from guichet_testing.statements import statements_sent
from intake.main import create_app
from intake.reports import service
from intake.settings import Settings

Footprint = Any
TakeFootprint = Callable[[], Awaitable[Footprint]]
EventsOf = Callable[..., Awaitable[list[dict[str, Any]]]]
TRACKING = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")

pytestmark = pytest.mark.usefixtures("directory")


def dumping(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "category": "sluikstort",
        "description": "Zakken afval langs de weg",
        "location": IN_LEEUW,
        "answers": {"volume_m3": "1.5", "hazard": "no"},
        "contact": {"name": "An Peeters", "email": "an@example.be"},
        "language": "nl",
    }
    body.update(changes)
    return body


async def test_json_report_is_accepted_stored_and_published(
    client: httpx.AsyncClient, admin_engine: AsyncEngine, events_of: EventsOf
) -> None:
    response = await client.post("/v1/reports", json=dumping(address="Bergensesteenweg 1"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert TRACKING.match(body["tracking_number"])
    assert body["municipality"] == {"nis": LEEUW, "name": "Sint-Pieters-Leeuw"}
    assert len(body["tracking_token"]) >= 40
    assert response.headers["location"] == f"/v1/reports/{body['tracking_number']}"

    async with admin_engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT tenant_id, channel, reporter_kind, contact_email, "
                    "ST_Y(location) AS lat, ST_X(location) AS lon FROM intake.report WHERE id = :id"
                ),
                {"id": body["report_id"]},
            )
        ).one()
        stored_hash = (
            await connection.execute(
                text("SELECT token_hash FROM intake.report_locator WHERE report_id = :id"),
                {"id": body["report_id"]},
            )
        ).scalar_one()
    assert (row.tenant_id, row.channel, row.reporter_kind) == (LEEUW, "web", "contact")
    assert row.contact_email == "an@example.be"
    assert (row.lat, row.lon) == (IN_LEEUW["lat"], IN_LEEUW["lon"])
    assert body["tracking_token"].encode() not in stored_hash  # only a hash is kept

    [event] = await events_of(body["report_id"])
    assert event["type"] == "report.submitted"
    assert event["tenant_id"] == LEEUW
    report = event["data"]["report"]
    assert report["tracking_number"] == body["tracking_number"]
    assert (
        report["tracking_token_sha256"]
        == hashlib.sha256(body["tracking_token"].encode()).hexdigest()
    )
    assert report["category_code"] == "sluikstort"
    assert report["answers"] == {"volume_m3": "1.5", "hazard": "no"}
    assert report["reporter"]["kind"] == "contact"
    assert report["photos"] == []


async def test_correlation_id_of_the_request_travels_with_the_event(
    client: httpx.AsyncClient, events_of: EventsOf
) -> None:
    correlation = str(uuid4())
    response = await client.post(
        "/v1/reports", json=dumping(), headers={"X-Correlation-ID": correlation}
    )
    assert response.status_code == 201
    [event] = await events_of(response.json()["report_id"])
    assert event["correlation_id"] == correlation


async def test_reporter_follows_own_report_with_token_only(client: httpx.AsyncClient) -> None:
    first = (await client.post("/v1/reports", json=dumping())).json()
    second = (await client.post("/v1/reports", json=dumping(description="Ander"))).json()
    number, token = first["tracking_number"], first["tracking_token"]

    own = await client.get(f"/v1/reports/{number}", headers={"X-Tracking-Token": token})
    assert own.status_code == 200, own.text
    assert own.json()["description"] == "Zakken afval langs de weg"
    assert own.json()["location"] == IN_LEEUW
    # Typed by a person: lower case, no hyphens, O for 0 and L for 1 still work.
    typed = number.replace("-", "").lower().replace("0", "o").replace("1", "l")
    assert (
        await client.get(f"/v1/reports/{typed}", headers={"X-Tracking-Token": token})
    ).status_code == 200

    for attempt in (
        {"X-Tracking-Token": second["tracking_token"]},  # another report's token
        {"X-Tracking-Token": token[:-2] + "xx"},
        {},
    ):
        denied = await client.get(f"/v1/reports/{number}", headers=attempt)
        assert denied.status_code == 404
        assert denied.headers["content-type"].startswith("application/problem+json")
    assert (
        await client.get("/v1/reports/0000-0000-0000", headers={"X-Tracking-Token": token})
    ).status_code == 404


async def test_account_reports_and_other_towns_staff_sees_nothing(
    client: httpx.AsyncClient, tokens: TokenFactory, events_of: EventsOf
) -> None:
    agent = await tokens("agent.leeuw")
    response = await client.post(
        "/v1/reports", json=dumping(channel="agent_app", contact=None), headers=agent.bearer
    )
    assert response.status_code == 201, response.text
    body = response.json()
    [event] = await events_of(body["report_id"])
    reporter = event["data"]["report"]["reporter"]
    assert reporter["kind"] == "account"
    assert reporter["is_staff"] is True
    assert reporter["account_subject"]

    # The account that reported can follow it without the token.
    own = await client.get(f"/v1/reports/{body['tracking_number']}", headers=agent.bearer)
    assert own.status_code == 200
    # Staff of another town (55040) sees nothing of a 23077 report.
    other = await tokens("staff.soignies")
    denied = await client.get(f"/v1/reports/{body['tracking_number']}", headers=other.bearer)
    assert denied.status_code == 404


async def test_a_signed_in_citizen_can_still_report_anonymously(
    client: httpx.AsyncClient, tokens: TokenFactory, events_of: EventsOf, admin_engine: AsyncEngine
) -> None:
    citizen = await tokens("citizen.eid")
    response = await client.post(
        "/v1/reports", json=dumping(contact=None, anonymous=True), headers=citizen.bearer
    )
    assert response.status_code == 201, response.text
    body = response.json()
    [event] = await events_of(body["report_id"])
    assert event["data"]["report"]["reporter"]["kind"] == "anonymous"
    assert event["data"]["report"]["reporter"]["account_subject"] is None
    async with admin_engine.connect() as connection:
        stored = (
            await connection.execute(
                text("SELECT reporter_kind, account_subject FROM intake.report WHERE id = :id"),
                {"id": body["report_id"]},
            )
        ).one()
    assert tuple(stored) == ("anonymous", None)
    # Not linked to the account: only the tracking token follows it.
    assert (
        await client.get(f"/v1/reports/{body['tracking_number']}", headers=citizen.bearer)
    ).status_code == 404


async def test_counter_channel_needs_staff_role(
    client: httpx.AsyncClient, tokens: TokenFactory, footprint: TakeFootprint, events_of: EventsOf
) -> None:
    before = await footprint()
    citizen = await tokens("citizen.eid")
    for headers in ({}, citizen.bearer, (await tokens("agent.leeuw")).bearer):
        refused = await client.post("/v1/reports", json=dumping(channel="counter"), headers=headers)
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "report.channel_requires_staff"
    assert await footprint() == before

    # Soignies' counter takes a report about Leeuw: it lands in 23077, received via 55040.
    staff = await tokens("staff.soignies")
    taken = await client.post("/v1/reports", json=dumping(channel="counter"), headers=staff.bearer)
    assert taken.status_code == 201, taken.text
    assert taken.json()["municipality"]["nis"] == LEEUW
    [event] = await events_of(taken.json()["report_id"])
    assert event["data"]["report"]["received_via"] == SOIGNIES
    assert event["data"]["report"]["channel"] == "counter"


async def test_open311_channel_is_reserved(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/reports", json=dumping(channel="open311"))
    assert response.status_code == 422
    assert response.json()["code"] == "report.channel_reserved"


async def test_point_outside_every_municipality_in_the_users_language(
    client: httpx.AsyncClient, footprint: TakeFootprint
) -> None:
    before = await footprint()
    dutch = await client.post("/v1/reports", json=dumping(location=OUTSIDE))
    assert dutch.status_code == 422
    assert dutch.json()["code"] == "report.outside_municipalities"
    assert "gemeente" in dutch.json()["detail"]
    french = await client.post(
        "/v1/reports",
        json=dumping(location=OUTSIDE, language=None),
        headers={"Accept-Language": "fr-BE"},
    )
    assert "commune" in french.json()["detail"]
    assert await footprint() == before


async def test_unknown_category_lists_the_valid_codes(
    client: httpx.AsyncClient, footprint: TakeFootprint
) -> None:
    before = await footprint()
    response = await client.post(
        "/v1/reports", json=dumping(category="depot_clandestin", answers={})
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "report.unknown_category"
    assert problem["valid_codes"] == ["sluikstort", "wegdek"]  # Leeuw's, not Soignies'
    assert await footprint() == before
    in_soignies = await client.post(
        "/v1/reports",
        json=dumping(category="depot_clandestin", answers={}, location=IN_SOIGNIES),
    )
    assert in_soignies.status_code == 201
    assert in_soignies.json()["municipality"]["nis"] == SOIGNIES


@pytest.mark.parametrize(
    ("answers", "problems"),
    [
        ({}, [{"question": "volume_m3", "problem": "required"}]),
        ({"volume_m3": "veel"}, [{"question": "volume_m3", "problem": "not_a_number"}]),
        (
            {"volume_m3": "2", "hazard": "maybe", "colour": "red"},
            [
                {"question": "colour", "problem": "unknown"},
                {"question": "hazard", "problem": "not_an_option"},
            ],
        ),
    ],
)
async def test_answers_are_checked_against_the_questions(
    client: httpx.AsyncClient,
    footprint: TakeFootprint,
    answers: dict[str, str],
    problems: list[dict[str, str]],
) -> None:
    before = await footprint()
    response = await client.post("/v1/reports", json=dumping(answers=answers))
    assert response.status_code == 422
    assert response.json()["code"] == "report.invalid_answers"
    assert response.json()["errors"] == problems
    assert await footprint() == before


async def test_subcategory_must_belong_to_the_category(client: httpx.AsyncClient) -> None:
    ok = await client.post("/v1/reports", json=dumping(subcategory="sluikstort_other"))
    assert ok.status_code == 201
    wrong = await client.post("/v1/reports", json=dumping(subcategory="wegdek_other"))
    assert wrong.status_code == 422
    assert wrong.json()["valid_codes"] == ["sluikstort_other"]


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b'{"category": "sluikstort", ', "application/json", 400, "request.malformed_json"),
        (
            b"category=sluikstort",
            "application/x-www-form-urlencoded",
            415,
            "report.unsupported_content_type",
        ),
        (
            b'{"category": 12, "location": {"lat": "north"}}',
            "application/json",
            422,
            "request.validation_failed",
        ),
        (b"[1, 2]", "application/json", 422, "request.validation_failed"),
        (b"[" * 900 + b"]" * 900, "application/json", 400, "request.json_too_deep"),
        (  # deep inside a field, under the interpreter's recursion limit
            b'{"category": "sluikstort", "answers": {"hazard": ' + b"[" * 40 + b"]" * 40 + b"}}",
            "application/json",
            400,
            "request.json_too_deep",
        ),
    ],
)
async def test_bad_input_is_a_clear_problem_and_changes_nothing(
    client: httpx.AsyncClient,
    footprint: TakeFootprint,
    content: bytes,
    content_type: str,
    status: int,
    code: str,
) -> None:
    before = await footprint()
    response = await client.post(
        "/v1/reports", content=content, headers={"Content-Type": content_type}
    )
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code
    assert await footprint() == before


async def test_wrong_types_name_the_fields(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/reports", json=dumping(location={"lat": "north", "lon": 4.2}, description="")
    )
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"body.location.lat", "body.description"}


async def test_idempotent_retry_returns_the_same_response_once(
    client: httpx.AsyncClient, admin_engine: AsyncEngine, events_of: EventsOf
) -> None:
    key = str(uuid4())
    first = await client.post("/v1/reports", json=dumping(), headers={"Idempotency-Key": key})
    again = await client.post("/v1/reports", json=dumping(), headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    report_id = first.json()["report_id"]
    async with admin_engine.connect() as connection:
        count = await connection.execute(
            text("SELECT count(*) FROM intake.report WHERE tracking_number = :n"),
            {"n": first.json()["tracking_number"]},
        )
        assert count.scalar_one() == 1
    assert len(await events_of(report_id, expect=2, within=1.5)) == 1

    changed = await client.post(
        "/v1/reports", json=dumping(description="Iets anders"), headers={"Idempotency-Key": key}
    )
    assert changed.status_code == 422
    assert changed.json()["code"] == "report.idempotency_key_reused"

    # The key is the caller's: the same key from an account is another submission.
    # (anonymous scope above; a bad key format is refused up front)
    bad = await client.post("/v1/reports", json=dumping(), headers={"Idempotency-Key": "short"})
    assert bad.status_code == 400


async def test_concurrent_retries_make_one_report(
    client: httpx.AsyncClient, admin_engine: AsyncEngine, events_of: EventsOf
) -> None:
    key = str(uuid4())
    body = dumping(description="Tegelijk verstuurd")
    responses = await asyncio.gather(
        *(client.post("/v1/reports", json=body, headers={"Idempotency-Key": key}) for _ in range(8))
    )
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    assert len({r.json()["report_id"] for r in responses}) == 1
    assert len({r.json()["tracking_token"] for r in responses}) == 1
    async with admin_engine.connect() as connection:
        count = await connection.execute(
            text("SELECT count(*) FROM intake.report WHERE id = :id"),
            {"id": responses[0].json()["report_id"]},
        )
        assert count.scalar_one() == 1
    assert len(await events_of(responses[0].json()["report_id"], expect=2, within=1.5)) == 1


async def test_key_is_scoped_per_caller(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    key = str(uuid4())
    anonymous = await client.post("/v1/reports", json=dumping(), headers={"Idempotency-Key": key})
    citizen = await tokens("citizen.eid")
    account = await client.post(
        "/v1/reports", json=dumping(), headers={"Idempotency-Key": key, **citizen.bearer}
    )
    assert anonymous.status_code == account.status_code == 201
    assert anonymous.json()["report_id"] != account.json()["report_id"]
    assert anonymous.json()["tracking_token"] != account.json()["tracking_token"]
    assert "idempotent-replayed" not in account.headers


@pytest.mark.parametrize(
    "key",
    [
        "report-2026-0001",  # a counter
        hashlib.sha256(b"Zakken afval langs de weg").hexdigest(),  # derived from the report
        str(uuid5(NAMESPACE_URL, "https://example.be/report/1")),  # a UUID, but derived
        str(uuid1()),  # a UUID, but from a clock and a node
        uuid4().hex,  # random, but not in the UUID form
    ],
)
async def test_an_anonymous_key_must_be_a_random_uuid(
    client: httpx.AsyncClient, footprint: TakeFootprint, tokens: TokenFactory, key: str
) -> None:
    """Anonymous callers share one scope: a key anyone could know or derive would hand the
    first caller's receipt, tracking token included, to whoever sends the same report with
    it. So nothing is accepted under such a key; an account's keys are its own."""
    before = await footprint()
    refused = await client.post("/v1/reports", json=dumping(), headers={"Idempotency-Key": key})
    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == "report.anonymous_idempotency_key"
    assert "UUID" in refused.json()["detail"]
    assert await footprint() == before
    citizen = await tokens("citizen.eid")
    signed_in = {"Idempotency-Key": key, **citizen.bearer}
    assert (await client.post("/v1/reports", json=dumping(), headers=signed_in)).status_code == 201


async def test_a_report_costs_one_read_and_one_write(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hot path's round trips (ADRs 0014, 0020): the read (earlier answer to the key and
    town at the point) and the write, which claims the key itself; a replay only reads."""
    assert (await client.post("/v1/reports", json=dumping())).status_code == 201  # town known
    logs: list[list[str]] = []

    @asynccontextmanager
    async def logged(engine: AsyncEngine) -> AsyncIterator[asyncpg.Connection]:
        async with pooled_driver_connection(engine) as connection:
            with statements_sent(connection, "intake") as statements:
                yield connection
            logs.append(statements)

    monkeypatch.setattr(service, "pooled_driver_connection", logged)
    key = {"Idempotency-Key": str(uuid4())}
    assert (await client.post("/v1/reports", json=dumping(), headers=key)).status_code == 201
    await asyncio.sleep(0)  # the in-process client returns before asyncpg's logging ran
    read, write = (statement for log in logs for statement in log)
    assert "intake.municipality" in read
    assert '"intake"."idempotency_record"' in write
    assert '"intake"."outbox"' in write
    replay = await client.post("/v1/reports", json=dumping(), headers=key)
    assert replay.headers["idempotent-replayed"] == "true"
    await asyncio.sleep(0)
    assert [statement for log in logs[1:] for statement in log] == [read]


async def test_a_point_on_a_shared_border_goes_to_the_lowest_nis(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/reports", json=dumping(location={"lat": 50.75, "lon": 4.30}))
    assert response.status_code == 201
    assert response.json()["municipality"]["nis"] == LEEUW
    east = await client.post(
        "/v1/reports",
        json=dumping(category="strasse", answers={}, location={"lat": 50.75, "lon": 4.35}),
    )
    assert east.json()["municipality"]["nis"] == EUPEN


async def test_a_new_directory_revision_changes_the_categories_accepted_at_once(
    client: httpx.AsyncClient,
    directory: dict[str, int],
    js: JetStreamContext,
    admin_engine: AsyncEngine,
) -> None:
    """The categories are kept in memory per revision: a new snapshot must still apply."""
    in_eupen = {"lat": 50.75, "lon": 4.35}
    street = {"category": "strasse", "description": "Schlagloch", "location": in_eupen}
    noise = {**street, "category": "laerm", "description": "Lärm"}
    assert (await client.post("/v1/reports", json=street)).status_code == 201  # now in memory

    newer = directory[EUPEN] + 100
    await publish(js, snapshot(EUPEN, newer, [category("laerm")]))
    await wait_for_revision(admin_engine, "intake", EUPEN, newer)
    try:
        refused = await client.post("/v1/reports", json=street)
        assert refused.status_code == 422
        assert refused.json()["code"] == "report.unknown_category"
        assert (await client.post("/v1/reports", json=noise)).status_code == 201
    finally:
        await publish(js, snapshot(EUPEN, newer + 1))
        await wait_for_revision(admin_engine, "intake", EUPEN, newer + 1)
    assert (await client.post("/v1/reports", json=street)).status_code == 201


@pytest.mark.parametrize(
    "changes",
    [
        {"description": "Zakken\x00afval"},
        {"answers": {"volume_m3": "1\x00", "hazard": "no"}},
        {"contact": {"name": "An\x00", "email": "an@example.be"}},
    ],
)
async def test_a_nul_character_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, footprint: TakeFootprint, changes: dict[str, Any]
) -> None:
    before = await footprint()
    response = await client.post("/v1/reports", json=dumping(**changes))
    assert response.status_code == 422, response.text
    assert "U+0000" in response.text
    assert await footprint() == before


async def test_a_town_s_first_reports_need_one_connection_each(settings: Settings) -> None:
    """Reading a town's categories (not yet in memory) uses the connection the request holds:
    with a second one from the pool, requests holding every pooled connection would all wait
    for one more (the pool has no overflow)."""
    app = create_app(settings.model_copy(update={"database_pool_size": 1}))
    async with serve(app) as http:
        answers = await asyncio.wait_for(
            asyncio.gather(*(http.post("/v1/reports", json=dumping()) for _ in range(3))), 10
        )
    assert [answer.status_code for answer in answers] == [201, 201, 201]


async def test_a_report_with_an_invalid_token_is_refused_not_taken_as_anonymous(
    client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    citizen = await tokens("citizen.eid")
    tampered = {"Authorization": citizen.bearer["Authorization"][:-4] + "AAAA"}
    key = {"Idempotency-Key": str(uuid4())}
    refused = await client.post("/v1/reports", json=dumping(), headers={**tampered, **key})
    assert refused.status_code == 401, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    # Nothing was stored under the key: the same key without a token is a first submission.
    assert (await client.post("/v1/reports", json=dumping(), headers=key)).status_code == 201


async def test_a_report_without_language_speaks_accept_language_else_the_account_locale(
    client: httpx.AsyncClient, tokens: TokenFactory, events_of: EventsOf
) -> None:
    """The kit's profile language, as every service: the header wins over the locale."""
    staff = await tokens("staff.soignies")  # locale fr
    for accept_language, language in ((None, "fr"), ("nl", "nl")):
        headers = dict(staff.bearer)
        if accept_language:
            headers["Accept-Language"] = accept_language
        taken = await client.post(
            "/v1/reports", json=dumping(channel="counter", language=None), headers=headers
        )
        assert taken.status_code == 201, taken.text
        [event] = await events_of(taken.json()["report_id"])
        assert event["data"]["report"]["reporter"]["language"] == language, accept_language
