"""A tiny message catalog: message keys with one template per language.

Catalogs are registered as ``{key: {lang: template}}`` so every translation of a message sits
together (easy to review, easy to check for gaps with `missing_translations`)::

    register_messages({
        "case.transition_not_allowed": {
            "en": "A case cannot go from {current} to {target}.",
            "fr": "Un dossier ne peut pas passer de {current} à {target}.",
            ...
        },
    })

Templates use `str.format` fields. A missing parameter renders as ``{name}`` and an unknown key
renders as the key itself: a message problem must never turn an error response into a crash.
Every message needs an English text, which is the fallback for missing translations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import HTTPConnection

from guichet_contracts.values import LANGUAGES

SUPPORTED_LANGUAGES: tuple[str, ...] = LANGUAGES
FALLBACK_LANGUAGE = "en"
_MAX_ACCEPT_LANGUAGE_ITEMS = 32

Catalog = Mapping[str, Mapping[str, str]]

_messages: dict[str, dict[str, str]] = {}


class _KeepMissing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def register_messages(catalog: Catalog) -> None:
    """Add messages. Registering the same text twice is a no-op; different text is an error."""
    for key, translations in catalog.items():
        unknown = set(translations) - set(SUPPORTED_LANGUAGES)
        if unknown:
            raise ValueError(f"message {key!r}: unsupported language(s) {sorted(unknown)}")
        if FALLBACK_LANGUAGE not in translations:
            raise ValueError(f"message {key!r} has no {FALLBACK_LANGUAGE!r} text")
        existing = _messages.get(key)
        if existing is not None and existing != dict(translations):
            raise ValueError(f"message {key!r} is already registered with a different text")
        _messages[key] = dict(translations)


def has_message(key: str) -> bool:
    return key in _messages


def translate(key: str, lang: str, /, **params: Any) -> str:
    translations = _messages.get(key)
    if translations is None:
        return key
    template = translations.get(lang) or translations[FALLBACK_LANGUAGE]
    try:
        return template.format_map(_KeepMissing(params))
    except (AttributeError, IndexError, TypeError, ValueError):
        return template


@dataclass(frozen=True)
class Message:
    """A message to render later, in the language of whoever reads it (e.g. one entry of a
    problem's ``errors``, rendered by the error handler in the request's language)."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        return translate(self.key, lang, **self.params)


def localized(value: Any, lang: str) -> Any:
    """`value` with every `Message` inside (dicts, lists, tuples) rendered in `lang`."""
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, Mapping):
        return {key: localized(item, lang) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [localized(item, lang) for item in value]
    return value


def missing_translations(
    languages: tuple[str, ...] = SUPPORTED_LANGUAGES, *, prefix: str = ""
) -> dict[str, list[str]]:
    """Keys (starting with `prefix`) lacking a text in one of `languages`; for catalog tests."""
    gaps: dict[str, list[str]] = {}
    for key, translations in _messages.items():
        if key.startswith(prefix):
            missing = [lang for lang in languages if lang not in translations]
            if missing:
                gaps[key] = missing
    return gaps


def negotiate_language(
    accept_language: str | None,
    *,
    default: str = FALLBACK_LANGUAGE,
    supported: tuple[str, ...] = SUPPORTED_LANGUAGES,
) -> str:
    """Best supported language for an Accept-Language header (RFC 9110 §12.5.4).

    Matches on the primary subtag (``nl-BE`` → ``nl``); ``*`` and no match give `default`.
    """
    if default not in supported:
        raise ValueError(f"default language {default!r} is not one of {supported}")
    if not accept_language:
        return default
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")[:_MAX_ACCEPT_LANGUAGE_ITEMS]):
        tag, _, weight_part = item.strip().partition(";")
        quality = _quality(weight_part)
        if tag and quality > 0:
            ranked.append((-quality, position, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        if tag == "*":
            return default
        primary = tag.split("-", 1)[0]
        if primary in supported:
            return primary
    return default


def _quality(weight_part: str) -> float:
    name, _, value = weight_part.split(";", 1)[0].strip().partition("=")
    if name.strip().lower() != "q":
        return 1.0
    try:
        quality = float(value)
    except ValueError:
        return 0.0
    return quality if 0.0 <= quality <= 1.0 else 0.0


def request_language(connection: HTTPConnection) -> str:
    """Language for a response: ``request.state.language`` if something (e.g. the user's
    profile) decided it, else Accept-Language negotiated against
    ``app.state.default_language``."""
    chosen = getattr(connection.state, "language", None)
    if chosen in SUPPORTED_LANGUAGES:
        return str(chosen)
    default = getattr(connection.app.state, "default_language", FALLBACK_LANGUAGE)
    return negotiate_language(connection.headers.get("accept-language"), default=default)
