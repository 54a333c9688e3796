"""Managing the gettext catalogues with Babel: one per package, at ``<package>/locale/``.

    python -m guichet_kit.i18n_catalogues extract|update|compile|check [PACKAGE_DIR ...]

- ``extract`` writes ``<domain>.pot``, the template: every key the code marks (`N_`,
  `translate`, `Message`, and `FieldProblems.add`'s second argument);
- ``update`` extracts, then brings every language's ``<lang>/LC_MESSAGES/<domain>.po`` in line
  with the template: new keys get an empty text, keys the code no longer uses go, and every
  entry of a non-English file shows the English text as a ``#. en:`` comment;
- ``compile`` writes the ``.mo`` files the services load (the set-up runs it);
- ``check`` lists what is wrong (stale template, missing, empty, fuzzy or unused entries,
  placeholders differing from English, a file ``update`` would change) and exits 1 if anything.

The domain is the package's name (``guichet_kit``, ``intake``, ...). Without arguments every
package under ``libs/*/src`` and ``services/*/src`` that has a ``locale`` folder is handled.
Files are written without a header or source locations and sorted by key, so that only a
change of keys or texts changes them.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import string
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from guichet_contracts.values import LANGUAGES
from guichet_kit.i18n import FALLBACK_LANGUAGE

# The functions whose (first, unless said) argument is a message key.
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "N_": None,
    "translate": None,
    "Message": None,
    "add": (2,),  # FieldProblems.add(field, key, **params)
}
PACKAGE_GLOBS = ("libs/*/src/*/locale", "services/*/src/*/locale")
EN_COMMENT = "en: "


def packages(root: Path) -> list[Path]:
    return sorted(found.parent for pattern in PACKAGE_GLOBS for found in root.glob(pattern))


def domain(package: Path) -> str:
    return package.name


def template_path(package: Path) -> Path:
    return package / "locale" / f"{domain(package)}.pot"


def po_path(package: Path, lang: str) -> Path:
    return package / "locale" / lang / "LC_MESSAGES" / f"{domain(package)}.po"


def extract(package: Path) -> Catalog:
    """The template: every marked key in the package's code."""
    catalog = Catalog(domain=domain(package), fuzzy=False)
    found = extract_from_dir(
        str(package), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=()
    )
    # Babel warns about every f-string argument (e.g. a field path given to `add`): noise here.
    with contextlib.redirect_stderr(io.StringIO()):
        for filename, lineno, message, _comments, _context in found:
            if isinstance(message, str):
                catalog.add(message, None, [(filename, lineno)])
    return catalog


def render(catalog: Catalog) -> str:
    buffer = io.BytesIO()
    write_po(buffer, catalog, omit_header=True, no_location=True, sort_output=True)
    return buffer.getvalue().decode("utf-8")


def read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=lang, domain=path.stem)


def updated(package: Path, lang: str, template: Catalog, english: Catalog | None) -> Catalog:
    """The language's catalogue as ``update`` writes it for `template`."""
    path = po_path(package, lang)
    catalog = read(path, lang) if path.is_file() else Catalog(locale=lang, domain=domain(package))
    catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    for message in catalog:
        if not message.id:
            continue
        source = (
            english.get(message.id) if english is not None and lang != FALLBACK_LANGUAGE else None
        )
        text = source.string if source is not None else None
        message.auto_comments = [EN_COMMENT + text] if isinstance(text, str) and text else []
    return catalog


def write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(catalog), encoding="utf-8")


def _languages() -> list[str]:
    """English first: the other files quote its texts."""
    return [FALLBACK_LANGUAGE, *(lang for lang in LANGUAGES if lang != "en")]


def run_extract(package: Path) -> Catalog:
    template = extract(package)
    write(template_path(package), template)
    return template


def run_update(package: Path) -> None:
    template = run_extract(package)
    english: Catalog | None = None
    for lang in _languages():
        catalog = updated(package, lang, template, english)
        write(po_path(package, lang), catalog)
        english = catalog if english is None else english


def run_compile(package: Path) -> None:
    for lang in LANGUAGES:
        source = po_path(package, lang)
        with source.with_suffix(".mo").open("wb") as mo:
            write_mo(mo, read(source, lang))


def _fields(text: str) -> set[str] | None:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return None


def check(package: Path) -> list[str]:
    """Everything wrong with the package's catalogue, one line each (empty: all good)."""
    problems: list[str] = []
    fresh = extract(package)
    keys = sorted(str(message.id) for message in fresh if message.id)
    pot = template_path(package)
    if not pot.is_file() or pot.read_text(encoding="utf-8") != render(fresh):
        problems.append(f"{pot}: not the code's keys (run update)")
    english: Catalog | None = None
    for lang in _languages():
        path = po_path(package, lang)
        if not path.is_file():
            problems.append(f"{path}: missing (run update)")
            continue
        catalog = read(path, lang)
        problems += _entry_problems(path, catalog, keys, english)
        if path.read_text(encoding="utf-8") != render(updated(package, lang, fresh, english)):
            problems.append(f"{path}: differs from what update writes (run update)")
        english = catalog if english is None else english
    return problems


def _entry_problems(
    path: Path, catalog: Catalog, keys: Sequence[str], english: Catalog | None
) -> list[str]:
    problems: list[str] = []
    for key in keys:
        message = catalog.get(key)
        if message is None or not message.string:
            problems.append(f"{path}: {key}: no text")
            continue
        if message.fuzzy:
            problems.append(f"{path}: {key}: fuzzy")
        source = english.get(key) if english is not None else None
        english_text = source.string if source is not None else None
        if isinstance(english_text, str) and _fields(str(message.string)) != _fields(english_text):
            problems.append(f"{path}: {key}: placeholders differ from English")
    known = set(keys)
    unused = [str(m.id) for m in catalog if m.id and m.id not in known]
    unused += [str(key) for key in catalog.obsolete]
    problems += [f"{path}: {key}: unused (no longer in the code)" for key in unused]
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m guichet_kit.i18n_catalogues")
    parser.add_argument("command", choices=("extract", "update", "compile", "check"))
    parser.add_argument("packages", nargs="*", type=Path, help="package folders (default: all)")
    args = parser.parse_args(argv)
    chosen: Iterable[Path] = args.packages or packages(Path.cwd())
    problems: list[str] = []
    for package in chosen:
        if args.command == "extract":
            run_extract(package)
        elif args.command == "update":
            run_update(package)
        elif args.command == "compile":
            run_compile(package)
        else:
            problems += check(package)
    for problem in problems:
        print(problem, file=sys.stderr)  # noqa: T201 - a command line tool
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
