"""up / down / status / wipe of one stack. Components start and stop in parallel; `up` leaves
healthy components alone and reports which ones it started, so callers stop only those."""

from __future__ import annotations

import asyncio
import fcntl
import json
import shutil
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from guichet_stack.components import COMPONENT_NAMES, Component, select
from guichet_stack.components.postgres import pg_home
from guichet_stack.config import Stack, StackConfig, record_config, render_env_file, stack_env
from guichet_stack.credentials import SECRETS_FILE, StackSecrets, write_private
from guichet_stack.errors import StackError
from guichet_stack.paths import venv_tool
from guichet_stack.ports import port_is_free
from guichet_stack.procs import ProcRecord, read_record, running_record, terminate

UNHEALTHY_GRACE = 10.0
LOCK_FILE = "lock"


@dataclass(frozen=True)
class ComponentStatus:
    name: str
    ports: dict[str, int]
    pid: int | None
    healthy: bool
    log: Path

    @property
    def state(self) -> str:
        if self.pid is None:
            return "stopped"
        return "healthy" if self.healthy else "unhealthy"


@asynccontextmanager
async def stack_lock(cfg: StackConfig, within: float = 180.0) -> AsyncIterator[None]:
    """One launcher at a time per stack (two concurrent `up`s would race on every pid)."""
    cfg.dir.mkdir(parents=True, exist_ok=True)
    with (cfg.dir / LOCK_FILE).open("w") as handle:
        deadline = time.monotonic() + within
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StackError(f"another launcher holds {cfg.dir / LOCK_FILE}") from None
                await asyncio.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


async def up(stack: Stack, components: list[Component] | None = None) -> list[str]:
    """Start what is not running; return the names of the components this call started."""
    chosen = components if components is not None else select()
    for component in chosen:
        component.preflight(stack)
    async with stack_lock(stack.config):
        return await _up_locked(stack, chosen)


async def _up_locked(stack: Stack, chosen: list[Component]) -> list[str]:
    cfg = stack.config
    _refuse_base_change(cfg)
    for folder in (cfg.logs_dir, cfg.pids_dir):
        folder.mkdir(parents=True, exist_ok=True)
    record_config(cfg)
    attempted: list[Component] = []

    async def ensure(component: Component) -> bool:
        if component.running_pid(cfg) is not None:
            await _wait_healthy(component, stack)
            return False
        attempted.append(component)
        await component.start(stack)
        return True

    try:
        results = await asyncio.gather(*(ensure(c) for c in chosen), return_exceptions=True)
    except asyncio.CancelledError:  # Ctrl-C / SIGTERM while starting: undo, then go on
        await asyncio.gather(*(c.stop(cfg) for c in attempted), return_exceptions=True)
        raise
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        await asyncio.gather(*(c.stop(cfg) for c in attempted), return_exceptions=True)
        for failure in failures:
            if not isinstance(failure, Exception):
                raise failure
        raise StackError("\n".join(str(failure) for failure in failures))
    write_env_file(stack)
    return [c.name for c, started in zip(chosen, results, strict=True) if started is True]


async def _wait_healthy(component: Component, stack: Stack) -> None:
    deadline = time.monotonic() + UNHEALTHY_GRACE
    while not await component.healthy(stack):
        if time.monotonic() > deadline:
            pid = component.running_pid(stack.config)
            raise StackError(
                f"{component.name} runs (pid {pid}) but is not healthy; see "
                f"{component.log_path(stack.config)}; `down` then `up` to restart it"
            )
        await asyncio.sleep(0.1)


def _refuse_base_change(cfg: StackConfig) -> None:
    if not cfg.stack_file.is_file():
        return
    recorded = int(json.loads(cfg.stack_file.read_text())["port_base"])
    if recorded == cfg.ports.base:
        return
    running = [c.name for c in select() if c.running_pid(cfg) is not None]
    if running:
        raise StackError(
            f"stack {cfg.profile!r} runs on port base {recorded} ({', '.join(running)}); "
            f"`down` it before using base {cfg.ports.base}"
        )


def write_env_file(stack: Stack) -> None:
    env = stack_env(stack, str(venv_tool("nats-server")))
    write_private(stack.config.env_file, render_env_file(env))  # holds passwords


async def down(cfg: StackConfig, components: list[Component] | None = None) -> list[str]:
    """Stop extra processes recorded by `run` (services), then the components. Data stays."""
    if not cfg.dir.is_dir():
        return []
    async with stack_lock(cfg):
        return await _down_locked(cfg, components)


async def _down_locked(cfg: StackConfig, components: list[Component] | None) -> list[str]:
    chosen = components if components is not None else select()
    stopped = await _stop_extra_processes(cfg) if components is None else []
    running = [c for c in chosen if c.running_pid(cfg) is not None]
    results = await asyncio.gather(*(c.stop(cfg) for c in running), return_exceptions=True)
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        raise StackError("\n".join(str(e) for e in errors))
    ports = [p for c in running for p in c.ports(cfg).values()]
    await _wait_ports_free(ports, cfg.host)
    return stopped + [c.name for c in running]


async def _stop_extra_processes(cfg: StackConfig) -> list[str]:
    records: list[ProcRecord] = []
    if cfg.pids_dir.is_dir():
        for pidfile in sorted(cfg.pids_dir.glob("*.pid")):
            if pidfile.stem in COMPONENT_NAMES:
                continue
            record = running_record(pidfile)
            if record is not None:
                records.append(record)
            pidfile.unlink(missing_ok=True)
    await asyncio.gather(*(asyncio.to_thread(terminate, r, 15.0) for r in records))
    return [r.name for r in records]


async def _wait_ports_free(ports: list[int], host: str, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while True:
        busy = [p for p in ports if not port_is_free(p, host)]
        if not busy:
            return
        if time.monotonic() > deadline:
            raise StackError(f"ports {busy} are still in use after stopping the stack")
        await asyncio.sleep(0.05)


async def status(cfg: StackConfig) -> list[ComponentStatus]:
    """Never creates anything: a stack that was never started is simply stopped."""
    known = (cfg.dir / SECRETS_FILE).is_file()
    stack = Stack.open(cfg) if known else Stack(cfg, StackSecrets.generate())

    async def one(component: Component) -> ComponentStatus:
        pid = component.running_pid(cfg) if known else None
        healthy = pid is not None and await component.healthy(stack)
        return ComponentStatus(
            component.name, component.ports(cfg), pid, healthy, component.log_path(cfg)
        )

    return list(await asyncio.gather(*(one(c) for c in select())))


def extra_processes(cfg: StackConfig) -> list[ProcRecord]:
    """Records of non-component processes (services started by `run`), running or not."""
    if not cfg.pids_dir.is_dir():
        return []
    found = (read_record(p) for p in sorted(cfg.pids_dir.glob("*.pid")))
    return [r for r in found if r is not None and r.name not in COMPONENT_NAMES]


def wipe(cfg: StackConfig) -> None:
    """Delete all state of a stopped stack (data, logs, secrets)."""
    if not cfg.dir.exists():
        return
    running = [c.name for c in select() if c.running_pid(cfg) is not None]
    if running:
        raise StackError(f"cannot wipe stack {cfg.profile!r}: {', '.join(running)} still running")
    home = pg_home(cfg)
    shutil.rmtree(cfg.dir)
    if home.exists():
        shutil.rmtree(home)
