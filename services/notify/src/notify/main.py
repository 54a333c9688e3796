"""Notify: notifications to citizens and staff (e-mail)."""

from fastapi import FastAPI

from guichet_kit.app import build_app
from guichet_kit.bus import BusComponent
from guichet_kit.db import DatabaseComponent
from notify import __version__
from notify.models import inbox
from notify.settings import Settings
from notify.smtp import SmtpComponent


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return build_app(
        settings=settings,
        title="Guichet notify",
        version=__version__,
        components=[
            DatabaseComponent(settings),
            BusComponent(settings, inbox=inbox),
            SmtpComponent(settings),
        ],
    )
