"""Analytics: statistics, hot spots and trends, from pre-aggregated read models."""

from fastapi import FastAPI

from analytics import __version__
from analytics.models import inbox
from analytics.settings import Settings
from guichet_kit.app import build_app
from guichet_kit.auth import AuthComponent
from guichet_kit.bus import BusComponent
from guichet_kit.db import DatabaseComponent


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return build_app(
        settings=settings,
        title="Guichet analytics",
        version=__version__,
        components=[
            DatabaseComponent(settings),
            BusComponent(settings, inbox=inbox),
            AuthComponent(settings),
        ],
    )
