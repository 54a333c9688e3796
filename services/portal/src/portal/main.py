"""Portal: the citizen's view: their reports, their follow-up, in their language."""

from fastapi import FastAPI

from guichet_kit.app import build_app
from guichet_kit.auth import AuthComponent
from guichet_kit.bus import BusComponent
from guichet_kit.db import DatabaseComponent
from portal import __version__
from portal.models import inbox
from portal.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return build_app(
        settings=settings,
        title="Guichet portal",
        version=__version__,
        components=[
            DatabaseComponent(settings),
            BusComponent(settings, inbox=inbox),
            AuthComponent(settings),
        ],
    )
