"""The `service_notice` returned to a POST: where the report went and its number."""

from __future__ import annotations

from guichet_kit.i18n import Catalog, register_messages, translate
from intake.directory.repository import MunicipalityRef
from intake.reports.service import Receipt

MESSAGES: Catalog = {
    "open311.notice.received": {
        "en": "{municipality} received your report. Its number is {number}.",
        "fr": "{municipality} a bien reçu votre signalement. Son numéro est {number}.",
        "nl": "{municipality} heeft uw melding ontvangen. Het nummer is {number}.",
        "de": "{municipality} hat Ihre Meldung erhalten. Die Nummer ist {number}.",
    },
    "open311.notice.handed_over": {
        "en": (
            "This place is in {municipality}: your report was passed on to it. Its number is "
            "{number}; follow it with jurisdiction_id={nis}."
        ),
        "fr": (
            "Cet endroit se trouve à {municipality} : votre signalement lui a été transmis. "
            "Son numéro est {number} ; suivez-le avec jurisdiction_id={nis}."
        ),
        "nl": (
            "Deze plek ligt in {municipality}: uw melding werd aan die gemeente doorgegeven. "
            "Het nummer is {number}; volg ze op met jurisdiction_id={nis}."
        ),
        "de": (
            "Dieser Ort liegt in {municipality}: Ihre Meldung wurde dorthin weitergeleitet. "
            "Die Nummer ist {number}; verfolgen Sie sie mit jurisdiction_id={nis}."
        ),
    },
}

register_messages(MESSAGES)


def service_notice(receipt: Receipt, jurisdiction: MunicipalityRef, lang: str) -> str:
    key = "open311.notice.received"
    if receipt.tenant_id != jurisdiction.nis:
        key = "open311.notice.handed_over"
    return translate(
        key,
        lang,
        municipality=receipt.body.municipality.name,
        number=receipt.body.tracking_number,
        nis=receipt.tenant_id,
    )
