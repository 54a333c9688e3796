"""Tracking numbers as people type them, and the constant-time token check.

The format is intake's (`intake.reports.tracking`): 12 Crockford base32 symbols in groups of
four; input is normalised (case, hyphens, spaces, I/L → 1, O → 0).
"""

from __future__ import annotations

import hashlib
import hmac
import re

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SYMBOLS = 12
_GROUP = 4
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = re.compile(r"[\s-]")
_CANONICAL = re.compile(rf"[{ALPHABET}]{{{_SYMBOLS}}}")
NO_HASH = bytes(32)


def normalize_tracking_number(raw: str) -> str | None:
    """The canonical form of what a person typed, or None if it cannot be a tracking number."""
    compact = _SEPARATORS.sub("", raw.upper()).translate(_ALIASES)
    if not _CANONICAL.fullmatch(compact):
        return None
    return "-".join(compact[i : i + _GROUP] for i in range(0, _SYMBOLS, _GROUP))


def token_matches(token: str | None, stored_hash: bytes | None) -> bool:
    """Always hashes and compares (also without a token or a stored hash), in constant time,
    so the answer's timing tells nothing about the number or the token."""
    presented = hashlib.sha256((token or "").encode("utf-8")).digest()
    same = hmac.compare_digest(presented, stored_hash or NO_HASH)
    return same and token is not None and stored_hash is not None
