"""Rule evaluation: order, each condition kind, time windows in Europe/Brussels, keywords."""

from __future__ import annotations

from datetime import UTC, datetime, time
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from routing.rules.engine import ReportFacts, Rule, RuleAction, TimeWindow, first_match
from routing.rules.text import fold

BRUSSELS = ZoneInfo("Europe/Brussels")
NIGHTS = TimeWindow(start=time(22, 0), end=time(6, 0))
WEEKEND = TimeWindow(weekdays=frozenset({6, 7}))
FRIDAY_NIGHT = TimeWindow(weekdays=frozenset({5}), start=time(22, 0), end=time(6, 0))


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Brussels wall-clock time, as the UTC instant a report would carry."""
    return datetime(year, month, day, hour, minute, tzinfo=BRUSSELS).astimezone(UTC)


def rule(name: str, departments: tuple[str, ...] = ("CLEAN",), **conditions: object) -> Rule:
    action = RuleAction(departments=departments, priority="high", sla_business_days=2)
    return Rule(id=uuid4(), name=name, action=action, **conditions)  # type: ignore[arg-type]


def facts(
    category: str = "illegal_dumping",
    description: str = "",
    at: datetime | None = None,
    areas: frozenset[UUID] = frozenset(),
) -> ReportFacts:
    return ReportFacts(category, description, at or local(2026, 11, 18, 10), areas)


def test_first_matching_rule_wins_in_order() -> None:
    dumping = rule("dumping", ("CLEAN",), categories=frozenset({"illegal_dumping"}))
    anything = rule("catch-all", ("WORKS",))
    assert first_match([dumping, anything], facts()).rule == dumping
    assert first_match([anything, dumping], facts()).rule == anything


def test_no_match_falls_back_with_a_trace_of_each_rule() -> None:
    lights = rule("lights", categories=frozenset({"street_light"}))
    match = first_match([lights], facts())
    assert match.rule is None
    assert match.trace == (
        {"rule": "lights", "result": "not matched: category illegal_dumping not in "
         "['street_light']"},
    )  # fmt: skip


def test_area_condition_uses_the_covering_rules() -> None:
    zone = rule("industrial zone", has_area=True)
    assert first_match([zone], facts()).rule is None
    assert first_match([zone], facts(areas=frozenset({zone.id}))).rule == zone


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (local(2026, 11, 18, 23, 30), True),  # Wednesday night, before midnight
        (local(2026, 11, 19, 3, 0), True),  # after midnight
        (local(2026, 11, 19, 6, 0), False),  # end is exclusive
        (local(2026, 11, 19, 21, 59), False),
        (local(2026, 7, 1, 22, 30), True),  # summer time (UTC+2): 20:30 UTC
        (datetime(2026, 7, 1, 21, 30, tzinfo=UTC), True),  # 23:30 in Brussels
        (datetime(2026, 1, 14, 21, 30, tzinfo=UTC), True),  # winter (UTC+1): 22:30 local
        (datetime(2026, 7, 1, 20, 30, tzinfo=UTC), True),  # summer (UTC+2): 22:30 local
        (datetime(2026, 1, 14, 20, 30, tzinfo=UTC), False),  # winter: 21:30 local
    ],
)
def test_night_window_crosses_midnight_in_brussels_time(at: datetime, expected: bool) -> None:
    assert NIGHTS.contains(at) is expected


def test_weekend_window_is_saturday_and_sunday_local() -> None:
    assert WEEKEND.contains(local(2026, 11, 21, 0, 5))  # Saturday just after midnight
    assert WEEKEND.contains(local(2026, 11, 22, 23, 55))  # Sunday late
    assert not WEEKEND.contains(local(2026, 11, 20, 23, 55))  # Friday
    # 23:30 UTC on Friday is already Saturday 00:30 in Brussels.
    assert WEEKEND.contains(datetime(2026, 11, 20, 23, 30, tzinfo=UTC))


def test_a_night_belongs_to_the_day_it_starts() -> None:
    assert FRIDAY_NIGHT.contains(local(2026, 11, 20, 23, 0))  # Friday 23:00
    assert FRIDAY_NIGHT.contains(local(2026, 11, 21, 3, 0))  # Saturday 03:00
    assert not FRIDAY_NIGHT.contains(local(2026, 11, 20, 3, 0))  # Friday 03:00: Thursday's
    assert not FRIDAY_NIGHT.contains(local(2026, 11, 21, 23, 0))  # Saturday 23:00


def test_time_window_condition_explains_itself() -> None:
    on_call = rule("on call", ("SAFETY",), window=NIGHTS)
    match = first_match([on_call], facts(at=local(2026, 11, 21, 2, 15)))
    assert match.rule == on_call
    assert "Sat 02:15 within every day 22:00-06:00" in match.explanation
    missed = first_match([on_call], facts(at=local(2026, 11, 21, 14, 0)))
    assert missed.trace[0]["result"] == "not matched: Sat 14:00 outside every day 22:00-06:00"


@pytest.mark.parametrize(
    ("keyword", "description", "expected"),
    [
        ("déchets", "Des dechets partout", True),
        ("dechets", "DÉCHETS toxiques", True),
        ("Amiante", "plaques d'amiante cassées", True),
        ("déchet", "des déchets", True),  # a word's start: plural matches
        ("chets", "des déchets", False),  # not inside a word
        ("asbest", "glasbestek", False),
        ("grafitti", "graffiti", False),
    ],
)
def test_keywords_are_accent_and_case_insensitive(
    keyword: str, description: str, expected: bool
) -> None:
    hazard = rule("hazard", keywords=(keyword,))
    assert (first_match([hazard], facts(description=description)).rule == hazard) is expected


def test_all_conditions_must_hold() -> None:
    strict = rule(
        "strict",
        categories=frozenset({"illegal_dumping"}),
        window=WEEKEND,
        keywords=("amiante",),
    )
    saturday = local(2026, 11, 21, 11)
    assert first_match([strict], facts(description="amiante", at=saturday)).rule == strict
    assert first_match([strict], facts(description="sacs", at=saturday)).rule is None
    assert first_match([strict], facts(description="amiante")).rule is None  # Wednesday
    assert first_match([strict], facts("graffiti", "amiante", saturday)).rule is None


def test_fold() -> None:
    assert fold("  Déchets   SAUVAGES à Öupen ") == "dechets sauvages a oupen"
