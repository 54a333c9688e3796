"""SLA deadlines in Belgian business days."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from cases.clock import BRUSSELS
from cases.sla import add_business_days, is_business_day


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:30").replace(tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    ("created", "days", "due"),
    [
        ("2026-11-18", 1, "2026-11-19"),  # Wednesday -> Thursday
        ("2026-11-20", 1, "2026-11-23"),  # Friday -> Monday (weekend skipped)
        ("2026-04-03", 1, "2026-04-07"),  # Friday before Easter Monday -> Tuesday
        ("2026-12-24", 1, "2026-12-28"),  # Christmas Friday, weekend -> Monday
        ("2026-11-10", 1, "2026-11-12"),  # Armistice (11 November, a Wednesday) skipped
        ("2026-07-20", 1, "2026-07-22"),  # National day (21 July, a Tuesday) skipped
        ("2026-12-21", 5, "2026-12-29"),  # 22, 23, 24, (25 holiday), 28, 29
        ("2027-03-26", 3, "2027-04-01"),  # Easter Monday 2027 is 29 March
    ],
)
def test_due_date_skips_weekends_and_belgian_holidays(created: str, days: int, due: str) -> None:
    result = add_business_days(at(created), days)
    assert result == at(due)


@pytest.mark.parametrize(
    "day", [date(2026, 4, 6), date(2026, 12, 25), date(2026, 11, 11), date(2026, 7, 21)]
)
def test_public_holidays_are_not_business_days(day: date) -> None:
    assert day.weekday() < 5
    assert not is_business_day(day)


def test_an_ordinary_weekday_is_a_business_day() -> None:
    assert is_business_day(date(2026, 11, 17))
    assert not is_business_day(date(2026, 11, 21))


def test_negative_sla_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_days(at("2026-11-18"), -1)
