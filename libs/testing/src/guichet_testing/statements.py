"""Counting the statements a piece of code sends through an asyncpg connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg
from asyncpg.connection import LoggedQuery


@contextmanager
def statements_sent(connection: asyncpg.Connection, mentioning: str) -> Iterator[list[str]]:
    """The statements `connection` sends inside the block whose text mentions `mentioning` (a
    schema or table name): asyncpg's own look-ups of types, once per connection, are left
    out. Statements SQLAlchemy prepares for the ORM do not pass through the logger."""
    sent: list[str] = []

    def log(record: LoggedQuery) -> None:
        if mentioning in record.query:
            sent.append(record.query)

    with connection.query_logger(log):
        yield sent
