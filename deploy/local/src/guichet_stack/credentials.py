"""Credentials generated once per stack directory and kept there (mode 0600)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

SECRETS_FILE = "secrets.json"


@dataclass(frozen=True)
class StackSecrets:
    s3_access_key: str
    s3_secret_key: str
    app_role_key: str
    pg_superuser_password: str  # of the cluster's superuser `postgres`

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
            pg_superuser_password=secrets.token_urlsafe(24),
        )

    @classmethod
    def completed(cls, stored: dict[str, Any]) -> StackSecrets:
        """Stored values, plus fresh ones for fields an older launcher did not generate."""
        known = {field.name for field in fields(cls)}
        return cls(**(asdict(cls.generate()) | {k: v for k, v in stored.items() if k in known}))


def load_or_create_secrets(stack_dir: Path) -> StackSecrets:
    path = stack_dir / SECRETS_FILE
    if path.is_file():
        stored = json.loads(path.read_text())
        loaded = StackSecrets.completed(stored)
        if asdict(loaded) != stored:
            write_private(path, _dump(loaded))
        return loaded
    created = StackSecrets.generate()
    stack_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(_dump(created))
    return created


def _dump(stack_secrets: StackSecrets) -> str:
    return json.dumps(asdict(stack_secrets), indent=2)


def write_private(path: Path, text: str) -> None:
    """Replace `path` atomically with a 0600 file (it holds secrets)."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    tmp.replace(path)
