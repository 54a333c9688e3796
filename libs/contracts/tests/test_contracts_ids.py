from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

from guichet_contracts.ids import Uuid7Generator, compose_uuid7, uuid7


def timestamp_ms(value: UUID) -> int:
    """The Unix time in milliseconds a UUIDv7 starts with (its first 48 bits)."""
    return value.int >> 80


def test_layout_version_variant_and_timestamp() -> None:
    value = compose_uuid7(0x0123_4567_89AB, (1 << 42) - 1, 0xDEAD_BEEF)
    assert value.version == 7
    assert value.variant == "specified in RFC 4122"
    assert timestamp_ms(value) == 0x0123_4567_89AB
    assert str(value) == "01234567-89ab-7fff-bfff-ffffdeadbeef"


def test_a_burst_keeps_the_real_clock() -> None:
    before_ms = time.time_ns() // 1_000_000
    ids = [uuid7() for _ in range(20_000)]
    after_ms = time.time_ns() // 1_000_000
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert before_ms <= timestamp_ms(ids[0])
    assert timestamp_ms(ids[-1]) <= after_ms  # not pushed into the future


def test_same_millisecond_increments_the_counter() -> None:
    generator = Uuid7Generator(seed=lambda: 100)
    assert generator.advance(1_000) == (1_000, 100)
    assert generator.advance(1_000) == (1_000, 101)
    assert generator.advance(1_001) == (1_001, 100)


def test_clock_stepping_back_stays_monotonic() -> None:
    generator = Uuid7Generator(seed=lambda: 5)
    assert generator.advance(2_000) == (2_000, 5)
    assert generator.advance(1_990) == (2_000, 6)


def test_counter_overflow_advances_the_timestamp() -> None:
    generator = Uuid7Generator(seed=lambda: (1 << 42) - 2)
    assert generator.advance(3_000) == (3_000, (1 << 42) - 2)
    assert generator.advance(3_000) == (3_000, (1 << 42) - 1)
    assert generator.advance(3_000) == (3_001, (1 << 42) - 2)
    ids = [compose_uuid7(ts, c, 0) for ts, c in [(3_000, (1 << 42) - 1), (3_001, (1 << 42) - 2)]]
    assert ids[0] < ids[1]


def test_unique_and_ordered_per_thread_under_concurrency() -> None:
    def batch(_: int) -> list[UUID]:
        return [uuid7() for _ in range(2_000)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        batches = list(pool.map(batch, range(4)))
    assert all(b == sorted(b) for b in batches)
    assert len({i for b in batches for i in b}) == 8_000
