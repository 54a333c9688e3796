"""Tracking numbers and tracking tokens.

Tracking number: 12 Crockford base32 symbols (60 random bits) in groups of four, e.g.
``7KQ2-M9XD-4TRA``. Crockford's alphabet has no I, L, O or U, so a number read over the phone
is hard to get wrong; input is normalised (case, hyphens, spaces, I/L → 1, O → 0). Uniqueness
is enforced by the database (`report_locator` primary key).

Tracking token: a secret the reporter gets once, with which they follow their report without
an account. It is HMAC-SHA256(server key, report id), base64url: unpredictable without the
key, and derivable again from the report id, so an idempotent retry can return the very same
response without the token ever being stored; the database keeps only its SHA-256.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from uuid import UUID

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SYMBOLS = 12
_GROUP = 4
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = re.compile(r"[\s-]")
_CANONICAL = re.compile(rf"[{ALPHABET}]{{{_SYMBOLS}}}")
_TOKEN_CONTEXT = b"guichet/intake/tracking-token/v1:"


def new_tracking_number() -> str:
    value = secrets.randbits(5 * _SYMBOLS)
    symbols = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(_SYMBOLS)))
    return "-".join(symbols[i : i + _GROUP] for i in range(0, _SYMBOLS, _GROUP))


def normalize_tracking_number(raw: str) -> str | None:
    """The canonical form of what a person typed, or None if it cannot be a tracking number."""
    compact = _SEPARATORS.sub("", raw.upper()).translate(_ALIASES)
    if not _CANONICAL.fullmatch(compact):
        return None
    return "-".join(compact[i : i + _GROUP] for i in range(0, _SYMBOLS, _GROUP))


def tracking_token(key: bytes, report_id: UUID) -> str:
    digest = hmac.new(key, _TOKEN_CONTEXT + report_id.bytes, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def token_matches(token: str, stored_hash: bytes) -> bool:
    """Constant-time comparison of a presented token with the stored hash."""
    return hmac.compare_digest(token_hash(token), stored_hash)
