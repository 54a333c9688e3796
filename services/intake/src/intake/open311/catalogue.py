"""A municipality's categories as Open311 services and service definitions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guichet_kit.i18n import Catalog, register_messages, translate
from intake.models import Category

LIST_TYPES = frozenset({"singlevaluelist", "multivaluelist"})

MESSAGES: Catalog = {
    "open311.datatype.string": {
        "en": "A line of text.",
        "fr": "Une ligne de texte.",
        "nl": "Een regel tekst.",
        "de": "Eine Textzeile.",
    },
    "open311.datatype.text": {
        "en": "A text of one or more lines.",
        "fr": "Un texte d'une ou plusieurs lignes.",
        "nl": "Een tekst van een of meer regels.",
        "de": "Ein Text aus einer oder mehreren Zeilen.",
    },
    "open311.datatype.number": {
        "en": "A number, with a dot as decimal separator (e.g. 1.5).",
        "fr": "Un nombre, avec un point comme séparateur décimal (p. ex. 1.5).",
        "nl": "Een getal, met een punt als decimaalteken (bv. 1.5).",
        "de": "Eine Zahl mit Punkt als Dezimaltrennzeichen (z. B. 1.5).",
    },
    "open311.datatype.datetime": {
        "en": "A date and time in ISO 8601, e.g. 2026-11-28T14:30:00+01:00.",
        "fr": "Une date et une heure en ISO 8601, p. ex. 2026-11-28T14:30:00+01:00.",
        "nl": "Een datum en tijd in ISO 8601, bv. 2026-11-28T14:30:00+01:00.",
        "de": "Datum und Uhrzeit nach ISO 8601, z. B. 2026-11-28T14:30:00+01:00.",
    },
    "open311.datatype.singlevaluelist": {
        "en": "One of the keys listed in values.",
        "fr": "Une des clés listées dans values.",
        "nl": "Een van de sleutels uit values.",
        "de": "Einer der in values aufgeführten Schlüssel.",
    },
    "open311.datatype.multivaluelist": {
        "en": "One or more of the keys listed in values (repeat the attribute).",
        "fr": "Une ou plusieurs des clés listées dans values (répétez l'attribut).",
        "nl": "Een of meer van de sleutels uit values (herhaal het attribuut).",
        "de": "Einer oder mehrere der in values aufgeführten Schlüssel (Attribut wiederholen).",
    },
}

register_messages(MESSAGES)


def label(labels: Mapping[str, str], lang: str, fallback: str) -> str:
    return labels.get(lang) or labels.get("en") or fallback


def service_name(category: Category, lang: str) -> str:
    return label(category.labels, lang, category.code)


def service(category: Category, lang: str) -> dict[str, Any]:
    """One entry of GET services: a category of the municipality."""
    name = service_name(category, lang)
    keywords = [
        label(sub.get("labels", {}), lang, str(sub["code"])) for sub in category.subcategories
    ]
    return {
        "service_code": category.code,
        "service_name": name,
        "description": name,
        "metadata": bool(category.questions),
        "type": "realtime",
        "keywords": ", ".join(keywords),
        "group": None,
    }


def definition(category: Category, lang: str) -> dict[str, Any]:
    """GET services/{service_code}: the category's questions as attributes."""
    return {
        "service_code": category.code,
        "attributes": [
            _attribute(question, order, lang)
            for order, question in enumerate(category.questions, start=1)
        ],
    }


def _attribute(question: Mapping[str, Any], order: int, lang: str) -> dict[str, Any]:
    datatype = str(question["datatype"])
    attribute: dict[str, Any] = {
        "variable": True,
        "code": question["code"],
        "datatype": datatype,
        "required": bool(question.get("required")),
        "datatype_description": translate(f"open311.datatype.{datatype}", lang),
        "order": order,
        "description": label(question.get("labels", {}), lang, str(question["code"])),
    }
    if datatype in LIST_TYPES:
        attribute["values"] = [
            {"key": option["key"], "name": label(option.get("labels", {}), lang, option["key"])}
            for option in question.get("options", [])
        ]
    return attribute
