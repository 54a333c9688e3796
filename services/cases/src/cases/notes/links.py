"""Presigned download URLs of a case's files: attachments of notes, and the report's photos
(stored by intake under the same tenant prefix, display image and thumbnail, EXIF-free)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from cases.models.case_attachment import CaseAttachment
from cases.notes.schemas import AttachmentLink, PhotoLink, PublicAttachment
from guichet_contracts.events.report import PhotoRef
from guichet_kit.storage import ObjectStorage, content_disposition

logger = logging.getLogger(__name__)


class Links:
    def __init__(self, storage: ObjectStorage, tenant_id: str, ttl: timedelta) -> None:
        self.storage, self.tenant_id, self.ttl = storage, tenant_id, ttl

    @property
    def expires_in(self) -> int:
        return int(self.ttl.total_seconds())

    async def url(self, path: str, *, download_name: str | None = None) -> str:
        disposition = content_disposition(download_name) if download_name else None
        return await self.storage.presigned_get(
            self.tenant_id, path, self.ttl, content_disposition=disposition
        )

    async def thumbnail(self, row: CaseAttachment) -> str | None:
        return await self.url(row.thumbnail_path) if row.thumbnail_path else None

    async def download(self, row: CaseAttachment) -> AttachmentLink:
        """Given back under its original file name."""
        name = row.file_name or row.path.rsplit("/", 1)[-1]
        return AttachmentLink(
            id=row.id,
            url=await self.url(row.path, download_name=name),
            thumbnail_url=await self.thumbnail(row),
            expires_in=self.expires_in,
        )

    async def public(self, row: CaseAttachment) -> PublicAttachment:
        return PublicAttachment(
            id=row.id,
            content_type=row.content_type,
            size_bytes=row.size_bytes,
            width=row.width,
            height=row.height,
            url=await self.url(row.path),
            thumbnail_url=await self.thumbnail(row),
        )

    async def photos(self, stored: Sequence[dict[str, Any]]) -> list[PhotoLink]:
        """The report's photos (`case.photos`, intake's refs). A key outside the tenant's
        prefix is never signed (it cannot be this tenant's photo)."""
        links: list[PhotoLink] = []
        for raw in stored:
            ref = PhotoRef.model_validate(raw)
            display, thumbnail = self._path(ref.object_key), self._path(ref.thumbnail_key)
            if display is None or thumbnail is None:
                logger.error("photo %s is not under tenant %s", ref.photo_id, self.tenant_id)
                continue
            links.append(
                PhotoLink(
                    photo_id=ref.photo_id,
                    content_type=ref.content_type,
                    width=ref.width,
                    height=ref.height,
                    url=await self.url(display),
                    thumbnail_url=await self.url(thumbnail),
                    expires_in=self.expires_in,
                )
            )
        return links

    def _path(self, key: str) -> str | None:
        tenant, _, path = key.partition("/")
        return path if tenant == self.tenant_id and path else None
