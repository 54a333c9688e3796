"""Logins to the stack's cluster check passwords (scram-sha-256), as in production: for the
superuser and for the services' app roles, on a new cluster and on one that an older launcher
created with `initdb -A trust`."""

import json
import os
import pwd
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg  # type: ignore[import-untyped, unused-ignore]
import pytest

from guichet_stack.components import select
from guichet_stack.components.postgres import PG_BINDIR, PG_USER, pg_home
from guichet_stack.config import Stack, StackConfig, resolve_config, stack_env
from guichet_stack.credentials import SECRETS_FILE
from guichet_stack.launcher import down, up, wipe
from guichet_stack.ports import find_free_base
from guichet_stack.services import get_service, provision_app_roles, service_env

WRONG = "not-the-password"


@pytest.fixture
async def pg_config(tmp_path: Path) -> AsyncIterator[StackConfig]:
    cfg = resolve_config("pgauth", port_base=find_free_base(), root=tmp_path, ephemeral=True)
    yield cfg
    await down(cfg)
    wipe(cfg)


async def _login(stack: Stack, user: str, password: str | None) -> str:
    """Log in over TCP (127.0.0.1) and return the session's user."""
    conn = await asyncpg.connect(
        host=stack.config.host,
        port=stack.config.ports["postgres"],
        user=user,
        password=password,
        database="guichet",
        timeout=5,
    )
    try:
        return str(await conn.fetchval("SELECT session_user"))
    finally:
        await conn.close()


async def _refused(stack: Stack, user: str, password: str | None) -> None:
    with pytest.raises(asyncpg.InvalidPasswordError, match="password authentication failed"):
        await _login(stack, user, password)


async def _only_passwords_accepted(stack: Stack) -> None:
    """Every rule of the loaded pg_hba.conf asks for a password: no trust, no peer."""
    conn = await asyncpg.connect(stack.pg_admin_url(), timeout=5)
    try:
        rules = await conn.fetch("SELECT type, auth_method, error FROM pg_hba_file_rules")
    finally:
        await conn.close()
    assert {(r["type"], r["auth_method"], r["error"]) for r in rules} == {
        ("local", "scram-sha-256", None),
        ("host", "scram-sha-256", None),
    }


async def test_tcp_logins_need_the_right_password(pg_config: StackConfig) -> None:
    stack = Stack.open(pg_config)
    sec = stack.secrets
    assert await up(stack, select(["postgres"])) == ["postgres"]
    await _only_passwords_accepted(stack)
    admin = await asyncpg.connect(stack.pg_admin_url("guichet"), timeout=5)
    try:  # a role left by an earlier run with another password gets the stack's one
        await admin.execute("CREATE ROLE intake_app LOGIN PASSWORD 'stale-password'")
    finally:
        await admin.close()
    await provision_app_roles(stack, (get_service("intake"), get_service("routing")))

    assert await _login(stack, "postgres", sec.pg_superuser_password) == "postgres"
    assert await _login(stack, "intake_app", sec.app_password("intake")) == "intake_app"
    for user, password in [
        ("postgres", WRONG),
        ("postgres", None),
        ("postgres", sec.app_password("intake")),
        ("intake_app", WRONG),
        ("intake_app", None),
        ("intake_app", "stale-password"),
        ("intake_app", sec.app_password("routing")),
        ("intake_app", sec.pg_superuser_password),
    ]:
        await _refused(stack, user, password)

    # the URLs the launcher hands out carry the passwords
    admin_url = stack_env(stack, "nats-server")["GUICHET_PG_ADMIN_URL"]
    env = service_env(stack, "intake")
    for url, user in [
        (admin_url, "postgres"),
        (env["INTAKE_DATABASE_MIGRATION_URL"], "postgres"),
        (env["INTAKE_DATABASE_URL"], "intake_app"),
    ]:
        conn = await asyncpg.connect(url.replace("+asyncpg", ""), timeout=5)
        try:
            assert await conn.fetchval("SELECT session_user") == user
        finally:
            await conn.close()


def _initdb_like_an_older_launcher(cfg: StackConfig) -> Path:
    """What `up` did before passwords: every login trusted."""
    home = pg_home(cfg)
    data = home / "data"
    run_as = ["runuser", "-u", PG_USER, "--"] if os.geteuid() == 0 else []
    for folder in (home, home / "run"):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if run_as:
            entry = pwd.getpwnam(PG_USER)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
    argv = [str(PG_BINDIR / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
    argv += ["-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
    subprocess.run([*run_as, *argv], check=True, capture_output=True)
    with (data / "postgresql.conf").open("a") as handle:
        handle.write("\ninclude_if_exists = 'guichet.conf'\n")
    return data


async def test_a_trusting_cluster_of_an_older_launcher_gets_passwords(
    pg_config: StackConfig,
) -> None:
    pg_config.dir.mkdir(parents=True)
    older_secrets = {"s3_access_key": "guichet-0a1b", "s3_secret_key": "s", "app_role_key": "k"}
    (pg_config.dir / SECRETS_FILE).write_text(json.dumps(older_secrets))
    data = _initdb_like_an_older_launcher(pg_config)
    assert (
        "host    all             all             127.0.0.1/32            trust"
        in (data / "pg_hba.conf").read_text()
    )

    stack = Stack.open(pg_config)  # secrets.json gains the superuser password
    assert await up(stack, select(["postgres"])) == ["postgres"]
    await _only_passwords_accepted(stack)
    assert await _login(stack, "postgres", stack.secrets.pg_superuser_password) == "postgres"
    await _refused(stack, "postgres", WRONG)
    await _refused(stack, "postgres", None)

    # the next `up` finds everything in place and leaves pg_hba.conf alone
    written = (data / "pg_hba.conf").stat().st_mtime_ns
    await down(pg_config)
    assert await up(stack, select(["postgres"])) == ["postgres"]
    assert (data / "pg_hba.conf").stat().st_mtime_ns == written
    assert await _login(stack, "postgres", stack.secrets.pg_superuser_password) == "postgres"

    # secrets.json lost, the cluster kept: the new superuser password replaces the old one
    await down(pg_config)
    (pg_config.dir / SECRETS_FILE).unlink()
    renewed = Stack.open(pg_config)
    assert await up(renewed, select(["postgres"])) == ["postgres"]
    assert await _login(renewed, "postgres", renewed.secrets.pg_superuser_password) == "postgres"
    await _refused(renewed, "postgres", stack.secrets.pg_superuser_password)
