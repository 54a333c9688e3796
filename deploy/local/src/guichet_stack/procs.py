"""Long-running processes started detached (own session = own process group), remembered in a
pid file with their kernel start time so a recycled pid is never mistaken for ours."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class ProcRecord:
    name: str
    pid: int
    start_ticks: int
    argv: list[str]
    log: str


def start_ticks(pid: int) -> int | None:
    """Field 22 of /proc/<pid>/stat (start time since boot), None if gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] in ("Z", "X"):
        return None
    return int(fields[19])


def spawn(
    name: str,
    argv: Sequence[str],
    *,
    log: Path,
    pidfile: Path,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> ProcRecord:
    log.parent.mkdir(parents=True, exist_ok=True)
    pidfile.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            start_new_session=True,
        )
    _CHILDREN[proc.pid] = proc
    ticks = start_ticks(proc.pid)
    record = ProcRecord(name, proc.pid, ticks if ticks is not None else -1, list(argv), str(log))
    pidfile.write_text(json.dumps(asdict(record)) + "\n")
    return record


def read_record(pidfile: Path) -> ProcRecord | None:
    try:
        return ProcRecord(**json.loads(pidfile.read_text()))
    except (FileNotFoundError, ValueError, TypeError):
        return None


def is_running(record: ProcRecord) -> bool:
    child = _CHILDREN.get(record.pid)
    if child is not None and child.poll() is not None:
        return False
    return start_ticks(record.pid) == record.start_ticks


def running_record(pidfile: Path) -> ProcRecord | None:
    """The record of pidfile if its process still runs; a stale file is removed."""
    record = read_record(pidfile)
    if record is None:
        pidfile.unlink(missing_ok=True)
        return None
    if is_running(record):
        return record
    pidfile.unlink(missing_ok=True)
    return None


def wait_exit(record: ProcRecord, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_running(record):
            return True
        time.sleep(0.05)
    return not is_running(record)


def terminate(record: ProcRecord, timeout: float = 15.0) -> None:
    """SIGTERM to the process group, wait, then SIGKILL. Only touches a verified pid."""
    if not is_running(record):
        return
    _signal_group(record.pid, signal.SIGTERM)
    if wait_exit(record, timeout):
        return
    _signal_group(record.pid, signal.SIGKILL)
    wait_exit(record, 5.0)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def log_tail(path: Path | str, lines: int = 20) -> str:
    try:
        text = Path(path).read_text(errors="replace")
    except FileNotFoundError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])
