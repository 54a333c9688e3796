"""Validation of a rule set on save, against the municipality's directory.

Every problem is collected (field path + message) and reported at once, so an administrator
fixes a whole rule set in one go. Nothing is saved unless the whole set is valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from guichet_kit.errors import GuichetError
from routing.errors import (
    InvalidDirectoryChange,
    InvalidGeoJSON,
    InvalidGeometry,
    WrongCoordinates,
)
from routing.geo.geojson import to_multipolygon
from routing.geo.validity import check_valid
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


class _Problems:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, field: str, message: str) -> None:
        self.items.append({"field": field, "message": message})


async def validate_rule_set(
    session: AsyncSession, body: RuleSetBody, directory: Directory
) -> list[ValidRule]:
    problems = _Problems()
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
                problems.add(f"{where}.id", f"no existing rule {rule.id} (omit id for a new rule)")
            elif rule.id in seen_ids:
                problems.add(f"{where}.id", f"rule {rule.id} appears twice")
            seen_ids.add(rule.id)
        area = await _checked_area(session, rule.area, problems, f"{where}.area")
        valid.append(ValidRule(rule, area))
    if problems.items:
        raise InvalidDirectoryChange(count=len(problems.items), extra={"errors": problems.items})
    return valid


def _check_references(
    rule: RuleBody, directory: Directory, problems: _Problems, where: str
) -> None:
    if not rule.departments:
        problems.add(f"{where}.departments", "empty action: name at least one department")
    for code in rule.departments:
        if code not in directory.departments:
            problems.add(f"{where}.departments", f"unknown department {code!r}")
    if len(set(rule.departments)) != len(rule.departments):
        problems.add(f"{where}.departments", "a department is listed twice")
    for code in rule.categories:
        if code not in directory.categories:
            problems.add(f"{where}.categories", f"unknown category {code!r}")


def _check_keywords(keywords: list[str], problems: _Problems, where: str) -> None:
    for keyword in keywords:
        if not fold(keyword):
            problems.add(where, "a keyword is empty")
        elif len(keyword) > 100:
            problems.add(where, f"keyword {keyword[:20]!r}... is longer than 100 characters")


def _check_window(window: TimeWindowBody, problems: _Problems, where: str) -> None:
    if any(day < 1 or day > 7 for day in window.weekdays):
        problems.add(f"{where}.weekdays", "weekdays are 1 (Monday) to 7 (Sunday)")
    if len(set(window.weekdays)) != len(window.weekdays):
        problems.add(f"{where}.weekdays", "a weekday is listed twice")
    if (window.start is None) != (window.end is None):
        problems.add(where, "give both start and end, or neither (whole day)")
    elif window.start is not None and window.start == window.end:
        problems.add(where, "start equals end: the window is empty")
    elif window.start is None and not window.weekdays:
        problems.add(where, "an empty time window: give weekdays or start and end")
    for name in ("start", "end"):
        value = getattr(window, name)
        if value is not None and value.tzinfo is not None:
            problems.add(f"{where}.{name}", "local Europe/Brussels time, without an offset")


async def _checked_area(
    session: AsyncSession, area: dict[str, Any] | None, problems: _Problems, where: str
) -> dict[str, Any] | None:
    if area is None:
        return None
    try:
        multipolygon = to_multipolygon(area)
        await check_valid(session, multipolygon)
    except (InvalidGeoJSON, WrongCoordinates, InvalidGeometry) as exc:
        problems.add(where, _english(exc))
        return None
    return multipolygon


def _english(error: GuichetError) -> str:
    return error.detail("en")
