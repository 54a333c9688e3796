"""Validation of a rule set on save, against the municipality's directory.

Every problem is collected and reported at once (`routing.problems`), so an administrator
fixes a whole rule set in one go. Nothing is saved unless the whole set is valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from routing.errors import InvalidGeoJSON, InvalidGeometry, WrongCoordinates
from routing.geo.geojson import to_multipolygon
from routing.geo.validity import check_valid
from routing.problems import FieldProblems
from routing.rules.schemas import RuleBody, RuleSetBody, TimeWindowBody
from routing.rules.text import fold


@dataclass(frozen=True)
class Directory:
    """What a rule may refer to in the bound municipality."""

    departments: frozenset[str]
    categories: frozenset[str]
    rule_ids: frozenset[UUID]


@dataclass(frozen=True)
class ValidRule:
    body: RuleBody
    area: dict[str, Any] | None  # MultiPolygon geometry


async def validate_rule_set(
    session: AsyncSession, body: RuleSetBody, directory: Directory
) -> list[ValidRule]:
    problems = FieldProblems()
    valid: list[ValidRule] = []
    seen_ids: set[UUID] = set()
    for index, rule in enumerate(body.rules):
        where = f"rules.{index}"
        _check_references(rule, directory, problems, where)
        _check_keywords(rule.keywords, problems, f"{where}.keywords")
        if rule.time_window is not None:
            _check_window(rule.time_window, problems, f"{where}.time_window")
        if rule.id is not None:
            if rule.id not in directory.rule_ids:
                problems.add(f"{where}.id", "routing.problem.unknown_rule", id=rule.id)
            elif rule.id in seen_ids:
                problems.add(f"{where}.id", "routing.problem.rule_twice", id=rule.id)
            seen_ids.add(rule.id)
        area = await _checked_area(session, rule.area, problems, f"{where}.area")
        valid.append(ValidRule(rule, area))
    problems.raise_if_any()
    return valid


def _check_references(
    rule: RuleBody, directory: Directory, problems: FieldProblems, where: str
) -> None:
    if not rule.departments:
        problems.add(f"{where}.departments", "routing.problem.empty_action")
    for code in rule.departments:
        if code not in directory.departments:
            problems.add(f"{where}.departments", "routing.problem.unknown_department", code=code)
    if len(set(rule.departments)) != len(rule.departments):
        problems.add(f"{where}.departments", "routing.problem.department_twice")
    for code in rule.categories:
        if code not in directory.categories:
            problems.add(f"{where}.categories", "routing.problem.unknown_category", code=code)


def _check_keywords(keywords: list[str], problems: FieldProblems, where: str) -> None:
    for keyword in keywords:
        if not fold(keyword):
            problems.add(where, "routing.problem.empty_keyword")
        elif len(keyword) > 100:
            problems.add(where, "routing.problem.keyword_too_long", start=keyword[:20])


def _check_window(window: TimeWindowBody, problems: FieldProblems, where: str) -> None:
    if any(day < 1 or day > 7 for day in window.weekdays):
        problems.add(f"{where}.weekdays", "routing.problem.weekdays_range")
    if len(set(window.weekdays)) != len(window.weekdays):
        problems.add(f"{where}.weekdays", "routing.problem.weekday_twice")
    if (window.start is None) != (window.end is None):
        problems.add(where, "routing.problem.window_half_open")
    elif window.start is not None and window.start == window.end:
        problems.add(where, "routing.problem.window_empty")
    elif window.start is None and not window.weekdays:
        problems.add(where, "routing.problem.window_unbounded")
    for name in ("start", "end"):
        value = getattr(window, name)
        if value is not None and value.tzinfo is not None:
            problems.add(f"{where}.{name}", "routing.problem.local_time")


async def _checked_area(
    session: AsyncSession, area: dict[str, Any] | None, problems: FieldProblems, where: str
) -> dict[str, Any] | None:
    if area is None:
        return None
    try:
        multipolygon = to_multipolygon(area)
        await check_valid(session, multipolygon)
    except (InvalidGeoJSON, WrongCoordinates, InvalidGeometry) as exc:
        problems.add(where, exc.message_key, **exc.params)
        return None
    return multipolygon
