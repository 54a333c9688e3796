"""Translated messages: symbolic keys looked up in each package's gettext catalogue.

A message key (``case.transition_not_allowed``) is the msgid; its text in every language,
English included, lives in the package's PO files (``<package>/locale/<lang>/LC_MESSAGES/
<package>.po``, compiled to ``.mo`` by the set-up; `guichet_kit.i18n_catalogues` extracts,
updates, compiles and checks them). Mark a key with `N_` where it is declared so that
extraction finds it::

    class TransitionNotAllowed(Conflict):
        code = N_("case.transition_not_allowed")

Templates use named `str.format` fields. A missing parameter renders as ``{name}`` and an
unknown key renders as the key itself: a message problem must never turn an error response
into a crash. A message missing in a language falls back to English.

The kit's own catalogue is loaded on first use; a service's is loaded by `build_app`
(``catalogue="cases"``), or by `load_catalogue` wherever messages render outside an app.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from babel.messages.mofile import read_mo
from starlette.requests import HTTPConnection

from guichet_contracts.values import LANGUAGES

FALLBACK_LANGUAGE = "en"
KIT_CATALOGUE = "guichet_kit"
_MAX_ACCEPT_LANGUAGE_ITEMS = 32

_texts: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
_loaded: set[str] = set()
_lock = threading.Lock()


class CatalogueNotCompiled(FileNotFoundError):
    """A catalogue's ``.mo`` file is missing, or older than its ``.po`` (the texts would be
    the previous ones): the set-up compiles them."""


def N_(key: str) -> str:
    """Mark `key` as a message key for extraction; returns it unchanged."""
    return key


def locale_dir(package: str) -> Path:
    """Where `package` keeps its catalogue: ``<package>/locale``."""
    return Path(str(resources.files(package) / "locale"))


def load_catalogue(domain: str, directory: Path | None = None) -> None:
    """Make the messages of catalogue `domain` (a package name) available; idempotent.

    A key already known with a different text (another catalogue defines it) is an error."""
    with _lock:
        if domain in _loaded:
            return
        folder = directory or locale_dir(domain)
        loaded: dict[str, dict[str, str]] = {}
        for language in LANGUAGES:
            path = folder / language / "LC_MESSAGES" / f"{domain}.mo"
            _check_compiled(path)
            with path.open("rb") as mo:
                catalog = read_mo(mo)
            loaded[language] = {
                str(message.id): str(message.string)
                for message in catalog
                if message.id and isinstance(message.string, str) and message.string
            }
        for lang, texts in loaded.items():
            for key, text in texts.items():
                known = _texts[lang].get(key)
                if known is not None and known != text:
                    raise ValueError(f"message {key!r} ({lang}) differs in catalogue {domain!r}")
        for lang, texts in loaded.items():
            _texts[lang].update(texts)
        _loaded.add(domain)


def _check_compiled(mo: Path) -> None:
    source = mo.with_suffix(".po")
    if not mo.is_file():
        problem = "is missing"
    elif source.is_file() and source.stat().st_mtime > mo.stat().st_mtime:
        problem = f"is older than {source.name}"
    else:
        return
    raise CatalogueNotCompiled(
        f"{mo} {problem}: run `python -m guichet_kit.i18n_catalogues compile`"
        " (deploy/local/bootstrap.sh does)"
    )


def _catalogues() -> dict[str, dict[str, str]]:
    if KIT_CATALOGUE not in _loaded:
        load_catalogue(KIT_CATALOGUE)
    return _texts


class _KeepMissing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def has_message(key: str) -> bool:
    return key in _catalogues()[FALLBACK_LANGUAGE]


def translate(key: str, lang: str, /, **params: Any) -> str:
    texts = _catalogues()
    template = texts.get(lang, {}).get(key) or texts[FALLBACK_LANGUAGE].get(key)
    if template is None:
        return key
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


def negotiate_language(
    accept_language: str | None,
    *,
    default: str = FALLBACK_LANGUAGE,
    supported: tuple[str, ...] = LANGUAGES,
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
    if chosen in LANGUAGES:
        return str(chosen)
    default = getattr(connection.app.state, "default_language", FALLBACK_LANGUAGE)
    return negotiate_language(connection.headers.get("accept-language"), default=default)
