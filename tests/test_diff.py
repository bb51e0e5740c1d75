"""The semantic diff: golden cases per change kind and rule id, properties, generic mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from policy_tracker.catalog import Catalog
from policy_tracker.classify import RULES
from policy_tracker.diff import compare
from policy_tracker.errors import DiffBudgetError
from policy_tracker.load import load_document
from policy_tracker.model import ChangeKind, Diff, FieldSpec, RenderOptions, Version
from policy_tracker.render import render
from policy_tracker.rules import split_rules
from policy_tracker.validate import build_policy

CASES = Path(__file__).resolve().parent / "golden" / "diff"
FORMATS = {"text": "diff.txt", "markdown": "diff.md", "json": "diff.json", "csv": "diff.csv"}


def _catalog(case: Path) -> Catalog:
    fields = case / "fields.yaml"
    if not fields.exists():
        return Catalog(generic=True)
    doc = load_document(str(fields))
    head = {"policy": {"id": "x", "title": {"en": "x", "zh": "x"}, "jurisdiction": "x",
                       "description": {"en": "x"}}, "tracks": [{"id": "t", "title": {
                           "en": "t", "zh": "t"}}], "fields": doc.data["fields"]}
    return Catalog(build_policy(type(doc)(doc.name, head)).fields)


def diff_case(case: Path) -> Diff:
    catalog = _catalog(case)
    sides = []
    for name in ("old.yaml", "new.yaml"):
        rel = f"{case.name}/{name}"
        loaded = load_document(str(case / name))
        doc = type(loaded)(rel, loaded.data, loaded.source_map)
        sides.append(Version(rel, split_rules(doc.data, catalog), ((doc, ()),)))
    return compare(sides[0], sides[1], catalog)


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden_case(case: str, golden: Callable[[Path, str], None]) -> None:
    folder = CASES / case
    diff = diff_case(folder)
    expected_rules = load_document(str(folder / "expect.yaml")).data["rules"]
    assert sorted({c.rule for c in diff.changes}) == sorted(expected_rules)
    for fmt, name in FORMATS.items():
        golden(folder / name, render("diff", fmt, diff, RenderOptions()))
    golden(folder / "diff.zh.txt", render("diff", "text", diff, RenderOptions(lang="zh")))
    golden(folder / "diff.zh.md", render("diff", "markdown", diff, RenderOptions(lang="zh")))
    for lang, name in (("en", "diff.html"), ("zh", "diff.zh.html")):
        # The page's <main>: the changes as HTML (the head and style are the report's).
        page = render("diff", "html", diff, RenderOptions(lang=lang))
        golden(folder / name, page[page.index("<main>"):page.index("</main>") + 8] + "\n")


def test_golden_cases_cover_every_rule_and_kind() -> None:
    seen_rules: set[str] = set()
    seen_kinds: set[ChangeKind] = set()
    for folder in CASES.iterdir():
        if folder.is_dir():
            diff = diff_case(folder)
            seen_rules.update(c.rule for c in diff.changes)
            seen_kinds.update(c.kind for c in diff.changes)
    # OpenFisca's rules are covered by tests/test_openfisca_native.py.
    assert seen_rules == {r for r in RULES if not r.startswith("openfisca-")}
    assert seen_kinds == set(ChangeKind)


def _one(diff: Diff) -> Any:
    assert len(diff.changes) == 1, diff.changes
    return diff.changes[0]


def test_private_keys_are_compared() -> None:
    change = _one(compare({"__default__": {"action": "deny"}}, {"__default__": {"action": "allow"}}))
    assert change.path == ("__default__", "action")


@pytest.mark.parametrize(("old", "new"), [(1, 1.0), (True, 1), (0, False), ("80", 80),
                                          ([1], [1.0]), ({"a": True}, {"a": 1})])
def test_values_that_differ_only_by_type_are_changes(old: Any, new: Any) -> None:
    assert compare({"k": old}, {"k": new}).changes


def test_keyed_lists_are_matched_by_identity_not_position() -> None:
    old = {"items": [{"id": str(i), "v": i} for i in range(50)]}
    new = {"items": list(reversed([{"id": str(i), "v": i + (i == 7)} for i in range(50)]))}
    change = _one(compare(old, new))
    assert change.path_text == "items[id=7].v"
    assert (change.old, change.new) == (7, 8)


def test_fingerprints_are_stable_and_distinct() -> None:
    first = compare({"a": 1, "b": {"c": 2}}, {"a": 2, "b": {"c": 3}})
    again = compare({"b": {"c": 2}, "a": 1}, {"b": {"c": 3}, "a": 2})
    assert [c.fingerprint for c in first.changes] == [c.fingerprint for c in again.changes]
    assert len({c.fingerprint for c in first.changes}) == 2


def test_a_budget_reached_is_an_error_never_a_partial_diff(monkeypatch: pytest.MonkeyPatch) -> None:
    import deepdiff

    real = deepdiff.DeepDiff

    class Limited(real):  # type: ignore[misc,valid-type]
        def get_stats(self) -> dict[str, Any]:
            stats: dict[str, Any] = super().get_stats()
            stats["MAX DIFF LIMIT REACHED"] = True
            return stats

    monkeypatch.setattr(deepdiff, "DeepDiff", Limited)
    with pytest.raises(DiffBudgetError, match="refusing to report a partial diff"):
        compare({"a": [[1], [2]]}, {"a": [[1], [3]]})  # a positional list: DeepDiff compares


def test_catalogue_direction_rules_drive_the_sentence() -> None:
    catalog = Catalog([FieldSpec("capital", __import__("policy_tracker.model").model.Text(
        "Minimum paid-in capital", "最低实缴资本"), "USD", direction="higher_is_stricter")])
    change = _one(compare({"capital": 500000}, {"capital": 1000000}, catalog))
    assert change.sentence.en == "Minimum paid-in capital raised from USD 500,000 to USD 1,000,000."
    assert change.sentence.zh == "最低实缴资本由50万美元提高至100万美元。"
    assert change.direction.value == "stricter"
