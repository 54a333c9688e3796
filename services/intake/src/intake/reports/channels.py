"""What every channel (`/v1/reports`, Open311) does the same way around `submit_report`: the
idempotency key's check, the context built from the app, the headers of a replayed answer."""

from __future__ import annotations

import uuid

from fastapi import Request

from guichet_kit.auth import Principal
from guichet_kit.bus import relay_hand_over
from guichet_kit.image_pool_component import get_image_pool
from guichet_kit.storage import get_storage
from intake.reports.errors import AnonymousIdempotencyKey, InvalidIdempotencyKey
from intake.reports.photos import PhotoProcessor
from intake.reports.service import IntakeContext, Receipt
from intake.settings import Settings

IDEMPOTENCY_KEY_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-"
)
# Random UUIDs (RFC 9562): 122 random bits for v4, 74 beside the time for v7.
RANDOM_UUID_VERSIONS = frozenset({4, 7})


def check_idempotency_key(key: str | None, principal: Principal | None) -> None:
    """A key is 8-255 safe characters. Without an account every caller shares one scope, so
    a key alone gives back the first answer, tracking token included: an anonymous caller's
    key must be a random UUID, which nobody else can guess."""
    if key is None:
        return
    if not (8 <= len(key) <= 255 and set(key) <= IDEMPOTENCY_KEY_CHARS):
        raise InvalidIdempotencyKey()
    if principal is None and not _is_random_uuid(key):
        raise AnonymousIdempotencyKey()


def _is_random_uuid(key: str) -> bool:
    if len(key) != 36:  # the canonical 8-4-4-4-12 form only
        return False
    try:
        parsed = uuid.UUID(key)
    except ValueError:
        return False
    return parsed.variant == uuid.RFC_4122 and parsed.version in RANDOM_UUID_VERSIONS


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
