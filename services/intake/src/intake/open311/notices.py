"""The `service_notice` returned to a POST: where the report went and its number."""

from __future__ import annotations

from guichet_kit.i18n import N_, translate
from intake.directory.repository import MunicipalityRef
from intake.reports.service import Receipt


def service_notice(receipt: Receipt, jurisdiction: MunicipalityRef, lang: str) -> str:
    key = N_("open311.notice.received")
    if receipt.tenant_id != jurisdiction.nis:
        key = N_("open311.notice.handed_over")
    return translate(
        key,
        lang,
        municipality=receipt.body.municipality.name,
        number=receipt.body.tracking_number,
        nis=receipt.tenant_id,
    )
