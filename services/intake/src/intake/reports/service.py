"""`submit_report`: the one way a report enters Guichet, whatever the channel.

Every channel (the `/v1/reports` endpoints, Open311, ...) maps its input to a `Submission` and
calls `submit_report`, which is a handler in the kit's sense: it owns its transactions.

The photos are cleaned first, off the event loop, before a connection is taken (decoding
waits for the photo pool's threads: no pooled connection waits with it). Then, on one pooled
connection:

1. resolve: an earlier response to the same idempotency key is replayed (or refused when the
   body differs); else the point is resolved to a hosted municipality and the draft checked
   against that municipality's categories — one statement (`repository.locate`);
2. photos: stored in S3 under the municipality's prefix (none: nothing to do);
3. place: idempotency claim, locator, report, photos and the `report.submitted` outbox event,
   all or nothing, in one statement that is its own transaction (`repository.place`, ADR
   0020), its event then handed to the relay. If it fails, the objects stored in step 2 are
   deleted (best effort, logged), unless the write's outcome is unknown (connection lost,
   request cancelled): then they are kept. If another request with the same key won the
   race, its response is replayed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

from guichet_contracts.envelope import Envelope
from guichet_contracts.events.report import PhotoRef, ReportContent, Reporter, ReportSubmitted
from guichet_contracts.ids import uuid7
from guichet_contracts.roles import TOWN_STAFF_ROLES, Action, Resource, roles_for
from guichet_contracts.tracking import new_tracking_number, token_hash
from guichet_contracts.values import Channel, GeoPoint, Language
from guichet_kit.auth import Principal
from guichet_kit.bus import HandOver
from guichet_kit.db.driver import pooled_driver_connection
from guichet_kit.errors import GuichetError
from guichet_kit.logging.context import tenant_id_var
from guichet_kit.storage import ObjectStorage, StorageUnavailable
from intake.directory.cache import CategoryCache
from intake.directory.repository import CategoryRules, MunicipalityRef
from intake.reports import repository
from intake.reports.errors import (
    ChannelRequiresStaff,
    IdempotencyKeyReused,
    OutsideMunicipalities,
)
from intake.reports.photos import OUTPUT_CONTENT_TYPE, PhotoProcessor, ProcessedPhoto
from intake.reports.schemas import MunicipalityOut, ReportDraft, SubmissionReceipt
from intake.reports.tracking import tracking_token
from intake.reports.validation import check_category

logger = logging.getLogger(__name__)

DESK_ROLES = roles_for(Resource.DESK_REPORTS, Action.WRITE)
DESK_CHANNELS = frozenset({Channel.COUNTER, Channel.PHONE})
ANONYMOUS_SCOPE = "anonymous"
CREATED = 201


@dataclass(frozen=True)
class IntakeContext:
    """What `submit_report` works with (built from the app's state by each channel)."""

    engine: AsyncEngine
    hand_over: HandOver  # the relay, given the report's event once it is written
    storage: ObjectStorage
    photos: PhotoProcessor
    token_key: bytes
    categories: CategoryCache


@dataclass(frozen=True)
class Submission:
    draft: ReportDraft
    correlation_id: UUID
    fallback_language: Language = "fr"
    photos: Sequence[bytes] = ()
    principal: Principal | None = None
    received_via: str | None = None  # town whose channel took it (e.g. Open311 jurisdiction)
    idempotency_key: str | None = None

    @property
    def language(self) -> Language:
        return self.draft.language or self.fallback_language


@dataclass(frozen=True)
class Receipt:
    status_code: int
    body: SubmissionReceipt
    tenant_id: str
    replayed: bool = False


@dataclass(frozen=True)
class _Target:
    municipality: MunicipalityRef
    category: CategoryRules


@dataclass(frozen=True)
class _StoredPhoto:
    photo_id: UUID
    processed: ProcessedPhoto
    object_key: str
    thumbnail_key: str


async def submit_report(ctx: IntakeContext, submission: Submission) -> Receipt:
    authorize_channel(submission.draft.channel, submission.principal)
    scope = idempotency_scope(submission.principal)
    fingerprint = request_fingerprint(submission)
    processed = await ctx.photos.process(submission.photos)  # queued for the pool: no connection
    async with pooled_driver_connection(ctx.engine) as connection:
        draft = submission.draft
        located = await repository.locate(
            connection, draft.location.lat, draft.location.lon, scope, submission.idempotency_key
        )
        if located.earlier is not None:
            return _replay(ctx, located.earlier, fingerprint)
        target = await _resolve(ctx, connection, submission, located.town)
        return await _place(ctx, connection, submission, target, processed, scope, fingerprint)


async def _resolve(
    ctx: IntakeContext,
    connection: asyncpg.Connection,
    submission: Submission,
    town: MunicipalityRef | None,
) -> _Target:
    """Where the new report goes, its draft checked against that town's categories."""
    if town is None:
        raise OutsideMunicipalities(extra={"location": submission.draft.location.model_dump()})
    tenant_id_var.set(town.nis)  # the request's log lines name the town
    rules = await ctx.categories.categories(connection, town)
    category = check_category(submission.draft, town, rules, submission.language)
    return _Target(municipality=town, category=category)


async def _place(
    ctx: IntakeContext,
    connection: asyncpg.Connection,
    submission: Submission,
    target: _Target,
    processed: Sequence[ProcessedPhoto],
    scope: str,
    fingerprint: bytes,
) -> Receipt:
    """The photos stored under the town (none: nothing to do), then the write. A failure
    deletes the stored objects, unless the write's outcome is unknown."""
    report_id = uuid7()
    stored: list[_StoredPhoto] = []
    nis = target.municipality.nis
    writing = False  # from the statement on, a failure may hide a commit
    try:
        await _store_photos(ctx.storage, nis, report_id, processed, stored)
        placement, body = _placement(ctx, submission, target, report_id, stored, scope, fingerprint)
        writing = True
        receipt = await _write(ctx, connection, placement, body, fingerprint)
    except BaseException as exc:
        if writing and _may_have_committed(exc):
            _keep_photos(report_id, exc, stored)
        else:
            await _delete_photos(ctx.storage, nis, stored)
        raise
    if receipt.replayed:  # another request with the key won: its report has its own photos
        await _delete_photos(ctx.storage, nis, stored)
    return receipt


def _keep_photos(report_id: UUID, exc: BaseException, stored: Sequence[_StoredPhoto]) -> None:
    if stored:
        logger.error("report %s: outcome of its write unknown (%s), its %d photo objects are "
                     "kept", report_id, type(exc).__name__, len(stored))  # fmt: skip


def _may_have_committed(exc: BaseException) -> bool:
    """Whether the write may have committed despite `exc`: only an error PostgreSQL reported
    (the statement was rolled back) or a refusal of ours says it did not. A lost connection,
    a timeout or a cancelled request leaves it unknown: the photos are kept then, as a report
    pointing at deleted photos is worse than an orphan object."""
    reported = isinstance(exc, asyncpg.PostgresError | GuichetError)
    return not reported or isinstance(exc, asyncpg.PostgresConnectionError)


def authorize_channel(channel: Channel, principal: Principal | None) -> None:
    if channel in DESK_CHANNELS and (principal is None or not principal.has_role(*DESK_ROLES)):
        raise ChannelRequiresStaff()


def idempotency_scope(principal: Principal | None) -> str:
    """Keys are the client's: scoped per caller, so two callers can never collide."""
    if principal is None:
        return ANONYMOUS_SCOPE
    return f"account:{principal.issuer}|{principal.subject}"


def request_fingerprint(submission: Submission) -> bytes:
    """Same draft (whatever the JSON formatting) and same photo bytes → same fingerprint."""
    digest = hashlib.sha256()
    digest.update(
        json.dumps(submission.draft.model_dump(mode="json"), sort_keys=True).encode("utf-8")
    )
    for photo in submission.photos:
        digest.update(hashlib.sha256(photo).digest())
    return digest.digest()


def _replay(ctx: IntakeContext, earlier: repository.StoredResponse, fingerprint: bytes) -> Receipt:
    if earlier.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    body = SubmissionReceipt.model_validate(
        {**earlier.response, "tracking_token": tracking_token(ctx.token_key, earlier.report_id)}
    )
    return Receipt(earlier.status_code, body, earlier.tenant_id, replayed=True)


async def _store_photos(
    storage: ObjectStorage,
    tenant_id: str,
    report_id: UUID,
    processed: Sequence[ProcessedPhoto],
    stored: list[_StoredPhoto],
) -> None:
    """Upload each photo and its thumbnail; `stored` grows as they land, for cleanup."""
    for photo in processed:
        photo_id = uuid7()
        base = f"reports/{report_id}/{photo_id}"
        display = await storage.put(tenant_id, f"{base}.jpg", photo.display, OUTPUT_CONTENT_TYPE)
        stored.append(_StoredPhoto(photo_id, photo, display.key, ""))
        thumb = await storage.put(
            tenant_id, f"{base}-thumb.jpg", photo.thumbnail, OUTPUT_CONTENT_TYPE
        )
        stored[-1] = _StoredPhoto(photo_id, photo, display.key, thumb.key)


async def _delete_photos(
    storage: ObjectStorage, tenant_id: str, stored: Sequence[_StoredPhoto]
) -> None:
    prefix = f"{tenant_id}/"
    for photo in stored:
        for key in (photo.object_key, photo.thumbnail_key):
            if not key:
                continue
            try:
                await storage.delete(tenant_id, key.removeprefix(prefix))
            except StorageUnavailable:
                logger.error("could not delete orphan photo object %s", key, exc_info=True)


def _placement(
    ctx: IntakeContext,
    submission: Submission,
    target: _Target,
    report_id: UUID,
    photos: Sequence[_StoredPhoto],
    scope: str,
    fingerprint: bytes,
) -> tuple[repository.Placement, SubmissionReceipt]:
    """Everything the report's statement writes, and the answer it will give."""
    nis = target.municipality.nis
    tracking_number = new_tracking_number()
    token = tracking_token(ctx.token_key, report_id)
    submitted_at = datetime.now(UTC)
    body = SubmissionReceipt(
        report_id=report_id,
        tracking_number=tracking_number,
        tracking_token=token,
        municipality=MunicipalityOut(
            nis=nis,
            name=target.municipality.names.get(submission.language) or nis,
        ),
        submitted_at=submitted_at,
    )
    content = _content(submission, target, report_id, tracking_number, token, submitted_at, photos)
    key = submission.idempotency_key
    placement = repository.Placement(
        tenant_id=nis,
        idempotency=None
        if key is None
        else repository.IdempotencyClaim(
            scope=scope,
            key=key,
            request_hash=fingerprint,
            status_code=CREATED,
            response=body.model_dump(mode="json", exclude={"tracking_token"}),
        ),
        report=_report_row(content, submission),
        token_hash=token_hash(token),
        photos=[_photo_row(i, p) for i, p in enumerate(photos)],
        event=Envelope.build(
            ReportSubmitted(report=content), tenant_id=nis, correlation_id=submission.correlation_id
        ),
    )
    return placement, body


async def _write(
    ctx: IntakeContext,
    connection: asyncpg.Connection,
    placement: repository.Placement,
    body: SubmissionReceipt,
    fingerprint: bytes,
) -> Receipt:
    """Write the report (one statement); if another request took the idempotency key
    meanwhile, answer as that request did."""
    if await repository.place(connection, placement, ctx.hand_over):
        return Receipt(CREATED, body, placement.tenant_id)
    claim = placement.idempotency
    assert claim is not None  # only a key can be taken
    winner = await repository.find_idempotency(connection, claim.scope, claim.key)
    if winner is None:  # the winner's record is gone (purged since): the client may retry
        raise RuntimeError("idempotency key taken but not found")
    return _replay(ctx, winner, fingerprint)


def _reporter(submission: Submission) -> Reporter:
    """Who reported, as far as they chose to say: `anonymous` keeps even a signed-in
    caller's account out of the report and its event."""
    draft = submission.draft
    principal = None if draft.anonymous else submission.principal
    contact = draft.contact
    kind = "account" if principal else ("contact" if contact else "anonymous")
    return Reporter(
        kind=kind,
        account_subject=principal.subject if principal else None,
        is_staff=bool(principal and principal.has_role(*TOWN_STAFF_ROLES)),
        language=submission.language,
        name=contact.name if contact else None,
        email=contact.email if contact else None,
        phone=contact.phone if contact else None,
    )


def _received_via(submission: Submission, nis: str) -> str | None:
    """The town whose channel took the report, when it is not the one the report is in:
    given by the channel (e.g. an Open311 jurisdiction), else a staff member's own town."""
    via = submission.received_via
    principal = submission.principal
    if via is None and principal is not None and principal.has_role(*TOWN_STAFF_ROLES):
        via = principal.tenant_id
    return via if via != nis else None


def _content(
    submission: Submission,
    target: _Target,
    report_id: UUID,
    tracking_number: str,
    token: str,
    submitted_at: datetime,
    photos: Sequence[_StoredPhoto],
) -> ReportContent:
    draft = submission.draft
    return ReportContent(
        report_id=report_id,
        tracking_number=tracking_number,
        tracking_token_sha256=token_hash(token).hex(),
        submitted_at=submitted_at,
        channel=draft.channel,
        received_via=_received_via(submission, target.municipality.nis),
        category_code=target.category.code,
        subcategory_code=draft.subcategory,
        description=draft.description,
        location=GeoPoint(lat=draft.location.lat, lon=draft.location.lon),
        address=draft.address,
        reporter=_reporter(submission),
        photos=[
            PhotoRef(
                photo_id=p.photo_id,
                object_key=p.object_key,
                thumbnail_key=p.thumbnail_key,
                content_type=OUTPUT_CONTENT_TYPE,
                width=p.processed.width,
                height=p.processed.height,
                size_bytes=len(p.processed.display),
            )
            for p in photos
        ],
        answers=dict(draft.answers),
    )


def _report_row(content: ReportContent, submission: Submission) -> dict[str, object]:
    reporter = content.reporter
    return {
        "id": content.report_id,
        "tracking_number": content.tracking_number,
        "submitted_at": content.submitted_at,
        "channel": content.channel.value,
        "received_via": content.received_via,
        "category_code": content.category_code,
        "subcategory_code": content.subcategory_code,
        "description": content.description,
        "address": content.address,
        "language": reporter.language,
        "reporter_kind": reporter.kind,
        "account_subject": reporter.account_subject,
        "is_staff": reporter.is_staff,
        "contact_name": reporter.name,
        "contact_email": reporter.email,
        "contact_phone": reporter.phone,
        "answers": content.answers,
        "correlation_id": submission.correlation_id,
        "lon": content.location.lon,
        "lat": content.location.lat,
    }


def _photo_row(position: int, photo: _StoredPhoto) -> dict[str, object]:
    return {
        "id": photo.photo_id,
        "position": position,
        "object_key": photo.object_key,
        "thumbnail_key": photo.thumbnail_key,
        "content_type": OUTPUT_CONTENT_TYPE,
        "original_type": photo.processed.original_type.value,
        "width": photo.processed.width,
        "height": photo.processed.height,
        "size_bytes": len(photo.processed.display),
    }
