"""Cases: case handling by municipal staff: workflow, assignment, notes, history."""

from fastapi import FastAPI

from cases import __version__
from cases.models import inbox, outbox
from cases.settings import Settings
from guichet_kit.app import build_app
from guichet_kit.auth import AuthComponent
from guichet_kit.bus import BusComponent, StreamSpec
from guichet_kit.db import DatabaseComponent
from guichet_kit.storage import StorageComponent


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return build_app(
        settings=settings,
        title="Guichet cases",
        version=__version__,
        components=[
            DatabaseComponent(settings),
            BusComponent(
                settings,
                streams=[StreamSpec.for_aggregates("CASES", ["case"])],
                outbox=outbox,
                inbox=inbox,
            ),
            StorageComponent(settings),
            AuthComponent(settings),
        ],
    )
