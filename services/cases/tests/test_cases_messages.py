"""Every text cases shows exists in fr, nl, de and en."""

from __future__ import annotations

from cases.messages import register_case_messages
from guichet_kit.i18n import missing_translations, translate


def test_case_messages_are_translated() -> None:
    register_case_messages()
    assert missing_translations(prefix="case.") == {}
    assert translate("case.status.in_progress", "de") == "in Bearbeitung"
