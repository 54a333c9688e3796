"""A stack = a profile (dev, test, ...) + a port base + a state directory + its secrets.
`stack_env` is the contract other parts read (GUICHET_* variables, see the shared brief)."""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from guichet_stack.credentials import StackSecrets, load_or_create_secrets
from guichet_stack.errors import StackError
from guichet_stack.paths import repo_root, state_root
from guichet_stack.ports import DEFAULT_BASES, LOOPBACK, PortLayout

STACK_FILE = "stack.json"
ENV_FILE = "env"
DATABASE = "guichet"
BUCKET = "guichet"
REALM = "guichet"
PG_SUPERUSER = "postgres"
_PROFILE_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@dataclass(frozen=True)
class StackConfig:
    profile: str
    ports: PortLayout
    root: Path
    repo: Path
    ephemeral: bool = False  # throwaway data: PostgreSQL runs without fsync

    host = LOOPBACK

    @property
    def dir(self) -> Path:
        return self.root / self.profile

    @property
    def logs_dir(self) -> Path:
        return self.dir / "logs"

    @property
    def pids_dir(self) -> Path:
        return self.dir / "pids"

    @property
    def maildir(self) -> Path:
        return self.dir / "mail"

    @property
    def env_file(self) -> Path:
        return self.dir / ENV_FILE

    @property
    def stack_file(self) -> Path:
        return self.dir / STACK_FILE

    @property
    def oidc_base_url(self) -> str:
        return f"http://{self.host}:{self.ports['oidc']}"

    @property
    def oidc_issuer(self) -> str:
        return f"{self.oidc_base_url}/realms/{REALM}"

    def pg_url(self, user: str, password: str, database: str, *, driver: str = "postgresql") -> str:
        """TCP URL of the stack's cluster; TCP logins always need the password (scram)."""
        login = f"{quote(user, safe='')}:{quote(password, safe='')}"
        return f"{driver}://{login}@{self.host}:{self.ports['postgres']}/{database}"


@dataclass(frozen=True)
class Stack:
    """A configured stack with its secrets: what services and tests need to connect."""

    config: StackConfig
    secrets: StackSecrets

    @classmethod
    def open(cls, config: StackConfig) -> Stack:
        return cls(config, load_or_create_secrets(config.dir))

    @classmethod
    def from_env(cls) -> Stack:
        """The stack whose variables are exported (GUICHET_STACK_DIR), e.g. inside `make test`."""
        stack_dir = os.environ.get("GUICHET_STACK_DIR")
        if not stack_dir:
            raise StackError("GUICHET_STACK_DIR is not set: run through `make test`")
        return cls.open(load_recorded_config(Path(stack_dir)))

    def pg_admin_url(self, database: str = "postgres", *, driver: str = "postgresql") -> str:
        """The superuser `postgres` (also the migration role of the local stack)."""
        password = self.secrets.pg_superuser_password
        return self.config.pg_url(PG_SUPERUSER, password, database, driver=driver)


def check_profile(profile: str) -> str:
    if not _PROFILE_RE.match(profile):
        raise StackError(f"invalid profile name {profile!r} (lower-case letters, digits, - and _)")
    return profile


def resolve_config(
    profile: str,
    *,
    port_base: int | None = None,
    root: Path | None = None,
    ephemeral: bool | None = None,
) -> StackConfig:
    """Port base: explicit argument, else $GUICHET_PORT_BASE ($GUICHET_TEST_PORT_BASE for the
    `test` profile, so a moved dev stack never lands on the test stack), else the base recorded
    by the last `up` of this profile, else the profile default (dev 17000, test 26000)."""
    check_profile(profile)
    repo = repo_root()
    root = root or state_root(repo)
    base = port_base if port_base is not None else _env_base(base_variable(profile))
    if base is None:
        base = _recorded_base(root / profile / STACK_FILE)
    if base is None:
        base = DEFAULT_BASES.get(profile)
    if base is None:
        raise StackError(
            f"profile {profile!r} has no default port base: set {base_variable(profile)}"
        )
    try:
        layout = PortLayout(base)
    except ValueError as exc:
        raise StackError(str(exc)) from exc
    return StackConfig(
        profile=profile,
        ports=layout,
        root=root,
        repo=repo,
        ephemeral=profile == "test" if ephemeral is None else ephemeral,
    )


def load_recorded_config(stack_dir: Path) -> StackConfig:
    """The configuration an earlier `up` recorded in <stack_dir>/stack.json."""
    path = stack_dir / STACK_FILE
    if not path.is_file():
        raise StackError(f"{path} not found: is the stack up?")
    data = json.loads(path.read_text())
    return StackConfig(
        profile=data["profile"],
        ports=PortLayout(int(data["port_base"])),
        root=stack_dir.parent,
        repo=Path(data["repo"]),
        ephemeral=bool(data.get("ephemeral", False)),
    )


def base_variable(profile: str) -> str:
    return "GUICHET_TEST_PORT_BASE" if profile == "test" else "GUICHET_PORT_BASE"


def _env_base(variable: str) -> int | None:
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise StackError(f"{variable}={raw!r} is not a number")
    return int(raw)


def _recorded_base(path: Path) -> int | None:
    if not path.is_file():
        return None
    return int(json.loads(path.read_text())["port_base"])


def stack_env(stack: Stack, nats_server_bin: str) -> dict[str, str]:
    """The GUICHET_* variables of the shared brief, plus profile, state dir and mail dir."""
    cfg, sec = stack.config, stack.secrets
    ports = cfg.ports
    return {
        "GUICHET_STACK_PROFILE": cfg.profile,
        "GUICHET_STACK_DIR": str(cfg.dir),
        "GUICHET_PG_HOST": cfg.host,
        "GUICHET_PG_PORT": str(ports["postgres"]),
        "GUICHET_PG_ADMIN_URL": stack.pg_admin_url(),
        "GUICHET_NATS_URL": f"nats://{cfg.host}:{ports['nats']}",
        "GUICHET_NATS_MONITOR_URL": f"http://{cfg.host}:{ports['nats_monitor']}",
        "GUICHET_NATS_SERVER_BIN": nats_server_bin,
        "GUICHET_S3_ENDPOINT": f"{cfg.host}:{ports['s3']}",
        "GUICHET_S3_ACCESS_KEY": sec.s3_access_key,
        "GUICHET_S3_SECRET_KEY": sec.s3_secret_key,
        "GUICHET_OIDC_BASE_URL": cfg.oidc_base_url,
        "GUICHET_OIDC_ISSUER": cfg.oidc_issuer,
        "GUICHET_SMTP_HOST": cfg.host,
        "GUICHET_SMTP_PORT": str(ports["smtp"]),
        "GUICHET_SMTP_MAILDIR": str(cfg.maildir),
    }


def render_env_file(env: dict[str, str]) -> str:
    """`export KEY=VALUE` lines a POSIX shell can `source`."""
    return "".join(f"export {key}={shlex.quote(value)}\n" for key, value in env.items())


def record_config(cfg: StackConfig) -> None:
    payload = {
        "profile": cfg.profile,
        "port_base": cfg.ports.base,
        "ports": cfg.ports.all(),
        "repo": str(cfg.repo),
        "ephemeral": cfg.ephemeral,
    }
    cfg.stack_file.write_text(json.dumps(payload, indent=2) + "\n")
