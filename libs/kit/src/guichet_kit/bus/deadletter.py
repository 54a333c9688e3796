"""Dead letters: the original message, re-published to `deadletter.<durable>` with the
reason it was given up on in `Guichet-DL-*` headers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from sqlalchemy.exc import StatementError

from guichet_kit.bus.subjects import deadletter_subject

DL_HEADER_PREFIX = "Guichet-DL-"
_MAX_ERROR_LENGTH = 1000
# Header values must stay on one line.
_LINE_BREAKS = re.compile(r"[\r\n]+")


def describe(error: BaseException) -> str:
    """One line, bounded. For SQL errors only the driver's message: SQLAlchemy's own text
    repeats the statement's parameters, which may be personal data."""
    if isinstance(error, StatementError) and error.orig is not None:
        error = error.orig
    return _LINE_BREAKS.sub(" ", f"{type(error).__name__}: {error}")[:_MAX_ERROR_LENGTH]


@dataclass(frozen=True)
class DeadLetter:
    consumer: str
    reason: str
    error: str
    subject: str
    stream: str
    stream_seq: int
    deliveries: int
    data: bytes
    original_headers: dict[str, str]

    @classmethod
    def of(cls, msg: Msg, *, consumer: str, reason: str, error: BaseException) -> DeadLetter:
        meta = msg.metadata
        return cls(
            consumer=consumer,
            reason=reason,
            error=describe(error),
            subject=msg.subject,
            stream=meta.stream,
            stream_seq=meta.sequence.stream,
            deliveries=meta.num_delivered,
            data=msg.data,
            original_headers=dict(msg.headers or {}),
        )

    @property
    def msg_id(self) -> str:
        """Stable per (consumer, original message): dead-lettering twice stores one copy."""
        return f"{self.consumer}:{self.stream}:{self.stream_seq}"

    def headers(self) -> dict[str, str]:
        # Nats-* headers of the original (its Nats-Msg-Id above all) must not be replayed.
        kept = {k: v for k, v in self.original_headers.items() if not k.startswith("Nats-")}
        original_id = self.original_headers.get("Nats-Msg-Id")
        if original_id:
            kept[f"{DL_HEADER_PREFIX}Original-Msg-Id"] = original_id
        return {
            **kept,
            "Nats-Msg-Id": self.msg_id,
            f"{DL_HEADER_PREFIX}Reason": self.reason,
            f"{DL_HEADER_PREFIX}Error": self.error,
            f"{DL_HEADER_PREFIX}Consumer": self.consumer,
            f"{DL_HEADER_PREFIX}Subject": self.subject,
            f"{DL_HEADER_PREFIX}Stream": self.stream,
            f"{DL_HEADER_PREFIX}Stream-Seq": str(self.stream_seq),
            f"{DL_HEADER_PREFIX}Deliveries": str(self.deliveries),
        }


async def publish_dead_letter(js: JetStreamContext, letter: DeadLetter) -> None:
    await js.publish(deadletter_subject(letter.consumer), letter.data, headers=letter.headers())
