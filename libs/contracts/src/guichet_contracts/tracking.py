"""Tracking numbers and tokens, as every service must read them.

A tracking number is 12 Crockford base32 symbols (60 random bits) in groups of four, e.g.
``7KQ2-M9XD-4TRA``: no I, L, O or U, so a number read over the phone is hard to get wrong.
What people type is normalised (case, hyphens, spaces, I/L → 1, O → 0). Intake draws them;
intake and cases read them. A tracking token is checked against the SHA-256 kept of it
(ADR 0012), in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SYMBOLS = 12
_GROUP = 4
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = re.compile(r"[\s-]")
_CANONICAL = re.compile(rf"[{ALPHABET}]{{{_SYMBOLS}}}")
_NO_HASH = bytes(32)


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


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def token_matches(token: str | None, stored_hash: bytes | None) -> bool:
    """Always hashes and compares (also without a token or a stored hash), in constant time,
    so the answer's timing tells nothing about the number or the token."""
    same = hmac.compare_digest(token_hash(token or ""), stored_hash or _NO_HASH)
    return same and token is not None and stored_hash is not None
