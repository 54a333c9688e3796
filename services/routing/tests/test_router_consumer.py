"""The router over real NATS: report.submitted in INTAKE → routing.decided in ROUTING."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import nats
import pytest
from nats.js import JetStreamContext
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.envelope import Envelope
from guichet_contracts.events.case import CaseCreated, CaseMerged, CaseStatusChanged
from guichet_contracts.events.report import ReportContent, Reporter, ReportSubmitted
from guichet_contracts.events.routing import RoutingDecided
from guichet_contracts.ids import uuid7
from guichet_contracts.values import (
    Actor,
    ActorKind,
    CaseStatus,
    Channel,
    Confidentiality,
    GeoPoint,
    Priority,
)
from guichet_kit.bus.handover import hand_over_on_commit
from guichet_kit.db import tenant_transaction
from guichet_kit.db.driver import driver_connection
from guichet_testing.database import ServiceDatabase
from guichet_testing.nats import NatsServer
from guichet_testing.statements import statements_sent
from routing.directory.seed import SeedReport
from routing.models import Decision, OpenCase, outbox
from routing.open_cases.handlers import handle_case_events
from routing.open_cases.repository import set_statuses
from routing.router.repository import (
    _SITUATIONS,
    Situation,
    situations,
    situations_arguments,
)
from routing.router.service import RouterConfig, route_reports
from routing.rules.repository import replace_rules
from routing.rules.schemas import RuleBody
from routing.rules.validation import ValidRule

Auth = Callable[[str], Awaitable[dict[str, str]]]
LEEUW, SOIGNIES = "23077", "55040"
CENTRE = (4.2437, 50.7797)  # Sint-Pieters-Leeuw, inside its boundary
DECIDED_AT = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
SATURDAY_NIGHT = datetime(2026, 11, 21, 1, 30, tzinfo=UTC)  # 02:30 in Brussels
TUESDAY_NOON = datetime(2026, 11, 17, 11, 0, tzinfo=UTC)

NIGHT_RULE: dict[str, Any] = {
    "name": "Night on-call",
    "categories": ["illegal_dumping"],
    "time_window": {"start": "22:00", "end": "06:00"},
    "departments": ["SAFETY", "CLEAN"],
    "priority": "urgent",
    "sla_business_days": 1,
    "confidentiality": "internal",
}
ASBESTOS_RULE: dict[str, Any] = {
    "name": "Asbestos",
    "keywords": ["asbest", "amiante"],
    "departments": ["ENV"],
    "priority": "high",
    "sla_business_days": 2,
}


def report(
    *,
    category: str = "illegal_dumping",
    description: str = "Sluikstort aan de hoek",
    at: datetime = TUESDAY_NOON,
    where: tuple[float, float] = CENTRE,
    received_via: str | None = None,
) -> ReportContent:
    report_id = uuid7()
    return ReportContent(
        report_id=report_id,
        tracking_number=f"T-{report_id.hex[-8:]}",
        submitted_at=at,
        channel=Channel.WEB,
        received_via=received_via,
        category_code=category,
        description=description,
        location=GeoPoint(lon=where[0], lat=where[1]),
        reporter=Reporter(kind="anonymous", language="nl"),
    )


def submitted(content: ReportContent, tenant: str = LEEUW) -> Envelope:
    return Envelope.build(ReportSubmitted(report=content), tenant_id=tenant, correlation_id=uuid7())


async def publish(js: JetStreamContext, envelope: Envelope, msg_id: str | None = None) -> None:
    await js.publish(
        envelope.subject, envelope.to_bytes(), headers={"Nats-Msg-Id": msg_id or str(envelope.id)}
    )


async def decisions_for(
    js: JetStreamContext, report_id: UUID, *, expect: int = 1, wait: float = 10.0
) -> list[Envelope]:
    """The routing.decided envelopes of one report found in ROUTING within `wait` seconds
    (returns as soon as `expect` are there; waits the whole time when expecting more)."""
    found: list[Envelope] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while loop.time() < deadline:
        found = []
        sub = await js.pull_subscribe("guichet.*.routing.decided.v1", stream="ROUTING")
        try:
            while True:
                try:
                    msgs = await sub.fetch(100, timeout=0.2)
                except TimeoutError:
                    break
                for msg in msgs:
                    envelope = Envelope.from_bytes(msg.data)
                    if envelope.payload(RoutingDecided).report.report_id == report_id:
                        found.append(envelope)
        finally:
            await sub.unsubscribe()
        if len(found) >= expect:
            return found
        await asyncio.sleep(0.1)
    return found


@pytest.fixture
async def js(nats_server: NatsServer) -> AsyncIterator[JetStreamContext]:
    connection = await nats.connect(nats_server.url)
    yield connection.jetstream()
    await connection.close()


@pytest.fixture
async def routing(
    run_routing: Any, routing_db: ServiceDatabase, seeded: SeedReport, auth: Auth
) -> AsyncIterator[httpx.AsyncClient]:
    config = RouterConfig(duplicate_window=timedelta(days=30), clock=lambda: DECIDED_AT)
    async with run_routing(routing_db, config) as client:
        response = await client.put(
            f"/v1/municipalities/{LEEUW}/rules",
            json={"rules": [NIGHT_RULE, ASBESTOS_RULE]},
            headers=await auth("admin.leeuw"),
        )
        assert response.status_code == 200, response.text
        yield client


async def test_first_matching_rule_decides_and_says_why(
    routing: httpx.AsyncClient, js: JetStreamContext, auth: Auth
) -> None:
    content = report(description="Plaques d'AMIANTE", at=SATURDAY_NIGHT)
    cause = submitted(content)
    await publish(js, cause)

    (event,) = await decisions_for(js, content.report_id)

    decided = event.payload(RoutingDecided)
    assert (event.tenant_id, event.correlation_id, event.causation_id) == (
        LEEUW,
        cause.correlation_id,
        cause.id,
    )
    assert decided.departments == ["SAFETY", "CLEAN"]  # the night rule comes first
    assert decided.rule.name == "Night on-call"
    assert decided.rule.rule_id is not None
    assert "Sat 02:30 within every day 22:00-06:00" in decided.rule.explanation
    assert (decided.priority, decided.confidentiality) == (
        Priority.URGENT,
        Confidentiality.INTERNAL,
    )
    assert decided.decided_at == DECIDED_AT  # the injected clock
    assert (decided.outcome, decided.handed_over_from) == ("new_case", None)

    response = await client_get_decision(routing, auth, "staff.leeuw", LEEUW, content.report_id)
    assert response.status_code == 200
    view = response.json()
    assert view["rule_name"] == "Night on-call"
    assert view["rules_tried"] == [{"rule": "Night on-call", "result": "matched"}]


async def test_second_rule_then_category_defaults(
    routing: httpx.AsyncClient, js: JetStreamContext, auth: Auth
) -> None:
    asbestos = report(description="Gebroken asbestplaten", at=TUESDAY_NOON)
    plain = report(category="graffiti", description="Tags op de muur")
    await publish(js, submitted(asbestos))
    await publish(js, submitted(plain))

    (first,) = await decisions_for(js, asbestos.report_id)
    (second,) = await decisions_for(js, plain.report_id)

    by_rule = first.payload(RoutingDecided)
    assert (by_rule.departments, by_rule.rule.name) == (["ENV"], "Asbestos")
    assert by_rule.confidentiality == Confidentiality.PUBLIC  # the category's: no override
    defaults = second.payload(RoutingDecided)
    assert defaults.departments == ["CLEAN"]
    assert (defaults.rule.rule_id, defaults.rule.name) == (None, "category defaults")
    view = (
        await client_get_decision(routing, auth, "coordinator.leeuw", LEEUW, plain.report_id)
    ).json()
    assert [t["result"].split(":")[0] for t in view["rules_tried"]] == ["not matched"] * 2


async def test_a_report_taken_by_another_town_is_handed_over(
    routing: httpx.AsyncClient, js: JetStreamContext
) -> None:
    content = report(category="graffiti", received_via=SOIGNIES)
    await publish(js, submitted(content))

    (event,) = await decisions_for(js, content.report_id)

    assert event.tenant_id == LEEUW
    assert event.payload(RoutingDecided).handed_over_from == SOIGNIES


async def test_a_report_near_an_open_case_is_a_duplicate(
    routing: httpx.AsyncClient, js: JetStreamContext, app_sessions: Any
) -> None:
    spot = (4.2500, 50.7700)
    case_id = uuid7()
    created = case_created(case_id, spot, datetime.now(UTC) - timedelta(days=2))
    await publish(js, Envelope.build(created, tenant_id=LEEUW, correlation_id=uuid7()))
    await wait_for_open_case(app_sessions, case_id)

    near = report(
        category="dirty_public_space", where=(spot[0] + 0.0002, spot[1]), at=datetime.now(UTC)
    )
    far = report(
        category="dirty_public_space", where=(spot[0] + 0.002, spot[1]), at=datetime.now(UTC)
    )
    other_category = report(category="graffiti", where=spot, at=datetime.now(UTC))
    for content in (near, far, other_category):
        await publish(js, submitted(content))

    (duplicate,) = await decisions_for(js, near.report_id)
    (new_far,) = await decisions_for(js, far.report_id)
    (new_other,) = await decisions_for(js, other_category.report_id)
    assert duplicate.payload(RoutingDecided).outcome == "duplicate"  # ~14 m, radius 30 m
    assert duplicate.payload(RoutingDecided).duplicate_of_case_id == case_id
    assert new_far.payload(RoutingDecided).outcome == "new_case"  # ~140 m away
    assert new_other.payload(RoutingDecided).outcome == "new_case"


async def test_redelivered_or_replayed_report_gets_one_decision(
    routing: httpx.AsyncClient, js: JetStreamContext, app_sessions: Any
) -> None:
    content = report(category="graffiti")
    envelope = submitted(content)
    await publish(js, envelope)
    await publish(js, envelope, msg_id=f"{envelope.id}-again")  # same event stored twice
    await publish(js, submitted(content))  # same report, a new event id

    found = await decisions_for(js, content.report_id, expect=2, wait=3.0)

    assert len(found) == 1
    async with tenant_transaction(app_sessions, LEEUW) as session:
        rows = await session.scalar(
            select(func.count())
            .select_from(Decision)
            .where(Decision.report_id == content.report_id)
        )
    assert rows == 1


async def test_decisions_are_visible_to_their_town_staff_only(
    routing: httpx.AsyncClient, js: JetStreamContext, auth: Auth
) -> None:
    content = report(category="graffiti")
    await publish(js, submitted(content))
    await decisions_for(js, content.report_id)

    other_town = await client_get_decision(
        routing, auth, "staff.soignies", LEEUW, content.report_id
    )
    via_own_path = await client_get_decision(
        routing, auth, "staff.soignies", SOIGNIES, content.report_id
    )
    citizen = await client_get_decision(routing, auth, "citizen.eid", LEEUW, content.report_id)
    unknown = await client_get_decision(routing, auth, "staff.leeuw", LEEUW, uuid7())

    assert other_town.status_code == 404
    assert via_own_path.status_code == 404  # RLS: not in Soignies' decisions
    assert citizen.status_code == 404
    assert unknown.status_code == 404


async def client_get_decision(
    client: httpx.AsyncClient, auth: Auth, username: str, nis: str, report_id: UUID
) -> httpx.Response:
    return await client.get(
        f"/v1/municipalities/{nis}/decisions/{report_id}", headers=await auth(username)
    )


async def situation(session: AsyncSession, asked: ReportContent, since: datetime) -> Situation:
    (found,) = await situations(session, [(asked, since)])
    return found


async def route_report(
    session: AsyncSession, envelope: Envelope, config: RouterConfig
) -> RoutingDecided | None:
    """A batch of one."""
    decided = await route_reports(session, [envelope], config)
    return decided[0] if decided else None


async def wait_for_open_case(app_sessions: Any, case_id: UUID, wait: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while loop.time() < deadline:
        async with tenant_transaction(app_sessions, LEEUW) as session:
            if await session.get(OpenCase, case_id) is not None:
                return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"case {case_id} never reached the open-case projection")


async def test_situation_of_an_unknown_category_says_so_in_one_read(
    seeded: SeedReport, app_sessions: Any
) -> None:
    unknown = report(category="no_such_category", at=datetime.now(UTC))
    known = report(at=datetime.now(UTC))
    since = datetime.now(UTC) - timedelta(days=30)
    async with tenant_transaction(app_sessions, LEEUW) as session:
        missing = await situation(session, unknown, since)
        found = await situation(session, known, since)
    assert (missing.already_decided, missing.category, missing.duplicate_of) == (False, None, None)
    assert [rule.name for rule in missing.rules.rules] == [rule.name for rule in found.rules.rules]
    assert found.category is not None
    assert (found.category.code, found.category.department) == ("illegal_dumping", "CLEAN")
    assert found.already_decided is False


async def test_a_report_whose_category_left_the_directory_is_not_lost(
    routing: httpx.AsyncClient, js: JetStreamContext
) -> None:
    """Intake accepted it before the category was deleted: it still gets a decision, internal,
    to the first municipal department, saying why."""
    orphan = report(category="category_deleted_since", at=datetime.now(UTC))
    await publish(js, submitted(orphan))

    (decision,) = await decisions_for(js, orphan.report_id)
    decided = decision.payload(RoutingDecided)
    assert decided.outcome == "new_case"
    assert decided.departments == ["CLEAN"]  # Leeuw's first municipal department by code
    assert decided.confidentiality == Confidentiality.INTERNAL
    assert decided.rule.name == "category not in the directory"
    assert "category_deleted_since" in decided.rule.explanation


# What one routing and one case event write, called in a transaction as the consumers do.

CONFIG = RouterConfig(clock=lambda: DECIDED_AT)


async def test_one_routing_writes_the_decision_and_queues_its_event(
    fresh_routing: Any,
) -> None:
    content = report(category="graffiti", received_via=SOIGNIES)
    handed: list[Any] = []
    before = dict(fresh_routing.sessions.kw.get("info", {}))
    hand_over_on_commit(fresh_routing.sessions, handed.extend)
    try:
        async with tenant_transaction(fresh_routing.sessions, LEEUW) as session:
            decided = await route_report(session, submitted(content), CONFIG)
            assert handed == []  # not before the commit
    finally:
        fresh_routing.sessions.configure(info=before)

    async with fresh_routing.admin_engine.connect() as connection:
        decision = (
            await connection.execute(
                select(Decision.__table__).where(Decision.report_id == content.report_id)
            )
        ).one()
        queued = (
            await connection.execute(select(outbox).where(outbox.c.id == decision.event_id))
        ).one()
    event = Envelope.from_bytes(queued.payload)
    assert decided is not None
    assert event.payload(RoutingDecided) == decided
    assert (queued.subject, queued.headers) == (event.subject, {})
    assert [(e.id, e.payload) for e in handed] == [(event.id, queued.payload)]  # after commit
    stored = dict(decision._mapping)
    assert isinstance(stored.pop("id"), UUID)
    trace = stored.pop("trace")
    assert stored == {
        "tenant_id": LEEUW,
        "report_id": content.report_id,
        "tracking_number": content.tracking_number,
        "category_code": "graffiti",
        "decided_at": DECIDED_AT,
        "outcome": "new_case",
        "duplicate_of_case_id": None,
        "handed_over_from": SOIGNIES,
        "departments": decided.departments,
        "priority": decided.priority.value,
        "confidentiality": decided.confidentiality.value,
        "sla_business_days": decided.sla_business_days,
        "rule_id": None,
        "rule_name": "category defaults",
        "explanation": decided.rule.explanation,
        "event_id": event.id,
    }
    assert [tried["result"].split(":")[0] for tried in trace] == ["not matched"] * 3


async def test_a_rule_whose_area_covers_the_report_wins(
    fresh_routing: Any, square: Callable[[float, float, float], dict[str, Any]]
) -> None:
    zone = RuleBody(
        name="Industrial zone",
        categories=["graffiti"],
        departments=["ENV"],
        priority=Priority.HIGH,
        sla_business_days=3,
    )
    area = {"type": "MultiPolygon", "coordinates": [square(*CENTRE, 0.001)["coordinates"]]}
    async with tenant_transaction(fresh_routing.sessions, LEEUW) as session:
        await replace_rules(session, LEEUW, [ValidRule(zone, area)])

    async with tenant_transaction(fresh_routing.sessions, LEEUW) as session:
        inside = await route_report(session, submitted(report(category="graffiti")), CONFIG)
        outside = await route_report(
            session, submitted(report(category="graffiti", where=(4.26, 50.78))), CONFIG
        )

    assert inside is not None
    assert outside is not None
    assert (inside.rule.name, inside.departments, inside.priority) == (
        "Industrial zone",
        ["ENV"],
        Priority.HIGH,
    )
    assert "location inside the rule's area" in inside.rule.explanation
    assert (outside.rule.name, outside.departments) == ("category defaults", ["CLEAN"])


async def test_the_open_case_projection_finds_duplicates_while_the_case_is_open(
    fresh_routing: Any,
) -> None:
    spot, now = (4.2350, 50.7750), datetime.now(UTC)
    case_id = uuid7()
    created = case_event(case_created(case_id, spot, now - timedelta(days=1)))
    near = report(category="dirty_public_space", where=(spot[0] + 0.0002, spot[1]), at=now)
    since = now - timedelta(days=30)

    async with tenant_transaction(fresh_routing.sessions, LEEUW) as session:
        await handle_case_events(session, [created])
        await handle_case_events(session, [created])  # redelivered: changes nothing
        while_new = await situation(session, near, since)
        planned = case_event(status_changed(case_id, CaseStatus.PLANNED))
        await handle_case_events(session, [planned])
        while_planned = await situation(session, near, since)
        closed = case_event(status_changed(case_id, CaseStatus.CLOSED))
        await handle_case_events(session, [closed])
        once_closed = await situation(session, near, since)
        unknown = await set_statuses(session, {uuid7(): CaseStatus.CLOSED.value})
    async with tenant_transaction(fresh_routing.sessions, SOIGNIES) as session:
        other_town = await set_statuses(session, {case_id: CaseStatus.NEW.value})  # RLS

    assert while_new.duplicate_of == case_id
    assert while_planned.duplicate_of == case_id
    assert once_closed.duplicate_of is None
    assert (unknown, other_town) == (set(), set())
    async with tenant_transaction(fresh_routing.sessions, LEEUW) as session:
        stored = await session.get(OpenCase, case_id)
    assert stored is not None
    assert stored.status == CaseStatus.CLOSED.value


async def test_a_case_merged_into_another_stops_being_a_duplicate_target(
    fresh_routing: Any,
) -> None:
    spot, now = (4.2300, 50.7800), datetime.now(UTC)
    survivor, merged = uuid7(), uuid7()
    merge = CaseMerged(
        case_id=survivor, case_number="SPL-2026-000003", merged_case_id=merged, supporters=2,
        merged_at=now,
    )  # fmt: skip
    near = report(category="dirty_public_space", where=(spot[0] + 0.0001, spot[1]), at=now)

    async with tenant_transaction(fresh_routing.sessions, LEEUW) as session:
        await handle_case_events(session, [case_event(case_created(merged, spot, now))])
        before = await situation(session, near, now - timedelta(days=1))
        await handle_case_events(session, [case_event(merge)])
        after = await situation(session, near, now - timedelta(days=1))

    assert (before.duplicate_of, after.duplicate_of) == (merged, None)


def case_created(case_id: UUID, spot: tuple[float, float], at: datetime) -> CaseCreated:
    return CaseCreated(
        case_id=case_id,
        case_number="SPL-2026-000002",
        report_id=uuid7(),
        tracking_number="T-2",
        created_at=at,
        category_code="dirty_public_space",
        location=GeoPoint(lon=spot[0], lat=spot[1]),
        departments=["CLEAN"],
        priority=Priority.NORMAL,
        confidentiality=Confidentiality.PUBLIC,
        status=CaseStatus.NEW,
        due_at=at + timedelta(days=5),
    )


def status_changed(case_id: UUID, to: CaseStatus) -> CaseStatusChanged:
    return CaseStatusChanged(
        case_id=case_id,
        case_number="SPL-2026-000002",
        from_status=CaseStatus.NEW,
        to_status=to,
        actor=Actor(kind=ActorKind.SYSTEM),
        changed_at=datetime.now(UTC),
    )


def case_event(payload: CaseCreated | CaseStatusChanged | CaseMerged) -> Envelope:
    return Envelope.build(payload, tenant_id=LEEUW, correlation_id=uuid7())


async def test_a_second_report_of_a_spot_joins_a_case_still_being_opened(
    fresh_routing: Any,
) -> None:
    """No case event yet (cases has not answered): the first report's decision already made
    its case known here, under the report's id, which cases gives the case."""
    spot, now = (4.2375, 50.7725), datetime.now(UTC)
    first = report(category="dirty_public_space", where=spot, at=now)
    second = report(category="dirty_public_space", where=(spot[0] + 0.0001, spot[1]), at=now)

    async with tenant_transaction(fresh_routing.sessions, LEEUW) as session:
        opened = await route_report(session, submitted(first), CONFIG)
    async with tenant_transaction(fresh_routing.sessions, LEEUW) as session:
        joined = await route_report(session, submitted(second), CONFIG)
        created = case_created(first.report_id, spot, now)
        await handle_case_events(session, [case_event(created)])  # cases answers: no change

    assert opened is not None
    assert joined is not None
    assert (opened.outcome, joined.outcome) == ("new_case", "duplicate")
    assert joined.duplicate_of_case_id == first.report_id
    async with tenant_transaction(fresh_routing.sessions, LEEUW) as session:
        rows = (await session.execute(select(OpenCase.case_id))).scalars().all()
    assert list(rows).count(first.report_id) == 1
    assert second.report_id not in rows


async def test_a_towns_reports_are_decided_with_one_read_and_one_write(
    fresh_routing: Any,
) -> None:
    now = datetime.now(UTC)
    categories = ("street_light", "damaged_signage", "noise_nuisance")
    reports = [report(category=c, where=(4.2450, 50.7700), at=now) for c in categories]
    async with tenant_transaction(fresh_routing.sessions, LEEUW) as session:
        connection = await driver_connection(session)
        with statements_sent(connection, "routing") as statements:
            decided = await route_reports(session, [submitted(r) for r in reports], CONFIG)

    assert [d.report.report_id for d in decided] == [r.report_id for r in reports]
    assert {d.outcome for d in decided} == {"new_case"}
    assert len(statements) == 2


async def test_a_report_meeting_its_duplicate_in_the_same_batch_joins_its_case(
    fresh_routing: Any,
) -> None:
    """Decided one at a time, the second report of a spot joins the case the first opens;
    decided in one batch, too (a second round reads after the first is written). A copy
    of a report in the same batch is decided once."""
    spot, now = (4.2410, 50.7760), datetime.now(UTC)
    first = report(category="fallen_tree", where=spot, at=now)
    second = report(category="fallen_tree", where=(spot[0] + 0.0001, spot[1]), at=now)
    elsewhere = report(category="abandoned_vehicle", where=spot, at=now)
    batch = [submitted(first), submitted(second), submitted(elsewhere), submitted(first)]

    async with tenant_transaction(fresh_routing.sessions, LEEUW) as session:
        decided = await route_reports(session, batch, CONFIG)

    outcomes = {d.report.report_id: (d.outcome, d.duplicate_of_case_id) for d in decided}
    assert len(decided) == 3
    assert outcomes == {
        first.report_id: ("new_case", None),
        second.report_id: ("duplicate", first.report_id),
        elsewhere.report_id: ("new_case", None),
    }
    async with fresh_routing.admin_engine.connect() as connection:
        query = (
            select(func.count()).select_from(Decision).where(Decision.report_id == first.report_id)
        )
        assert await connection.scalar(query) == 1


async def test_a_batch_decides_as_one_report_at_a_time_would(fresh_routing: Any) -> None:
    """A opens a case; B, 24 m from A, joins it. C, 44 m from A (beyond the 40 m radius) but
    20 m from B, opens its own. Deciding B after C had opened would have sent B to C's case."""
    now, metre = datetime.now(UTC), 1 / 70_430  # degrees of longitude per metre here
    a, b, c = (
        report(category="overgrown_vegetation", where=(4.2480 + d * metre, 50.7740), at=now)
        for d in (0, 24, 44)
    )
    async with tenant_transaction(fresh_routing.sessions, LEEUW) as session:
        decided = await route_reports(session, [submitted(r) for r in (a, b, c)], CONFIG)

    outcomes = {d.report.report_id: (d.outcome, d.duplicate_of_case_id) for d in decided}
    assert outcomes == {
        a.report_id: ("new_case", None),
        b.report_id: ("duplicate", a.report_id),
        c.report_id: ("new_case", None),
    }


async def test_whether_reports_were_decided_is_probed_never_hashed(fresh_routing: Any) -> None:
    """An EXISTS over a batch's array may become a hash of every decision, built for each
    batch and growing with them: a scalar probe per report never does."""
    asked = [(report(at=datetime.now(UTC)), datetime.now(UTC)) for _ in range(2)]
    async with tenant_transaction(fresh_routing.sessions, LEEUW) as session:
        connection = await driver_connection(session)
        explain = "EXPLAIN (VERBOSE) " + _SITUATIONS  # VERBOSE: how the subplans are used
        rows = await connection.fetch(explain, *situations_arguments(asked))
    plan = "\n".join(row[0] for row in rows)
    assert "hashed SubPlan" not in plan
    assert "decision" in plan


async def test_the_duplicate_search_reads_a_latitude_band_not_the_whole_category(
    fresh_routing: Any,
) -> None:
    """Under row-level security the spatial index cannot serve the app role: the search must
    narrow to the cases near the report's latitude through the btree, whatever their number."""
    now = datetime.now(UTC)
    await fresh_routing.database.execute_admin(
        "INSERT INTO routing.open_case (tenant_id, case_id, category_code, status, created_at,"
        " location) SELECT (ARRAY['23077', '55040', '25050'])[n % 3 + 1],"
        " gen_random_uuid(), 'dirty_public_space', 'new', now(),"
        " ST_MakePoint(p.lon, p.lat)::geography FROM generate_series(1, 6000) AS n,"
        " LATERAL (SELECT 4.0 + (n % 100) * 0.004 AS lon, 50.5 + (n / 100) * 0.004 AS lat) AS p",
        "ANALYZE routing.open_case",
    )
    near = report(category="dirty_public_space", where=(4.2362, 50.7761), at=now)
    since = now - timedelta(days=30)
    async with tenant_transaction(fresh_routing.sessions, LEEUW) as session:
        connection = await driver_connection(session)
        plan = await connection.fetchval(
            "EXPLAIN (FORMAT JSON) " + _SITUATIONS, *situations_arguments([(near, since)])
        )
        found = await situation(session, near, since)
    assert found.duplicate_of is None  # the nearest is ~300 m away
    (band,) = [n for n in _plan_nodes(plan[0]["Plan"]) if "open_case" in n.get("Index Name", "")]
    assert band["Index Name"] == "ix_open_case_tenant_id_category_code_lat"
    assert "lat >=" in band["Index Cond"]


def _plan_nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *(n for child in node.get("Plans", []) for n in _plan_nodes(child))]
