"""PostgreSQL 15 + PostGIS in a private cluster owned by this stack.

As root the cluster runs as the `postgres` user (initdb refuses root); its directory must be
reachable by that user, otherwise it lives under /var/tmp (recorded nowhere: derived the same
way by every command)."""

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
from guichet_stack.config import DATABASE, Stack, StackConfig
from guichet_stack.errors import StackError

PG_BINDIR = Path(os.environ.get("GUICHET_PG_BINDIR", "/usr/lib/postgresql/15/bin"))
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")
PG_USER = "postgres"
_FALLBACK_ROOT = Path("/var/tmp/guichet-stack-pg")
_SOCKET_PATH_MAX = 100  # sun_path is 108 bytes; leave room for "/.s.PGSQL.65535"
_CONF_NAME = "guichet.conf"


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


async def _run(argv: list[str], what: str) -> str:
    proc = await asyncio.create_subprocess_exec(
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,  # the postmaster must not get the terminal's Ctrl-C
    )
    try:
        out, _ = await proc.communicate()
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
    }
    if cfg.ephemeral:
        settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
    return settings


def render_conf(settings: dict[str, str]) -> str:
    quoted = (f"{key} = '{value.replace(chr(39), chr(39) * 2)}'" for key, value in settings.items())
    return "# written by guichet_stack on every `up`\n" + "\n".join(quoted) + "\n"


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
            conn = await asyncpg.connect(stack.config.pg_url(database=DATABASE), timeout=2)
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
        (data / _CONF_NAME).write_text(render_conf(server_settings(cfg, sockets)))
        _chown_to_pg_user(data / _CONF_NAME)
        busy = self.busy_ports(cfg)
        if busy:
            raise StackError(
                f"postgres: port {busy} already in use; choose another GUICHET_PORT_BASE"
            )
        pg_ctl = str(PG_BINDIR / "pg_ctl")
        log = str(home / "postgres.log")
        timeout = str(int(self.start_timeout))
        argv = [pg_ctl, "-D", str(data), "-l", log, "-w", "-t", timeout, "start"]
        await _run(_as_pg_user(argv), f"pg_ctl start (log: {log})")
        await provision(cfg)

    async def _initdb(self, data: Path) -> None:
        # a half-initialised cluster from an interrupted run
        await asyncio.to_thread(shutil.rmtree, data, ignore_errors=True)
        argv = [str(PG_BINDIR / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
        argv += ["-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]
        await _run(_as_pg_user(argv), "initdb")
        conf = data / "postgresql.conf"
        with conf.open("a") as handle:
            handle.write(f"\ninclude_if_exists = '{_CONF_NAME}'\n")

    async def stop(self, cfg: StackConfig) -> None:
        if self.running_pid(cfg) is None:
            return
        data = pg_home(cfg) / "data"
        argv = [str(PG_BINDIR / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "-t", "60", "stop"]
        await _run(_as_pg_user(argv), "pg_ctl stop")


async def provision(cfg: StackConfig) -> None:
    """PostGIS in template1 (so every database created later has it) and database `guichet`."""
    conn = await asyncpg.connect(cfg.pg_url(database="template1"), timeout=10)
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await conn.close()
    conn = await asyncpg.connect(cfg.pg_url(database=DATABASE), timeout=10)
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    finally:
        await conn.close()
