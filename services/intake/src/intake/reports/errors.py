"""Errors of report intake, with their messages in fr/nl/de/en."""

from __future__ import annotations

from guichet_kit.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Unprocessable,
    UnsupportedMediaType,
)
from guichet_kit.i18n import Catalog, register_messages

_NBSP = "\u00a0"

MESSAGES: Catalog = {
    "report.outside_municipalities": {
        "en": "This location is not in a municipality served by Guichet.",
        "fr": "Cet endroit ne se trouve dans aucune commune desservie par Guichet.",
        "nl": "Deze locatie ligt niet in een gemeente die Guichet bedient.",
        "de": "Dieser Ort liegt in keiner von Guichet betreuten Gemeinde.",
    },
    "report.unknown_category": {
        "en": "Category {category} does not exist in {municipality}.",
        "fr": "La catégorie {category} n'existe pas à {municipality}.",
        "nl": "Categorie {category} bestaat niet in {municipality}.",
        "de": "Die Kategorie {category} gibt es in {municipality} nicht.",
    },
    "report.unknown_subcategory": {
        "en": "Subcategory {subcategory} does not belong to category {category}.",
        "fr": "La sous-catégorie {subcategory} n'appartient pas à la catégorie {category}.",
        "nl": "Subcategorie {subcategory} hoort niet bij categorie {category}.",
        "de": "Die Unterkategorie {subcategory} gehört nicht zur Kategorie {category}.",
    },
    "report.invalid_answers": {
        "en": "Some answers to the category's questions are missing or invalid.",
        "fr": "Certaines réponses aux questions de la catégorie manquent ou sont invalides.",
        "nl": "Sommige antwoorden op de vragen van de categorie ontbreken of zijn ongeldig.",
        "de": "Einige Antworten auf die Fragen der Kategorie fehlen oder sind ungültig.",
    },
    "report.channel_requires_staff": {
        "en": "Only municipal staff can record a report taken at the counter or by phone.",
        "fr": (
            "Seul le personnel communal peut enregistrer un signalement reçu au guichet ou "
            "par téléphone."
        ),
        "nl": (
            "Alleen gemeentepersoneel kan een melding registreren die aan het loket of "
            "telefonisch is ontvangen."
        ),
        "de": (
            "Nur Gemeindepersonal kann eine am Schalter oder telefonisch aufgenommene "
            "Meldung erfassen."
        ),
    },
    "report.channel_reserved": {
        "en": "Channel {channel} is set by its own endpoints only.",
        "fr": "Le canal {channel} est réservé à ses propres points d'accès.",
        "nl": "Kanaal {channel} wordt alleen door zijn eigen eindpunten gebruikt.",
        "de": "Der Kanal {channel} wird nur von seinen eigenen Endpunkten gesetzt.",
    },
    "report.too_many_photos": {
        "en": "A report can have at most {limit} photos ({count} sent).",
        "fr": "Un signalement peut avoir au plus {limit} photos ({count} envoyées).",
        "nl": "Een melding mag hoogstens {limit} foto's hebben ({count} verzonden).",
        "de": "Eine Meldung darf höchstens {limit} Fotos haben ({count} gesendet).",
    },
    "report.photo_too_large": {
        "en": "Photo {index} is larger than {limit_mib} MiB.",
        "fr": f"La photo {{index}} dépasse {{limit_mib}}{_NBSP}Mio.",
        "nl": "Foto {index} is groter dan {limit_mib} MiB.",
        "de": "Foto {index} ist größer als {limit_mib} MiB.",
    },
    "report.photo_too_many_pixels": {
        "en": "Photo {index} has more than {limit_mp} megapixels.",
        "fr": "La photo {index} dépasse {limit_mp} mégapixels.",
        "nl": "Foto {index} heeft meer dan {limit_mp} megapixels.",
        "de": "Foto {index} hat mehr als {limit_mp} Megapixel.",
    },
    "report.photo_type_not_allowed": {
        "en": "Photo {index} is not an image of an accepted type ({allowed}).",
        "fr": "La photo {index} n'est pas une image d'un type accepté ({allowed}).",
        "nl": "Foto {index} is geen afbeelding van een toegelaten type ({allowed}).",
        "de": "Foto {index} ist kein Bild eines zulässigen Typs ({allowed}).",
    },
    "report.photo_unreadable": {
        "en": "Photo {index} is damaged or cannot be read as an image.",
        "fr": "La photo {index} est endommagée ou illisible.",
        "nl": "Foto {index} is beschadigd of onleesbaar.",
        "de": "Foto {index} ist beschädigt oder nicht lesbar.",
    },
    "report.missing_report_part": {
        "en": "The form must contain a 'report' part with the report as JSON.",
        "fr": "Le formulaire doit contenir une partie « report » avec le signalement en JSON.",
        "nl": "Het formulier moet een deel 'report' bevatten met de melding in JSON.",
        "de": "Das Formular muss einen Teil „report“ mit der Meldung als JSON enthalten.",
    },
    "report.unsupported_content_type": {
        "en": "Send the report as application/json or multipart/form-data.",
        "fr": "Envoyez le signalement en application/json ou multipart/form-data.",
        "nl": "Verstuur de melding als application/json of multipart/form-data.",
        "de": "Senden Sie die Meldung als application/json oder multipart/form-data.",
    },
    "report.invalid_idempotency_key": {
        "en": "The Idempotency-Key header must be 8 to 255 characters (letters, digits, . _ : -).",
        "fr": (
            "L'en-tête Idempotency-Key doit compter de 8 à 255 caractères "
            "(lettres, chiffres, . _ : -)."
        ),
        "nl": "De header Idempotency-Key moet 8 tot 255 tekens tellen (letters, cijfers, . _ : -).",
        "de": (
            "Der Header Idempotency-Key muss 8 bis 255 Zeichen lang sein "
            "(Buchstaben, Ziffern, . _ : -)."
        ),
    },
    "report.anonymous_idempotency_key": {
        "en": (
            "Without signing in, the Idempotency-Key header must be a random UUID (version 4 "
            "or 7), e.g. 0b6f3c4e-8d2a-4f1b-9c3e-5a7d2e1f4b6c."
        ),
        "fr": (
            "Sans connexion, l'en-tête Idempotency-Key doit être un UUID aléatoire (version 4 "
            "ou 7), par exemple 0b6f3c4e-8d2a-4f1b-9c3e-5a7d2e1f4b6c."
        ),
        "nl": (
            "Zonder aanmelding moet de header Idempotency-Key een willekeurige UUID zijn "
            "(versie 4 of 7), bijvoorbeeld 0b6f3c4e-8d2a-4f1b-9c3e-5a7d2e1f4b6c."
        ),
        "de": (
            "Ohne Anmeldung muss der Header Idempotency-Key eine zufällige UUID sein "
            "(Version 4 oder 7), zum Beispiel 0b6f3c4e-8d2a-4f1b-9c3e-5a7d2e1f4b6c."
        ),
    },
    "report.idempotency_key_reused": {
        "en": "This Idempotency-Key was already used for a different report.",
        "fr": "Cette clé Idempotency-Key a déjà servi pour un autre signalement.",
        "nl": "Deze Idempotency-Key werd al gebruikt voor een andere melding.",
        "de": "Dieser Idempotency-Key wurde bereits für eine andere Meldung verwendet.",
    },
    "report.not_found": {
        "en": "No report matches this tracking number and token.",
        "fr": "Aucun signalement ne correspond à ce numéro de suivi et à ce jeton.",
        "nl": "Geen melding komt overeen met dit volgnummer en dit token.",
        "de": "Keine Meldung passt zu dieser Vorgangsnummer und diesem Token.",
    },
}

register_messages(MESSAGES)


class OutsideMunicipalities(Unprocessable):
    code = "report.outside_municipalities"


class UnknownCategory(Unprocessable):
    code = "report.unknown_category"


class UnknownSubcategory(Unprocessable):
    code = "report.unknown_subcategory"


class InvalidAnswers(Unprocessable):
    code = "report.invalid_answers"


class ChannelRequiresStaff(Forbidden):
    code = "report.channel_requires_staff"


class ChannelReserved(Unprocessable):
    code = "report.channel_reserved"


class TooManyPhotos(Unprocessable):
    code = "report.too_many_photos"


class PhotoTooLarge(PayloadTooLarge):
    code = "report.photo_too_large"


class PhotoTooManyPixels(PayloadTooLarge):
    code = "report.photo_too_many_pixels"


class PhotoTypeNotAllowed(UnsupportedMediaType):
    code = "report.photo_type_not_allowed"


class PhotoUnreadable(Unprocessable):
    code = "report.photo_unreadable"


class MissingReportPart(Unprocessable):
    code = "report.missing_report_part"


class UnsupportedContentType(UnsupportedMediaType):
    code = "report.unsupported_content_type"


class InvalidIdempotencyKey(BadRequest):
    code = "report.invalid_idempotency_key"


class AnonymousIdempotencyKey(BadRequest):
    code = "report.anonymous_idempotency_key"


class IdempotencyKeyReused(Unprocessable):
    code = "report.idempotency_key_reused"


class ReportNotFound(NotFound):
    code = "report.not_found"
