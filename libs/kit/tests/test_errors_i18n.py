"""Message catalog and Accept-Language negotiation."""

from __future__ import annotations

import pytest

import guichet_kit.errors  # noqa: F401 - registers the kit's messages
from guichet_kit.i18n import (
    SUPPORTED_LANGUAGES,
    has_message,
    missing_translations,
    negotiate_language,
    register_messages,
    translate,
)


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


def test_kit_messages_exist_in_all_four_languages() -> None:
    assert missing_translations(prefix="problem.") == {}
    assert missing_translations(prefix="error.") == {}
    assert missing_translations(prefix="validation.") == {}
    assert has_message("error.internal")
    for lang in SUPPORTED_LANGUAGES:
        texts = {translate(key, lang) for key in ("error.not_found", "error.conflict")}
        assert len(texts) == 2


def test_translations_differ_per_language() -> None:
    texts = {translate("error.forbidden", lang) for lang in SUPPORTED_LANGUAGES}
    assert len(texts) == len(SUPPORTED_LANGUAGES)


def test_missing_language_falls_back_to_english() -> None:
    register_messages({"test.english_only": {"en": "Only {what}.", "fr": "Seulement {what}."}})
    assert translate("test.english_only", "nl", what="this") == "Only this."
    assert translate("test.english_only", "fr", what="ceci") == "Seulement ceci."
    assert missing_translations(prefix="test.english_only") == {"test.english_only": ["nl", "de"]}


def test_missing_parameter_and_unknown_key_never_crash() -> None:
    register_messages({"test.params": {"en": "From {current} to {target}."}})
    assert translate("test.params", "en", current="a") == "From a to {target}."
    assert translate("test.no.such.key", "fr") == "test.no.such.key"
    register_messages({"test.bad_template": {"en": "Value {x.attr} {0}"}})
    assert translate("test.bad_template", "en", x=1) == "Value {x.attr} {0}"


def test_registration_rules() -> None:
    register_messages({"test.same": {"en": "Same."}})
    register_messages({"test.same": {"en": "Same."}})  # idempotent
    with pytest.raises(ValueError, match="different text"):
        register_messages({"test.same": {"en": "Other."}})
    with pytest.raises(ValueError, match="no 'en' text"):
        register_messages({"test.no_en": {"fr": "Pas d'anglais."}})
    with pytest.raises(ValueError, match="unsupported language"):
        register_messages({"test.italian": {"en": "Hi.", "it": "Ciao."}})
