"""Private nats-server processes for tests that stop, kill or restart NATS.

The shared stack's NATS must never be disturbed; a test that needs chaos takes
`nats_server` (its own JetStream server on free loopback ports, store in a tmp dir).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from guichet_testing.stack import StackInfo


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class NatsServer:
    """One nats-server with JetStream. Ports and store dir survive restarts, so a
    restarted server recovers its streams and clients reconnect to the same URL."""

    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary = binary
        self.store_dir = workdir / "store"
        self.log_file = workdir / "nats.log"
        self.port = free_port()
        self.monitor_port = free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 10.0) -> None:
        if self.running:
            raise RuntimeError("nats-server already running")
        self.store_dir.mkdir(parents=True, exist_ok=True)
        command = [
            self.binary,
            "-js",
            "-a", "127.0.0.1",
            "-p", str(self.port),
            "-m", str(self.monitor_port),
            "-sd", str(self.store_dir),
        ]  # fmt: skip
        with self.log_file.open("ab") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self._wait_healthy(timeout)

    def _wait_healthy(self, timeout: float) -> None:
        health = f"http://127.0.0.1:{self.monitor_port}/healthz?js-enabled-only=true"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"nats-server exited, see {self.log_file}")
            try:
                if httpx.get(health, timeout=0.5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.02)
        raise TimeoutError(f"nats-server not healthy after {timeout}s, see {self.log_file}")

    def start_on_free_ports(self, attempts: int = 3) -> None:
        """First start: a port found free can be taken by another process (an outgoing
        connection's ephemeral port) before the server binds it; then try new ports."""
        for attempt in range(1, attempts + 1):
            try:
                self.start()
                return
            except RuntimeError:
                in_use = "address already in use" in self.log_file.read_text(errors="replace")
                if not in_use or attempt == attempts:
                    raise
                self.port, self.monitor_port = free_port(), free_port()

    def stop(self, timeout: float = 10.0) -> None:
        """Graceful shutdown (SIGTERM)."""
        self._end(signal.SIGTERM, timeout)

    def kill(self) -> None:
        """Crash (SIGKILL): no flush, no goodbye to clients."""
        self._end(signal.SIGKILL, 10.0)

    def restart(self) -> None:
        self.stop()
        self.start()

    def _end(self, sig: signal.Signals, timeout: float) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def nats_server(stack: StackInfo, tmp_path: Path) -> Iterator[NatsServer]:
    """A running JetStream server of this test's own; killed at teardown."""
    server = NatsServer(stack.nats_server_bin, tmp_path / "nats")
    server.start_on_free_ports()
    try:
        yield server
    finally:
        server.kill()
