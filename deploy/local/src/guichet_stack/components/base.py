"""What the launcher needs from each component, and the common case of a plain daemon."""

from __future__ import annotations

import asyncio
import os
from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from guichet_stack.config import Stack, StackConfig
from guichet_stack.errors import StackError
from guichet_stack.ports import port_is_free
from guichet_stack.probes import wait_until
from guichet_stack.procs import running_record, spawn, terminate


class Component(ABC):
    name: ClassVar[str]
    port_names: ClassVar[tuple[str, ...]]
    start_timeout: ClassVar[float] = 30.0

    def preflight(self, stack: Stack) -> None:  # noqa: B027 - optional hook
        """Raise StackError when something the component needs is missing."""

    @abstractmethod
    def running_pid(self, cfg: StackConfig) -> int | None:
        """Pid of this stack's process if it runs (stale records are cleaned)."""

    @abstractmethod
    async def healthy(self, stack: Stack) -> bool: ...

    @abstractmethod
    async def start(self, stack: Stack) -> None:
        """Start (the component is known not to run) and return once healthy."""

    @abstractmethod
    async def stop(self, cfg: StackConfig) -> None: ...

    @abstractmethod
    def log_path(self, cfg: StackConfig) -> Path: ...

    def ports(self, cfg: StackConfig) -> dict[str, int]:
        return {name: cfg.ports[name] for name in self.port_names}

    def busy_ports(self, cfg: StackConfig) -> list[int]:
        return [port for port in self.ports(cfg).values() if not port_is_free(port, cfg.host)]


class Daemon(Component):
    """A process we spawn ourselves and stop with SIGTERM (then SIGKILL)."""

    stop_timeout: ClassVar[float] = 15.0

    @abstractmethod
    def argv(self, stack: Stack) -> list[str]: ...

    def prepare(self, stack: Stack) -> None:
        """Create directories and config files before the process starts."""

    def cwd(self, cfg: StackConfig) -> Path | None:
        return None

    def extra_env(self, stack: Stack) -> Mapping[str, str]:
        return {}

    def pidfile(self, cfg: StackConfig) -> Path:
        return cfg.pids_dir / f"{self.name}.pid"

    def log_path(self, cfg: StackConfig) -> Path:
        return cfg.logs_dir / f"{self.name}.log"

    def running_pid(self, cfg: StackConfig) -> int | None:
        record = running_record(self.pidfile(cfg))
        return record.pid if record else None

    async def start(self, stack: Stack) -> None:
        cfg = stack.config
        self.prepare(stack)
        busy = self.busy_ports(cfg)
        if busy:
            raise StackError(
                f"{self.name}: port(s) {busy} already in use by another program; "
                "choose another GUICHET_PORT_BASE"
            )
        record = spawn(
            self.name,
            self.argv(stack),
            log=self.log_path(cfg),
            pidfile=self.pidfile(cfg),
            cwd=self.cwd(cfg),
            env={**os.environ, **self.extra_env(stack)},
        )
        await wait_until(
            self.name, lambda: self.healthy(stack), within=self.start_timeout, process=record
        )

    async def stop(self, cfg: StackConfig) -> None:
        pidfile = self.pidfile(cfg)
        record = running_record(pidfile)
        if record is not None:
            await asyncio.to_thread(terminate, record, self.stop_timeout)
        pidfile.unlink(missing_ok=True)
