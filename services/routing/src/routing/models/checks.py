"""SQL of the check constraints shared by the directory tables."""

from __future__ import annotations

from guichet_contracts.values import LANGUAGES


def sql_list(values: tuple[str, ...]) -> str:
    """`'a', 'b'` — for constants written into DDL, never for user input."""
    return ", ".join(f"'{value}'" for value in values)


def labels_check(column: str) -> str:
    """A jsonb object carrying a text for every language the platform speaks."""
    return f"jsonb_typeof({column}) = 'object' AND {column} ?& ARRAY[{sql_list(LANGUAGES)}]"


def one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({sql_list(values)})"
