"""Accent- and case-insensitive text matching for rule keywords."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: "Déchets  SAUVAGES" → "dechets sauvages"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


@lru_cache(maxsize=4096)
def folded_keyword(keyword: str) -> str:
    """`fold` of a rule's keyword, remembered: every report is checked against the same few."""
    return fold(keyword)


def contains_keyword(folded_text: str, folded_keyword: str) -> bool:
    """The keyword starts a word of the text ("dechet" matches "dechets", not "sondechet")."""
    return re.search(r"\b" + re.escape(folded_keyword), folded_text) is not None
