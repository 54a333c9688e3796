"""Intake: accepts reports from every channel (web, agent app, counter, phone, Open311)."""

from fastapi import FastAPI

from guichet_kit.app import build_app
from guichet_kit.auth import AuthComponent
from guichet_kit.bus import INTAKE_STREAM, BusComponent
from guichet_kit.db import DatabaseComponent
from guichet_kit.image_pool_component import ImageComponent
from guichet_kit.storage import StorageComponent
from intake import __version__
from intake.directory.cache import CategoryCache
from intake.directory.handlers import directory_consumer
from intake.models import inbox, outbox
from intake.open311.endpoints import build_open311_router
from intake.open311.handlers import cases_consumer
from intake.reports.endpoints import build_router, limits_from
from intake.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = build_app(
        settings=settings,
        title="Guichet intake",
        version=__version__,
        catalogue="intake",
        routers=[build_router(settings), build_open311_router(settings)],
        components=[
            DatabaseComponent(settings),
            BusComponent(
                settings,
                streams=[INTAKE_STREAM],
                outbox=outbox,
                inbox=inbox,
                consumers=[directory_consumer(), cases_consumer()],
            ),
            StorageComponent(settings),
            AuthComponent(settings),
            ImageComponent(limits_from(settings), settings.photo_workers),
        ],
    )
    app.state.category_cache = CategoryCache()
    return app
