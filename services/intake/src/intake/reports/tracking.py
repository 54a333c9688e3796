"""Tracking tokens: the secret a reporter gets once, with which they follow their report
without an account (numbers and the token check are shared: `guichet_contracts.tracking`).

HMAC-SHA256(server key, report id), base64url: unpredictable without the key, and derivable
again from the report id, so an idempotent retry can return the very same response without the
token ever being stored; the database keeps only its SHA-256.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from uuid import UUID

_TOKEN_CONTEXT = b"guichet/intake/tracking-token/v1:"


def tracking_token(key: bytes, report_id: UUID) -> str:
    digest = hmac.new(key, _TOKEN_CONTEXT + report_id.bytes, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
