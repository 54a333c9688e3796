"""Exponential backoff shared by the bus loops."""

from __future__ import annotations

import random

# Far past any cap for any sane base; bounding the exponent keeps `2**n` a small number
# however many attempts a long outage adds up.
_MAX_EXPONENT = 30


def backoff_delay(attempt: int, *, base: float, cap: float) -> float:
    """`base * 2**attempt`, capped at `cap`."""
    exponent = min(max(attempt, 0), _MAX_EXPONENT)
    return min(cap, base * float(2**exponent))


def jittered_delay(attempt: int, *, base: float, cap: float) -> float:
    """Full jitter: uniform in [0, backoff_delay], so clients don't retry in lockstep."""
    return random.uniform(0, backoff_delay(attempt, base=base, cap=cap))  # noqa: S311
