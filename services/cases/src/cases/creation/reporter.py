"""What cases keeps of who reported, with a case or a supporter."""

from __future__ import annotations

from cases.creation import repository
from guichet_contracts.events.report import ReportContent, Reporter
from guichet_kit.db.driver import Row


def contactable(reporter: Reporter) -> bool:
    return reporter.kind != "anonymous" and bool(
        reporter.email or reporter.phone or reporter.account_subject
    )


def token_hash(report: ReportContent) -> bytes | None:
    digest = report.tracking_token_sha256
    return bytes.fromhex(digest) if digest else None


def locator_row(tenant_id: str, report: ReportContent) -> Row:
    return repository.locator_row(
        tracking_number=report.tracking_number,
        tenant_id=tenant_id,
        report_id=report.report_id,
        token_hash=token_hash(report),
        reporter_subject=report.reporter.account_subject,
    )
