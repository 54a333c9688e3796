"""The running stack the tests talk to, described by the GUICHET_* variables that
`python -m guichet_stack test` exports (see deploy/local)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class StackInfo:
    pg_host: str
    pg_port: int
    pg_admin_url: str
    nats_url: str
    nats_monitor_url: str
    nats_server_bin: str
    s3_endpoint: str
    s3_access_key: str
    s3_secret_key: str
    oidc_base_url: str
    oidc_issuer: str
    smtp_host: str
    smtp_port: int


def _need(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.exit(
            f"{name} is not set: run the tests through `make test` "
            "(or `uv run python -m guichet_stack test -- pytest ...`)",
            returncode=4,
        )
    return value


def stack_from_env() -> StackInfo:
    return StackInfo(
        pg_host=_need("GUICHET_PG_HOST"),
        pg_port=int(_need("GUICHET_PG_PORT")),
        pg_admin_url=_need("GUICHET_PG_ADMIN_URL"),
        nats_url=_need("GUICHET_NATS_URL"),
        nats_monitor_url=_need("GUICHET_NATS_MONITOR_URL"),
        nats_server_bin=_need("GUICHET_NATS_SERVER_BIN"),
        s3_endpoint=_need("GUICHET_S3_ENDPOINT"),
        s3_access_key=_need("GUICHET_S3_ACCESS_KEY"),
        s3_secret_key=_need("GUICHET_S3_SECRET_KEY"),
        oidc_base_url=_need("GUICHET_OIDC_BASE_URL"),
        oidc_issuer=_need("GUICHET_OIDC_ISSUER"),
        smtp_host=_need("GUICHET_SMTP_HOST"),
        smtp_port=int(_need("GUICHET_SMTP_PORT")),
    )


@pytest.fixture(scope="session")
def stack() -> StackInfo:
    return stack_from_env()
