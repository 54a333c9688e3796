"""The kit's own messages: problem titles, generic error details, validation messages.

`validation.<pydantic error type>` keys translate pydantic's messages; services can register
their own (e.g. for a `PydanticCustomError("report.outside_tenant", ...)`).
"""

from __future__ import annotations

from guichet_kit.i18n import Catalog, register_messages

_NBSP = "\u00a0"  # French typography: non-breaking space before a colon

TITLES: Catalog = {
    "problem.title.default": {"en": "Error", "fr": "Erreur", "nl": "Fout", "de": "Fehler"},
    "problem.title.400": {
        "en": "Bad request",
        "fr": "Requête incorrecte",
        "nl": "Ongeldig verzoek",
        "de": "Ungültige Anfrage",
    },
    "problem.title.401": {
        "en": "Authentication required",
        "fr": "Authentification requise",
        "nl": "Aanmelding vereist",
        "de": "Anmeldung erforderlich",
    },
    "problem.title.403": {
        "en": "Forbidden",
        "fr": "Accès interdit",
        "nl": "Toegang geweigerd",
        "de": "Zugriff verweigert",
    },
    "problem.title.404": {
        "en": "Not found",
        "fr": "Introuvable",
        "nl": "Niet gevonden",
        "de": "Nicht gefunden",
    },
    "problem.title.405": {
        "en": "Method not allowed",
        "fr": "Méthode non autorisée",
        "nl": "Methode niet toegestaan",
        "de": "Methode nicht erlaubt",
    },
    "problem.title.406": {
        "en": "Not acceptable",
        "fr": "Format de réponse non disponible",
        "nl": "Antwoordformaat niet beschikbaar",
        "de": "Antwortformat nicht verfügbar",
    },
    "problem.title.408": {
        "en": "Request timeout",
        "fr": "Délai de requête dépassé",
        "nl": "Time-out van het verzoek",
        "de": "Zeitüberschreitung der Anfrage",
    },
    "problem.title.409": {"en": "Conflict", "fr": "Conflit", "nl": "Conflict", "de": "Konflikt"},
    "problem.title.410": {
        "en": "Gone",
        "fr": "Ressource supprimée",
        "nl": "Niet meer beschikbaar",
        "de": "Nicht mehr verfügbar",
    },
    "problem.title.412": {
        "en": "Precondition failed",
        "fr": "Condition préalable non remplie",
        "nl": "Voorwaarde niet vervuld",
        "de": "Vorbedingung nicht erfüllt",
    },
    "problem.title.413": {
        "en": "Content too large",
        "fr": "Contenu trop volumineux",
        "nl": "Inhoud te groot",
        "de": "Inhalt zu groß",
    },
    "problem.title.415": {
        "en": "Unsupported media type",
        "fr": "Type de contenu non pris en charge",
        "nl": "Inhoudstype niet ondersteund",
        "de": "Nicht unterstützter Inhaltstyp",
    },
    "problem.title.422": {
        "en": "Invalid data",
        "fr": "Données invalides",
        "nl": "Ongeldige gegevens",
        "de": "Ungültige Daten",
    },
    "problem.title.428": {
        "en": "Precondition required",
        "fr": "Condition préalable requise",
        "nl": "Voorwaarde vereist",
        "de": "Vorbedingung erforderlich",
    },
    "problem.title.429": {
        "en": "Too many requests",
        "fr": "Trop de requêtes",
        "nl": "Te veel verzoeken",
        "de": "Zu viele Anfragen",
    },
    "problem.title.500": {
        "en": "Internal server error",
        "fr": "Erreur interne du serveur",
        "nl": "Interne serverfout",
        "de": "Interner Serverfehler",
    },
    "problem.title.502": {
        "en": "Bad gateway",
        "fr": "Passerelle défaillante",
        "nl": "Ongeldige gateway",
        "de": "Fehlerhaftes Gateway",
    },
    "problem.title.503": {
        "en": "Service unavailable",
        "fr": "Service indisponible",
        "nl": "Dienst niet beschikbaar",
        "de": "Dienst nicht verfügbar",
    },
    "problem.title.504": {
        "en": "Gateway timeout",
        "fr": "Délai de la passerelle dépassé",
        "nl": "Time-out van de gateway",
        "de": "Gateway-Zeitüberschreitung",
    },
}

DETAILS: Catalog = {
    "error.bad_request": {
        "en": "The request is invalid.",
        "fr": "La requête est invalide.",
        "nl": "Het verzoek is ongeldig.",
        "de": "Die Anfrage ist ungültig.",
    },
    "error.unauthorized": {
        "en": "You must be signed in to access this resource.",
        "fr": "Vous devez être connecté pour accéder à cette ressource.",
        "nl": "U moet aangemeld zijn om deze bron te raadplegen.",
        "de": "Sie müssen angemeldet sein, um auf diese Ressource zuzugreifen.",
    },
    "error.forbidden": {
        "en": "You are not allowed to perform this action.",
        "fr": "Vous n'êtes pas autorisé à effectuer cette action.",
        "nl": "U hebt geen toestemming om deze actie uit te voeren.",
        "de": "Sie sind nicht berechtigt, diese Aktion auszuführen.",
    },
    "error.not_found": {
        "en": "The requested resource does not exist.",
        "fr": "La ressource demandée n'existe pas.",
        "nl": "De gevraagde bron bestaat niet.",
        "de": "Die angeforderte Ressource existiert nicht.",
    },
    "error.method_not_allowed": {
        "en": "This method is not allowed for this resource.",
        "fr": "Cette méthode n'est pas autorisée pour cette ressource.",
        "nl": "Deze methode is niet toegestaan voor deze bron.",
        "de": "Diese Methode ist für diese Ressource nicht erlaubt.",
    },
    "error.not_acceptable": {
        "en": "None of the requested response formats is available.",
        "fr": "Aucun des formats de réponse demandés n'est disponible.",
        "nl": "Geen van de gevraagde antwoordformaten is beschikbaar.",
        "de": "Keines der angeforderten Antwortformate ist verfügbar.",
    },
    "error.conflict": {
        "en": "The request conflicts with the current state of the resource.",
        "fr": "La requête est incompatible avec l'état actuel de la ressource.",
        "nl": "Het verzoek is niet verenigbaar met de huidige toestand van de bron.",
        "de": "Die Anfrage steht im Widerspruch zum aktuellen Zustand der Ressource.",
    },
    "error.payload_too_large": {
        "en": "The request body is too large.",
        "fr": "Le corps de la requête est trop volumineux.",
        "nl": "De inhoud van het verzoek is te groot.",
        "de": "Der Inhalt der Anfrage ist zu groß.",
    },
    "error.unsupported_media_type": {
        "en": "The content type of the request is not supported.",
        "fr": "Le type de contenu de la requête n'est pas pris en charge.",
        "nl": "Het inhoudstype van het verzoek wordt niet ondersteund.",
        "de": "Der Inhaltstyp der Anfrage wird nicht unterstützt.",
    },
    "error.json_expected": {
        "en": "The request body must be JSON (Content-Type: application/json).",
        "fr": "Le corps de la requête doit être au format JSON (Content-Type: application/json).",
        "nl": "De inhoud van het verzoek moet JSON zijn (Content-Type: application/json).",
        "de": "Der Inhalt der Anfrage muss JSON sein (Content-Type: application/json).",
    },
    "error.malformed_json": {
        "en": "The request body is not valid JSON (error at character {position}).",
        "fr": "Le corps de la requête n'est pas du JSON valide (erreur au caractère {position}).",
        "nl": "De inhoud van het verzoek is geen geldige JSON (fout bij teken {position}).",
        "de": "Der Inhalt der Anfrage ist kein gültiges JSON (Fehler bei Zeichen {position}).",
    },
    "error.json_too_deep": {
        "en": "The JSON of the request nests too deeply: at most {max_depth} levels.",
        "fr": f"Le JSON de la requête est trop imbriqué{_NBSP}: {{max_depth}} niveaux au plus.",
        "nl": "De JSON van het verzoek is te diep genest: hoogstens {max_depth} niveaus.",
        "de": "Das JSON der Anfrage ist zu tief verschachtelt: höchstens {max_depth} Ebenen.",
    },
    "error.unprocessable": {
        "en": "The request could not be processed.",
        "fr": "La requête n'a pas pu être traitée.",
        "nl": "Het verzoek kon niet worden verwerkt.",
        "de": "Die Anfrage konnte nicht verarbeitet werden.",
    },
    "error.validation": {
        "en": "The request contains invalid data.",
        "fr": "La requête contient des données invalides.",
        "nl": "Het verzoek bevat ongeldige gegevens.",
        "de": "Die Anfrage enthält ungültige Daten.",
    },
    "error.too_many_requests": {
        "en": "Too many requests. Please try again later.",
        "fr": "Trop de requêtes. Veuillez réessayer plus tard.",
        "nl": "Te veel verzoeken. Probeer het later opnieuw.",
        "de": "Zu viele Anfragen. Bitte versuchen Sie es später erneut.",
    },
    "error.internal": {
        "en": (
            "An unexpected error occurred. Please try again later. If the problem persists, "
            "contact support and mention the correlation ID."
        ),
        "fr": (
            "Une erreur inattendue s'est produite. Veuillez réessayer plus tard. Si le problème "
            "persiste, contactez le support en mentionnant l'identifiant de corrélation."
        ),
        "nl": (
            "Er is een onverwachte fout opgetreden. Probeer het later opnieuw. Blijft het "
            "probleem zich voordoen, neem dan contact op met de helpdesk en vermeld de "
            "correlatie-ID."
        ),
        "de": (
            "Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es später erneut. "
            "Wenn das Problem weiterhin besteht, wenden Sie sich an den Support und geben Sie "
            "die Korrelations-ID an."
        ),
    },
    "error.service_unavailable": {
        "en": "The service is temporarily unavailable. Please try again later.",
        "fr": "Le service est temporairement indisponible. Veuillez réessayer plus tard.",
        "nl": "De dienst is tijdelijk niet beschikbaar. Probeer het later opnieuw.",
        "de": "Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es später erneut.",
    },
    "error.not_ready": {
        "en": "The service is not ready: {dependencies}.",
        "fr": f"Le service n'est pas prêt{_NBSP}: {{dependencies}}.",
        "nl": "De dienst is niet klaar: {dependencies}.",
        "de": "Der Dienst ist nicht bereit: {dependencies}.",
    },
}

# Default detail message per HTTP status (used when an error carries no specific message).
STATUS_DETAIL_KEYS: dict[int, str] = {
    400: "error.bad_request",
    401: "error.unauthorized",
    403: "error.forbidden",
    404: "error.not_found",
    405: "error.method_not_allowed",
    406: "error.not_acceptable",
    409: "error.conflict",
    413: "error.payload_too_large",
    415: "error.unsupported_media_type",
    422: "error.unprocessable",
    429: "error.too_many_requests",
    500: "error.internal",
    503: "error.service_unavailable",
}


def _same(types: tuple[str, ...], texts: dict[str, str]) -> dict[str, dict[str, str]]:
    return {f"validation.{error_type}": texts for error_type in types}


VALIDATION: Catalog = {
    **_same(
        ("missing",),
        {
            "en": "This field is required.",
            "fr": "Ce champ est obligatoire.",
            "nl": "Dit veld is verplicht.",
            "de": "Dieses Feld ist erforderlich.",
        },
    ),
    **_same(
        ("extra_forbidden",),
        {
            "en": "This field is not allowed.",
            "fr": "Ce champ n'est pas autorisé.",
            "nl": "Dit veld is niet toegestaan.",
            "de": "Dieses Feld ist nicht zulässig.",
        },
    ),
    **_same(
        ("string_type",),
        {
            "en": "Must be text.",
            "fr": "Doit être une chaîne de caractères.",
            "nl": "Moet tekst zijn.",
            "de": "Muss ein Text sein.",
        },
    ),
    **_same(
        ("string_too_short",),
        {
            "en": "Must contain at least {min_length} character(s).",
            "fr": "Doit contenir au moins {min_length} caractère(s).",
            "nl": "Moet minstens {min_length} teken(s) bevatten.",
            "de": "Muss mindestens {min_length} Zeichen enthalten.",
        },
    ),
    **_same(
        ("string_too_long",),
        {
            "en": "Must contain at most {max_length} character(s).",
            "fr": "Doit contenir au plus {max_length} caractère(s).",
            "nl": "Mag hoogstens {max_length} teken(s) bevatten.",
            "de": "Darf höchstens {max_length} Zeichen enthalten.",
        },
    ),
    **_same(
        ("string_pattern_mismatch",),
        {
            "en": "Does not have the expected format.",
            "fr": "N'a pas le format attendu.",
            "nl": "Heeft niet het verwachte formaat.",
            "de": "Hat nicht das erwartete Format.",
        },
    ),
    **_same(
        ("int_type", "int_parsing", "int_from_float"),
        {
            "en": "Must be a whole number.",
            "fr": "Doit être un nombre entier.",
            "nl": "Moet een geheel getal zijn.",
            "de": "Muss eine ganze Zahl sein.",
        },
    ),
    **_same(
        ("float_type", "float_parsing", "decimal_type", "decimal_parsing"),
        {
            "en": "Must be a number.",
            "fr": "Doit être un nombre.",
            "nl": "Moet een getal zijn.",
            "de": "Muss eine Zahl sein.",
        },
    ),
    **_same(
        ("finite_number",),
        {
            "en": "Must be a finite number.",
            "fr": "Doit être un nombre fini.",
            "nl": "Moet een eindig getal zijn.",
            "de": "Muss eine endliche Zahl sein.",
        },
    ),
    **_same(
        ("bool_type", "bool_parsing"),
        {
            "en": "Must be true or false.",
            "fr": "Doit valoir true ou false.",
            "nl": "Moet true of false zijn.",
            "de": "Muss true oder false sein.",
        },
    ),
    **_same(
        ("greater_than",),
        {
            "en": "Must be greater than {gt}.",
            "fr": "Doit être supérieur à {gt}.",
            "nl": "Moet groter zijn dan {gt}.",
            "de": "Muss größer als {gt} sein.",
        },
    ),
    **_same(
        ("greater_than_equal",),
        {
            "en": "Must be greater than or equal to {ge}.",
            "fr": "Doit être supérieur ou égal à {ge}.",
            "nl": "Moet groter dan of gelijk aan {ge} zijn.",
            "de": "Muss größer als oder gleich {ge} sein.",
        },
    ),
    **_same(
        ("less_than",),
        {
            "en": "Must be less than {lt}.",
            "fr": "Doit être inférieur à {lt}.",
            "nl": "Moet kleiner zijn dan {lt}.",
            "de": "Muss kleiner als {lt} sein.",
        },
    ),
    **_same(
        ("less_than_equal",),
        {
            "en": "Must be less than or equal to {le}.",
            "fr": "Doit être inférieur ou égal à {le}.",
            "nl": "Moet kleiner dan of gelijk aan {le} zijn.",
            "de": "Muss kleiner als oder gleich {le} sein.",
        },
    ),
    **_same(
        ("multiple_of",),
        {
            "en": "Must be a multiple of {multiple_of}.",
            "fr": "Doit être un multiple de {multiple_of}.",
            "nl": "Moet een veelvoud van {multiple_of} zijn.",
            "de": "Muss ein Vielfaches von {multiple_of} sein.",
        },
    ),
    **_same(
        ("enum", "literal_error"),
        {
            "en": "Must be one of: {expected}.",
            "fr": f"Doit être l'une des valeurs suivantes{_NBSP}: {{expected}}.",
            "nl": "Moet een van de volgende waarden zijn: {expected}.",
            "de": "Muss einer der folgenden Werte sein: {expected}.",
        },
    ),
    **_same(
        ("uuid_type", "uuid_parsing", "uuid_version"),
        {
            "en": "Must be a valid UUID.",
            "fr": "Doit être un UUID valide.",
            "nl": "Moet een geldige UUID zijn.",
            "de": "Muss eine gültige UUID sein.",
        },
    ),
    **_same(
        ("datetime_type", "datetime_parsing", "datetime_from_date_parsing"),
        {
            "en": "Must be a valid date and time (ISO 8601).",
            "fr": "Doit être une date et une heure valides (ISO 8601).",
            "nl": "Moet een geldige datum en tijd zijn (ISO 8601).",
            "de": "Muss ein gültiges Datum mit Uhrzeit sein (ISO 8601).",
        },
    ),
    **_same(
        ("timezone_aware",),
        {
            "en": "Must include a time zone.",
            "fr": "Doit comporter un fuseau horaire.",
            "nl": "Moet een tijdzone bevatten.",
            "de": "Muss eine Zeitzone enthalten.",
        },
    ),
    **_same(
        ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"),
        {
            "en": "Must be a valid date (ISO 8601).",
            "fr": "Doit être une date valide (ISO 8601).",
            "nl": "Moet een geldige datum zijn (ISO 8601).",
            "de": "Muss ein gültiges Datum sein (ISO 8601).",
        },
    ),
    **_same(
        ("model_type", "model_attributes_type", "dict_type"),
        {
            "en": "Must be an object.",
            "fr": "Doit être un objet.",
            "nl": "Moet een object zijn.",
            "de": "Muss ein Objekt sein.",
        },
    ),
    **_same(
        ("list_type",),
        {
            "en": "Must be a list.",
            "fr": "Doit être une liste.",
            "nl": "Moet een lijst zijn.",
            "de": "Muss eine Liste sein.",
        },
    ),
    **_same(
        ("too_short",),
        {
            "en": "Must contain at least {min_length} item(s).",
            "fr": "Doit contenir au moins {min_length} élément(s).",
            "nl": "Moet minstens {min_length} element(en) bevatten.",
            "de": "Muss mindestens {min_length} Element(e) enthalten.",
        },
    ),
    **_same(
        ("too_long",),
        {
            "en": "Must contain at most {max_length} item(s).",
            "fr": "Doit contenir au plus {max_length} élément(s).",
            "nl": "Mag hoogstens {max_length} element(en) bevatten.",
            "de": "Darf höchstens {max_length} Element(e) enthalten.",
        },
    ),
    **_same(
        ("url_type", "url_parsing", "url_scheme", "url_syntax_violation"),
        {
            "en": "Must be a valid URL.",
            "fr": "Doit être une URL valide.",
            "nl": "Moet een geldige URL zijn.",
            "de": "Muss eine gültige URL sein.",
        },
    ),
}


def register_kit_messages() -> None:
    for catalog in (TITLES, DETAILS, VALIDATION):
        register_messages(catalog)
