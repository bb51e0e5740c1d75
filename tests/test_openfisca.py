"""Generic mode on policy YAML shaped like OpenFisca parameters (the shipped corpus, and real
files written by others when the external corpus is present): every consecutive pair of versions."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import corpora
import pytest

from policy_tracker.diff import compare
from policy_tracker.errors import LoadError
from policy_tracker.load import load_document
from policy_tracker.model import ChangeKind

FOLDERS = corpora.folder_params()
INVALID, DUPLICATE_KEYS = corpora.INVALID, corpora.DUPLICATE_KEYS


def _versions(folder: str) -> list[Path]:
    return sorted(corpora.folder_path(folder).glob("*.yaml"))


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and repr(a) == repr(b) if not isinstance(a, dict) else \
        isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_consecutive_valid_pair_diffs_and_agrees_with_an_independent_check(
        folder: str) -> None:
    valid = []
    for path in _versions(folder):
        rel = f"{folder}/{path.name}"
        try:
            valid.append(load_document(str(path)))
        except LoadError as exc:
            assert rel in INVALID | DUPLICATE_KEYS, f"{rel} should load: {exc}"
            assert (rel in DUPLICATE_KEYS) == exc.message.startswith("duplicate key")
            assert exc.line > 0 and exc.col > 0
            continue
        assert rel not in INVALID, f"{rel} is invalid upstream but loaded"
    assert len(valid) >= 5
    for old, new in zip(valid, valid[1:]):
        diff = compare(old.data, new.data)
        old_values, new_values = old.data.get("values") or {}, new.data.get("values") or {}
        if not (isinstance(old_values, dict) and isinstance(new_values, dict)):
            continue
        found: dict[ChangeKind, set[str]] = {kind: set() for kind in ChangeKind}
        touched = set()
        for change in diff.changes:
            if change.path[:1] == ("values",) and len(change.path) >= 2:
                touched.add(change.path[1])
                if len(change.path) == 2:
                    found[change.kind].add(str(change.path[1]))
        assert found[ChangeKind.ADDED] == set(new_values) - set(old_values), (old.name, new.name)
        assert found[ChangeKind.REMOVED] == set(old_values) - set(new_values), (old.name, new.name)
        differing = {d for d in set(old_values) & set(new_values)
                     if not _same(old_values[d], new_values[d])}
        assert touched == differing | found[ChangeKind.ADDED] | found[ChangeKind.REMOVED]


@pytest.mark.parametrize("folder", FOLDERS)
def test_manifest_lists_every_version(folder: str) -> None:
    with open(corpora.folder_path(folder) / "manifest.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["seq"] for row in rows] == [path.stem for path in _versions(folder)]


@pytest.mark.parametrize("rel", corpora.file_params(INVALID | DUPLICATE_KEYS))
def test_a_diff_with_an_invalid_version_names_file_line_and_column(rel: str, run_cli: Any) -> None:
    folder, name = rel.split("/")
    previous = corpora.folder_path(folder) / "001.yaml"
    result = run_cli("diff", str(previous), str(corpora.folder_path(folder) / name))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {corpora.folder_path(folder) / name}:")
    assert result.stderr.count("\n") == 1
    parts = result.stderr.split(":")
    assert parts[2].isdigit() and parts[3].isdigit()


GOLDEN = Path(__file__).resolve().parent / "golden" / "openfisca-generic"
# In each pair a scale gained a dated threshold in several brackets: each change must name its
# bracket and date, in every format and language. The shipped pair always runs; the real one
# (version 30 of OpenFisca-France's income tax scale added the 2022 thresholds of four
# brackets and a reference) when the external corpus is present.
PAIRS = [
    pytest.param("scale__income_tax", "001.yaml", "002.yaml", "2019-01-01", range(1, 4),
                 "shipped", id="shipped"),
    pytest.param("bareme_ir_depuis_1945__bareme", "029.yaml", "030.yaml", "2022-01-01",
                 range(1, 5), "", id="external",
                 marks=[pytest.mark.corpus,
                        pytest.mark.skipif(not corpora.external_present(),
                                           reason=corpora.MISSING)]),
]
FORMATS = [("text", "en", "diff.txt"), ("text", "zh", "diff.zh.txt"),
           ("markdown", "en", "diff.md"), ("markdown", "zh", "diff.zh.md"),
           ("csv", "en", "diff.csv"), ("json", "en", "diff.json"), ("html", "en", "diff.html")]


@pytest.mark.parametrize(("fmt", "lang", "name"), FORMATS)
@pytest.mark.parametrize(("folder", "old", "new", "day", "brackets", "sub"), PAIRS)
def test_generic_mode_names_every_path(folder: str, old: str, new: str, day: str,
                                       brackets: range, sub: str, fmt: str, lang: str,
                                       name: str, golden: Any) -> None:
    from policy_tracker.model import RenderOptions, RuleTree, Version
    from policy_tracker.render import render

    sides = []
    for file in (old, new):
        loaded = load_document(str(corpora.folder_path(folder) / file))
        doc = type(loaded)(f"{folder}/{file}", loaded.data, loaded.source_map)
        sides.append(Version(doc.name, RuleTree(doc.data, {}), ((doc, ()),)))
    diff = compare(sides[0], sides[1])
    assert all(c.label.en == c.path_text for c in diff.changes)
    assert {c.path_text for c in diff.changes} >= {
        f"brackets[{i}].threshold.{day}" for i in brackets}
    golden(GOLDEN / sub / name, render("diff", fmt, diff, RenderOptions(lang=lang)))
