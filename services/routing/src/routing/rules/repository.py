"""SQL of routing rules (session bound to the tenant)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.ids import uuid7
from routing.models import Category, Department, RoutingRule
from routing.rules.engine import Rule, RuleAction, TimeWindow
from routing.rules.validation import Directory, ValidRule


async def directory(session: AsyncSession) -> Directory:
    departments = await session.scalars(select(Department.code))
    categories = await session.scalars(select(Category.code))
    rule_ids = await session.scalars(select(RoutingRule.id))
    return Directory(frozenset(departments), frozenset(categories), frozenset(rule_ids))


async def rules_naming_department(session: AsyncSession, code: str) -> list[str]:
    """Names of the rules whose action informs department `code`."""
    statement = select(RoutingRule.name).where(RoutingRule.department_codes.contains([code]))
    return list(await session.scalars(statement))


async def rules_naming_category(session: AsyncSession, code: str) -> list[str]:
    """Names of the rules whose conditions name category `code`."""
    statement = select(RoutingRule.name).where(RoutingRule.category_codes.contains([code]))
    return list(await session.scalars(statement))


async def replace_rules(session: AsyncSession, tenant_id: str, rules: Sequence[ValidRule]) -> None:
    """The new ordered set replaces the old one; rules keep their id when given one."""
    await session.execute(delete(RoutingRule))
    for position, rule in enumerate(rules):
        body = rule.body
        window = body.time_window
        session.add(
            RoutingRule(
                id=body.id or uuid7(),
                tenant_id=tenant_id,
                position=position,
                name=body.name,
                category_codes=list(body.categories),
                area=_geometry(rule.area),
                weekdays=sorted(window.weekdays) if window else [],
                start_time=window.start if window else None,
                end_time=window.end if window else None,
                keywords=list(body.keywords),
                department_codes=list(body.departments),
                priority=body.priority.value,
                sla_business_days=body.sla_business_days,
                confidentiality=body.confidentiality.value if body.confidentiality else None,
            )
        )
    await session.flush()


def _geometry(area: dict[str, Any] | None) -> Any:
    if area is None:
        return None
    return func.ST_SetSRID(func.ST_GeomFromGeoJSON(json.dumps(area)), 4326)


async def stored_rules(session: AsyncSession) -> list[tuple[RoutingRule, dict[str, Any] | None]]:
    """Rules in evaluation order, with their area as GeoJSON."""
    statement = select(RoutingRule, func.ST_AsGeoJSON(RoutingRule.area, 7)).order_by(
        RoutingRule.position
    )
    rows = (await session.execute(statement)).all()
    return [(rule, json.loads(area) if area else None) for rule, area in rows]


@dataclass(frozen=True)
class RulesAtPoint:
    """The tenant's rules in evaluation order, and the ids of those whose area covers the
    report's point."""

    rules: tuple[Rule, ...]
    covering: frozenset[UUID]


def rules_at_point_sql(point: str) -> str:
    """A scalar subquery: the tenant's rules in evaluation order as JSON text, each saying
    whether its area covers `point` (an SQL geometry, SRID 4326); read by `rules_at_point`.
    Routing reads it with the report's situation, in one statement (ADR 0013)."""
    return f"""(
    SELECT coalesce(json_agg(rule ORDER BY rule.position), '[]')::text
    FROM (SELECT id, position, name, department_codes, priority, sla_business_days,
                 confidentiality, category_codes, area IS NOT NULL AS has_area, weekdays,
                 start_time, end_time, keywords,
                 coalesce(ST_Covers(area, {point}), false) AS covers
          FROM routing.routing_rule) AS rule)"""  # noqa: S608 (`point`: SQL of the caller)


@lru_cache(maxsize=1024)
def rules_at_point(value: str) -> RulesAtPoint:
    """What `rules_at_point_sql` selected. Remembered by its text (immutable, the same for
    every report of a town outside rule areas): parsed once, not for every report."""
    rows = json.loads(value)
    return RulesAtPoint(
        tuple(_rule(row) for row in rows),
        frozenset(UUID(row["id"]) for row in rows if row["covers"]),
    )


def _rule(row: dict[str, Any]) -> Rule:
    window = None
    if row["weekdays"] or row["start_time"] is not None:
        window = TimeWindow(
            frozenset(row["weekdays"]), _time(row["start_time"]), _time(row["end_time"])
        )
    return Rule(
        id=UUID(row["id"]),
        name=row["name"],
        action=RuleAction(
            departments=tuple(row["department_codes"]),
            priority=row["priority"],
            sla_business_days=row["sla_business_days"],
            confidentiality=row["confidentiality"],
        ),
        categories=frozenset(row["category_codes"]),
        has_area=row["has_area"],
        window=window,
        keywords=tuple(row["keywords"]),
    )


def _time(value: str | None) -> time | None:
    return None if value is None else time.fromisoformat(value)
