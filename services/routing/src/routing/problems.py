"""The problems found when a tenant administrator saves directory entries or routing rules.

Every problem is collected (field path + message) and reported at once in one 422, each
message rendered in the administrator's language (`Accept-Language`).
"""

from __future__ import annotations

from typing import Any

from guichet_kit.i18n import Message, register_messages
from routing.errors import InvalidDirectoryChange


class FieldProblems:
    def __init__(self) -> None:
        self.items: list[dict[str, str | Message]] = []

    def add(self, field: str, key: str, /, **params: Any) -> None:
        self.items.append({"field": field, "message": Message(key, params)})

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidDirectoryChange(count=len(self.items), extra={"errors": self.items})


register_messages(
    {
        "routing.problem.unknown_department": {
            "en": "unknown department '{code}'",
            "fr": "service inconnu '{code}'",
            "nl": "onbekende dienst '{code}'",
            "de": "unbekannte Abteilung '{code}'",
        },
        "routing.problem.unknown_category": {
            "en": "unknown category '{code}'",
            "fr": "catégorie inconnue '{code}'",
            "nl": "onbekende categorie '{code}'",
            "de": "unbekannte Kategorie '{code}'",
        },
        "routing.problem.empty_action": {
            "en": "empty action: name at least one department",
            "fr": "action vide : indiquez au moins un service",
            "nl": "lege actie: vermeld minstens één dienst",
            "de": "leere Aktion: nennen Sie mindestens eine Abteilung",
        },
        "routing.problem.department_twice": {
            "en": "a department is listed twice",
            "fr": "un service figure deux fois",
            "nl": "een dienst staat er twee keer in",
            "de": "eine Abteilung ist doppelt aufgeführt",
        },
        "routing.problem.empty_keyword": {
            "en": "a keyword is empty",
            "fr": "un mot-clé est vide",
            "nl": "een trefwoord is leeg",
            "de": "ein Stichwort ist leer",
        },
        "routing.problem.keyword_too_long": {
            "en": "keyword '{start}...' is longer than 100 characters",
            "fr": "le mot-clé '{start}...' dépasse 100 caractères",
            "nl": "trefwoord '{start}...' is langer dan 100 tekens",
            "de": "das Stichwort '{start}...' ist länger als 100 Zeichen",
        },
        "routing.problem.weekdays_range": {
            "en": "weekdays are 1 (Monday) to 7 (Sunday)",
            "fr": "les jours vont de 1 (lundi) à 7 (dimanche)",
            "nl": "weekdagen gaan van 1 (maandag) tot 7 (zondag)",
            "de": "Wochentage gehen von 1 (Montag) bis 7 (Sonntag)",
        },
        "routing.problem.weekday_twice": {
            "en": "a weekday is listed twice",
            "fr": "un jour figure deux fois",
            "nl": "een weekdag staat er twee keer in",
            "de": "ein Wochentag ist doppelt aufgeführt",
        },
        "routing.problem.window_half_open": {
            "en": "give both start and end, or neither (whole day)",
            "fr": "indiquez le début et la fin, ou aucun des deux (toute la journée)",
            "nl": "geef zowel begin als einde, of geen van beide (hele dag)",
            "de": "geben Sie Beginn und Ende an oder keines von beiden (ganzer Tag)",
        },
        "routing.problem.window_empty": {
            "en": "start equals end: the window is empty",
            "fr": "le début est égal à la fin : la plage est vide",
            "nl": "begin is gelijk aan einde: het tijdvak is leeg",
            "de": "Beginn gleich Ende: das Zeitfenster ist leer",
        },
        "routing.problem.window_unbounded": {
            "en": "an empty time window: give weekdays or start and end",
            "fr": "plage horaire vide : indiquez des jours ou un début et une fin",
            "nl": "een leeg tijdvak: geef weekdagen of begin en einde",
            "de": "ein leeres Zeitfenster: geben Sie Wochentage oder Beginn und Ende an",
        },
        "routing.problem.local_time": {
            "en": "local Europe/Brussels time, without an offset",
            "fr": "heure locale Europe/Bruxelles, sans décalage horaire",
            "nl": "lokale tijd Europe/Brussels, zonder tijdsverschil",
            "de": "Ortszeit Europe/Brussels, ohne Zeitversatz",
        },
        "routing.problem.unknown_rule": {
            "en": "no existing rule {id} (omit id for a new rule)",
            "fr": "aucune règle existante {id} (omettez id pour une nouvelle règle)",
            "nl": "geen bestaande regel {id} (laat id weg voor een nieuwe regel)",
            "de": "keine bestehende Regel {id} (id bei einer neuen Regel weglassen)",
        },
        "routing.problem.rule_twice": {
            "en": "rule {id} appears twice",
            "fr": "la règle {id} figure deux fois",
            "nl": "regel {id} staat er twee keer in",
            "de": "Regel {id} ist doppelt aufgeführt",
        },
        "routing.problem.police_partner_taken": {
            "en": "{other} is already the police partner department",
            "fr": "{other} est déjà le service partenaire de la police",
            "nl": "{other} is al de partnerdienst van de politie",
            "de": "{other} ist bereits die Partnerabteilung der Polizei",
        },
        "routing.problem.default_department_of": {
            "en": "category {category} routes to {code} by default",
            "fr": "la catégorie {category} est envoyée par défaut à {code}",
            "nl": "categorie {category} gaat standaard naar {code}",
            "de": "Kategorie {category} geht standardmäßig an {code}",
        },
        "routing.problem.informed_by_rule": {
            "en": "routing rule '{rule}' informs {code}",
            "fr": "la règle d'aiguillage '{rule}' informe {code}",
            "nl": "routeringsregel '{rule}' verwittigt {code}",
            "de": "die Zuordnungsregel '{rule}' informiert {code}",
        },
        "routing.problem.category_in_rule": {
            "en": "routing rule '{rule}' applies to category {code}",
            "fr": "la règle d'aiguillage '{rule}' s'applique à la catégorie {code}",
            "nl": "routeringsregel '{rule}' geldt voor categorie {code}",
            "de": "die Zuordnungsregel '{rule}' gilt für die Kategorie {code}",
        },
        "routing.problem.options_needed": {
            "en": "a {datatype} question needs options",
            "fr": "une question {datatype} demande des options",
            "nl": "een vraag van het type {datatype} heeft opties nodig",
            "de": "eine Frage vom Typ {datatype} braucht Optionen",
        },
        "routing.problem.options_refused": {
            "en": "a {datatype} question takes no options",
            "fr": "une question {datatype} ne prend pas d'options",
            "nl": "een vraag van het type {datatype} heeft geen opties",
            "de": "eine Frage vom Typ {datatype} hat keine Optionen",
        },
        "routing.problem.official_languages": {
            "en": "the official languages of {nis} are {languages}",
            "fr": "les langues officielles de {nis} sont {languages}",
            "nl": "de officiële talen van {nis} zijn {languages}",
            "de": "die Amtssprachen von {nis} sind {languages}",
        },
        "routing.problem.not_a_municipality": {
            "en": "{nis} is not the NIS code of a Belgian municipality: it begins with a "
            "province's digits (1, 21, 23, 24, 25, 3 to 9)",
            "fr": "{nis} n'est pas le code INS d'une commune belge : il commence par les "
            "chiffres d'une province (1, 21, 23, 24, 25, 3 à 9)",
            "nl": "{nis} is geen NIS-code van een Belgische gemeente: die begint met de "
            "cijfers van een provincie (1, 21, 23, 24, 25, 3 tot 9)",
            "de": "{nis} ist kein NIS-Code einer belgischen Gemeinde: dieser beginnt mit den "
            "Ziffern einer Provinz (1, 21, 23, 24, 25, 3 bis 9)",
        },
        "routing.problem.prefix_taken": {
            "en": "{nis} uses {prefix}",
            "fr": "{nis} utilise déjà {prefix}",
            "nl": "{nis} gebruikt {prefix} al",
            "de": "{nis} verwendet {prefix} bereits",
        },
        "routing.problem.repeated": {
            "en": "'{code}' appears {count} times",
            "fr": "'{code}' figure {count} fois",
            "nl": "'{code}' komt {count} keer voor",
            "de": "'{code}' kommt {count} Mal vor",
        },
    }
)
