"""Routing's domain errors, rendered as problem+json with translated messages."""

from __future__ import annotations

from guichet_kit.errors import NotFound, Unprocessable
from guichet_kit.i18n import register_messages


class InvalidGeoJSON(Unprocessable):
    code = "routing.geojson_invalid"


class WrongCoordinates(Unprocessable):
    code = "routing.coordinates_invalid"


class InvalidGeometry(Unprocessable):
    code = "routing.geometry_invalid"


class BoundaryOverlap(Unprocessable):
    code = "routing.boundary_overlap"


class InvalidDirectoryChange(Unprocessable):
    """A rule or directory entry that fails validation; `extra["errors"]` lists each problem
    as ``{field, message}``."""

    code = "routing.directory_change_invalid"


class DirectoryTooLarge(Unprocessable):
    code = "routing.directory_too_large"


class DecisionNotFound(NotFound):
    code = "routing.decision_not_found"


class RuleNotFound(NotFound):
    code = "routing.rule_not_found"


class DirectoryEntryNotFound(NotFound):
    code = "routing.directory_entry_not_found"


register_messages(
    {
        "routing.geojson_invalid": {
            "en": "This is not a usable GeoJSON Polygon, MultiPolygon, Feature or "
            "FeatureCollection: {reason}",
            "fr": "Ce n'est pas un GeoJSON Polygon, MultiPolygon, Feature ou FeatureCollection "
            "utilisable : {reason}",
            "nl": "Dit is geen bruikbare GeoJSON Polygon, MultiPolygon, Feature of "
            "FeatureCollection: {reason}",
            "de": "Dies ist kein verwendbares GeoJSON Polygon, MultiPolygon, Feature oder "
            "FeatureCollection: {reason}",
        },
        "routing.coordinates_invalid": {
            "en": "Coordinates must be WGS84 longitude, latitude (EPSG:4326) in Belgium: {reason}",
            "fr": "Les coordonnées doivent être en WGS84 longitude, latitude (EPSG:4326) en "
            "Belgique : {reason}",
            "nl": "Coördinaten moeten WGS84 lengte, breedte (EPSG:4326) in België zijn: {reason}",
            "de": "Koordinaten müssen WGS84 Länge, Breite (EPSG:4326) in Belgien sein: {reason}",
        },
        "routing.geometry_invalid": {
            "en": "The polygon is not valid: {reason} at longitude {lon}, latitude {lat}.",
            "fr": "Le polygone n'est pas valide : {reason} à la longitude {lon}, latitude {lat}.",
            "nl": "De polygoon is ongeldig: {reason} op lengte {lon}, breedte {lat}.",
            "de": "Das Polygon ist ungültig: {reason} bei Länge {lon}, Breite {lat}.",
        },
        "routing.boundary_overlap": {
            "en": "The boundary overlaps {town} ({nis}) by {area_m2} m² "
            "(at most {tolerance_m2} m² allowed).",
            "fr": "La limite chevauche {town} ({nis}) sur {area_m2} m² "
            "(au plus {tolerance_m2} m² admis).",
            "nl": "De grens overlapt {town} ({nis}) over {area_m2} m² "
            "(hoogstens {tolerance_m2} m² toegestaan).",
            "de": "Die Grenze überlappt {town} ({nis}) um {area_m2} m² "
            "(höchstens {tolerance_m2} m² erlaubt).",
        },
        "routing.directory_too_large": {
            "en": "Published, the directory of {nis} would take {size_kib} KiB, over the "
            "{limit_kib} KiB an event may carry: simplify the boundary (fewer vertices).",
            "fr": "Une fois publié, l'annuaire de {nis} ferait {size_kib} Kio, au-delà des "
            "{limit_kib} Kio qu'un événement peut porter : simplifiez la limite (moins de "
            "sommets).",
            "nl": "Gepubliceerd zou de gids van {nis} {size_kib} KiB groot zijn, meer dan de "
            "{limit_kib} KiB die een gebeurtenis mag dragen: vereenvoudig de grens (minder "
            "hoekpunten).",
            "de": "Veröffentlicht wäre das Verzeichnis von {nis} {size_kib} KiB groß, mehr als "
            "die {limit_kib} KiB, die ein Ereignis tragen darf: vereinfachen Sie die Grenze "
            "(weniger Eckpunkte).",
        },
        "routing.directory_change_invalid": {
            "en": "The change was refused: {count} problem(s), see errors.",
            "fr": "La modification a été refusée : {count} problème(s), voir errors.",
            "nl": "De wijziging werd geweigerd: {count} probleem/problemen, zie errors.",
            "de": "Die Änderung wurde abgelehnt: {count} Problem(e), siehe errors.",
        },
        "routing.decision_not_found": {
            "en": "No routing decision for report {report_id}.",
            "fr": "Aucune décision de routage pour le signalement {report_id}.",
            "nl": "Geen routeringsbeslissing voor melding {report_id}.",
            "de": "Keine Weiterleitungsentscheidung für Meldung {report_id}.",
        },
        "routing.directory_entry_not_found": {
            "en": "No department or category {code} in this municipality.",
            "fr": "Aucun service ou catégorie {code} dans cette commune.",
            "nl": "Geen dienst of categorie {code} in deze gemeente.",
            "de": "Kein Dienst und keine Kategorie {code} in dieser Gemeinde.",
        },
        "routing.rule_not_found": {
            "en": "No routing rule {rule_id}.",
            "fr": "Aucune règle de routage {rule_id}.",
            "nl": "Geen routeringsregel {rule_id}.",
            "de": "Keine Weiterleitungsregel {rule_id}.",
        },
    }
)
