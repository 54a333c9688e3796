"""Routing: the tenant directory and the routing of each report to the competent department."""

from fastapi import FastAPI

from guichet_kit.app import build_app
from guichet_kit.auth import AuthComponent
from guichet_kit.bus import BusComponent, StreamSpec
from guichet_kit.db import DatabaseComponent
from routing import __version__
from routing.models import inbox, outbox
from routing.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return build_app(
        settings=settings,
        title="Guichet routing",
        version=__version__,
        components=[
            DatabaseComponent(settings),
            BusComponent(
                settings,
                streams=[StreamSpec.for_aggregates("ROUTING", ["directory", "routing"])],
                outbox=outbox,
                inbox=inbox,
            ),
            AuthComponent(settings),
        ],
    )
