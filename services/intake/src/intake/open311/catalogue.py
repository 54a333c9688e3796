"""A municipality's categories as Open311 services and service definitions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guichet_contracts.values import pick_label
from guichet_kit.i18n import N_, translate
from intake.models import Category

LIST_TYPES = frozenset({"singlevaluelist", "multivaluelist"})
DATATYPE_DESCRIPTIONS: dict[str, str] = {
    "string": N_("open311.datatype.string"),
    "text": N_("open311.datatype.text"),
    "number": N_("open311.datatype.number"),
    "datetime": N_("open311.datatype.datetime"),
    "singlevaluelist": N_("open311.datatype.singlevaluelist"),
    "multivaluelist": N_("open311.datatype.multivaluelist"),
}


def service_name(category: Category, lang: str) -> str:
    return pick_label(category.labels, lang, category.code)


def service(category: Category, lang: str) -> dict[str, Any]:
    """One entry of GET services: a category of the municipality."""
    name = service_name(category, lang)
    keywords = [
        pick_label(sub.get("labels", {}), lang, str(sub["code"])) for sub in category.subcategories
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
        "datatype_description": translate(
            DATATYPE_DESCRIPTIONS.get(datatype, f"open311.datatype.{datatype}"), lang
        ),
        "order": order,
        "description": pick_label(question.get("labels", {}), lang, str(question["code"])),
    }
    if datatype in LIST_TYPES:
        attribute["values"] = [
            {
                "key": option["key"],
                "name": pick_label(option.get("labels", {}), lang, option["key"]),
            }
            for option in question.get("options", [])
        ]
    return attribute
