"""Query parameters of GET requests: dates, statuses, service codes, request ids.

Defaults (GeoReport v2): the last 90 days, at most 1000 requests, newest first. With only
`start_date`, the 90 days after it; with only `end_date`, the 90 days before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from guichet_contracts.tracking import normalize_tracking_number
from intake.open311.errors import InvalidParameter
from intake.open311.repository import RequestFilter
from intake.open311.status import OPEN311_STATUSES

DEFAULT_SPAN = timedelta(days=90)
MAX_REQUESTS = 1000
_MAX_LIST = 1000
_OUT_OF_RANGE = "a date between the years 1 and 9999 (in UTC) is expected"
_SPAN_OUT_OF_RANGE = (
    "the default span of 90 days from it leaves the years 1 to 9999: give both dates"
)


def comma_list(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()][:_MAX_LIST]


def parse_datetime(name: str, raw: str | None) -> datetime | None:
    if raw is None or not raw.strip():
        return None
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidParameter(
            parameter=name, reason="ISO 8601 expected, e.g. 2026-11-28T14:30:00+01:00"
        ) from None
    if value.tzinfo is None:
        raise InvalidParameter(parameter=name, reason="a timezone (Z or +HH:MM) is required")
    try:
        return value.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+14:00 is before year 1 in UTC
        raise InvalidParameter(parameter=name, reason=_OUT_OF_RANGE) from None


def request_filter(
    start_date: str | None,
    end_date: str | None,
    service_code: str | None,
    status: str | None,
    now: datetime | None = None,
) -> RequestFilter:
    start = parse_datetime("start_date", start_date)
    end = parse_datetime("end_date", end_date)
    if end is None:
        end = _shifted("start_date", start, DEFAULT_SPAN) if start else (now or datetime.now(UTC))
    if start is None:
        start = _shifted("end_date", end, -DEFAULT_SPAN)
    if start > end:
        raise InvalidParameter(parameter="start_date", reason="after end_date")
    statuses = [s.lower() for s in comma_list(status)]
    unknown = [s for s in statuses if s not in OPEN311_STATUSES]
    if unknown:
        raise InvalidParameter(parameter="status", reason="open or closed expected")
    return RequestFilter(
        start=start, end=end, service_codes=comma_list(service_code), statuses=statuses
    )


def _shifted(name: str, value: datetime, span: timedelta) -> datetime:
    """The other end of the default span; a date too close to year 1 or 9999 has none."""
    try:
        return value + span
    except OverflowError:
        raise InvalidParameter(parameter=name, reason=_SPAN_OUT_OF_RANGE) from None


def request_numbers(raw: Sequence[str]) -> list[str]:
    """Tracking numbers in canonical form (read leniently); what cannot be one is dropped:
    it would match nothing anyway."""
    numbers = (normalize_tracking_number(part) for part in raw)
    return list(dict.fromkeys(number for number in numbers if number is not None))
