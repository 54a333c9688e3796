"""The texts cases shows to people, in fr/nl/de/en."""

from __future__ import annotations

from guichet_kit.i18n import Catalog, register_messages

STATUS_LABELS: Catalog = {
    "case.status.new": {"en": "new", "fr": "nouveau", "nl": "nieuw", "de": "neu"},
    "case.status.acknowledged": {
        "en": "acknowledged",
        "fr": "pris en compte",
        "nl": "in behandeling genomen",
        "de": "angenommen",
    },
    "case.status.in_progress": {
        "en": "in progress",
        "fr": "en cours",
        "nl": "in uitvoering",
        "de": "in Bearbeitung",
    },
    "case.status.planned": {"en": "planned", "fr": "planifié", "nl": "gepland", "de": "geplant"},
    "case.status.on_hold": {
        "en": "on hold",
        "fr": "en attente",
        "nl": "in wacht",
        "de": "zurückgestellt",
    },
    "case.status.resolved": {"en": "resolved", "fr": "résolu", "nl": "opgelost", "de": "erledigt"},
    "case.status.closed": {
        "en": "closed",
        "fr": "clôturé",
        "nl": "afgesloten",
        "de": "geschlossen",
    },
    "case.status.rejected": {
        "en": "rejected",
        "fr": "refusé",
        "nl": "geweigerd",
        "de": "abgelehnt",
    },
    "case.status.duplicate": {
        "en": "duplicate",
        "fr": "doublon",
        "nl": "dubbele melding",
        "de": "Duplikat",
    },
}

ERRORS: Catalog = {
    "case.transition_not_allowed": {
        "en": "A case cannot go from '{source}' to '{target}'. From '{source}' it can go to: "
        "{allowed}.",
        "fr": "Un dossier ne peut pas passer de « {source} » à « {target} ». Depuis « {source} »,"
        " il peut passer à : {allowed}.",
        "nl": "Een dossier kan niet van '{source}' naar '{target}' gaan. Vanuit '{source}' kan"
        " het naar: {allowed}.",
        "de": "Ein Vorgang kann nicht von '{source}' zu '{target}' wechseln. Von '{source}' aus"
        " möglich: {allowed}.",
    },
    "case.transition_incomplete": {
        "en": "Moving a case to '{target}' requires: {missing}.",
        "fr": "Pour passer un dossier à « {target} », il faut : {missing}.",
        "nl": "Om een dossier naar '{target}' te zetten is nodig: {missing}.",
        "de": "Um einen Vorgang auf '{target}' zu setzen, ist erforderlich: {missing}.",
    },
    "case.duplicate_target_invalid": {
        "en": "Case {number} cannot take this case in: it is this case itself or no longer open.",
        "fr": "Le dossier {number} ne peut pas recevoir ce dossier : c'est le même dossier ou il"
        " n'est plus ouvert.",
        "nl": "Dossier {number} kan dit dossier niet opnemen: het is hetzelfde dossier of het is"
        " niet meer open.",
        "de": "Vorgang {number} kann diesen Vorgang nicht aufnehmen: es ist derselbe Vorgang oder"
        " er ist nicht mehr offen.",
    },
    "case.not_found": {
        "en": "There is no case {number} in this municipality.",
        "fr": "Il n'y a pas de dossier {number} dans cette commune.",
        "nl": "Er is geen dossier {number} in deze gemeente.",
        "de": "In dieser Gemeinde gibt es keinen Vorgang {number}.",
    },
    "case.department_unknown": {
        "en": "Department {code} does not exist in this municipality (departments: {allowed}).",
        "fr": "Le service {code} n'existe pas dans cette commune (services : {allowed}).",
        "nl": "De dienst {code} bestaat niet in deze gemeente (diensten: {allowed}).",
        "de": "Die Abteilung {code} gibt es in dieser Gemeinde nicht (Abteilungen: {allowed}).",
    },
    "case.canned_response_not_found": {
        "en": "There is no canned response {code} in language {language}.",
        "fr": "Il n'y a pas de réponse type {code} en langue {language}.",
        "nl": "Er is geen standaardantwoord {code} in taal {language}.",
        "de": "Es gibt keine Textvorlage {code} in der Sprache {language}.",
    },
    "case.invalid_area": {
        "en": "The area filter is invalid: {reason}.",
        "fr": "Le filtre de zone est invalide : {reason}.",
        "nl": "De zonefilter is ongeldig: {reason}.",
        "de": "Der Gebietsfilter ist ungültig: {reason}.",
    },
    "case.invalid_date": {
        "en": "{field} is out of range: give a moment between {minimum} and {maximum} (UTC).",
        "fr": "{field} est hors limites : indiquez un moment entre {minimum} et {maximum} (UTC).",
        "nl": "{field} valt buiten het bereik: geef een tijdstip tussen {minimum} en {maximum} "
        "(UTC).",
        "de": "{field} liegt außerhalb des gültigen Bereichs: Geben Sie einen Zeitpunkt zwischen "
        "{minimum} und {maximum} (UTC) an.",
    },
}

REPORTER_ERRORS: Catalog = {
    "case.tracking_not_found": {
        "en": "No case matches this tracking number and token or account.",
        "fr": "Aucun dossier ne correspond à ce numéro de suivi et à ce jeton ou compte.",
        "nl": "Geen dossier komt overeen met dit volgnummer en dit token of account.",
        "de": "Kein Vorgang passt zu dieser Vorgangsnummer und diesem Token oder Konto.",
    },
    "case.comment_empty": {
        "en": "Send a text, a photo, or both.",
        "fr": "Envoyez un texte, une photo, ou les deux.",
        "nl": "Stuur een tekst, een foto of allebei.",
        "de": "Senden Sie einen Text, ein Foto oder beides.",
    },
    "case.comment_too_long": {
        "en": "The text is longer than {limit} characters.",
        "fr": "Le texte dépasse {limit} caractères.",
        "nl": "De tekst is langer dan {limit} tekens.",
        "de": "Der Text ist länger als {limit} Zeichen.",
    },
    "case.too_many_comments": {
        "en": "You have sent {limit} messages on this case in the last hour. Please try again "
        "later.",
        "fr": "Vous avez envoyé {limit} messages sur ce dossier au cours de la dernière heure. "
        "Réessayez plus tard.",
        "nl": "U hebt het afgelopen uur {limit} berichten over dit dossier gestuurd. Probeer het "
        "later opnieuw.",
        "de": "Sie haben in der letzten Stunde {limit} Nachrichten zu diesem Vorgang gesendet. "
        "Bitte versuchen Sie es später erneut.",
    },
    "case.unsupported_content_type": {
        "en": "Send application/json or multipart/form-data.",
        "fr": "Envoyez du application/json ou du multipart/form-data.",
        "nl": "Verstuur application/json of multipart/form-data.",
        "de": "Senden Sie application/json oder multipart/form-data.",
    },
    "case.file_missing": {
        "en": "The form must contain a file in the part '{part}'.",
        "fr": "Le formulaire doit contenir un fichier dans la partie « {part} ».",
        "nl": "Het formulier moet een bestand bevatten in het deel '{part}'.",
        "de": "Das Formular muss eine Datei im Teil „{part}“ enthalten.",
    },
    "case.file_too_large": {
        "en": "The file is larger than {limit_mib} MiB.",
        "fr": "Le fichier dépasse {limit_mib}\u00a0Mio.",
        "nl": "Het bestand is groter dan {limit_mib} MiB.",
        "de": "Die Datei ist größer als {limit_mib} MiB.",
    },
    "case.file_too_many_pixels": {
        "en": "The image has more than {limit_mp} megapixels.",
        "fr": "L'image dépasse {limit_mp} mégapixels.",
        "nl": "De afbeelding heeft meer dan {limit_mp} megapixels.",
        "de": "Das Bild hat mehr als {limit_mp} Megapixel.",
    },
    "case.file_type_not_allowed": {
        "en": "This file type is not accepted (accepted: {allowed}).",
        "fr": "Ce type de fichier n'est pas accepté (acceptés : {allowed}).",
        "nl": "Dit bestandstype wordt niet aanvaard (toegelaten: {allowed}).",
        "de": "Dieser Dateityp wird nicht angenommen (zulässig: {allowed}).",
    },
    "case.file_unreadable": {
        "en": "The file is damaged or cannot be read.",
        "fr": "Le fichier est endommagé ou illisible.",
        "nl": "Het bestand is beschadigd of onleesbaar.",
        "de": "Die Datei ist beschädigt oder nicht lesbar.",
    },
    "case.attachment_not_found": {
        "en": "This case has no attachment {attachment_id}.",
        "fr": "Ce dossier n'a pas de pièce jointe {attachment_id}.",
        "nl": "Dit dossier heeft geen bijlage {attachment_id}.",
        "de": "Dieser Vorgang hat keinen Anhang {attachment_id}.",
    },
}

REQUIREMENT_LABELS: Catalog = {
    "case.requirement.planned_for": {
        "en": "a planned date (planned_for)",
        "fr": "une date planifiée (planned_for)",
        "nl": "een geplande datum (planned_for)",
        "de": "ein geplantes Datum (planned_for)",
    },
    "case.requirement.reason": {
        "en": "a reason (reason)",
        "fr": "un motif (reason)",
        "nl": "een reden (reason)",
        "de": "eine Begründung (reason)",
    },
    "case.requirement.duplicate_of": {
        "en": "the case it duplicates (duplicate_of)",
        "fr": "le dossier dont il est le doublon (duplicate_of)",
        "nl": "het dossier waarvan het een dubbel is (duplicate_of)",
        "de": "den Vorgang, dessen Duplikat er ist (duplicate_of)",
    },
}

PUBLIC_TEXTS: Catalog = {
    "case.public.planned": {
        "en": "Planned for {date}.",
        "fr": "Planifié pour le {date}.",
        "nl": "Gepland op {date}.",
        "de": "Geplant für den {date}.",
    },
}


def register_case_messages() -> None:
    for catalog in (STATUS_LABELS, ERRORS, REPORTER_ERRORS, REQUIREMENT_LABELS, PUBLIC_TEXTS):
        register_messages(catalog)
