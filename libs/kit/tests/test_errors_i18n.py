"""Message catalogues and Accept-Language negotiation."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from guichet_contracts.values import LANGUAGES
from guichet_kit.i18n import (
    CatalogueNotCompiled,
    has_message,
    load_catalogue,
    negotiate_language,
    translate,
)
from guichet_testing.catalogues import write_catalogue


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("nl-BE", "nl"),
        ("fr-BE,fr;q=0.9,en;q=0.8", "fr"),
        ("en;q=0.5, de;q=0.9", "de"),
        ("it, es;q=0.9, nl;q=0.1", "nl"),
        ("it, es", "en"),
        ("*", "en"),
        ("nl;q=0, de", "de"),
        ("DE-be", "de"),
        ("fr;q=abc, nl", "nl"),
        ("fr;q=2, nl", "nl"),
        (" fr ; q=0.4 , nl ; q=0.3", "fr"),
    ],
)
def test_negotiation(header: str | None, expected: str) -> None:
    assert negotiate_language(header) == expected


def test_negotiation_default_is_configurable() -> None:
    assert negotiate_language("it", default="nl") == "nl"
    assert negotiate_language(None, default="de") == "de"
    with pytest.raises(ValueError, match="default language"):
        negotiate_language("fr", default="it")


def test_kit_messages_differ_per_key_and_language() -> None:
    assert has_message("error.internal")
    for lang in LANGUAGES:
        texts = {translate(key, lang) for key in ("error.not_found", "error.conflict")}
        assert len(texts) == 2
    texts = {translate("error.forbidden", lang) for lang in LANGUAGES}
    assert len(texts) == len(LANGUAGES)


@pytest.fixture(scope="module")
def catalogues(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("catalogues")


def test_missing_language_falls_back_to_english(catalogues: Path) -> None:
    package = catalogues / "i18n_fallback_test"
    messages = {"test.english_only": {"en": "Only {what}.", "fr": "Seulement {what}."}}
    load_catalogue(package.name, write_catalogue(package, messages))
    assert translate("test.english_only", "nl", what="this") == "Only this."
    assert translate("test.english_only", "fr", what="ceci") == "Seulement ceci."


def test_missing_parameter_and_unknown_key_never_crash(catalogues: Path) -> None:
    package = catalogues / "i18n_params_test"
    messages = {
        "test.params": {"en": "From {current} to {target}."},
        "test.bad_template": {"en": "Value {x.attr} {0}"},
    }
    load_catalogue(package.name, write_catalogue(package, messages))
    assert has_message("test.params")
    assert translate("test.params", "en", current="a") == "From a to {target}."
    assert not has_message("test.no.such.key")
    assert translate("test.no.such.key", "fr") == "test.no.such.key"
    assert translate("test.bad_template", "en", x=1) == "Value {x.attr} {0}"


def test_loading_rules(catalogues: Path) -> None:
    same = catalogues / "i18n_same_test"
    load_catalogue(same.name, write_catalogue(same, {"test.same": {"en": "Same."}}))
    load_catalogue(same.name)  # idempotent
    other = catalogues / "i18n_other_test"
    with pytest.raises(ValueError, match="differs"):
        load_catalogue(other.name, write_catalogue(other, {"test.same": {"en": "Other."}}))
    assert translate("test.same", "en") == "Same."
    uncompiled = catalogues / "i18n_uncompiled_test"
    (uncompiled / "locale").mkdir(parents=True)
    with pytest.raises(CatalogueNotCompiled, match="missing: run `python -m guichet_kit"):
        load_catalogue(uncompiled.name, uncompiled / "locale")


def test_a_catalogue_edited_since_it_was_compiled_is_refused(catalogues: Path) -> None:
    package = catalogues / "i18n_stale_test"
    locale = write_catalogue(package, {"test.stale": {"en": "Old."}})
    edited = locale / "nl" / "LC_MESSAGES" / f"{package.name}.po"
    compiled = edited.with_suffix(".mo").stat().st_mtime
    os.utime(edited, (compiled + 1, compiled + 1))
    with pytest.raises(CatalogueNotCompiled, match=r"older than i18n_stale_test\.po"):
        load_catalogue(package.name, locale)
    assert not has_message("test.stale")
