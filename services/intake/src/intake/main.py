"""Intake: accepts reports from every channel (web, agent app, counter, phone, Open311)."""

from fastapi import FastAPI

from guichet_kit.app import build_app
from guichet_kit.auth import AuthComponent
from guichet_kit.bus import BusComponent, StreamSpec
from guichet_kit.db import DatabaseComponent
from guichet_kit.storage import StorageComponent
from intake import __version__
from intake.models import outbox
from intake.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return build_app(
        settings=settings,
        title="Guichet intake",
        version=__version__,
        components=[
            DatabaseComponent(settings),
            BusComponent(
                settings, streams=[StreamSpec.for_aggregates("INTAKE", ["report"])], outbox=outbox
            ),
            StorageComponent(settings),
            AuthComponent(settings),
        ],
    )
