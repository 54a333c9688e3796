import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from guichet_stack.config import (
    Stack,
    StackConfig,
    load_recorded_config,
    record_config,
    render_env_file,
    resolve_config,
    stack_env,
)
from guichet_stack.credentials import load_or_create_secrets
from guichet_stack.errors import StackError
from guichet_stack.launcher import status

BRIEF_VARS = {
    "GUICHET_PG_HOST",
    "GUICHET_PG_PORT",
    "GUICHET_PG_ADMIN_URL",
    "GUICHET_NATS_URL",
    "GUICHET_NATS_MONITOR_URL",
    "GUICHET_NATS_SERVER_BIN",
    "GUICHET_S3_ENDPOINT",
    "GUICHET_S3_ACCESS_KEY",
    "GUICHET_S3_SECRET_KEY",
    "GUICHET_OIDC_BASE_URL",
    "GUICHET_OIDC_ISSUER",
    "GUICHET_SMTP_HOST",
    "GUICHET_SMTP_PORT",
}


@pytest.fixture
def no_base_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GUICHET_PORT_BASE", raising=False)
    monkeypatch.delenv("GUICHET_TEST_PORT_BASE", raising=False)


def test_env_has_the_brief_variables_and_sources_in_bash(tmp_path: Path) -> None:
    cfg = resolve_config("alpha", port_base=43000, root=tmp_path)
    stack = Stack.open(cfg)
    env = stack_env(stack, "/opt/nats server")  # a space must survive quoting
    assert BRIEF_VARS | {"GUICHET_STACK_PROFILE", "GUICHET_STACK_DIR", "GUICHET_SMTP_MAILDIR"} == (
        set(env)
    )
    password = stack.secrets.pg_superuser_password
    assert env["GUICHET_PG_ADMIN_URL"] == (
        f"postgresql://postgres:{password}@127.0.0.1:43000/postgres"
    )
    assert env["GUICHET_OIDC_ISSUER"] == "http://127.0.0.1:43040/realms/guichet"
    assert env["GUICHET_S3_ENDPOINT"] == "127.0.0.1:43020"
    assert env["GUICHET_STACK_DIR"] == str(tmp_path / "alpha")
    env_file = tmp_path / "env"
    env_file.write_text(render_env_file(env))
    dumped = subprocess.run(
        ["bash", "-c", f"set -e; source {env_file}; env -0"],
        capture_output=True,
        check=True,
        env={"PATH": os.environ["PATH"]},
    ).stdout.decode()
    sourced = dict(item.split("=", 1) for item in dumped.split("\0") if "=" in item)
    assert {key: sourced[key] for key in env} == env


def test_secrets_are_generated_once_and_private(tmp_path: Path) -> None:
    first = load_or_create_secrets(tmp_path)
    again = load_or_create_secrets(tmp_path)
    assert first == again
    assert (tmp_path / "secrets.json").stat().st_mode & 0o777 == 0o600
    assert first.app_password("intake") != first.app_password("routing")
    assert load_or_create_secrets(tmp_path / "other") != first


def test_secrets_of_an_older_launcher_are_completed(tmp_path: Path) -> None:
    """A secrets.json without the superuser password keeps its values and gains one."""
    older = {"s3_access_key": "guichet-0a1b", "s3_secret_key": "s3-secret", "app_role_key": "k"}
    path = tmp_path / "secrets.json"
    path.write_text(json.dumps(older))
    path.chmod(0o644)
    completed = load_or_create_secrets(tmp_path)
    stored = json.loads(path.read_text())
    assert {key: stored[key] for key in older} == older
    assert len(stored["pg_superuser_password"]) >= 24
    assert completed.pg_superuser_password == stored["pg_superuser_password"]
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_or_create_secrets(tmp_path) == completed


def test_port_base_precedence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_base_env: None
) -> None:
    assert resolve_config("dev", root=tmp_path).ports.base == 17000
    assert resolve_config("test", root=tmp_path).ports.base == 26000
    record_config(_mkdir(resolve_config("dev", port_base=45000, root=tmp_path)))
    assert resolve_config("dev", root=tmp_path).ports.base == 45000
    monkeypatch.setenv("GUICHET_PORT_BASE", "46000")
    assert resolve_config("dev", root=tmp_path).ports.base == 46000
    assert resolve_config("dev", root=tmp_path, port_base=47000).ports.base == 47000
    # a moved dev stack does not drag the test stack onto its ports
    assert resolve_config("test", root=tmp_path).ports.base == 26000
    monkeypatch.setenv("GUICHET_TEST_PORT_BASE", "48000")
    assert resolve_config("test", root=tmp_path).ports.base == 48000


def test_stack_from_env_reads_what_up_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = _mkdir(resolve_config("gamma", port_base=44800, root=tmp_path))
    record_config(cfg)
    opened = Stack.open(cfg)
    monkeypatch.setenv("GUICHET_STACK_DIR", str(cfg.dir))
    assert Stack.from_env() == opened
    monkeypatch.delenv("GUICHET_STACK_DIR")
    with pytest.raises(StackError, match="GUICHET_STACK_DIR"):
        Stack.from_env()


def test_unknown_profile_needs_a_base(tmp_path: Path, no_base_env: None) -> None:
    with pytest.raises(StackError, match="GUICHET_PORT_BASE"):
        resolve_config("feature-x", root=tmp_path)
    assert resolve_config("feature-x", root=tmp_path, port_base=44000).ports.base == 44000


@pytest.mark.parametrize("profile", ["", "Dev", "../etc", "a b", "x" * 40])
def test_bad_profile_names(tmp_path: Path, profile: str) -> None:
    with pytest.raises(StackError, match="profile"):
        resolve_config(profile, port_base=44000, root=tmp_path)


def test_bad_base_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUICHET_PORT_BASE", "17k")
    with pytest.raises(StackError, match="not a number"):
        resolve_config("dev", root=tmp_path)
    with pytest.raises(StackError, match="between"):
        resolve_config("dev", root=tmp_path, port_base=99)


def test_recorded_config_round_trips(tmp_path: Path) -> None:
    cfg = _mkdir(resolve_config("beta", port_base=44200, root=tmp_path, ephemeral=True))
    record_config(cfg)
    assert load_recorded_config(cfg.dir) == cfg
    assert json.loads(cfg.stack_file.read_text())["ports"]["smtp"] == 44250


async def test_status_of_a_stack_never_started_creates_nothing(tmp_path: Path) -> None:
    cfg = resolve_config("never", port_base=44400, root=tmp_path)
    rows = await status(cfg)
    assert [row.state for row in rows] == ["stopped"] * 5
    assert not cfg.dir.exists()


def test_cli_status_of_a_stopped_stack_exits_3(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "guichet_stack",
            "status",
            "--profile",
            "cli",
            "--port-base",
            "44600",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "GUICHET_STACK_ROOT": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 3, result.stderr
    assert "port base 44600" in result.stdout
    assert len(re.findall(r"pid -\s+stopped ", result.stdout)) == 5


def _mkdir(cfg: StackConfig) -> StackConfig:
    cfg.dir.mkdir(parents=True, exist_ok=True)
    return cfg
