"""Mappings are compared without DeepDiff (so a short command need not import it); DeepDiff
compares positional lists only."""

from __future__ import annotations

from typing import Any

import pytest

from policy_tracker import diff

def _changes(old: Any, new: Any) -> list[tuple[str, str, Any, Any, str]]:
    return [(c.path_text, c.kind.value, c.old, c.new, c.fingerprint)
            for c in diff.compare(old, new).changes]


def test_leaf_changes_are_found_without_deepdiff(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any) -> None:
        raise AssertionError("DeepDiff was used")

    import deepdiff

    monkeypatch.setattr(deepdiff, "DeepDiff", refuse)
    found = _changes({"a": 1, "b": {"c": [1, 2], "d": "x"}, "gone": 1},
                     {"a": 2, "b": {"c": [1, 2], "d": 5}, "new": True})
    assert [(path, kind) for path, kind, *_ in found] == [
        ("a", "modified"), ("b.d", "modified"), ("gone", "removed"), ("new", "added")]
