"""SQL of the router (session bound to the tenant)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.envelope import Envelope
from guichet_contracts.events.report import ReportContent
from guichet_contracts.events.routing import RoutingDecided
from guichet_contracts.ids import uuid7
from guichet_kit.bus import write_with_events
from guichet_kit.db.driver import Row, driver_connection, table_of
from routing.models import Decision, Department, outbox
from routing.models.open_case import OPEN_STATUSES
from routing.rules.engine import Match
from routing.rules.repository import RulesAtPoint, rules_at_point, rules_at_point_sql


@dataclass(frozen=True)
class CategoryDefaults:
    code: str
    department: str
    priority: str
    confidentiality: str
    sla_business_days: int
    duplicate_radius_m: int
    known: bool = True  # False: the category left the directory, see `dispatch_defaults`


# A report whose category left the directory after intake accepted it is never lost: it goes,
# internal, to the town's first municipal department, which re-categorises and dispatches it.
DISPATCH_PRIORITY = "normal"
DISPATCH_CONFIDENTIALITY = "internal"
DISPATCH_SLA_BUSINESS_DAYS = 5


async def dispatch_defaults(session: AsyncSession, code: str) -> CategoryDefaults | None:
    """Defaults for a category the town no longer has; None if it has no department at all."""
    department = await session.scalar(
        select(Department.code)
        .where(Department.kind == "municipal")
        .order_by(Department.code)
        .limit(1)
    )
    if department is None:
        return None
    return CategoryDefaults(
        code=code,
        department=department,
        priority=DISPATCH_PRIORITY,
        confidentiality=DISPATCH_CONFIDENTIALITY,
        sla_business_days=DISPATCH_SLA_BUSINESS_DAYS,
        duplicate_radius_m=0,
        known=False,
    )


@dataclass(frozen=True)
class Situation:
    """What the router needs to know about a report, read in one round trip."""

    already_decided: bool
    category: CategoryDefaults | None
    duplicate_of: UUID | None
    rules: RulesAtPoint


# A degree of latitude is 110.6 to 111.7 km: the band (index-friendly under row-level
# security, see OpenCase) is a little wider than the radius; ST_DWithin decides.
_METRES_PER_DEGREE = "110000.0"

# `decided` is a scalar subquery, one index probe per report: an EXISTS the planner may turn
# into a hash of every decision (it takes the array to hold 100 reports; a batch holds a few).
_SITUATIONS = f"""
SELECT (SELECT true FROM routing.decision WHERE report_id = asked.report_id) IS NOT NULL
           AS decided,
       category.*,
       (SELECT open_case.case_id FROM routing.open_case
         WHERE open_case.category_code = asked.category_code
           AND open_case.lat BETWEEN asked.lat - category.duplicate_radius_m / {_METRES_PER_DEGREE}
                                 AND asked.lat + category.duplicate_radius_m / {_METRES_PER_DEGREE}
           AND open_case.status = ANY($6::text[])
           AND open_case.created_at >= asked.since
           AND ST_DWithin(open_case.location, point.here, category.duplicate_radius_m)
         ORDER BY ST_Distance(open_case.location, point.here), open_case.created_at
         LIMIT 1) AS duplicate_of,
       {rules_at_point_sql("point.geom")} AS rules
FROM unnest($1::uuid[], $2::text[], $3::float8[], $4::float8[], $5::timestamptz[])
     WITH ORDINALITY AS asked(report_id, category_code, lon, lat, since, position)
CROSS JOIN LATERAL (SELECT geom, geom::geography AS here
                    FROM ST_SetSRID(ST_MakePoint(asked.lon, asked.lat), 4326) AS geom) AS point
LEFT JOIN LATERAL (
    SELECT c.code, d.code AS department, c.default_priority, c.confidentiality,
           c.sla_business_days, c.duplicate_radius_m
    FROM routing.category AS c JOIN routing.department AS d ON d.id = c.default_department_id
    WHERE c.code = asked.category_code
) AS category ON true
ORDER BY asked.position
"""  # noqa: S608 (a constant subquery)


def situations_arguments(asked: Sequence[tuple[ReportContent, datetime]]) -> list[object]:
    """The arrays `_SITUATIONS` reads: one entry per report, in order."""
    reports = [report for report, _ in asked]
    return [
        [report.report_id for report in reports],
        [report.category_code for report in reports],
        [report.location.lon for report in reports],
        [report.location.lat for report in reports],
        [since for _, since in asked],
        list(OPEN_STATUSES),
    ]


async def situations(
    session: AsyncSession, asked: Sequence[tuple[ReportContent, datetime]]
) -> list[Situation]:
    """For each (report, since), in order: whether the report was decided already, its
    category's defaults (None: unknown category), the closest open case of that category
    within the category's radius created since `since`, and the rules with those covering
    the report's point. One statement for them all, through the driver (ADR 0013)."""
    connection = await driver_connection(session)
    rows = await connection.fetch(_SITUATIONS, *situations_arguments(asked))
    return [_situation(row) for row in rows]


def _situation(row: asyncpg.Record) -> Situation:
    defaults = None
    if row["code"] is not None:
        defaults = CategoryDefaults(
            code=row["code"],
            department=row["department"],
            priority=row["default_priority"],
            confidentiality=row["confidentiality"],
            sla_business_days=row["sla_business_days"],
            duplicate_radius_m=row["duplicate_radius_m"],
        )
    return Situation(
        bool(row["decided"]), defaults, row["duplicate_of"], rules_at_point(row["rules"])
    )


async def write_decisions(
    session: AsyncSession, rows: Sequence[Row], events: Sequence[Envelope]
) -> None:
    """The decisions, the open cases they start and their `routing.decided` events, in one
    statement (ADR 0018)."""
    await write_with_events(session, rows, outbox, events)


def decision_row(tenant_id: str, decided: RoutingDecided, match: Match, event: Envelope) -> Row:
    values = {
        "id": uuid7(),
        "tenant_id": tenant_id,
        "report_id": decided.report.report_id,
        "tracking_number": decided.report.tracking_number,
        "category_code": decided.report.category_code,
        "decided_at": decided.decided_at,
        "outcome": decided.outcome,
        "duplicate_of_case_id": decided.duplicate_of_case_id,
        "handed_over_from": decided.handed_over_from,
        "departments": list(decided.departments),
        "priority": decided.priority.value,
        "confidentiality": decided.confidentiality.value,
        "sla_business_days": decided.sla_business_days,
        "rule_id": decided.rule.rule_id,
        "rule_name": decided.rule.name,
        "explanation": decided.rule.explanation,
        "trace": list(match.trace),
        "event_id": event.id,
    }
    return Row(table_of(Decision), values)
