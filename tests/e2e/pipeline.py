"""The report pipeline as real processes, for end-to-end tests.

`Platform` runs intake, routing and cases as uvicorn subprocesses (as `make run` does, through
`guichet_stack`'s process helpers) against the test stack, with everything of their own:

- a fresh database (``guichet_test_<random>``) with each service's schema migrated by its
  migration role, and an app role without BYPASSRLS per service;
- a private JetStream server (streams and durable consumers start empty, and a test may kill
  processes without disturbing anybody);
- a fresh S3 bucket;
- the stack's OIDC provider (read only).

Ports come from the stack's block (``GUICHET_PG_PORT`` is its base): services on
``base + 100 + i`` as in `guichet_stack.ports`, the private NATS on ``base + 160/161``.
`routing.cli seed-demo` loads the five demo towns; `start()` returns once every service is
ready and the directory has reached intake's and cases' projections.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nats
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from guichet_kit.storage import build_minio_client
from guichet_stack.ports import PortLayout, port_is_free
from guichet_stack.probes import http_ok, wait_until
from guichet_stack.procs import ProcRecord, is_running, log_tail, spawn, terminate, wait_exit
from guichet_testing.database import (
    ServiceDatabase,
    TestDatabase,
    create_test_database,
    provision_service_schema,
)
from guichet_testing.nats import NatsServer
from guichet_testing.s3 import remove_bucket, s3_settings_for
from guichet_testing.stack import StackInfo
from tests.services import service_modules

PIPELINE = ("intake", "routing", "cases")
NATS_OFFSET = 160
READY_WITHIN = 60.0
DEMO_TOWNS = 5


@dataclass
class ServiceProcess:
    """One service run by uvicorn in its own process group."""

    name: str
    port: int
    env: dict[str, str]
    workdir: Path
    record: ProcRecord | None = field(default=None)
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.workdir / f"{self.name}.log"

    @property
    def running(self) -> bool:
        return self.record is not None and is_running(self.record)

    def start(self) -> None:
        if self.running:
            raise RuntimeError(f"{self.name} already runs")
        _wait_port_free(self.name, self.port)
        argv = [sys.executable, "-m", "uvicorn", "--factory", f"{self.name}.main:create_app"]
        argv += ["--host", "127.0.0.1", "--port", str(self.port)]
        argv += ["--loop", "uvloop", "--http", "httptools", "--no-access-log"]
        self.starts += 1
        self.record = spawn(
            self.name,
            argv,
            log=self.log,
            pidfile=self.workdir / f"{self.name}.pid",
            env={**os.environ, **self.env, "PYTHONUNBUFFERED": "1"},
        )

    async def wait_ready(self, within: float = READY_WITHIN) -> None:
        url = f"{self.url}/readyz"
        await wait_until(self.name, lambda: http_ok(url), within=within, process=self.record)

    def kill(self) -> None:
        """SIGKILL to the process group: no shutdown, no flush, no ack."""
        if self.record is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.record.pid, signal.SIGKILL)
        if not wait_exit(self.record, 10.0):
            raise RuntimeError(f"{self.name} (pid {self.record.pid}) survived SIGKILL")

    def stop(self) -> None:
        if self.record is not None:
            terminate(self.record, 15.0)

    def log_tail(self, lines: int = 40) -> str:
        return log_tail(self.log, lines)


def _wait_port_free(name: str, port: int, within: float = 10.0) -> None:
    """A killed server's port can stay bound for a moment; say who holds it if it stays."""
    deadline = time.monotonic() + within
    while not port_is_free(port, "127.0.0.1"):
        if time.monotonic() > deadline:
            sockets = subprocess.run(["ss", "-tanp"], capture_output=True, text=True).stdout
            holders = "\n".join(line for line in sockets.splitlines() if f":{port} " in line)
            raise RuntimeError(f"{name}: port {port} is taken:\n{holders}")
        time.sleep(0.1)


def service_env(
    name: str,
    *,
    stack: StackInfo,
    database: ServiceDatabase,
    nats_url: str,
    bucket: str,
) -> dict[str, str]:
    """`<SVC>_*` settings (guichet_kit.settings.KitSettings) of one pipeline service."""
    values = {
        "ENVIRONMENT": "test",
        "SERVICE_NAME": name,
        "DATABASE_URL": database.app_role.url,
        "DATABASE_MIGRATION_URL": database.migration_role.url,
        "DATABASE_APP_ROLE": database.app_role.name,
        "DATABASE_SCHEMA": name,
        "DATABASE_POOL_SIZE": "10",
        "NATS_URL": nats_url,
        "S3_ENDPOINT": stack.s3_endpoint,
        "S3_ACCESS_KEY": stack.s3_access_key,
        "S3_SECRET_KEY": stack.s3_secret_key,
        "S3_BUCKET": bucket,
        "OIDC_ISSUERS": json.dumps([stack.oidc_issuer]),
    }
    return {f"{name.upper()}_{key}": value for key, value in values.items()}


class Platform:
    """intake → routing → cases over real processes; see the module docstring."""

    def __init__(self, stack: StackInfo, workdir: Path, services: Sequence[str] = PIPELINE) -> None:
        self.stack = stack
        self.workdir = workdir
        self.names = tuple(services)
        self.ports = PortLayout(stack.pg_port)
        self.bucket = f"guichet-e2e-{secrets.token_hex(6)}"
        self.nats = NatsServer(stack.nats_server_bin, workdir / "nats")
        self.nats.port = self.ports.base + NATS_OFFSET
        self.nats.monitor_port = self.ports.base + NATS_OFFSET + 1
        self.services: dict[str, ServiceProcess] = {}
        self.database: TestDatabase | None = None
        self._admin: AsyncEngine | None = None

    def __getitem__(self, name: str) -> ServiceProcess:
        return self.services[name]

    def url(self, name: str) -> str:
        return self.services[name].url

    @property
    def admin(self) -> AsyncEngine:
        """Superuser engine on the platform's database (bypasses RLS): assertions only."""
        if self._admin is None:
            raise RuntimeError("platform not started")
        return self._admin

    async def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        for port in (self.nats.port, self.nats.monitor_port):
            if not port_is_free(port, "127.0.0.1"):
                raise RuntimeError(f"port {port} (private NATS) is taken: another e2e session?")
        await asyncio.to_thread(self.nats.start)
        self.database = await create_test_database(self.stack.pg_admin_url)
        self._admin = self.database.admin_engine()
        # One after the other: alembic's `context` and `op` are process-wide proxies, and
        # the kit runs each upgrade in a worker thread.
        schemas = [await self._provision(self.database, name) for name in self.names]
        for name, schema in zip(self.names, schemas, strict=True):
            env = service_env(
                name, stack=self.stack, database=schema, nats_url=self.nats.url, bucket=self.bucket
            )
            self.services[name] = ServiceProcess(name, self.ports[name], env, self.workdir)
        for service in self.services.values():
            service.start()
        # The seed only writes routing's tables and outbox: it runs while the services
        # start, and routing's relay publishes the snapshots when it is up.
        seeding = [self.run_cli("routing", "seed-demo")] if "routing" in self.services else []
        await asyncio.gather(*seeding, *(s.wait_ready() for s in self.services.values()))
        await self.wait_for_directory()

    @staticmethod
    async def _provision(database: TestDatabase, name: str) -> ServiceDatabase:
        migrations = service_modules(name).migrations_dir
        return await provision_service_schema(database, schema=name, script_location=migrations)

    async def run_cli(self, name: str, command: str) -> None:
        """`python -m <svc>.cli <command>` with the service's environment."""
        log = self.workdir / f"{name}-{command}.log"
        with log.open("wb") as out:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", f"{name}.cli", command,
                env={**os.environ, **self.services[name].env},
                stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip
            code = await proc.wait()
        if code != 0:
            raise RuntimeError(f"{name}.cli {command} exited {code}:\n{log_tail(log)}")

    async def wait_for_directory(self, towns: int = DEMO_TOWNS, within: float = 30.0) -> None:
        """Until intake and cases project the directory of every demo town."""
        tables = {"intake": "intake.municipality", "cases": "cases.directory_municipality"}
        for name, table in tables.items():
            if name not in self.services:
                continue

            async def projected(table: str = table) -> bool:
                return await self.scalar(f"SELECT count(*) FROM {table}") >= towns

            await wait_until(f"{name} directory", projected, within=within)

    async def scalar(self, sql: str, params: Mapping[str, object] | None = None) -> int:
        async with self.admin.connect() as connection:
            value = (await connection.execute(text(sql), dict(params or {}))).scalar_one()
        return int(value)

    async def read_object(self, key: str) -> bytes:
        """An object of the platform's bucket, read back from S3."""
        client = build_minio_client(s3_settings_for(self.stack, self.bucket))

        def read() -> bytes:
            response = client.get_object(self.bucket, key)
            try:
                return bytes(response.read())
            finally:
                response.close()
                response.release_conn()

        return await asyncio.to_thread(read)

    async def object_count(self) -> int:
        """Objects in the platform's bucket (photos and thumbnails)."""
        client = build_minio_client(s3_settings_for(self.stack, self.bucket))

        def count() -> int:
            return sum(1 for _ in client.list_objects(self.bucket, recursive=True))

        return await asyncio.to_thread(count)

    async def digest(self, schemas: Sequence[str] = PIPELINE) -> dict[str, str]:
        """Row count and content hash of every table of the services' schemas."""
        tables_query = text(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema = ANY(:schemas) AND table_type = 'BASE TABLE' ORDER BY 1, 2"
        )
        found: dict[str, str] = {}
        async with self.admin.connect() as connection:
            tables = (await connection.execute(tables_query, {"schemas": list(schemas)})).all()
            for schema, table in tables:
                name = f'"{schema}"."{table}"'
                row = (
                    await connection.execute(
                        text(
                            "SELECT count(*) || ':' || md5(coalesce("
                            f"string_agg(t::text, '|' ORDER BY t::text), '')) FROM {name} t"
                        )
                    )
                ).scalar_one()
                found[f"{schema}.{table}"] = str(row)
        return found

    async def quiet_digest(self, within: float = 15.0, settle: float = 0.3) -> dict[str, str]:
        """The digest once two readings `settle` seconds apart agree (nothing in flight)."""
        deadline = asyncio.get_running_loop().time() + within
        last = await self.digest()
        while True:
            await asyncio.sleep(settle)
            current = await self.digest()
            if current == last:
                return current
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("the platform's databases never settled")
            last = current

    async def stream_messages(self, stream: str) -> int:
        """Messages held by a JetStream stream of the platform."""
        return (await self.streams())[stream]

    async def streams(self) -> dict[str, int]:
        """Every JetStream stream of the platform and the messages it holds."""
        connection = await nats.connect(self.nats.url, name="e2e-inspect")
        try:
            infos = await connection.jetstream().streams_info()
        finally:
            await connection.close()
        return {info.config.name or "": int(info.state.messages) for info in infos}

    async def backlog(self) -> dict[str, tuple[int, int]]:
        """Every durable consumer → (messages not yet delivered, delivered but not acked)."""
        connection = await nats.connect(self.nats.url, name="e2e-inspect")
        try:
            js = connection.jetstream()
            found: dict[str, tuple[int, int]] = {}
            for stream in await js.streams_info():
                name = stream.config.name or ""
                for consumer in await js.consumers_info(name):
                    found[f"{name}/{consumer.name}"] = (
                        int(consumer.num_pending or 0),
                        int(consumer.num_ack_pending or 0),
                    )
        finally:
            await connection.close()
        return found

    async def unpublished(self) -> int:
        """Outbox rows of every service not yet published (a relay deletes a row once its
        event is in JetStream)."""
        tables = await self.scalar_rows(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = 'outbox'"
        )
        union = " UNION ALL ".join(
            f'SELECT count(*) AS n FROM "{schema}".outbox' for schema in tables
        )
        return await self.scalar(f"SELECT coalesce(sum(n), 0) FROM ({union}) AS rows")

    async def scalar_rows(self, sql: str) -> list[str]:
        async with self.admin.connect() as connection:
            return [str(row[0]) for row in await connection.execute(text(sql))]

    async def wait_drained(self, within: float) -> None:
        """Until every event committed is published and every consumer has handled and
        acknowledged everything (redeliveries of messages a killed process held come back
        after the consumers' ack_wait). A handler acknowledges once its transaction commits,
        before its relay publishes what it wrote: consumers alone look idle in between, so
        the outboxes are read before and after them, and the state must hold on two polls."""
        settled = 0

        async def idle() -> bool:
            if await self.unpublished():
                return False
            consumers = all(counts == (0, 0) for counts in (await self.backlog()).values())
            return consumers and not await self.unpublished()

        async def drained() -> bool:
            nonlocal settled
            settled = settled + 1 if await idle() else 0
            return settled >= 2

        try:
            await wait_until("consumers drained", drained, within=within, interval=0.2)
        except Exception as exc:
            raise AssertionError(f"{exc}: {await self.backlog()}") from exc

    async def case_numbers(self, report_ids: Sequence[str]) -> dict[str, list[str]]:
        """report id → numbers of the cases opened for it (as superuser: every town)."""
        query = text(
            'SELECT report_id::text, number FROM cases."case" WHERE report_id::text = ANY(:ids)'
        )
        found: dict[str, list[str]] = {report_id: [] for report_id in report_ids}
        async with self.admin.connect() as connection:
            for report_id, number in await connection.execute(query, {"ids": list(report_ids)}):
                found[report_id].append(number)
        return found

    async def restart(self, name: str) -> None:
        service = self.services[name]
        service.start()
        await service.wait_ready()

    async def close(self) -> None:
        await asyncio.gather(
            *(asyncio.to_thread(s.stop) for s in self.services.values() if s.running)
        )
        await asyncio.to_thread(self.nats.kill)
        if self.database is not None:
            await self.database.close()
        client = build_minio_client(s3_settings_for(self.stack, self.bucket))
        await asyncio.to_thread(remove_bucket, client, self.bucket)
