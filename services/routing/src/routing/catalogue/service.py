"""A municipality's categories in one language, for citizens."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.events.directory import CategoryInfo, QuestionInfo
from guichet_contracts.values import Confidentiality, Labels, Language
from routing.catalogue.schemas import (
    CatalogueView,
    CategoryView,
    OptionView,
    QuestionView,
    SubcategoryView,
)
from routing.directory.publication import categories
from routing.models import Municipality


async def catalogue(
    session: AsyncSession, town: Municipality, revision: int, language: Language
) -> CatalogueView:
    """Session bound to the town."""
    return CatalogueView(
        nis=town.nis,
        name=town.names[language],
        language=language,
        revision=revision,
        categories=[_category(c, language) for c in await categories(session)],
    )


def _category(category: CategoryInfo, language: Language) -> CategoryView:
    return CategoryView(
        code=category.code,
        label=_text(category.labels, language),
        notice=_text(category.notice, language) if category.notice else None,
        published=category.confidentiality == Confidentiality.PUBLIC,
        subcategories=[
            SubcategoryView(code=s.code, label=_text(s.labels, language))
            for s in category.subcategories
        ],
        questions=[_question(q, language) for q in category.questions],
    )


def _question(question: QuestionInfo, language: Language) -> QuestionView:
    return QuestionView(
        code=question.code,
        label=_text(question.labels, language),
        datatype=question.datatype,
        required=question.required,
        options=[OptionView(key=o.key, label=_text(o.labels, language)) for o in question.options],
    )


def _text(labels: Labels, language: Language) -> str:
    text: str = getattr(labels, language)
    return text
