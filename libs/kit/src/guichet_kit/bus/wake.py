"""Waking this process's outbox relay when a transaction that queued an event commits.

`add_to_outbox` / `write_with_event` mark their session; the BusComponent has every session of
the app's factory call the relay's `wake` after a commit so marked (a SQLAlchemy
`after_commit` hook). Code that writes the outbox on a bare driver connection calls
`wake_relay(app)` itself once its statement has committed. ADR 0015.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

_WRITTEN = "guichet.outbox_written"
_WAKE = "guichet.wake_relay"


def mark_outbox_written(session: AsyncSession) -> None:
    session.info[_WRITTEN] = True


def wake_relay_on_commit(
    sessions: async_sessionmaker[AsyncSession], wake: Callable[[], None]
) -> None:
    """Sessions made by `sessions` from now on call `wake` after a commit that queued an
    event."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
    sessions.configure(info={**sessions.kw.get("info", {}), _WAKE: wake})


def wake_relay(app: FastAPI) -> None:
    """After a commit that queued an event outside a session (on a driver connection)."""
    wake: Callable[[], None] | None = getattr(app.state, "wake_relay", None)
    if wake is not None:
        wake()


def _after_commit(session: Session) -> None:
    if session.info.pop(_WRITTEN, False):
        wake: Callable[[], None] | None = session.info.get(_WAKE)
        if wake is not None:
            wake()


def _after_rollback(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
