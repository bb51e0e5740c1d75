"""Git timelines over a range tell the truth: each file's first revision in `A..B` is compared
with the file as it stood before it (its commit's parent), and a file that did not exist there
is "added in this range", every rule an addition. Renames are followed, copies never."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from gitrepo import commit, git, init_repo
from policy_tracker.gittimeline import ABSENT, build_git_timeline
from policy_tracker.history import iter_revisions
from policy_tracker.model import Event


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POLICY_TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def at(day: int) -> str:
    return f"2021-03-{day:02d}T09:00:00+00:00"


@pytest.fixture
def history(tmp_path: Path) -> tuple[Path, list[str]]:
    """p/a.yaml edited twice; p/b.yaml added in the last commit; p/c.yaml deleted there."""
    repo = init_repo(tmp_path / "repo")
    c1 = commit(repo, {"p/a.yaml": "fee: 1\nvalues:\n  1979-07-01: {value: null}\n",
                       "p/c.yaml": "gone: soon\n"}, "start", at(1))
    c2 = commit(repo, {"p/a.yaml": "fee: 2\nvalues:\n  1979-07-01: {value: null}\n"},
                "raise the fee", at(2))
    c3 = commit(repo, {"p/a.yaml": "fee: 2\nvalues: {}\n", "p/b.yaml": "new: 1\nmore: 2\n",
                       "p/c.yaml": None}, "drop a date, add b, drop c", at(3))
    return repo, [c1, c2, c3]


def changes(event: Event) -> list[tuple[str, str, Any, Any]]:
    return [(c.kind.value, c.path_text, c.old, c.new) for c in event.changes]


def by_file(events: tuple[Event, ...]) -> dict[tuple[str, str], Event]:
    return {(e.commit.sha if e.commit else "", e.track): e for e in events}


def test_the_first_revision_in_a_range_is_compared_with_its_parent(
        history: tuple[Path, list[str]]) -> None:
    repo, (c1, c2, c3) = history
    events = by_file(build_git_timeline(str(repo), "p", f"{c1}..{c3}", use_cache=False).events)
    first = events[(c2, "p/a.yaml")]
    assert not first.baseline
    assert first.previous == f"{c1[:12]}:p/a.yaml"
    assert changes(first) == [("modified", "fee", 1, 2)]
    dropped = events[(c3, "p/a.yaml")]
    assert dropped.previous == f"{c2[:12]}:p/a.yaml"
    assert [(kind, path) for kind, path, _, _ in changes(dropped)] == [
        ("removed", "values.1979-07-01")]


def test_a_file_added_in_the_range_is_said_so(history: tuple[Path, list[str]]) -> None:
    repo, (c1, _, c3) = history
    added = by_file(build_git_timeline(str(repo), "p", f"{c1}..{c3}",
                                       use_cache=False).events)[(c3, "p/b.yaml")]
    assert added.previous == ABSENT == "(added in this range)"
    assert not added.baseline
    assert changes(added) == [("added", "more", None, 2), ("added", "new", None, 1)]


def test_a_file_deleted_first_thing_in_the_range_loses_its_rules(
        history: tuple[Path, list[str]]) -> None:
    repo, (c1, c2, c3) = history
    gone = by_file(build_git_timeline(str(repo), "p", f"{c1}..{c3}",
                                      use_cache=False).events)[(c3, "p/c.yaml")]
    assert gone.previous == f"{c2[:12]}:p/c.yaml"  # as it stood in the parent of c3
    assert changes(gone) == [("removed", "gone", "soon", None)]


def test_without_a_range_the_first_revision_is_the_baseline(
        history: tuple[Path, list[str]]) -> None:
    repo, (c1, c2, c3) = history
    events = by_file(build_git_timeline(str(repo), "p", use_cache=False).events)
    assert events[(c1, "p/a.yaml")].baseline and events[(c1, "p/a.yaml")].changes == ()
    assert changes(events[(c2, "p/a.yaml")]) == [("modified", "fee", 1, 2)]
    assert events[(c3, "p/b.yaml")].baseline  # added, and nothing says "since when"


def test_a_single_file_range_and_the_cache_agree(history: tuple[Path, list[str]]) -> None:
    repo, (c1, c2, c3) = history
    fresh = build_git_timeline(str(repo), "p/a.yaml", f"{c1}..{c3}", use_cache=False)
    assert [changes(e) for e in fresh.events][0] == [("modified", "fee", 1, 2)]
    cold = build_git_timeline(str(repo), "p", f"{c2}..{c3}", use_cache=True).to_dict()
    warm = build_git_timeline(str(repo), "p", f"{c2}..{c3}", use_cache=True).to_dict()
    assert cold == warm == build_git_timeline(str(repo), "p", f"{c2}..{c3}",
                                              use_cache=False).to_dict()
    assert build_git_timeline(str(repo), "p/a.yaml", f"{c1}..{c3}",
                              use_cache=True).to_dict() == fresh.to_dict()


def test_the_revision_carries_its_parent_state(history: tuple[Path, list[str]]) -> None:
    repo, (c1, c2, c3) = history
    revs = list(iter_revisions(str(repo), "p/a.yaml", f"{c1}..{c3}", use_cache=False))
    assert [r.commit for r in revs] == [c2, c3]
    first, second = revs
    assert (first.parent, first.parent_path) == (c1, "p/a.yaml")
    assert first.parent_document is not None and first.parent_document.data["fee"] == 1
    assert first.parent_document.name == f"{c1[:12]}:p/a.yaml"
    assert second.parent == "" and second.parent_document is None


def test_a_broken_first_revision_leaves_the_parent_to_compare_with(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    c1 = commit(repo, {"a.yaml": "fee: 1\n"}, "start", at(1))
    commit(repo, {"a.yaml": "fee: [1\n"}, "break it", at(2))
    c3 = commit(repo, {"a.yaml": "fee: 3\n"}, "fix it", at(3))
    events = build_git_timeline(str(repo), "a.yaml", f"{c1}..{c3}", use_cache=False).events
    assert events[0].error and "invalid YAML" in events[0].error
    assert events[1].previous == f"{c1[:12]}:a.yaml"
    assert changes(events[1]) == [("modified", "fee", 1, 3)]


def test_a_renamed_file_starts_from_its_old_path(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    text = "".join(f"rule_{i}: {i}\n" for i in range(20))
    c1 = commit(repo, {"old.yaml": text}, "start", at(1))
    git(repo, "mv", "old.yaml", "new.yaml")
    c2 = commit(repo, {"new.yaml": text.replace("rule_3: 3", "rule_3: 33")}, "move", at(2))
    events = build_git_timeline(str(repo), "new.yaml", f"{c1}..{c2}", use_cache=False).events
    assert [e.previous for e in events] == [f"{c1[:12]}:old.yaml"]
    assert changes(events[0]) == [("modified", "rule_3", 3, 33)]


def test_a_deleted_and_recreated_file_is_never_taken_for_a_copy(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    rules = "".join(f"rule_{i}: {i}\n" for i in range(20))
    c1 = commit(repo, {"a.yaml": "mine: 1\n", "other.yaml": rules}, "start", at(1))
    c2 = commit(repo, {"a.yaml": None}, "drop a", at(2))
    # a.yaml comes back as a near copy of other.yaml, which stays: a copy, not a rename.
    c3 = commit(repo, {"a.yaml": rules + "extra: 1\n"}, "recreate a", at(3))
    revs = list(iter_revisions(str(repo), "a.yaml", use_cache=False))
    assert [(r.commit, r.path) for r in revs] == [(c1, "a.yaml"), (c2, "a.yaml"),
                                                  (c3, "a.yaml")]
    events = build_git_timeline(str(repo), "a.yaml", use_cache=False).events
    assert [changes(e) for e in events][1] == [("removed", "mine", 1, None)]
    assert events[2].baseline  # a new start, compared with nothing, never with other.yaml


@pytest.mark.parametrize("rev", [None, "c1..c3"])
def test_a_warm_run_reads_no_file_again(history: tuple[Path, list[str]], rev: str | None,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every comparison, deletions included, comes from the cache: nothing is parsed."""
    from policy_tracker import gittimeline, history as history_module

    repo, (c1, _, c3) = history
    rev_range = f"{c1}..{c3}" if rev else None
    cold = build_git_timeline(str(repo), "p", rev_range, use_cache=True).to_dict()
    parsed: list[str] = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        parsed.append(args[1])
        raise AssertionError("a warm run parsed a file")

    monkeypatch.setattr(history_module, "parse_document", counted)
    monkeypatch.setattr(gittimeline.DiffCache, "put", counted)
    assert build_git_timeline(str(repo), "p", rev_range, use_cache=True).to_dict() == cold
    assert parsed == []


@pytest.mark.parametrize("use_cache", [True, False])
def test_a_file_deleted_first_thing_in_a_range_after_an_invalid_state(
        tmp_path: Path, use_cache: bool) -> None:
    repo = init_repo(tmp_path / "repo")
    c1 = commit(repo, {"p/a.yaml": "a: 1\n", "p/bad.yaml": "a: [\n"}, "start", at(1))
    c2 = commit(repo, {"p/bad.yaml": None}, "drop the broken file", at(2))
    for _ in range(2):
        (event,) = build_git_timeline(str(repo), "p", f"{c1}..{c2}", use_cache=use_cache).events
        assert (event.track, event.changes, event.previous, event.error) == \
            ("p/bad.yaml", (), "", "")
