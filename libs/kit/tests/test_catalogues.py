"""Every package's catalogue holds exactly the keys its code uses, translated, current; and the
check really finds each kind of problem (shown on a small package made for the test)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from guichet_contracts.values import LANGUAGES
from guichet_kit import i18n_catalogues as catalogues
from guichet_kit.i18n import load_catalogue, translate

REPO = Path(__file__).resolve().parents[3]


def test_every_catalogue_is_complete_and_current() -> None:
    found = catalogues.packages(REPO)
    assert {package.name for package in found} >= {"guichet_kit", "intake", "routing", "cases"}
    for package in found:
        assert catalogues.check(package) == [], (
            f"python -m guichet_kit.i18n_catalogues check {package}"
        )


CODE = """from guichet_kit.i18n import N_, translate


class Refused:
    code = N_("demo.refused")


def greeting(lang: str, problems) -> str:
    problems.add("field", "demo.problem", code="x")
    return translate("demo.hello", lang, name="Anna")
"""
TEXTS = {
    "demo.hello": {
        "en": "Hello {name}.",
        "fr": "Bonjour {name}.",
        "nl": "Dag {name}.",
        "de": "Hallo {name}.",
    },
    "demo.problem": {
        "en": "bad {code}",
        "fr": "mauvais {code}",
        "nl": "fout {code}",
        "de": "falsch {code}",
    },
    "demo.refused": {"en": "Refused.", "fr": "Refusé.", "nl": "Geweigerd.", "de": "Abgelehnt."},
}


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A package whose catalogue is right: `update`, then every text filled in."""
    root = tmp_path / "demo_catalogue"
    (root / "locale").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "texts.py").write_text(CODE)
    catalogues.run_update(root)
    for lang in LANGUAGES:
        edit_po(root, lang, functools.partial(fill, lang=lang))
    catalogues.run_update(root)  # the English texts as comments of the other languages
    assert catalogues.check(root) == []
    return root


def fill(catalog: Catalog, lang: str) -> None:
    for message in catalog:
        if message.id:
            message.string = TEXTS[str(message.id)][lang]


def edit_po(root: Path, lang: str, change: Callable[[Catalog], object]) -> None:
    path = catalogues.po_path(root, lang)
    catalog = catalogues.read(path, lang)
    change(catalog)
    catalogues.write(path, catalog)


def test_update_writes_the_keys_and_english_beside_each_translation(package: Path) -> None:
    template = catalogues.template_path(package).read_text()
    assert [line for line in template.splitlines() if line.startswith("msgid")] == [
        'msgid "demo.hello"',
        'msgid "demo.problem"',
        'msgid "demo.refused"',
    ]
    french = catalogues.po_path(package, "fr").read_text()
    assert '#. en: Hello {name}.\nmsgid "demo.hello"\nmsgstr "Bonjour {name}."' in french


def test_compiled_catalogue_is_what_translate_reads(package: Path) -> None:
    catalogues.run_compile(package)
    load_catalogue(package.name, package / "locale")
    assert translate("demo.hello", "nl", name="Anna") == "Dag Anna."
    assert translate("demo.refused", "de") == "Abgelehnt."


def test_a_key_used_in_code_but_missing_from_the_files(package: Path) -> None:
    (package / "more.py").write_text('from guichet_kit.i18n import N_\n\nKEY = N_("demo.new")\n')
    problems = catalogues.check(package)
    assert f"{catalogues.template_path(package)}: not the code's keys (run update)" in problems
    for lang in LANGUAGES:
        assert f"{catalogues.po_path(package, lang)}: demo.new: no text" in problems
    catalogues.run_update(package)  # adds the key, with no text yet: still refused
    problems = catalogues.check(package)
    assert problems == [
        f"{catalogues.po_path(package, lang)}: demo.new: no text"
        for lang in catalogues._languages()
    ]


def test_an_empty_text(package: Path) -> None:
    edit_po(package, "nl", lambda catalog: setattr(catalog["demo.hello"], "string", ""))
    assert catalogues.check(package) == [
        f"{catalogues.po_path(package, 'nl')}: demo.hello: no text"
    ]


def test_a_fuzzy_entry(package: Path) -> None:
    edit_po(package, "de", lambda catalog: catalog["demo.refused"].flags.add("fuzzy"))
    assert catalogues.check(package) == [
        f"{catalogues.po_path(package, 'de')}: demo.refused: fuzzy"
    ]


def test_an_entry_the_code_no_longer_uses(package: Path) -> None:
    (package / "texts.py").write_text(CODE.replace('N_("demo.refused")', '"demo.refused"'))
    catalogues.run_extract(package)  # even with a current template
    problems = catalogues.check(package)
    for lang in LANGUAGES:
        path = catalogues.po_path(package, lang)
        assert f"{path}: demo.refused: unused (no longer in the code)" in problems
        assert f"{path}: differs from what update writes (run update)" in problems
    catalogues.run_update(package)
    assert catalogues.check(package) == []


def test_a_stale_template(package: Path) -> None:
    template = catalogues.template_path(package)
    template.write_text(template.read_text().replace("demo.problem", "demo.problem_old"))
    assert catalogues.check(package) == [f"{template}: not the code's keys (run update)"]


def test_a_file_update_would_change(package: Path) -> None:
    path = catalogues.po_path(package, "fr")
    path.write_text(path.read_text().replace("#. en: Hello {name}.", "#. en: Hi {name}."))
    assert catalogues.check(package) == [f"{path}: differs from what update writes (run update)"]


def test_placeholders_that_differ_from_english(package: Path) -> None:
    edit_po(
        package, "fr", lambda catalog: setattr(catalog["demo.hello"], "string", "Bonjour {nom}.")
    )
    assert catalogues.check(package) == [
        f"{catalogues.po_path(package, 'fr')}: demo.hello: placeholders differ from English"
    ]


def test_command_line_exit_status(package: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert catalogues.main(["check", str(package)]) == 0
    edit_po(package, "de", lambda catalog: catalog["demo.refused"].flags.add("fuzzy"))
    assert catalogues.main(["check", str(package)]) == 1
    assert "demo.refused: fuzzy" in capsys.readouterr().err
