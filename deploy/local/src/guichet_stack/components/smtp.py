"""SMTP sink: aiosmtpd writing every message into a Maildir."""

from __future__ import annotations

import sys
from collections.abc import Mapping

from guichet_stack.components.base import Daemon
from guichet_stack.config import Stack
from guichet_stack.probes import tcp_banner


class SmtpSink(Daemon):
    name = "smtp"
    port_names = ("smtp",)
    stop_timeout = 5.0

    def prepare(self, stack: Stack) -> None:
        for sub in ("tmp", "new", "cur"):
            (stack.config.maildir / sub).mkdir(parents=True, exist_ok=True)

    def argv(self, stack: Stack) -> list[str]:
        cfg = stack.config
        return [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-u",
            "-l",
            f"{cfg.host}:{cfg.ports['smtp']}",
            "-c",
            "aiosmtpd.handlers.Mailbox",
            str(cfg.maildir),
        ]

    def extra_env(self, stack: Stack) -> Mapping[str, str]:
        return {"PYTHONUNBUFFERED": "1"}

    async def healthy(self, stack: Stack) -> bool:
        cfg = stack.config
        return await tcp_banner(cfg.host, cfg.ports["smtp"], b"220")
