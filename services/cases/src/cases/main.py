"""Cases: case handling by municipal staff: workflow, assignment, notes, history."""

from fastapi import FastAPI

from cases import __version__
from cases.canned.endpoints import router as canned_router
from cases.creation.handlers import routing_decided_consumer
from cases.directory.handlers import directory_consumer
from cases.listing.endpoints import router as listing_router
from cases.models import inbox, outbox
from cases.reporter.endpoints import build_router as reporter_router
from cases.settings import Settings
from cases.tenant_settings.endpoints import router as settings_router
from cases.workflow.endpoints import build_router as workflow_router
from guichet_kit.app import build_app
from guichet_kit.auth import AuthComponent
from guichet_kit.bus import CASES_STREAM, BusComponent
from guichet_kit.db import DatabaseComponent
from guichet_kit.image_pool_component import ImageComponent
from guichet_kit.images import ImageLimits
from guichet_kit.storage import StorageComponent


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = build_app(
        settings=settings,
        title="Guichet cases",
        version=__version__,
        catalogue="cases",
        components=[
            DatabaseComponent(settings),
            BusComponent(
                settings,
                streams=[CASES_STREAM],
                outbox=outbox,
                inbox=inbox,
                consumers=[directory_consumer(), routing_decided_consumer()],
            ),
            StorageComponent(settings, max_object_bytes=settings.attachment_max_bytes),
            AuthComponent(settings),
            ImageComponent(image_limits(settings), settings.image_workers),
        ],
    )
    app.include_router(listing_router)
    app.include_router(workflow_router(settings))
    app.include_router(canned_router)
    app.include_router(settings_router)
    app.include_router(reporter_router(settings))
    return app


def image_limits(settings: Settings) -> ImageLimits:
    return ImageLimits(
        max_bytes=settings.attachment_max_bytes,
        max_pixels=settings.attachment_max_pixels,
        max_side=settings.attachment_max_side,
        thumbnail_side=settings.attachment_thumbnail_side,
    )
