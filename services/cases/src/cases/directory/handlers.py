"""Consumer of `directory.published` v1: keep the tenant's projection at the latest revision."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from cases.directory import repository
from guichet_contracts.envelope import Envelope
from guichet_contracts.events.directory import DirectoryPublished
from guichet_kit.bus import DIRECTORY_STREAM, ConsumerSpec, event_filter

logger = logging.getLogger(__name__)

DURABLE = "cases-directory"


class SnapshotTenantMismatch(ValueError):
    """A snapshot published under one tenant's subject describes another municipality."""


async def apply_directory(session: AsyncSession, envelope: Envelope) -> None:
    snap = envelope.payload(DirectoryPublished)
    if snap.municipality.nis != envelope.tenant_id:
        raise SnapshotTenantMismatch(
            f"snapshot of {snap.municipality.nis} published as tenant {envelope.tenant_id}"
        )
    current = await repository.lock_revision(session, envelope.tenant_id)
    if current is not None and snap.revision <= current:
        logger.info("directory snapshot ignored: revision %d not above %d", snap.revision, current)
        return
    await repository.replace_snapshot(session, envelope.tenant_id, snap)
    logger.info("directory projection updated", extra={"revision": snap.revision})


def directory_consumer() -> ConsumerSpec:
    return ConsumerSpec(
        durable=DURABLE,
        stream=DIRECTORY_STREAM,
        filter_subjects=(event_filter("directory.published", 1),),
        handler=apply_directory,
    )
