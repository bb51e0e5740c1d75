"""Hostile git: refs, history shapes and tree entries that must never break the contract.

Every command that reads git (`timeline --git`, `review`, `diff REF:path`, `git-diff-driver`)
must leave the repository exactly as it was: `fingerprint(repo)` (every file under .git,
the index included) and the work tree are compared before and after each run.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from gitrepo import commit, fingerprint, git, git_env, init_repo

from .builders import add_index_entry, two_commit_repo, write
from .harness import (
    GIT_TIME_LIMIT,
    Run,
    assert_error,
    assert_finished,
    assert_ok,
    raw_controls,
    sentinels,
    tree_state,
)

Tool = Callable[..., Run]
SECRET = "SECRET-TOKEN-5f2c"
SHALLOW_FIX = r"fetch-depth|--unshallow|--deepen"


@contextmanager
def read_only(repo: Path, *others: Path) -> Iterator[None]:
    """The repository (.git and work tree) and `others` are the same afterwards; no PWNED."""
    git_before = fingerprint(repo)
    tree_before = tree_state(repo, *others, skip=(".git",))
    yield
    assert fingerprint(repo) == git_before, "the repository's .git changed"
    assert tree_state(repo, *others, skip=(".git",)) == tree_before, "files changed"
    assert sentinels(repo, *others) == []


def stale_index(repo: Path, rel: str = "p.yaml") -> None:
    """Give a tracked file an old mtime, so that any `git status` would rewrite the index."""
    os.utime(repo / rel, (1_000_000_000, 1_000_000_000))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """p.yaml at branch `base`, then edited on main; the index made stale."""
    made = two_commit_repo(tmp_path / "repo")
    stale_index(made)
    return made


# --- refs -------------------------------------------------------------------------------------

OPTION_REFS = [
    ("review", "--base", "--output=PWNED_base"),
    ("review", "--base", "base", "--head", "--output=PWNED_head"),
    ("review", "--base", "--exec=touch PWNED_exec"),
    ("review", "--base", "-h"),
    ("timeline", "--git", "p.yaml", "--rev", "--output=PWNED_rev"),
    ("timeline", "--git", "p.yaml", "--rev", "base..--output=PWNED_range"),
    ("diff", "--", "--output=PWNED_diff:p.yaml", "HEAD:p.yaml"),
    ("diff", "--", "HEAD:p.yaml", "--no-index:p.yaml"),
]


@pytest.mark.parametrize("args", OPTION_REFS, ids=[" ".join(a[:3]) for a in OPTION_REFS])
def test_refs_that_look_like_options_create_no_file(args: tuple[str, ...], tool: Tool,
                                                    repo: Path, tmp_path: Path) -> None:
    with read_only(repo):
        run = tool(*args, cwd=repo)
        assert_error(run, 2, message="refused")
    assert sentinels(tmp_path) == []


@pytest.fixture
def ambiguous_repo(tmp_path: Path) -> tuple[Path, str, str]:
    """Tag `release` and branch `release` at different commits; a branch named like the
    short id of the first commit. Returns the repository and both commit ids."""
    made = init_repo(tmp_path / "repo")
    first = commit(made, {"p.yaml": "a: 1\n"}, "first")
    git(made, "tag", "release")
    second = commit(made, {"p.yaml": "a: 2\n"}, "second")
    git(made, "branch", "release")
    git(made, "branch", first[:7], second)
    commit(made, {"p.yaml": "a: 3\n"}, "third")
    stale_index(made)
    return made, first, second


@pytest.mark.parametrize("args", [
    ("review", "--base", "release"), ("diff", "release:p.yaml", "HEAD:p.yaml"),
    ("timeline", "--git", "p.yaml", "--rev", "release"),
    ("review", "--base", "{short}"),
], ids=["review", "diff", "timeline", "branch-like-a-short-id"])
def test_ambiguous_refs_are_refused(args: tuple[str, ...], tool: Tool,
                                    ambiguous_repo: tuple[Path, str, str]) -> None:
    made, first, _ = ambiguous_repo
    args = tuple(a.replace("{short}", first[:7]) for a in args)
    with read_only(made):
        assert_error(tool(*args, cwd=made), 2, message="ambiguous")


def test_qualified_names_resolve_what_was_ambiguous(
        tool: Tool, ambiguous_repo: tuple[Path, str, str]) -> None:
    made, first, second = ambiguous_repo
    with read_only(made):
        for ref, expected in (("refs/tags/release", first), ("refs/heads/release", second)):
            run = tool("review", "--base", ref, "--format", "json", cwd=made)
            assert_ok(run)
            assert json.loads(run.stdout)["base"]["commit"] == expected


CONTROL_REFS = ["ba\x1b[31mse", "base\x07", "base\n--output=PWNED_nl", "base\r",
                "base\u202e", "ba\x9bse"]


@pytest.mark.parametrize("ref", CONTROL_REFS, ids=["ESC", "BEL", "newline", "CR", "RLO", "C1"])
def test_refs_with_control_characters_are_refused_and_shown_escaped(ref: str, tool: Tool,
                                                                    repo: Path) -> None:
    with read_only(repo):
        for args in (("review", "--base", ref), ("diff", f"{ref}:p.yaml", "HEAD:p.yaml")):
            run = tool(*args, cwd=repo)
            assert_error(run, 2, message="refused")
            assert raw_controls(run.err) == set(), run.describe()


@pytest.mark.parametrize("ref", ["0123456789abcdef0123456789abcdef01234567", "deadbee",
                                 "gone", "0" * 40], ids=["full-id", "short-id", "deleted",
                                                         "null-id"])
def test_missing_commits_are_named(ref: str, tool: Tool, repo: Path) -> None:
    git(repo, "branch", "gone")
    git(repo, "branch", "-D", "gone")
    commands = [("review", "--base", ref), ("diff", f"{ref}:p.yaml", "HEAD:p.yaml")]
    if ref == "gone":  # a range whose lower end was deleted
        commands.append(("timeline", "--git", "p.yaml", "--rev", f"{ref}..HEAD"))
    with read_only(repo):
        for args in commands:
            run = tool(*args, cwd=repo)
            line = assert_error(run, 2)
            assert repr(ref) in line, run.describe()


# --- history shapes ---------------------------------------------------------------------------

@pytest.fixture
def shallow(tmp_path: Path) -> tuple[Path, str]:
    """A `git clone --depth 1` of a three-commit history; the id of its first commit."""
    origin = init_repo(tmp_path / "origin")
    first = commit(origin, {"p.yaml": "a: 1\n"}, "first")
    commit(origin, {"p.yaml": "a: 2\n"}, "second")
    commit(origin, {"p.yaml": "a: 3\n"}, "third")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(clone)],
                   env=git_env(), check=True, capture_output=True)
    return clone, first


@pytest.mark.parametrize("args", [
    ("review", "--base", "HEAD~1"), ("review", "--base", "{first}"),
    ("diff", "HEAD~1:p.yaml", "HEAD:p.yaml"), ("timeline", "--git", "p.yaml"),
], ids=["parent", "full-id", "diff", "timeline"])
def test_a_shallow_clone_names_the_fix(args: tuple[str, ...], tool: Tool,
                                       shallow: tuple[Path, str]) -> None:
    clone, first = shallow
    args = tuple(a.replace("{first}", first) for a in args)
    with read_only(clone):
        assert_error(tool(*args, cwd=clone), 3, message=SHALLOW_FIX)


@pytest.fixture
def renamed(tmp_path: Path) -> Path:
    """old.yaml at `base`; then renamed to new.yaml with one value edited in the same commit."""
    made = init_repo(tmp_path / "repo")
    lines = "".join(f"rule_{i}: {i}\n" for i in range(20))
    commit(made, {"old.yaml": lines}, "add")
    git(made, "branch", "base")
    git(made, "mv", "old.yaml", "new.yaml")
    commit(made, {"new.yaml": lines.replace("rule_7: 7", "rule_7: 70")}, "rename and edit")
    stale_index(made, "new.yaml")
    return made


def test_a_renamed_and_edited_file_is_reviewed_as_a_rename(tool: Tool, renamed: Path) -> None:
    with read_only(renamed):
        run = tool("review", "--base", "base", "--format", "json", cwd=renamed)
        assert_ok(run)
        (item,) = json.loads(run.stdout)["files"]
        assert (item["status"], item["old_path"], item["new_path"]) == (
            "renamed", "old.yaml", "new.yaml")
        assert [(c["path_text"], c["old"], c["new"]) for c in item["diff"]["changes"]] == [
            ("rule_7", 7, 70)]
        across = tool("diff", "base:old.yaml", "HEAD:new.yaml", "--format", "json",
                      cwd=renamed)
        assert_ok(across)
        assert len(json.loads(across.stdout)["changes"]) == 1


def test_timeline_across_a_rename_keeps_the_edit(tool: Tool, renamed: Path) -> None:
    with read_only(renamed):
        run = tool("timeline", "--git", "new.yaml", "--format", "json", "--no-cache",
                   cwd=renamed)
        assert_ok(run)
        events = json.loads(run.stdout)["events"]
        assert len(events) == 2
        assert [(c["path_text"], c["old"], c["new"]) for c in events[1]["changes"]] == [
            ("rule_7", 7, 70)]


# --- tree entries -----------------------------------------------------------------------------

@pytest.fixture
def entries(tmp_path: Path) -> Path:
    """At `base`, good.yaml; on main, links, a submodule, binary and non-UTF-8 named files."""
    made = init_repo(tmp_path / "repo")
    commit(made, {"pol/good.yaml": "a: 1\n", "secret.yaml": f"token: {SECRET}\n"}, "base")
    git(made, "branch", "base")
    os.symlink("../secret.yaml", made / "pol" / "link.yaml")
    os.symlink("/etc/passwd", made / "pol" / "passwd.yaml")
    os.symlink("/dev/zero", made / "pol" / "zero.yaml")
    write(made / "pol" / "binary.yaml", b"a: 1\n\x00\x01\x02\xff\xfe binary\n")
    write(made / "pol" / "png.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(made / "pol" / "latin1.yaml", b"a: caf\xe9\n")
    write(made / os.fsdecode(b"pol/caf\xe9.yaml"), b"a: 2\n")
    git(made, "add", "-A")
    add_index_entry(made, "160000", "1" * 40, "pol/sub.yaml")
    git(made, "commit", "-q", "-m", "hostile entries")
    stale_index(made, "pol/good.yaml")
    return made


def test_review_reports_links_submodules_and_binary_files_as_problems(
        tool: Tool, entries: Path) -> None:
    with read_only(entries):
        run = tool("review", "--base", "base", "--format", "json", cwd=entries)
        assert_finished(run)
        assert run.returncode == 2 and run.stderr == b"", run.describe()
        assert SECRET not in run.out and "root:" not in run.out
        problems = {f["new_path"]: f["problems"][0]["message"]
                    for f in json.loads(run.stdout)["files"] if f["problems"]}
        assert problems.keys() == {"pol/link.yaml", "pol/passwd.yaml", "pol/zero.yaml",
                                   "pol/sub.yaml", "pol/binary.yaml", "pol/png.yaml",
                                   "pol/latin1.yaml"}
        for path in ("pol/link.yaml", "pol/passwd.yaml", "pol/zero.yaml"):
            assert "link" in problems[path]
        assert "submodule" in problems["pol/sub.yaml"]


@pytest.mark.parametrize(("rel", "message", "positioned"), [
    ("pol/link.yaml", "symbolic link", False), ("pol/passwd.yaml", "symbolic link", False),
    ("pol/zero.yaml", "symbolic link", False), ("pol/sub.yaml", "submodule", False),
    ("pol/binary.yaml", "not a text file", True), ("pol/png.yaml", "not", True),
    ("pol/latin1.yaml", "UTF-8", True),
], ids=["link-in-repo", "link-to-passwd", "link-to-dev-zero", "submodule", "nul-bytes", "png",
        "latin-1"])
def test_diff_refuses_entries_that_are_not_policy_text(rel: str, message: str,
                                                       positioned: bool, tool: Tool,
                                                       entries: Path) -> None:
    with read_only(entries):
        run = tool("diff", f"HEAD:{rel}", "base:pol/good.yaml", cwd=entries)
        assert_error(run, 2, where=f"HEAD:{rel}", message=message, positioned=positioned)


def test_timeline_of_a_folder_with_hostile_entries(tool: Tool, entries: Path) -> None:
    with read_only(entries):
        run = tool("timeline", "--git", "pol", "--format", "json", "--no-cache", "--quiet",
                   cwd=entries)
        assert_ok(run)
        assert SECRET not in run.out and "root:" not in run.out
        errors = {e["track"]: e["error"] for e in json.loads(run.stdout)["events"]
                  if e["error"]}
        assert {"pol/link.yaml", "pol/sub.yaml", "pol/binary.yaml"} <= errors.keys()


ESCAPED_NAME = re.compile(r"(?:HEAD:)?pol/caf\\(?:xe9|udce9)\.yaml")


def test_non_utf8_paths_are_shown_escaped(tool: Tool, entries: Path) -> None:
    name = os.fsdecode(b"pol/caf\xe9.yaml")
    with read_only(entries):
        for fmt in ("json", "markdown", "github"):
            run = tool("review", "--base", "base", "--format", fmt, cwd=entries)
            assert_finished(run)
            assert run.returncode == 2, run.describe()
            text = run.stdout.decode("utf-8")  # strict: valid UTF-8 whatever the path
            assert "caf" in text and raw_controls(text) == set()
            if fmt == "json":
                paths = [f["new_path"] for f in json.loads(text)["files"]]
                assert any(p.startswith("pol/caf") for p in paths)
        run = tool("diff", f"HEAD:{name}", "base:pol/good.yaml", cwd=entries)
        assert_ok(run)
        assert ESCAPED_NAME.fullmatch(run.stdout.decode("utf-8").splitlines()[0][len("--- "):])
        timeline = tool("timeline", "--git", "pol", "--no-cache", "--quiet", cwd=entries)
        assert_ok(timeline)
        assert ESCAPED_NAME.search(timeline.stdout.decode("utf-8"))


def test_a_symlinked_snapshot_in_a_policy_folder_is_refused(tool: Tool, policies: Path,
                                                            tmp_path: Path) -> None:
    act = policies / "example-residence" / "national" / "2010-01-01-act.yaml"
    outside = write(tmp_path / "outside" / "secret.yaml",
                    act.read_text("utf-8").replace("Residence Card", SECRET))
    act.unlink()
    act.symlink_to(outside)
    before = tree_state(policies, outside.parent)
    run = tool("--policies", str(policies), "show", "--as-of", "2011-01-01", cwd=tmp_path)
    assert_finished(run)
    assert SECRET not in run.out
    assert_error(run, 2, message="link")
    assert tree_state(policies, outside.parent) == before


# --- ownership --------------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="simulating a repository of another user needs chown (root)")
@pytest.mark.parametrize("args", [
    ("review", "--base", "base"), ("timeline", "--git", "p.yaml", "--no-cache"),
    ("diff", "base:p.yaml", "HEAD:p.yaml"),
], ids=["review", "timeline", "diff"])
def test_a_repository_owned_by_another_user_is_an_environment_error(
        args: tuple[str, ...], tool: Tool, repo: Path) -> None:
    nobody = 65534
    for folder, dirs, files in os.walk(repo):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.lchown(name, nobody, nobody)
    with read_only(repo):
        line = assert_error(tool(*args, cwd=repo), 3, message="dubious ownership")
        assert "safe.directory" in line


# --- every git-reading command is read-only ---------------------------------------------------

@pytest.mark.parametrize("args", [
    ("timeline", "--git", "p.yaml", "--quiet"), ("timeline", "--git", ".", "--no-cache"),
    ("review", "--base", "base"), ("review", "--base", "base", "--format", "github"),
    ("diff", "base:p.yaml", "HEAD:p.yaml"), ("diff", "base:p.yaml", "p.yaml"),
], ids=["timeline-file", "timeline-folder", "review", "review-github", "diff", "diff-worktree"])
def test_git_reading_commands_leave_the_repository_unchanged(args: tuple[str, ...],
                                                            tool: Tool, repo: Path) -> None:
    with read_only(repo):
        run = tool(*args, cwd=repo)
        assert_ok(run)
        assert run.stdout


def test_the_git_diff_driver_leaves_the_repository_unchanged(
        command: Callable[..., Run], repo: Path) -> None:
    write(repo / ".gitattributes", "*.yaml diff=policy-tracker\n")
    driver = f"{shlex.quote(sys.executable)} -m policy_tracker git-diff-driver"
    with read_only(repo):
        run = command(["git", "-c", f"diff.policy-tracker.command={driver}", "diff", "base",
                       "HEAD", "--", "p.yaml"], cwd=repo, timeout=GIT_TIME_LIMIT)
        assert_ok(run)
        assert run.out.startswith("policy-tracker diff a/p.yaml b/p.yaml\n")
        assert "changed from 2 to 3" in run.out


def test_the_git_diff_driver_escapes_hostile_paths(command: Callable[..., Run],
                                                   tmp_path: Path) -> None:
    name = "p\x1b]0;retitled\x07\x1b[2J.yaml"
    made = two_commit_repo(tmp_path / "repo", name=name)
    write(made / ".gitattributes", "*.yaml diff=policy-tracker\n")
    driver = f"{shlex.quote(sys.executable)} -m policy_tracker git-diff-driver"
    with read_only(made):
        run = command(["git", "-c", f"diff.policy-tracker.command={driver}", "diff", "base",
                       "HEAD"], cwd=made, timeout=GIT_TIME_LIMIT)
        assert_ok(run)
        assert "changed from 2 to 3" in run.out
        assert raw_controls(run.out) == set(), run.out
