"""Handing the events a transaction queued to this process's relay once it has committed.

`add_to_outbox` / `write_with_event` list each queued event in their session's info; the
BusComponent has every session of the app's factory hand them to the relay after its commit
(a SQLAlchemy `after_commit` hook; a rollback forgets them). The relay publishes them from
memory. `commit_with_events`, which writes on a bare driver connection, hands its events to
the app's `relay_hand_over` itself once its statement has committed. ADR 0015.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, SessionTransaction

from guichet_kit.bus.outbox import QUEUED_EVENTS, HandOver, QueuedEvent

_HAND_OVER = "guichet.hand_over"


def hand_over_on_commit(sessions: async_sessionmaker[AsyncSession], hand_over: HandOver) -> None:
    """Sessions made by `sessions` from now on give `hand_over` the events they queued, once
    their transaction has committed."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _forget)
        event.listen(Session, "after_transaction_end", _after_transaction_end)
    sessions.configure(info={**sessions.kw.get("info", {}), _HAND_OVER: hand_over})


def relay_hand_over(app: FastAPI) -> HandOver:
    """Where `commit_with_events` gives the events it committed: the app's relay (set by its
    BusComponent), or nowhere in an app without one (the relay of another process polls)."""
    relay: HandOver = getattr(app.state, "hand_over", _nowhere)
    return relay


def _nowhere(events: Sequence[QueuedEvent]) -> None:
    return None


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outer one may still fail
        return
    queued: list[QueuedEvent] = session.info.pop(QUEUED_EVENTS, [])
    relay: HandOver | None = session.info.get(_HAND_OVER)
    if queued and relay is not None:
        relay(queued)


def _forget(session: Session) -> None:
    """A rollback (a savepoint's too: which events it undid is not known) or a transaction
    ended without commit: its events are not handed over; their rows, if committed after
    all, are found by the relay's poll."""
    session.info.pop(QUEUED_EVENTS, None)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # closed without commit or rollback (after_commit ran first)
        _forget(session)
