"""PostgreSQL 15 + PostGIS in a private cluster owned by this stack.

As root the cluster runs as the `postgres` user (initdb refuses root); its directory must be
reachable by that user, otherwise it lives under /var/tmp (recorded nowhere: derived the same
way by every command).

Every login checks its password (scram-sha-256), as in production: the superuser's comes from
secrets.json. Before each start, while the server is down, pg_hba.conf is compared with the one
these secrets call for; when it differs (new cluster, cluster of an older launcher that trusted
every login, regenerated secrets) the password is set in single-user mode, which needs no login,
and pg_hba.conf is rewritten."""

from __future__ import annotations

import asyncio
import hashlib
import os
import pwd
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import asyncpg  # type: ignore[import-untyped, unused-ignore]

from guichet_stack.components.base import Component
from guichet_stack.config import DATABASE, PG_SUPERUSER, Stack, StackConfig
from guichet_stack.errors import StackError

PG_BINDIR = Path(os.environ.get("GUICHET_PG_BINDIR", "/usr/lib/postgresql/15/bin"))
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")
PG_USER = "postgres"
_FALLBACK_ROOT = Path("/var/tmp/guichet-stack-pg")
_SOCKET_PATH_MAX = 100  # sun_path is 108 bytes; leave room for "/.s.PGSQL.65535"
_CONF_NAME = "guichet.conf"
_HBA_NAME = "pg_hba.conf"


def _as_root() -> bool:
    return os.geteuid() == 0


def _as_pg_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", PG_USER, "--", *argv] if _as_root() else argv


def _reachable_by_pg_user(path: Path) -> bool:
    if not _as_root():
        return True
    result = subprocess.run(
        _as_pg_user(["test", "-x", str(path)]), capture_output=True, check=False
    )
    return result.returncode == 0


def pg_home(cfg: StackConfig) -> Path:
    """Directory holding data/, run/ (socket) and postgres.log."""
    return _pg_home(cfg.dir)


@lru_cache(maxsize=32)
def _pg_home(stack_dir: Path) -> Path:
    existing = next(p for p in (stack_dir, *stack_dir.parents) if p.exists())
    if _reachable_by_pg_user(existing):  # missing levels get created 0755
        return stack_dir / "pg"
    digest = hashlib.sha256(str(stack_dir).encode()).hexdigest()[:16]
    return _FALLBACK_ROOT / digest


def _chown_to_pg_user(path: Path) -> None:
    if _as_root():
        entry = pwd.getpwnam(PG_USER)
        os.chown(path, entry.pw_uid, entry.pw_gid)


async def _run(argv: list[str], what: str, stdin: bytes | None = None) -> str:
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL if stdin is None else asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,  # the postmaster must not get the terminal's Ctrl-C
    )
    try:
        out, _ = await proc.communicate(stdin)
    except asyncio.CancelledError:
        await proc.wait()  # let pg_ctl finish, so that a following `stop` sees the server
        raise
    text = out.decode(errors="replace")
    if proc.returncode != 0:
        raise StackError(f"{what} failed (exit {proc.returncode}):\n{text}")
    return text


def server_settings(cfg: StackConfig, socket_dir: Path) -> dict[str, str]:
    sockets = str(socket_dir) if len(str(socket_dir)) <= _SOCKET_PATH_MAX else ""
    settings = {
        "port": str(cfg.ports["postgres"]),
        "listen_addresses": cfg.host,
        "unix_socket_directories": sockets,
        "max_connections": "300",
        # JIT costs up to 350 ms on the analytics queries (GUIDE section 6).
        "jit": "off",
        "password_encryption": "scram-sha-256",  # what pg_hba.conf asks for
    }
    if cfg.ephemeral:
        settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
    return settings


def render_conf(settings: dict[str, str]) -> str:
    quoted = (f"{key} = '{value.replace(chr(39), chr(39) * 2)}'" for key, value in settings.items())
    return "# written by guichet_stack on every `up`\n" + "\n".join(quoted) + "\n"


def render_hba(superuser_password: str) -> str:
    """No trust anywhere: the socket and TCP (the server listens on 127.0.0.1 only) both
    want a password. The fingerprint tells a later `up` which password the cluster has."""
    fingerprint = hashlib.sha256(superuser_password.encode()).hexdigest()[:16]
    return (
        "# written by guichet_stack before each start; edits are overwritten\n"
        f"# superuser password fingerprint sha256:{fingerprint}\n"
        "# TYPE  DATABASE  USER  ADDRESS       METHOD\n"
        "local   all       all                 scram-sha-256\n"
        "host    all       all   127.0.0.1/32  scram-sha-256\n"
    )


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class Postgres(Component):
    name = "postgres"
    port_names = ("postgres",)
    start_timeout = 60.0

    def preflight(self, stack: Stack) -> None:
        if not (PG_BINDIR / "pg_ctl").is_file():
            raise StackError(
                f"PostgreSQL 15 not found in {PG_BINDIR}: run `bash deploy/local/bootstrap.sh`"
            )
        if not POSTGIS_CONTROL.is_file():
            raise StackError(
                "PostGIS for PostgreSQL 15 is missing: run `bash deploy/local/bootstrap.sh`"
            )
        if _as_root():
            try:
                pwd.getpwnam(PG_USER)
            except KeyError as exc:
                raise StackError("user `postgres` does not exist: install postgresql-15") from exc

    def log_path(self, cfg: StackConfig) -> Path:
        return pg_home(cfg) / "postgres.log"

    def running_pid(self, cfg: StackConfig) -> int | None:
        data = pg_home(cfg) / "data"
        try:
            pid = int((data / "postmaster.pid").read_text().split("\n", 1)[0])
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except (FileNotFoundError, ValueError, PermissionError, ProcessLookupError):
            return None
        return pid if Path(cwd) == data.resolve() else None

    async def healthy(self, stack: Stack) -> bool:
        try:
            conn = await asyncpg.connect(stack.pg_admin_url(DATABASE), timeout=2)
            try:
                version = await conn.fetchval(
                    "SELECT extversion FROM pg_extension WHERE extname = 'postgis'"
                )
            finally:
                await conn.close()
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return False
        return version is not None

    async def start(self, stack: Stack) -> None:
        cfg = stack.config
        home = pg_home(cfg)
        data, sockets = home / "data", home / "run"
        for folder in (home, sockets):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            _chown_to_pg_user(folder)
        if not (data / "PG_VERSION").is_file():
            await self._initdb(data)
        _write_pg_file(data / _CONF_NAME, render_conf(server_settings(cfg, sockets)))
        busy = self.busy_ports(cfg)
        if busy:
            raise StackError(
                f"postgres: port {busy} already in use; choose another GUICHET_PORT_BASE"
            )
        await self._require_passwords(data, stack.secrets.pg_superuser_password)
        pg_ctl = str(PG_BINDIR / "pg_ctl")
        log = str(home / "postgres.log")
        timeout = str(int(self.start_timeout))
        argv = [pg_ctl, "-D", str(data), "-l", log, "-w", "-t", timeout, "start"]
        await _run(_as_pg_user(argv), f"pg_ctl start (log: {log})")
        try:
            await provision(stack)
        except asyncpg.InvalidPasswordError as exc:
            raise StackError(
                f"postgres refused the superuser password of secrets.json ({exc}); remove "
                f"{data / _HBA_NAME} and `up` again: the password is then set anew"
            ) from None

    async def _initdb(self, data: Path) -> None:
        # a half-initialised cluster from an interrupted run
        await asyncio.to_thread(shutil.rmtree, data, ignore_errors=True)
        # No login works until _require_passwords has set the password and pg_hba.conf.
        argv = [str(PG_BINDIR / "initdb"), "-D", str(data), "-U", PG_SUPERUSER]
        argv += ["--auth-local=peer", "--auth-host=reject"]
        argv += ["-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
        await _run(_as_pg_user(argv), "initdb")
        conf = data / "postgresql.conf"
        with conf.open("a") as handle:
            handle.write(f"\ninclude_if_exists = '{_CONF_NAME}'\n")

    async def _require_passwords(self, data: Path, password: str) -> None:
        """With the server stopped: superuser password and pg_hba.conf, unless already done."""
        hba = data / _HBA_NAME
        wanted = render_hba(password)
        if hba.is_file() and hba.read_text() == wanted:
            return
        statement = f"ALTER ROLE {PG_SUPERUSER} PASSWORD {_sql_literal(password)};\n"
        argv = [str(PG_BINDIR / "postgres"), "--single", "-D", str(data), "postgres"]
        try:
            out = await _run(
                _as_pg_user(argv), "setting the superuser password", statement.encode()
            )
        except StackError as exc:
            raise StackError(str(exc).replace(password, "***")) from None
        if "ERROR:" in out:
            redacted = out.replace(password, "***")
            raise StackError(f"setting the superuser password failed:\n{redacted}")
        _write_pg_file(hba, wanted)

    async def stop(self, cfg: StackConfig) -> None:
        if self.running_pid(cfg) is None:
            return
        data = pg_home(cfg) / "data"
        argv = [str(PG_BINDIR / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "-t", "60", "stop"]
        await _run(_as_pg_user(argv), "pg_ctl stop")


def _write_pg_file(path: Path, text: str) -> None:
    """A file of the data directory: the server's user must read it, nobody else."""
    path.write_text(text)
    path.chmod(0o600)
    _chown_to_pg_user(path)


async def provision(stack: Stack) -> None:
    """PostGIS in template1 (so every database created later has it) and database `guichet`."""
    conn = await asyncpg.connect(stack.pg_admin_url("template1"), timeout=10)
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await conn.close()
    conn = await asyncpg.connect(stack.pg_admin_url(DATABASE), timeout=10)
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    finally:
        await conn.close()
