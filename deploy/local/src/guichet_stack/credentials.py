"""Credentials generated once per stack directory and kept there (mode 0600)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

SECRETS_FILE = "secrets.json"


@dataclass(frozen=True)
class StackSecrets:
    s3_access_key: str
    s3_secret_key: str
    app_role_key: str

    def app_password(self, service: str) -> str:
        """Password of the `<service>_app` database role, derived so each role has its own."""
        digest = hmac.new(self.app_role_key.encode(), service.encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    @classmethod
    def generate(cls) -> StackSecrets:
        return cls(
            s3_access_key=f"guichet-{secrets.token_hex(6)}",
            s3_secret_key=secrets.token_urlsafe(30),
            app_role_key=secrets.token_urlsafe(30),
        )


def load_or_create_secrets(stack_dir: Path) -> StackSecrets:
    path = stack_dir / SECRETS_FILE
    if path.is_file():
        return StackSecrets(**json.loads(path.read_text()))
    created = StackSecrets.generate()
    stack_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(asdict(created), handle, indent=2)
    return created
