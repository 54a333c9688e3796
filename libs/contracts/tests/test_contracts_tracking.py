"""Tracking numbers as people type them, and the token check every service uses."""

from __future__ import annotations

import re

import pytest

from guichet_contracts.tracking import (
    new_tracking_number,
    normalize_tracking_number,
    token_hash,
    token_matches,
)

CANONICAL = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def test_new_numbers_are_canonical_and_differ() -> None:
    numbers = {new_tracking_number() for _ in range(1000)}
    assert len(numbers) == 1000
    assert all(CANONICAL.match(n) and normalize_tracking_number(n) == n for n in numbers)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("7kq2 m9xd 4tra", "7KQ2-M9XD-4TRA"),
        ("7KQ2M9XD4TRA", "7KQ2-M9XD-4TRA"),
        ("iL0o-0000-0000", "1100-0000-0000"),  # I/L read as 1, O as 0
        ("7KQ2-M9XD-4TR", None),  # too short
        ("7KQ2-M9XD-4TRU", None),  # U is not in the alphabet
        ("", None),
    ],
)
def test_numbers_are_read_leniently(typed: str, read: str | None) -> None:
    assert normalize_tracking_number(typed) == read


def test_token_matches_only_its_own_hash() -> None:
    stored = token_hash("secret")
    assert token_matches("secret", stored)
    assert not token_matches("other", stored)
    assert not token_matches(None, stored)
    assert not token_matches("secret", None)
