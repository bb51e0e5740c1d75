"""A hostile cache: edited, truncated, empty, a FIFO, a link to /dev/zero, a sparse 3 GB file.
Every run finishes within its limits and prints what a run without the cache prints."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from gitrepo import commit, init_repo

from policy_tracker.cache import _ZDICT

from .harness import GIT_TIME_LIMIT, Run, assert_ok

Tool = Callable[..., Run]
ACT = "rules:\n  authority: Ministry of Justice\n  fee: 100\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    made = init_repo(tmp_path / "repo")
    commit(made, {"p/a.yaml": ACT}, "one")
    commit(made, {"p/a.yaml": ACT.replace("100", "150").replace("Justice", "Interior")}, "two")
    return made


def cache_dir(home: Path) -> Path:
    return home / ".cache" / "policy-tracker"


ARGS = ("timeline", "--git", "p", "--format", "json", "--quiet")


def _fresh(tool: Tool, repo: Path) -> str:
    run = tool(*ARGS, "--no-cache", cwd=repo, timeout=GIT_TIME_LIMIT)
    assert_ok(run)
    return run.out


def _edit(database: Path, change: Callable[[bytes], bytes]) -> None:
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        for key, payload in db.execute("SELECT id, payload FROM entries").fetchall():
            db.execute("UPDATE entries SET payload = ? WHERE id = ?", (change(payload), key))


def _inflate(payload: bytes) -> bytes:
    """A comparison's payload (deflated with the cache's preset dictionary), inflated."""
    return zlib.decompressobj(zdict=_ZDICT).decompress(payload)


EDITS = {
    "PWNED": lambda p: zlib.compress(_inflate(p).replace(b"Interior", b"PWNED")),
    "empty list": lambda p: zlib.compress(b"[]"),
    "truncated": lambda p: p[: len(p) // 2],
    "NaN": lambda p: zlib.compress(b'[{"old": NaN}]'),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edited_cache_entry_is_never_shown(edit: str, tool: Tool, repo: Path,
                                             home: Path) -> None:
    expected = _fresh(tool, repo)
    assert_ok(tool(*ARGS, cwd=repo, timeout=GIT_TIME_LIMIT))  # fills the cache
    _edit(cache_dir(home) / "comparisons.sqlite3", EDITS[edit])
    run = tool(*ARGS, cwd=repo, timeout=GIT_TIME_LIMIT)
    assert_ok(run)
    assert run.out == expected and "PWNED" not in run.out
    debug = tool("--debug", *ARGS, cwd=repo, timeout=GIT_TIME_LIMIT)
    assert debug.out == expected  # rewritten by the run before: nothing ignored any more
    assert debug.returncode == 0 and "debug: cache" not in debug.err


def test_debug_counts_the_entries_it_ignored(tool: Tool, repo: Path, home: Path) -> None:
    assert_ok(tool(*ARGS, cwd=repo, timeout=GIT_TIME_LIMIT))
    _edit(cache_dir(home) / "comparisons.sqlite3", EDITS["PWNED"])
    run = tool("--debug", *ARGS, cwd=repo, timeout=GIT_TIME_LIMIT)
    assert run.returncode == 0, run.describe()
    assert "debug: cache: " in run.err and "fails its digest" in run.err, run.err


def _plant(kind: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    else:
        with open(path, "wb") as handle:
            handle.truncate(3 << 30)


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero", "sparse 3 GB"])
@pytest.mark.parametrize("name", ["comparisons.sqlite3", "documents.sqlite3"])
def test_a_database_that_is_not_a_file_never_hangs_or_fills_memory(
        kind: str, name: str, tool: Tool, repo: Path, home: Path) -> None:
    expected = _fresh(tool, repo)
    _plant(kind, cache_dir(home) / name)
    run = tool(*ARGS, cwd=repo, timeout=GIT_TIME_LIMIT)
    assert_ok(run)
    assert run.out == expected
    diff = tool("diff", "HEAD~1:p/a.yaml", "HEAD:p/a.yaml", cwd=repo, timeout=GIT_TIME_LIMIT)
    assert_ok(diff)
    assert stat.S_ISREG(os.lstat(cache_dir(home) / name).st_mode)


def test_the_cache_directory_is_created_private(tool: Tool, repo: Path, home: Path) -> None:
    assert_ok(tool(*ARGS, cwd=repo, timeout=GIT_TIME_LIMIT))
    assert stat.S_IMODE(os.stat(cache_dir(home)).st_mode) == 0o700


def test_review_can_trust_no_cache(tool: Tool, repo: Path, home: Path) -> None:
    args = ("review", "--base", "HEAD~1", "--head", "HEAD", "--format", "json")
    assert_ok(tool(*args, cwd=repo, timeout=GIT_TIME_LIMIT))
    assert (cache_dir(home) / "documents.sqlite3").exists()
    (cache_dir(home) / "documents.sqlite3").unlink()
    run = tool(*args, "--no-cache", cwd=repo, timeout=GIT_TIME_LIMIT)
    assert_ok(run)
    assert not (cache_dir(home) / "documents.sqlite3").exists()
