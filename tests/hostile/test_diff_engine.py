"""Hostile comparisons: nothing hidden (private-looking keys, type-only edits), nothing cut."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .builders import write
from .harness import Run, assert_error, assert_finished, assert_ok, tree_state

Tool = Callable[..., Run]


def _typed(value: Any) -> tuple[str, Any]:
    # 1, 1.0 and True are equal in Python: compare the JSON types too.
    return type(value).__name__, value


def _changes(run: Run) -> dict[str, tuple[str, Any, Any]]:
    return {c["path_text"]: (c["kind"], _typed(c["old"]), _typed(c["new"]))
            for c in json.loads(run.stdout)["changes"]}


def test_keys_starting_with_two_underscores_are_compared(backend: str, tool: Tool,
                                                         workdir: Path) -> None:
    write(workdir / "old.yaml", "__default__: {action: deny}\n__class__: a\n"
                                "rules:\n  - {id: __init__, allow: no}\n")
    write(workdir / "new.yaml", "__default__: {action: allow}\n__class__: b\n"
                                "rules:\n  - {id: __init__, allow: yes}\n")
    run = tool("diff", "old.yaml", "new.yaml", "--format", "json", cwd=workdir, yaml=backend)
    assert_ok(run)
    assert _changes(run) == {
        "__default__.action": ("modified", _typed("deny"), _typed("allow")),
        "__class__": ("modified", _typed("a"), _typed("b")),
        "rules[id=__init__].allow": ("modified", _typed("no"), _typed("yes"))}
    status = tool("diff", "old.yaml", "new.yaml", "--exit-code", cwd=workdir, yaml=backend)
    assert_ok(status, 1)
    assert "__default__" in status.out


def test_values_that_differ_only_by_type_are_changes(backend: str, tool: Tool,
                                                     workdir: Path) -> None:
    write(workdir / "old.yaml", 'a: 1\nb: 1\nc: true\nd: false\ne: null\nf: "true"\n'
                                "g: [1]\nh: {x: 1}\ni: 0\nj: '1'\nk: [{id: r, v: 1}]\n")
    write(workdir / "new.yaml", 'a: "1"\nb: 1.0\nc: 1\nd: 0\ne: ""\nf: true\n'
                                'g: [1.0]\nh: {x: true}\ni: 0.0\nj: 1\nk: [{id: r, v: "1"}]\n')
    run = tool("diff", "old.yaml", "new.yaml", "--format", "json", cwd=workdir, yaml=backend)
    assert_ok(run)
    changed = _changes(run)
    expected = {"a": (1, "1"), "b": (1, 1.0), "c": (True, 1), "d": (False, 0), "e": (None, ""),
                "f": ("true", True), "h.x": (1, True), "i": (0, 0.0), "j": ("1", 1),
                "k[id=r].v": (1, "1")}
    for path, (old, new) in expected.items():
        assert changed.get(path) == ("modified", _typed(old), _typed(new)), path
    # A list of scalars is a set of values: 1 and 1.0 are two different members.
    assert {path for path in changed if path.startswith("g")} == {"g[=1]", "g[=1.0]"}
    same = tool("diff", "old.yaml", "old.yaml", "--exit-code", cwd=workdir, yaml=backend)
    assert_ok(same)


@pytest.fixture
def limited_deepdiff(monkeypatch: pytest.MonkeyPatch) -> None:
    """DeepDiff with a budget of one difference: any real result would be cut short."""
    import deepdiff

    real = deepdiff.DeepDiff

    class Limited(real):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["max_diffs"] = 1
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(deepdiff, "DeepDiff", Limited)
    truncated = Limited({"a": 1, "b": 2, "c": 3}, {"a": 2, "b": 3, "c": 4}, view="tree")
    assert truncated.get_stats()["MAX DIFF LIMIT REACHED"]  # the budget really bites


def test_a_diff_budget_that_would_truncate_raises_instead(limited_deepdiff: None) -> None:
    from policy_tracker.diff import compare
    from policy_tracker.errors import DiffBudgetError

    # Positional lists: the comparison DeepDiff does (leaf-only differences of mappings are
    # found without it).
    with pytest.raises(DiffBudgetError, match="partial"):
        compare({"a": [[1], [2], [3]]}, {"a": [[2], [3], [4]]})


# The same budget in a real process: DeepDiff is patched before the CLI starts.
LIMITED_CLI = """
import sys
import deepdiff
real = deepdiff.DeepDiff
class Limited(real):
    def __init__(self, *args, **kwargs):
        kwargs["max_diffs"] = 1
        super().__init__(*args, **kwargs)
deepdiff.DeepDiff = Limited
from policy_tracker.cli import main
main()
"""


def _budget_run(command: Callable[..., Run], workdir: Path, outdir: Path) -> Run:
    write(workdir / "old.yaml", "a:\n- [1]\n- [2]\n- [3]\n")
    write(workdir / "new.yaml", "a:\n- [2]\n- [3]\n- [4]\n")
    before = tree_state(workdir)
    run = command([sys.executable, "-c", LIMITED_CLI, "diff", "old.yaml", "new.yaml",
                   "--exit-code", "-o", str(outdir / "diff.txt")], cwd=workdir)
    assert tree_state(workdir) == before
    assert list(outdir.iterdir()) == []
    return run


def test_a_diff_budget_reached_in_the_cli_is_exit_3_and_writes_nothing(
        command: Callable[..., Run], workdir: Path, outdir: Path) -> None:
    run = _budget_run(command, workdir, outdir)
    assert_finished(run)
    assert run.returncode == 3, run.describe()
    last = run.err.splitlines()[-1]
    assert last.startswith("error: ") and "limit" in last, run.describe()
    assert run.stdout == b""


def test_a_diff_budget_reached_in_the_cli_is_one_error_line(
        command: Callable[..., Run], workdir: Path, outdir: Path) -> None:
    run = _budget_run(command, workdir, outdir)
    assert_error(run, 3, message="partial")
