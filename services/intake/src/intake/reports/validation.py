"""A draft checked against its municipality's categories (the directory projection)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from intake.directory.repository import CategoryRules, MunicipalityRef
from intake.reports.errors import InvalidAnswers, UnknownCategory, UnknownSubcategory
from intake.reports.schemas import ReportDraft

Answer = str | list[str]


def check_category(
    draft: ReportDraft,
    municipality: MunicipalityRef,
    categories: Sequence[CategoryRules],
    lang: str,
) -> CategoryRules:
    by_code = {category.code: category for category in categories}
    category = by_code.get(draft.category)
    if category is None:
        raise UnknownCategory(
            category=draft.category,
            municipality=municipality.names.get(lang) or municipality.nis,
            extra={"valid_codes": list(by_code)},
        )
    if draft.subcategory is not None:
        codes = [str(sub["code"]) for sub in category.subcategories]
        if draft.subcategory not in codes:
            raise UnknownSubcategory(
                subcategory=draft.subcategory,
                category=category.code,
                extra={"valid_codes": codes},
            )
    check_answers(draft.answers, category.questions)
    return category


def check_answers(answers: Mapping[str, Answer], questions: Sequence[Mapping[str, Any]]) -> None:
    """Every required question answered, no unknown question, each answer valid for its
    datatype; all problems reported at once as ``{question, problem}``."""
    problems: list[dict[str, str]] = []
    known = {str(q["code"]): q for q in questions}
    problems += [{"question": code, "problem": "unknown"} for code in answers if code not in known]
    for code, question in known.items():
        answer = answers.get(code)
        if answer is None or answer == "" or answer == []:
            if question.get("required"):
                problems.append({"question": code, "problem": "required"})
            continue
        problem = _answer_problem(question, answer)
        if problem is not None:
            problems.append({"question": code, "problem": problem})
    if problems:
        raise InvalidAnswers(extra={"errors": problems})


def _answer_problem(question: Mapping[str, Any], answer: Answer) -> str | None:
    datatype = question.get("datatype")
    options = {str(option["key"]) for option in question.get("options", [])}
    if datatype == "multivaluelist":
        values = answer if isinstance(answer, list) else [answer]
        return None if set(values) <= options else "not_an_option"
    if isinstance(answer, list):
        return "single_value_expected"
    if datatype == "singlevaluelist":
        return None if answer in options else "not_an_option"
    if datatype == "number":
        return None if _is_number(answer) else "not_a_number"
    if datatype == "datetime":
        return None if _is_datetime(answer) else "not_a_datetime"
    return None


def _is_number(value: str) -> bool:
    try:
        number = float(value)
    except ValueError:
        return False
    return number == number and number not in (float("inf"), float("-inf"))


def _is_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True
