"""The outgoing mail relay as an app component: readiness says whether it accepts us."""

from __future__ import annotations

import aiosmtplib
from fastapi import FastAPI

from guichet_kit.app import ReadinessCheck
from notify.settings import Settings

SMTP_TIMEOUT_SECONDS = 2.0


class SmtpComponent:
    name = "smtp"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def start(self, app: FastAPI) -> None:
        app.state.smtp_settings = self.settings

    async def stop(self, app: FastAPI) -> None:
        return None

    def readiness_check(self) -> ReadinessCheck:
        return ReadinessCheck(self.name, self._greets)

    async def _greets(self) -> None:
        """Connect, EHLO and QUIT: the relay is reachable and speaks SMTP."""
        client = aiosmtplib.SMTP(
            hostname=self.settings.smtp_host,
            port=self.settings.smtp_port,
            timeout=SMTP_TIMEOUT_SECONDS,
            start_tls=False,
        )
        async with client:
            await client.ehlo()
