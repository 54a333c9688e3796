"""SLA deadlines in business days: weekends and Belgian public holidays don't count."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

COUNTRY = "BE"


@lru_cache(maxsize=32)
def _belgian_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(COUNTRY, years=year).keys())


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _belgian_holidays(day.year)


def add_business_days(start: datetime, days: int) -> datetime:
    """`start` moved forward by `days` business days, same time of day.

    Counting starts the day after `start` (a case created on Friday with one day of SLA is
    due on Monday, or on Tuesday when Monday is Easter Monday)."""
    if days < 0:
        raise ValueError("an SLA cannot be negative")
    due = start
    remaining = days
    while remaining:
        due += timedelta(days=1)
        if is_business_day(due.date()):
            remaining -= 1
    return due
