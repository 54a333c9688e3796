"""What every channel (`/v1/reports`, Open311) does the same way around `submit_report`: the
idempotency key's check, the context built from the app, the headers of a replayed answer."""

from __future__ import annotations

from fastapi import Request

from guichet_kit.bus import relay_hand_over
from guichet_kit.image_pool_component import get_image_pool
from guichet_kit.storage import get_storage
from intake.reports.errors import InvalidIdempotencyKey
from intake.reports.photos import PhotoProcessor
from intake.reports.service import IntakeContext, Receipt
from intake.settings import Settings

IDEMPOTENCY_KEY_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-"
)


def check_idempotency_key(key: str | None) -> None:
    if key is not None and not (8 <= len(key) <= 255 and set(key) <= IDEMPOTENCY_KEY_CHARS):
        raise InvalidIdempotencyKey()


def replay_headers(receipt: Receipt) -> dict[str, str]:
    return {"Idempotent-Replayed": "true"} if receipt.replayed else {}


def intake_context(request: Request, settings: Settings) -> IntakeContext:
    return IntakeContext(
        engine=request.app.state.engine,
        hand_over=relay_hand_over(request.app),
        storage=get_storage(request),
        photos=PhotoProcessor(get_image_pool(request)),
        token_key=settings.tracking_token_key.get_secret_value().encode("utf-8"),
        categories=request.app.state.category_cache,
    )
