"""Message catalogues made for a test: ``{key: {lang: text}}`` written as a package's PO
files and compiled, ready for `guichet_kit.i18n.load_catalogue`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from babel.messages.catalog import Catalog

from guichet_contracts.values import LANGUAGES
from guichet_kit import i18n_catalogues


def write_catalogue(package: Path, messages: Mapping[str, Mapping[str, str]]) -> Path:
    """Writes and compiles the catalogue of `package` (domain: its folder's name); a language
    a message lacks gets an empty text. Returns the package's ``locale`` folder."""
    for lang in LANGUAGES:
        catalog = Catalog(locale=lang, domain=package.name)
        for key, texts in messages.items():
            catalog.add(key, texts.get(lang, ""))
        i18n_catalogues.write(i18n_catalogues.po_path(package, lang), catalog)
    i18n_catalogues.run_compile(package)
    return package / "locale"
