"""The message catalogues: every language has the keys English has, with the same fields."""

from __future__ import annotations

import re
import string

import pytest

from policy_tracker.i18n import LANGUAGES, PARTIAL, catalogue, message


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_language_has_the_english_keys_and_fields(lang: str) -> None:
    english, other = catalogue("en"), catalogue(lang)
    prefixes = PARTIAL.get(lang)
    if prefixes:  # a partial catalogue: every key of its features, English for the rest
        english = {k: v for k, v in english.items() if k.startswith(prefixes)}
    assert sorted(set(english) - set(other)) == []
    assert {k: _fields(v) for k, v in other.items() if k in english} == {
        k: _fields(english[k]) for k in other if k in english}


def test_a_message_is_looked_up_and_filled() -> None:
    assert message("common.not_legal_advice", "zh").startswith("本输出")
    assert message("common.not_legal_advice", "xx") == message("common.not_legal_advice", "en")


def test_a_partial_language_falls_back_to_english_outside_its_features() -> None:
    assert "common.not_legal_advice" not in catalogue("fr")
    assert message("common.not_legal_advice", "fr") == message("common.not_legal_advice", "en")
    assert message("openfisca.field.threshold", "fr") == "seuil"


def test_plural_forms() -> None:
    from policy_tracker.i18n import plural

    assert plural("report.changes_count", 1, "en") == "1 change"
    assert plural("report.changes_count", 3, "en") == "3 changes"
    assert plural("report.changes_count", 3, "zh") == "3处变化"


def test_every_key_the_code_names_is_in_the_catalogue() -> None:
    import re
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "policy_tracker"
    named = set()
    for path in package.rglob("*.py"):
        text = path.read_text("utf-8")
        named |= set(re.findall(r"""(?:message|plural)\(\s*["']([a-z_]+\.[\w.-]+)["']""", text))
    english = catalogue("en")
    missing = sorted(k for k in named
                     if k not in english and f"{k}.one" not in english)
    assert missing == []
    assert len(named) > 40


def test_chinese_uses_full_width_punctuation() -> None:
    cjk = "\u3400-\u9fff"
    for key, text in catalogue("zh").items():
        if key.endswith(".csv.header"):
            continue  # a CSV header: its commas separate the columns
        assert not re.search(rf"[{cjk}][,;:!?]|[,;:!?][{cjk}]", text), key
        assert not re.search(r"[()]", text), key  # （full-width） in Chinese
