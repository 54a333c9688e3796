"""`make run`: the dev stack, then every service (roles, migrations, demo data, uvicorn),
until Ctrl-C or SIGTERM; then services stop, then the stack components this run started."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Sequence

from guichet_stack.components import select
from guichet_stack.config import BUCKET, DATABASE, Stack
from guichet_stack.console import interrupts_ignored, say
from guichet_stack.errors import StackError
from guichet_stack.launcher import down, up
from guichet_stack.ports import port_is_free
from guichet_stack.probes import http_ok, wait_until
from guichet_stack.procs import (
    ProcRecord,
    is_running,
    log_tail,
    running_record,
    spawn,
    terminate,
)
from guichet_stack.services import (
    SERVICES,
    Service,
    check_installed,
    demo_logins,
    get_service,
    provision_app_roles,
    service_env,
)

READY_TIMEOUT = 60.0
SEED_SERVICE = "routing"


async def run_platform(stack: Stack, services: Sequence[Service] = SERVICES) -> int:
    for svc in services:
        check_installed(svc)
        check_startable(stack, svc)
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    # SIGINT too: a shell that starts `make run` in the background ignores SIGINT for it,
    # and Python then never raises KeyboardInterrupt.
    stop_signals = (signal.SIGTERM, signal.SIGINT)
    if task is not None:
        for stop_signal in stop_signals:
            loop.add_signal_handler(stop_signal, task.cancel)
    records: list[ProcRecord] = []
    started: list[str] = []
    try:
        started = await up(stack)
        await provision_app_roles(stack, tuple(services))
        # One schema and one alembic version table per service: migrations are independent.
        await asyncio.gather(*(run_service_cli(stack, svc, "migrate") for svc in services))
        if any(svc.name == SEED_SERVICE for svc in services):
            await run_service_cli(stack, get_service(SEED_SERVICE), "seed-demo")
        for svc in services:
            records.append(start_service(stack, svc))
        await asyncio.gather(
            *(wait_ready(stack, svc, rec) for svc, rec in zip(services, records, strict=True))
        )
        say(summary(stack, services))
        return await watch(records)
    finally:
        for stop_signal in stop_signals:
            loop.remove_signal_handler(stop_signal)
        with interrupts_ignored():
            await shutdown(stack, records, started)


async def shutdown(stack: Stack, records: list[ProcRecord], started: list[str]) -> None:
    """Services first, then the stack components this run started (not the others)."""
    if records:
        say("\nstopping services ...")
    await asyncio.gather(*(asyncio.to_thread(terminate, rec, 15.0) for rec in records))
    for rec in records:
        (stack.config.pids_dir / f"{rec.name}.pid").unlink(missing_ok=True)
    stopped = await down(stack.config, select(started)) if started else []
    if stopped:
        say(f"stopped {', '.join(stopped)}")


async def run_service_cli(stack: Stack, svc: Service, command: str) -> None:
    """`python -m <svc>.cli <command>` with the service's env; output to logs/<svc>-<cmd>.log."""
    log = stack.config.logs_dir / f"{svc.name}-{command}.log"
    started = time.monotonic()
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            svc.cli_module,
            command,
            env={**os.environ, **service_env(stack, svc)},
            cwd=stack.config.repo,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            code = await proc.wait()
        except asyncio.CancelledError:
            proc.terminate()  # SIGTERM reached only us; do not leave it running
            await proc.wait()
            raise
    if code != 0:
        raise StackError(
            f"`python -m {svc.cli_module} {command}` failed (exit {code}); {log}:\n{log_tail(log)}"
        )
    say(f"  {svc.name}: {command} done in {time.monotonic() - started:.1f}s")


def check_startable(stack: Stack, svc: Service) -> None:
    cfg = stack.config
    running = running_record(cfg.pids_dir / f"{svc.name}.pid")
    if running is not None:
        raise StackError(f"{svc.name} already runs (pid {running.pid}): is another `run` active?")
    if not port_is_free(svc.port(cfg), cfg.host):
        raise StackError(f"{svc.name}: port {svc.port(cfg)} is in use by another program")


def start_service(stack: Stack, svc: Service) -> ProcRecord:
    check_startable(stack, svc)
    cfg = stack.config
    pidfile = cfg.pids_dir / f"{svc.name}.pid"
    argv = [sys.executable, "-m", "uvicorn", "--factory", svc.factory]
    argv += ["--host", cfg.host, "--port", str(svc.port(cfg))]
    argv += ["--loop", "uvloop", "--http", "httptools"]
    return spawn(
        svc.name,
        argv,
        log=cfg.logs_dir / f"{svc.name}.log",
        pidfile=pidfile,
        cwd=cfg.repo,
        env={**os.environ, **service_env(stack, svc), "PYTHONUNBUFFERED": "1"},
    )


async def wait_ready(stack: Stack, svc: Service, record: ProcRecord) -> None:
    url = f"{svc.url(stack.config)}/readyz"
    await wait_until(svc.name, lambda: http_ok(url), within=READY_TIMEOUT, process=record)


async def watch(records: list[ProcRecord]) -> int:
    """Wait until a service dies (exit 1) or the task is cancelled by a signal."""
    while True:
        for rec in records:
            if not is_running(rec):
                say(f"\n{rec.name} exited; last lines of {rec.log}:\n{log_tail(rec.log)}")
                return 1
        await asyncio.sleep(0.5)


def summary(stack: Stack, services: Sequence[Service]) -> str:
    cfg, sec = stack.config, stack.secrets
    lines = [
        f"\nGuichet runs (profile {cfg.profile}, port base {cfg.ports.base}). Ctrl-C stops it.\n"
    ]
    for svc in services:
        lines.append(f"  {svc.name:<10} {svc.url(cfg):<24} API docs {svc.url(cfg)}/docs")
    lines += [
        "",
        f"  OIDC issuer  {cfg.oidc_issuer}",
        f"  S3           http://{cfg.host}:{cfg.ports['s3']}  bucket {BUCKET}"
        f"  key {sec.s3_access_key}  secret {sec.s3_secret_key}",
        f"  PostgreSQL   {stack.pg_admin_url(DATABASE)}",
        f"  NATS         nats://{cfg.host}:{cfg.ports['nats']}"
        f"  (monitor http://{cfg.host}:{cfg.ports['nats_monitor']})",
        f"  Mail sink    {cfg.maildir}/new  (SMTP {cfg.host}:{cfg.ports['smtp']})",
        f"  Logs         {cfg.logs_dir}",
    ]
    users_file = cfg.repo / "deploy" / "local" / "oidc" / "users.json"
    logins = demo_logins(users_file)
    if logins:
        lines += ["", f"Demo logins ({users_file.relative_to(cfg.repo)}):"]
        lines += [f"  {u.username:<22} {u.password:<16} {u.description}" for u in logins]
        lines += [
            "",
            "Log in on any /docs with Authorize (client guichet-swagger); a script's token:",
            "  uv run python -m guichet_stack token --user <demo login>"
            + ("" if cfg.profile == "dev" else f" --profile {cfg.profile}"),
        ]
    return "\n".join(lines) + "\n"
