"""Turning an uploaded file into stored objects: photos are cleaned by the kit (type sniffed
from the bytes, pixel limits, EXIF orientation applied and every metadata block dropped,
JPEG + thumbnail); staff may also attach PDFs, stored as sent. Objects live under the
tenant's prefix at ``cases/<case id>/<attachment id>[-thumb].<ext>``."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from guichet_contracts.ids import uuid7
from guichet_kit.images import (
    IMAGE_TYPES,
    OUTPUT_CONTENT_TYPE,
    ImagePool,
    ImageTooLarge,
    ImageTypeNotAllowed,
    sniff,
)
from guichet_kit.storage import ObjectStorage, StorageUnavailable

logger = logging.getLogger(__name__)

PDF_CONTENT_TYPE = "application/pdf"
PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class Upload:
    data: bytes
    file_name: str | None = None


@dataclass(frozen=True)
class StoredFile:
    id: uuid.UUID
    path: str
    thumbnail_path: str | None
    content_type: str
    size_bytes: int
    width: int | None
    height: int | None
    file_name: str | None


def check_upload(upload: Upload, max_bytes: int, *, allow_pdf: bool) -> None:
    """Cheap checks before anything is decoded or stored (the image pool sniffs again, and
    refuses what only decoding reveals)."""
    if len(upload.data) > max_bytes:
        raise ImageTooLarge(max_bytes)
    if allow_pdf and upload.data.startswith(PDF_MAGIC):
        return
    if sniff(upload.data) is None:
        raise ImageTypeNotAllowed((*IMAGE_TYPES, PDF_CONTENT_TYPE) if allow_pdf else IMAGE_TYPES)


async def store_upload(
    storage: ObjectStorage,
    pool: ImagePool,
    tenant_id: str,
    case_id: uuid.UUID,
    upload: Upload,
    *,
    allow_pdf: bool,
) -> StoredFile:
    check_upload(upload, pool.limits.max_bytes, allow_pdf=allow_pdf)
    attachment_id = uuid7()
    base = f"cases/{case_id}/{attachment_id}"
    if allow_pdf and upload.data.startswith(PDF_MAGIC):
        await storage.put(tenant_id, f"{base}.pdf", upload.data, PDF_CONTENT_TYPE)
        return StoredFile(
            attachment_id,
            f"{base}.pdf",
            None,
            PDF_CONTENT_TYPE,
            len(upload.data),
            None,
            None,
            upload.file_name,
        )
    image = await pool.clean(upload.data)
    stored = StoredFile(
        attachment_id,
        f"{base}.jpg",
        f"{base}-thumb.jpg",
        OUTPUT_CONTENT_TYPE,
        len(image.display),
        image.width,
        image.height,
        upload.file_name,
    )
    await storage.put(tenant_id, stored.path, image.display, OUTPUT_CONTENT_TYPE)
    try:
        await storage.put(tenant_id, f"{base}-thumb.jpg", image.thumbnail, OUTPUT_CONTENT_TYPE)
    except StorageUnavailable:
        await discard(storage, tenant_id, stored)
        raise
    return stored


async def discard(storage: ObjectStorage, tenant_id: str, stored: StoredFile) -> None:
    """Best effort: remove the objects of an attachment whose transaction failed."""
    for path in (stored.path, stored.thumbnail_path):
        if path is None:
            continue
        try:
            await storage.delete(tenant_id, path)
        except StorageUnavailable:
            logger.error("could not delete orphan attachment object %s", path, exc_info=True)
