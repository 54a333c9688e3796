"""Evaluating a municipality's rules for one report: pure functions, no I/O.

Conditions left empty always hold; every condition given must hold. Rules are tried in
`position` order and the first match wins. The trace records, for each rule tried, the first
condition that failed, so staff can see why a rule did not apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from routing.rules.text import contains_keyword, fold, folded_keyword

BRUSSELS = ZoneInfo("Europe/Brussels")
WEEKDAY_NAMES = ("", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class TimeWindow:
    """Days (ISO weekdays, empty = every day) and an optional local time range. A range whose
    start is after its end runs across midnight and belongs to the day it starts on:
    Friday 22:00-06:00 covers Saturday 03:00."""

    weekdays: frozenset[int] = frozenset()
    start: time | None = None
    end: time | None = None

    def contains(self, moment: datetime) -> bool:
        local = moment.astimezone(BRUSSELS)
        clock = local.time().replace(tzinfo=None)
        if self.start is None or self.end is None:
            return self._day_ok(local)
        if self.start <= self.end:
            return self.start <= clock < self.end and self._day_ok(local)
        if clock >= self.start:
            return self._day_ok(local)
        return clock < self.end and self._day_ok(local - timedelta(days=1))

    def _day_ok(self, local: datetime) -> bool:
        return not self.weekdays or local.isoweekday() in self.weekdays

    def describe(self) -> str:
        days = ",".join(WEEKDAY_NAMES[d] for d in sorted(self.weekdays)) or "every day"
        if self.start is None or self.end is None:
            return days
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class RuleAction:
    departments: tuple[str, ...]
    priority: str
    sla_business_days: int
    confidentiality: str | None = None


@dataclass(frozen=True)
class Rule:
    id: UUID
    name: str
    action: RuleAction
    categories: frozenset[str] = frozenset()
    has_area: bool = False
    window: TimeWindow | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportFacts:
    category_code: str
    description: str
    submitted_at: datetime
    areas_covering: frozenset[UUID] = frozenset()  # rules whose area covers the report's point


@dataclass(frozen=True)
class Match:
    rule: Rule | None
    explanation: str
    trace: tuple[dict[str, str], ...]


def first_match(rules: Sequence[Rule], facts: ReportFacts) -> Match:
    folded = fold(facts.description)
    trace: list[dict[str, str]] = []
    for rule in rules:
        failed, reasons = _check(rule, facts, folded)
        if failed is None:
            trace.append({"rule": rule.name, "result": "matched"})
            explanation = f"rule '{rule.name}' matched: " + "; ".join(reasons or ["no conditions"])
            return Match(rule, explanation, tuple(trace))
        trace.append({"rule": rule.name, "result": f"not matched: {failed}"})
    return Match(None, "no rule matched: category defaults", tuple(trace))


def _check(rule: Rule, facts: ReportFacts, folded: str) -> tuple[str | None, list[str]]:
    """(first failed condition or None, reasons the conditions held)."""
    reasons: list[str] = []
    if rule.categories:
        if facts.category_code not in rule.categories:
            return f"category {facts.category_code} not in {sorted(rule.categories)}", reasons
        reasons.append(f"category {facts.category_code}")
    if rule.has_area:
        if rule.id not in facts.areas_covering:
            return "location outside the rule's area", reasons
        reasons.append("location inside the rule's area")
    if rule.window is not None:
        local = facts.submitted_at.astimezone(BRUSSELS)
        when = f"{WEEKDAY_NAMES[local.isoweekday()]} {local:%H:%M}"
        if not rule.window.contains(facts.submitted_at):
            return f"{when} outside {rule.window.describe()}", reasons
        reasons.append(f"{when} within {rule.window.describe()} (Europe/Brussels)")
    if rule.keywords:
        found = [k for k in rule.keywords if contains_keyword(folded, folded_keyword(k))]
        if not found:
            return f"none of the keywords {list(rule.keywords)} in the description", reasons
        reasons.append(f"keyword '{found[0]}' in the description")
    return None, reasons
