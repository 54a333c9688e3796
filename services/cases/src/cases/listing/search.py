"""Full-text search over cases, accent-insensitive and language-neutral (fr/nl/de/en): the
query built from the user's words (the clause over the index is `listing.repository.matches`).

Cases of one town are written in several languages, so the index uses the `simple` text
search configuration (no stemming) over text folded by `cases.search_fold()`: lower case,
accents removed (é→e, ü→u, ç→c, ...), ß→ss, œ→oe, æ→ae. The function is defined (and frozen)
by migration c99a7fb86224; IMMUTABLE, so the stored `search_vector` column
(`models.case.SEARCH_DOCUMENT`) and its GIN index can use it.
Queries are prefixes of every word ("ecol" finds "école"); case and tracking numbers are
indexed with their dashes as spaces (the parser would read "-2026" as a signed number).
"""

from __future__ import annotations

import re

MAX_TERMS = 10
_WORD = re.compile(r"[^\W_]+")


def prefix_query(text: str) -> str | None:
    """`to_tsquery` input: every word of `text` as a prefix, all required. Words are runs of
    letters/digits only, so the user cannot inject tsquery operators."""
    words = _WORD.findall(text)[:MAX_TERMS]
    return " & ".join(f"{word}:*" for word in words) or None
