"""Faults of the repository itself: a corrupted object, a `cat-file` that dies, a blob that a
partial clone never fetched. Each is exit 3 with one line naming the object and the path,
never "changes found" (1), never "file is empty", never an internal error; and the
repository is left exactly as it was (no lazy fetch writes into it)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from gitrepo import commit, fingerprint, git, init_repo

from policy_tracker import gitstream
from policy_tracker.errors import GitError
from policy_tracker.history import iter_revisions, read_document_at

from .harness import GIT_TIME_LIMIT, Run, assert_error

Tool = Callable[..., Run]
OLD, NEW = "rules:\n  fee: 1\n", "rules:\n  fee: 2\n"


def _corrupt_loose(repo: Path, blob: str) -> None:
    path = repo / ".git" / "objects" / blob[:2] / blob[2:]
    path.chmod(0o644)
    path.write_bytes(b"not zlib at all")


@pytest.fixture
def corrupted(tmp_path: Path) -> tuple[Path, str]:
    """Two commits of p.yaml; the first version's loose object overwritten with garbage."""
    repo = init_repo(tmp_path / "repo")
    commit(repo, {"p.yaml": OLD}, "one")
    commit(repo, {"p.yaml": NEW}, "two")
    blob = git(repo, "rev-parse", "HEAD~1:p.yaml")
    _corrupt_loose(repo, blob)
    return repo, blob


GIT_READERS = [
    ("timeline", "--git", "p.yaml", "--no-cache"),
    ("timeline", "--git", ".", "--no-cache", "--format", "json"),
    ("diff", "HEAD~1:p.yaml", "HEAD:p.yaml", "--exit-code"),
    ("review", "--base", "HEAD~1", "--head", "HEAD", "--fail-on", "any"),
]


@pytest.mark.parametrize("args", GIT_READERS, ids=[" ".join(a[:3]) for a in GIT_READERS])
def test_a_corrupted_object_is_an_environment_error_naming_it(
        args: tuple[str, ...], tool: Tool, corrupted: tuple[Path, str]) -> None:
    repo, blob = corrupted
    before = fingerprint(repo)
    run = tool(*args, cwd=repo, timeout=GIT_TIME_LIMIT)
    line = assert_error(run, 3, message=f"cannot read object {blob}")
    assert "p.yaml" in line and "git fsck" in line, line
    assert "empty" not in line and "internal error" not in line, line
    assert fingerprint(repo) == before


@pytest.fixture
def partial_clone(tmp_path: Path) -> tuple[Path, str]:
    """A blob:none partial clone whose remote is still there (a lazy fetch would work)."""
    origin = init_repo(tmp_path / "origin")
    git(origin, "config", "uploadpack.allowFilter", "true")
    commit(origin, {"p.yaml": OLD}, "one")
    commit(origin, {"p.yaml": NEW}, "two")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-checkout", "--filter=blob:none",
        f"file://{origin}", str(clone))
    return clone, git(origin, "rev-parse", "HEAD~1:p.yaml")


@pytest.mark.parametrize("args", GIT_READERS, ids=[" ".join(a[:3]) for a in GIT_READERS])
def test_a_blob_a_partial_clone_lacks_is_said_in_words_and_never_fetched(
        args: tuple[str, ...], tool: Tool, partial_clone: tuple[Path, str]) -> None:
    repo, _ = partial_clone
    before = fingerprint(repo)
    run = tool(*args, cwd=repo, timeout=GIT_TIME_LIMIT)
    line = assert_error(run, 3, message="is not in this partial clone")
    assert "p.yaml" in line and "fetch" in line and "ValueError" not in line, line
    assert fingerprint(repo) == before, "a lazy fetch wrote to the repository"


def test_a_cat_file_that_dies_is_not_the_end_of_the_history(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = init_repo(tmp_path / "repo")
    commit(repo, {"p.yaml": OLD}, "one")
    commit(repo, {"p.yaml": NEW}, "two")
    start = gitstream._popen

    def dying(command: list[str], **kwargs: object) -> object:
        if "--batch" in command:  # a cat-file that exits at once: a broken pipe
            command = [*command[:-2], "cat-file", "--no-such-option"]
        return start(command, **kwargs)
    monkeypatch.setattr(gitstream, "_popen", dying)
    monkeypatch.setenv("POLICY_TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(GitError) as info:
        list(iter_revisions(str(repo), "p.yaml", use_cache=False))
    assert info.value.exit_code == 3
    blob = git(repo, "rev-parse", "HEAD~1:p.yaml")
    assert f"cannot read object {blob}" in str(info.value)
    assert str(info.value).startswith(f"{git(repo, 'rev-parse', 'HEAD~1')[:12]}:p.yaml: ")
    with pytest.raises(GitError):
        read_document_at(str(repo), "HEAD", "p.yaml", use_cache=False)


def test_a_missing_object_in_a_full_clone_says_the_repository_is_damaged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = init_repo(tmp_path / "repo")
    commit(repo, {"p.yaml": OLD}, "one")
    commit(repo, {"p.yaml": NEW}, "two")
    blob = git(repo, "rev-parse", "HEAD~1:p.yaml")
    os.unlink(repo / ".git" / "objects" / blob[:2] / blob[2:])
    monkeypatch.setenv("POLICY_TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(GitError) as info:
        list(iter_revisions(str(repo), "p.yaml", use_cache=False))
    assert f"blob {blob} is missing from the repository" in str(info.value)
    assert "git fsck" in str(info.value)

