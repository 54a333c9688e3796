"""Presigned download URLs of the files of a case's notes."""

from __future__ import annotations

from datetime import timedelta

from cases.models.case_attachment import CaseAttachment
from cases.notes.schemas import AttachmentLink, PublicAttachment
from guichet_kit.storage import ObjectStorage, content_disposition


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
