"""`directory.published` v1 → intake's municipality and category projection."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.envelope import Envelope
from guichet_contracts.events.directory import DirectoryPublished
from guichet_kit.bus import DIRECTORY_STREAM, ConsumerSpec, event_filter
from intake.directory.repository import replace_categories, upsert_municipality_if_newer

logger = logging.getLogger(__name__)

DURABLE = "intake-directory"


class DirectoryTenantMismatchError(ValueError):
    """A snapshot published under one tenant describes another municipality."""


async def on_directory_published(session: AsyncSession, envelope: Envelope) -> None:
    """Replace the tenant's projection when the snapshot is newer than what we hold; an older
    or equal revision (replay, out-of-order delivery) changes nothing."""
    snapshot = envelope.payload(DirectoryPublished)
    if snapshot.municipality.nis != envelope.tenant_id:
        raise DirectoryTenantMismatchError(
            f"snapshot of {snapshot.municipality.nis} published as tenant {envelope.tenant_id}"
        )
    if not await upsert_municipality_if_newer(session, snapshot.municipality, snapshot.revision):
        logger.info(
            "directory revision %d of %s is not newer, ignored",
            snapshot.revision,
            envelope.tenant_id,
        )
        return
    await replace_categories(session, envelope.tenant_id, snapshot.categories)
    logger.info(
        "directory of %s projected at revision %d (%d categories)",
        envelope.tenant_id,
        snapshot.revision,
        len(snapshot.categories),
    )


def directory_consumer() -> ConsumerSpec:
    return ConsumerSpec(
        durable=DURABLE,
        stream=DIRECTORY_STREAM,
        filter_subjects=(event_filter(DirectoryPublished.event_type, 1),),
        handler=on_directory_published,
    )
