"""Mappings whose differences are all leaves are compared without DeepDiff (so a short command
need not import it); the result is exactly what DeepDiff gives."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_tracker import diff

LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(-2, 2, width=16),
                   st.sampled_from(["a", "b", "1"]))
VALUES = st.recursive(LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from("xyz"), inner, max_size=3)),
    max_leaves=6)
TREES = st.dictionaries(st.sampled_from(["k1", "k2", "k3", "k4"]), VALUES, max_size=4)


def _changes(old: Any, new: Any) -> list[tuple[str, str, Any, Any, str]]:
    return [(c.path_text, c.kind.value, c.old, c.new, c.fingerprint)
            for c in diff.compare(old, new).changes]


@settings(max_examples=300, deadline=None)
@given(TREES, TREES)
def test_the_fast_path_gives_what_deepdiff_gives(old: dict[str, Any], new: dict[str, Any],
                                                 ) -> None:
    fast = _changes(old, new)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(diff, "_flat", lambda *args: False)
        slow = _changes(old, new)
    assert fast == slow


def test_leaf_changes_are_found_without_deepdiff(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any) -> None:
        raise AssertionError("DeepDiff was used")

    import deepdiff

    monkeypatch.setattr(deepdiff, "DeepDiff", refuse)
    found = _changes({"a": 1, "b": {"c": [1, 2], "d": "x"}, "gone": 1},
                     {"a": 2, "b": {"c": [1, 2], "d": 5}, "new": True})
    assert [(path, kind) for path, kind, *_ in found] == [
        ("a", "modified"), ("b.d", "modified"), ("gone", "removed"), ("new", "added")]
