"""Time in the municipalities' zone: case years and SLA days are Belgian calendar days."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


def now() -> datetime:
    return datetime.now(UTC)


def local(moment: datetime) -> datetime:
    return moment.astimezone(BRUSSELS)
