"""Git history: refs refused before git sees them, revisions read oldest first, nothing written."""

from __future__ import annotations

import datetime as dt
import gc
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_tracker import gitstream, history
from policy_tracker.errors import (
    BadRefError,
    GitError,
    InputError,
    LoadError,
    NotFoundError,
)
from policy_tracker.history import (
    changed_files,
    iter_revisions,
    open_repo,
    read_document_at,
    resolve_commit,
)
from policy_tracker.model import FileChange, Revision
from policy_tracker.refs import (
    DIFF_OPTIONS,
    LOG_OPTIONS,
    RevRange,
    check_ref,
    escape_path,
    parse_operand,
    parse_range,
    repo_path,
)
from tests import corpora
from tests.gitrepo import (
    blob_id,
    commit,
    fast_history,
    fingerprint,
    git,
    hash_bytes,
    init_repo,
    replay_corpus,
    write,
)

UTC = dt.timezone(dt.timedelta(0))
# The versions of each corpus folder that are invalid YAML (see tests/corpora.py).
INVALID_VERSIONS = {name: {rel.split("/")[1][:-5] for rel in corpora.INVALID
                           if rel.split("/")[0] == name}
                    for name in corpora.SHIPPED_FOLDERS + corpora.EXTERNAL_FOLDERS}
HOSTILE_REFS = ["--output=x", "-h", "--exec=touch x", "a..b", "..", "HEAD@{1}", "@{-1}",
                "main:path", ":path", "HEAD^{tree}", ":/message", "HEAD\x07", "HEAD\n",
                "HE\x00AD", "$(touch x)", "$(touch${IFS}x)", "`touch x`", "a;touch x",
                "refs/heads/../../config", "x.lock", ".hidden", "a//b", "~1", "HEAD~1x",
                "HEAD^!", "\u202eHEAD", "@", "", "main\t", "a" * 300]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A private cache, and git that ignores this machine's configuration."""
    monkeypatch.setenv("POLICY_TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "repo")


def revisions(repo: Path, path: str, **kwargs: Any) -> list[Revision]:
    return list(iter_revisions(str(repo), path, **kwargs))


def at(day: int, tz: str = "+00:00") -> str:
    return f"2020-01-{day:02d}T10:00:00{tz}"


# --- refs, ranges, operands, paths (no git) ---------------------------------------------

@pytest.mark.parametrize("ref", HOSTILE_REFS)
def test_hostile_refs_are_refused(ref: str) -> None:
    with pytest.raises(BadRefError) as info:
        check_ref(ref)
    assert info.value.exit_code == 2


@pytest.mark.parametrize("ref", ["main", "HEAD", "HEAD~2", "HEAD^2", "main~1^2~3", "v1.0",
                                 "feature/x-y", "refs/heads/main", "abcd", "a" * 40,
                                 "release_1.2+build", "user@host", "FETCH_HEAD"])
def test_plain_refs_pass(ref: str) -> None:
    assert check_ref(ref) == ref


@pytest.mark.parametrize(("text", "expected"), [
    ("main", RevRange("", "main")),
    ("v1..v2", RevRange("v1", "v2")),
    ("v1...v2", RevRange("v1", "v2", True)),
    ("v1..", RevRange("v1", "HEAD")),
    ("..v2", RevRange("HEAD", "v2")),
])
def test_ranges_are_split_here(text: str, expected: RevRange) -> None:
    assert parse_range(text) == expected


@pytest.mark.parametrize("text", ["..", "...", "a..b..c", "a....b", "-x..y", "x..--output=y",
                                  "a..b@{1}"])
def test_bad_ranges_are_refused(text: str) -> None:
    with pytest.raises(BadRefError):
        parse_range(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
       | st.from_regex(r"[A-Za-z0-9._/@{}:^~ -]{1,20}", fullmatch=True))
def test_any_text_is_a_plain_ref_or_refused(text: str) -> None:
    try:
        assert check_ref(text) == text
    except BadRefError:
        return
    name, _, _ = text.partition("~")
    assert not text.startswith("-") and text.isascii() and text.isprintable()
    assert not any(bad in text for bad in ("..", "@{", ":", "^{", " ", "\\", "$", "*"))
    assert name.split("^")[0], text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_any_operand_text_is_recognised_or_refused(text: str) -> None:
    try:
        found = parse_operand(text)
    except BadRefError:
        return
    if found is not None:
        ref, path = found
        assert check_ref(ref) == ref and path and text == f"{ref}:{path}"


def test_operands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "odd:name.yaml").write_text("a: 1\n")
    assert parse_operand("HEAD:policies/x.yaml") == ("HEAD", "policies/x.yaml")
    assert parse_operand("v1.0~2:x.yaml") == ("v1.0~2", "x.yaml")
    assert parse_operand("odd:name.yaml") is None  # an existing file always wins
    for path in ["plain.yaml", "C:\\x.yaml", "C:/x.yaml", "./a:b.yaml", "/abs/a:b.yaml"]:
        assert parse_operand(path) is None
    for bad in [":x.yaml", "HEAD:", "--output=x:y.yaml", "HEAD@{1}:x.yaml", "a b:x.yaml"]:
        with pytest.raises(BadRefError):
            parse_operand(bad)


def test_paths_stay_inside_the_repository() -> None:
    assert repo_path("./a/b/../c.yaml") == "a/c.yaml"
    assert repo_path(".") == repo_path("") == ""
    for bad in ["../x.yaml", "/etc/passwd", "a/../../x", "a\0b"]:
        with pytest.raises(InputError):
            repo_path(bad)


def test_escape_path_makes_bytes_and_controls_visible() -> None:
    assert escape_path("caf\udce9.yaml") == "caf\\xe9.yaml"
    assert escape_path("a\nb\u202e.yaml") == "a\\u000ab\\u202e.yaml"
    assert escape_path("\ud800") == "\\ud800"


def test_importing_does_not_load_gitpython() -> None:
    code = ("import sys, policy_tracker.history, policy_tracker.cache, policy_tracker.refs; "
            "assert 'git' not in sys.modules, 'GitPython imported eagerly'")
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)


# --- reading revisions ---------------------------------------------------------------------

def test_revisions_oldest_first_with_full_metadata(repo: Path) -> None:
    c1 = commit(repo, {"policy.yaml": "fee: 1\n"}, "Add the fee\n\nBody text.", at(1, "+02:00"))
    commit(repo, {"notes.txt": "unrelated\n"}, "Notes", at(2))
    c3 = commit(repo, {"policy.yaml": "fee: 2\n"}, "Raise the fee", at(3),
                author_date=at(2, "-05:00"))
    c4 = commit(repo, {"policy.yaml": "fee: 3\nextra: true\n"}, "Raise it again", at(4))
    revs = revisions(repo, "policy.yaml")
    assert [r.commit for r in revs] == [c1, c3, c4]
    first = revs[0]
    assert first.committed == dt.datetime(2020, 1, 1, 8, tzinfo=UTC)
    assert first.committed.utcoffset() == dt.timedelta(hours=2)
    assert revs[1].authored == dt.datetime(2020, 1, 2, 15, tzinfo=UTC)
    assert revs[1].authored.utcoffset() == dt.timedelta(hours=-5)
    assert [r.subject for r in revs] == ["Add the fee", "Raise the fee", "Raise it again"]
    assert all(r.path == "policy.yaml" and r.error is None for r in revs)
    assert [r.blob for r in revs] == [blob_id(repo, f"{c}:policy.yaml") for c in (c1, c3, c4)]
    assert [r.document.data for r in revs if r.document] == [
        {"fee": 1}, {"fee": 2}, {"fee": 3, "extra": True}]
    assert first.document is not None and first.document.name == f"{c1[:12]}:policy.yaml"
    position = first.document.source_map.locate(first.document.data, ("fee",))
    assert position is not None and position.line == 1


def test_ranges_select_commits(repo: Path) -> None:
    c1 = commit(repo, {"p.yaml": "v: 1\n"}, "one", at(1))
    c2 = commit(repo, {"p.yaml": "v: 2\n"}, "two", at(2))
    c3 = commit(repo, {"p.yaml": "v: 3\n"}, "three", at(3))
    git(repo, "branch", "side", c2)
    assert [r.commit for r in revisions(repo, "p.yaml", rev_range=f"{c1}..{c3}")] == [c2, c3]
    assert [r.commit for r in revisions(repo, "p.yaml", rev_range="side")] == [c1, c2]
    assert [r.commit for r in revisions(repo, "p.yaml", rev_range="side..")] == [c3]
    assert [r.commit for r in revisions(repo, "p.yaml", rev_range="main...side")] == []
    assert [r.commit for r in revisions(repo, "p.yaml", rev_range="HEAD~2...HEAD")] == [c2, c3]


def test_renames_are_followed(repo: Path) -> None:
    text = "".join(f"rule_{i}: {i}\n" for i in range(20))
    c1 = commit(repo, {"old/a.yaml": text}, "add", at(1))
    c2 = commit(repo, {"old/a.yaml": text + "more: 1\n"}, "edit", at(2))
    (repo / "new").mkdir()
    git(repo, "mv", "old/a.yaml", "new/b.yaml")
    c3 = commit(repo, {}, "move", at(3))
    c4 = commit(repo, {"new/b.yaml": text + "more: 2\n"}, "edit again", at(4))
    notes: list[str] = []
    revs = revisions(repo, "new/b.yaml", notes=notes.append)
    assert [(r.commit, r.path) for r in revs] == [
        (c1, "old/a.yaml"), (c2, "old/a.yaml"), (c3, "new/b.yaml"), (c4, "new/b.yaml")]
    assert revs[1].blob == revs[2].blob
    assert notes == []


def test_rename_with_rewrite_ends_the_chain_with_a_note(repo: Path) -> None:
    commit(repo, {"a.yaml": "".join(f"old_{i}: {i}\n" for i in range(20))}, "add", at(1))
    c2 = commit(repo, {"a.yaml": None, "b.yaml": "completely: different\n"}, "rewrite", at(2))
    notes: list[str] = []
    revs = revisions(repo, "b.yaml", notes=notes.append)
    assert [r.commit for r in revs] == [c2]
    assert len(notes) == 1 and "a.yaml" in notes[0] and c2[:12] in notes[0]


def test_folder_gives_one_revision_per_changed_policy_file(repo: Path) -> None:
    c1 = commit(repo, {"p/a.yaml": "a: 1\n", "p/b.yml": "b: 1\n", "p/readme.txt": "x\n",
                       "elsewhere.yaml": "e: 1\n"}, "start", at(1))
    c2 = commit(repo, {"p/a.yaml": "a: 2\n", "p/sub/c.json": '{"c": 1}\n',
                       "p/readme.txt": "y\n"}, "change", at(2))
    c3 = commit(repo, {"p/b.yml": None}, "drop b", at(3))
    revs = revisions(repo, "p")
    assert [(r.commit, r.path, r.document is not None) for r in revs] == [
        (c1, "p/a.yaml", True), (c1, "p/b.yml", True), (c2, "p/a.yaml", True),
        (c2, "p/sub/c.json", True), (c3, "p/b.yml", False)]
    assert revs[3].document is not None and revs[3].document.data == {"c": 1}
    assert len(revisions(repo, ".")) == 6  # the whole repository, elsewhere.yaml included


def test_invalid_revision_is_carried_and_iteration_continues(repo: Path) -> None:
    commit(repo, {"p.yaml": "a: 1\n"}, "good", at(1))
    bad = commit(repo, {"p.yaml": "a: 1\nb: [1, 2\n"}, "broken", at(2))
    dup = commit(repo, {"p.yaml": "a: 1\na: 2\n"}, "duplicate", at(3))
    commit(repo, {"p.yaml": "a: 3\n"}, "fixed", at(4))
    revs = revisions(repo, "p.yaml")
    assert [r.error is None for r in revs] == [True, False, False, True]
    error = revs[1].error
    assert isinstance(error, LoadError) and revs[1].document is None
    assert error.where == f"{bad[:12]}:p.yaml" and error.line == 3
    assert str(revs[2].error).startswith(f"{dup[:12]}:p.yaml:2:1: duplicate key 'a'")
    assert revs[3].document is not None and revs[3].document.data == {"a": 3}


def test_deleted_file_gives_an_empty_revision(repo: Path) -> None:
    commit(repo, {"p.yaml": "a: 1\n", "keep.txt": "k\n"}, "add", at(1))
    gone = commit(repo, {"p.yaml": None}, "delete", at(2))
    commit(repo, {"p.yaml": "a: 2\n"}, "restore", at(3))
    revs = revisions(repo, "p.yaml")
    assert len(revs) == 3
    deleted = revs[1]
    assert (deleted.commit, deleted.path, deleted.blob) == (gone, "p.yaml", "")
    assert deleted.document is None and deleted.error is None
    assert len(revisions(repo, "p.yaml", rev_range=f"{gone}~1..{gone}")) == 1


def test_missing_paths(repo: Path) -> None:
    commit(repo, {"p.yaml": "a: 1\n"}, "add", at(1))
    with pytest.raises(NotFoundError):
        revisions(repo, "nothing.yaml")
    with pytest.raises(NotFoundError):
        revisions(repo, "no/such/folder")
    with pytest.raises(InputError):
        revisions(repo, "../outside.yaml")
    with pytest.raises(NotFoundError):
        revisions(repo.parent / "not-there", "p.yaml")
    with pytest.raises(GitError):
        revisions(repo.parent, "p.yaml")


def test_progress_counts_up_to_the_total(repo: Path) -> None:
    for day in range(1, 5):
        commit(repo, {"p/a.yaml": f"a: {day}\n", "p/b.yaml": f"b: {day}\n"}, "step", at(day))
    calls: list[tuple[int, int]] = []
    revs = revisions(repo, "p", progress=lambda done, total: calls.append((done, total)))
    assert len(revs) == 8
    assert calls == [(n, 8) for n in range(9)]


# --- refs against a repository -------------------------------------------------------------

def test_refused_refs_never_reach_git(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit(repo, {"p.yaml": "a: 1\n"}, "add", at(1))
    monkeypatch.chdir(repo)
    before = fingerprint(repo)
    argv = spy_on_git(monkeypatch)
    for ref in HOSTILE_REFS:
        with pytest.raises(BadRefError), open_repo(str(repo)) as handle:
            resolve_commit(handle, ref)
        with pytest.raises(BadRefError):
            read_document_at(str(repo), ref, "p.yaml")
        if ".." not in ref:
            with pytest.raises(BadRefError):
                revisions(repo, "p.yaml", rev_range=ref)
            with pytest.raises(BadRefError):
                changed_files(str(repo), ref, "HEAD")
    assert not any(ref and ref in cmd for cmd in argv for ref in HOSTILE_REFS)
    assert not (repo / "x").exists() and not (repo.parent / "x").exists()
    assert fingerprint(repo) == before


def test_tags_are_peeled_and_non_commits_refused(repo: Path) -> None:
    c1 = commit(repo, {"p.yaml": "a: 1\n"}, "add", at(1))
    git(repo, "tag", "-a", "v1", "-m", "release", c1)
    git(repo, "tag", "blobtag", blob_id(repo, f"{c1}:p.yaml"))
    with open_repo(str(repo)) as handle:
        assert resolve_commit(handle, "v1") == c1
        assert resolve_commit(handle, c1[:7]) == c1
        with pytest.raises(BadRefError, match="blob, not a commit"):
            resolve_commit(handle, "blobtag")


def test_ambiguous_names_are_refused(repo: Path) -> None:
    c1 = commit(repo, {"p.yaml": "a: 1\n"}, "add", at(1))
    c2 = commit(repo, {"p.yaml": "a: 2\n"}, "edit", at(2))
    git(repo, "tag", "release", c1)
    git(repo, "branch", "release", c2)
    git(repo, "branch", c1[:8], c2)  # a branch named like an abbreviated commit id
    with open_repo(str(repo)) as handle:
        for name in ("release", c1[:8]):
            with pytest.raises(BadRefError, match=f"refs/heads/{name}"):
                resolve_commit(handle, name)
        assert resolve_commit(handle, "refs/heads/release") == c2
        assert resolve_commit(handle, "refs/tags/release") == c1
        assert resolve_commit(handle, f"refs/heads/{c1[:8]}~1") == c1
    with pytest.raises(BadRefError, match="ambiguous"):
        read_document_at(str(repo), "release", "p.yaml")


def test_missing_and_null_commits(repo: Path) -> None:
    commit(repo, {"p.yaml": "a: 1\n"}, "add", at(1))
    with open_repo(str(repo)) as handle:
        with pytest.raises(BadRefError, match="no branch, tag or commit"):
            resolve_commit(handle, "deadbeef" * 5)
        with pytest.raises(BadRefError, match="no branch, tag or commit"):
            resolve_commit(handle, "no-such-branch")
        with pytest.raises(BadRefError, match="no branch, tag or commit"):
            resolve_commit(handle, "HEAD~5")
        with pytest.raises(BadRefError, match="null id"):
            resolve_commit(handle, "0" * 40)


def test_abbreviated_id_matching_several_objects(repo: Path) -> None:
    # 1,000 commits make about 3,000 objects: some four-digit prefixes are shared.
    fast_history(repo, "p.yaml", (f"v: {n}\n".encode() for n in range(1000)))
    objects = git(repo, "rev-list", "--objects", "--all").split()
    ids = [o for o in objects if len(o) == 40]
    prefixes = [i[:4] for i in ids]
    shared = next(p for p in prefixes if prefixes.count(p) > 1)
    with open_repo(str(repo)) as handle, pytest.raises(BadRefError, match="several objects"):
        resolve_commit(handle, shared)


def test_empty_repository(repo: Path) -> None:
    with pytest.raises(BadRefError, match="no commits yet"):
        revisions(repo, "p.yaml")


def test_pathspecs_are_literal_whatever_the_environment(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit(repo, {"a*.yaml": "star: 1\n", "ab.yaml": "b: 1\n"}, "one", at(1))
    commit(repo, {"ab.yaml": "b: 2\n"}, "two", at(2))
    for name, value in [("GIT_LITERAL_PATHSPECS", "1"), ("GIT_GLOB_PATHSPECS", "1"),
                        ("GIT_ICASE_PATHSPECS", "1")]:
        monkeypatch.setenv(name, value)
        assert [r.path for r in revisions(repo, "a*.yaml")] == ["a*.yaml"]
        assert [c.new_path for c in changed_files(str(repo), "HEAD~1", "HEAD", ["a*.yaml"])] == []
        monkeypatch.delenv(name)


def test_shallow_clone_asks_for_more_history(repo: Path, tmp_path: Path) -> None:
    for day in range(1, 4):
        commit(repo, {"p.yaml": f"a: {day}\n"}, f"v{day}", at(day))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    with open_repo(str(clone)) as handle:
        assert resolve_commit(handle, "HEAD") == git(repo, "rev-parse", "HEAD")
        with pytest.raises(GitError, match="fetch-depth: 0") as info:
            resolve_commit(handle, "HEAD~1")
    assert info.value.exit_code == 3
    for rev_range in (None, "HEAD~1..HEAD"):
        with pytest.raises(GitError, match="git fetch --unshallow"):
            revisions(clone, "p.yaml", rev_range=rev_range)
    assert read_document_at(str(clone), "HEAD", "p.yaml").data == {"a": 3}


# --- what is never followed or trusted -----------------------------------------------------

def test_symlink_is_not_followed(repo: Path) -> None:
    os.symlink("/etc/passwd", repo / "link.yaml")
    c1 = commit(repo, {"p/a.yaml": "a: 1\n"}, "add a link", at(1))
    (rev,) = revisions(repo, "link.yaml")
    assert rev.document is None and isinstance(rev.error, LoadError)
    assert "symbolic link" in str(rev.error) and rev.error.where == f"{c1[:12]}:link.yaml"
    with pytest.raises(LoadError, match="symbolic link"):
        read_document_at(str(repo), "HEAD", "link.yaml")


def test_submodule_is_not_read(repo: Path) -> None:
    c1 = commit(repo, {"p/a.yaml": "a: 1\n"}, "add", at(1))
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{c1},p/sub.yaml")
    git(repo, "update-index", "--add", "--cacheinfo", f"160000,{c1},p/sub")
    git(repo, "commit", "-q", "-m", "gitlinks", date=at(2))
    (rev,) = revisions(repo, "p/sub.yaml")
    assert rev.document is None and "submodule" in str(rev.error)
    assert [r.path for r in revisions(repo, "p")] == ["p/a.yaml", "p/sub.yaml"]
    with pytest.raises(LoadError, match="submodule"):
        read_document_at(str(repo), "HEAD", "p/sub.yaml")


def test_binary_blob_is_an_error_revision(repo: Path) -> None:
    commit(repo, {"bin.yaml": b"a: 1\n\x00\x01\x02"}, "binary", at(1))
    (rev,) = revisions(repo, "bin.yaml")
    assert rev.document is None and "NUL" in str(rev.error)


def test_non_utf8_paths_are_kept_and_shown_escaped(repo: Path) -> None:
    write(repo, b"p/caf\xe9.yaml", "a: 1\n")
    c1 = commit(repo, {}, "latin-1 name", at(1))
    name = "p/caf\udce9.yaml"
    (rev,) = revisions(repo, name)
    assert rev.path == name and rev.document is not None
    assert rev.document.name == f"{c1[:12]}:p/caf\\xe9.yaml"
    assert [r.path for r in revisions(repo, "p")] == [name]
    assert read_document_at(str(repo), "HEAD", name).name == "HEAD:p/caf\\xe9.yaml"
    assert changed_files(str(repo), c1, c1) == ()


def test_repository_of_another_user_is_refused(repo: Path) -> None:
    commit(repo, {"p.yaml": "a: 1\n"}, "add", at(1))
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("needs root to give the repository to another user")
    for folder, dirs, files in os.walk(repo):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.lchown(name, 54321, 54321)
    with pytest.raises(GitError, match="dubious ownership") as info:
        revisions(repo, "p.yaml")
    assert info.value.exit_code == 3
    with pytest.raises(GitError, match="dubious ownership"):
        read_document_at(str(repo), "HEAD", "p.yaml")


def test_missing_git_is_an_environment_error(repo: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    commit(repo, {"p.yaml": "a: 1\n"}, "add", at(1))
    import git as gitpython
    monkeypatch.setattr(gitpython.Git, "GIT_PYTHON_GIT_EXECUTABLE", "/nonexistent/git")
    with pytest.raises(GitError, match="not installed") as info:
        revisions(repo, "p.yaml")
    assert info.value.exit_code == 3


def test_git_failures_become_one_line_errors(repo: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    commit(repo, {"p.yaml": "a: 1\n"}, "add", at(1))
    monkeypatch.setattr(history, "log_args", lambda *args: ["--no-such-option"])
    with pytest.raises(GitError) as info:
        revisions(repo, "p.yaml")
    assert info.value.exit_code == 3
    assert str(info.value).startswith(f"{repo}: git failed: fatal: unrecognized argument")
    assert "\n" not in str(info.value)


# --- single documents and changed files ----------------------------------------------------

def test_read_document_at(repo: Path) -> None:
    c1 = commit(repo, {"p/a.yaml": "a: 1\n"}, "one", at(1))
    commit(repo, {"p/a.yaml": "a: [\n", "p/b.yaml": "b: 1\n"}, "two", at(2))
    assert read_document_at(str(repo), c1[:10], "p/a.yaml").data == {"a": 1}
    assert read_document_at(str(repo), "HEAD", "./p/b.yaml").name == "HEAD:p/b.yaml"
    with pytest.raises(LoadError) as info:
        read_document_at(str(repo), "main", "p/a.yaml")
    assert info.value.where == "main:p/a.yaml" and info.value.line == 2
    with pytest.raises(NotFoundError):
        read_document_at(str(repo), c1, "p/b.yaml")
    with pytest.raises(LoadError, match="folder"):
        read_document_at(str(repo), "HEAD", "p")


def test_changed_files(repo: Path) -> None:
    same = "".join(f"k{i}: {i}\n" for i in range(20))
    base = commit(repo, {"a.yaml": "a: 1\n", "c.json": "{}\n", "d.yaml": same,
                         "readme.txt": "r\n", "f.txt": "f: 1\n", "sub/s.yaml": "s: 1\n"},
                  "base", at(1))
    git(repo, "mv", "d.yaml", "e.yaml")
    git(repo, "mv", "f.txt", "f.yaml")
    head = commit(repo, {"a.yaml": "a: 2\n", "b.yml": "b: 1\n", "c.json": None,
                         "readme.txt": "changed\n", "sub/s.yaml": "s: 2\n"}, "head", at(2))

    def blob(ref_path: str) -> str:
        return blob_id(repo, ref_path)
    assert changed_files(str(repo), base, head) == (
        FileChange("modified", "a.yaml", "a.yaml", blob(f"{base}:a.yaml"), blob(f"{head}:a.yaml")),
        FileChange("added", "", "b.yml", "", blob(f"{head}:b.yml")),
        FileChange("removed", "c.json", "", blob(f"{base}:c.json"), ""),
        FileChange("renamed", "d.yaml", "e.yaml", blob(f"{base}:d.yaml"), blob(f"{head}:e.yaml")),
        FileChange("added", "", "f.yaml", "", blob(f"{head}:f.yaml")),
        FileChange("modified", "sub/s.yaml", "sub/s.yaml", blob(f"{base}:sub/s.yaml"),
                   blob(f"{head}:sub/s.yaml")))
    assert [c.new_path for c in changed_files(str(repo), base, head, paths=["sub"])] == [
        "sub/s.yaml"]


def test_changed_files_from_the_merge_base(repo: Path) -> None:
    base = commit(repo, {"a.yaml": "a: 1\n"}, "base", at(1))
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, {"b.yaml": "b: 1\n"}, "feature work", at(2))
    git(repo, "checkout", "-q", "main")
    commit(repo, {"c.yaml": "c: 1\n"}, "main work", at(3))
    assert [c.new_path or c.old_path for c in changed_files(str(repo), "main", "feature")] == [
        "b.yaml", "c.yaml"]
    assert [c.new_path for c in changed_files(str(repo), "main", "feature", merge_base=True)] == [
        "b.yaml"]
    assert changed_files(str(repo), base, base) == ()


# --- read only, and no user text on a git command line -------------------------------------

def make_index_stale(repo: Path) -> None:
    """Give a tracked file an old mtime, so that `git status` would rewrite the index."""
    for rel in ("p/a.yaml", "-rf.yaml"):
        os.utime(repo / rel, (1_000_000_000, 1_000_000_000))


def read_everything(repo: Path, use_cache: bool) -> None:
    revisions(repo, "p/a.yaml", use_cache=use_cache)
    revisions(repo, "p", rev_range="HEAD~1..HEAD", use_cache=use_cache)
    revisions(repo, "-rf.yaml", use_cache=use_cache)
    revisions(repo, "-dir", use_cache=use_cache)
    read_document_at(str(repo), "HEAD~1", "p/a.yaml", use_cache=use_cache)
    read_document_at(str(repo), "main", "-rf.yaml", use_cache=use_cache)
    changed_files(str(repo), "HEAD~1", "main", paths=["p", "-rf.yaml", "-dir"])
    changed_files(str(repo), "HEAD~1", "main", merge_base=True)
    with open_repo(str(repo / "p")) as handle:
        resolve_commit(handle, "main~1")


@pytest.fixture
def busy_repo(repo: Path) -> Path:
    commit(repo, {"p/a.yaml": "a: 1\n", "-rf.yaml": "x: 1\n", "-dir/d.yaml": "d: 1\n"},
           "one", at(1))
    commit(repo, {"p/a.yaml": "a: 2\n", "-rf.yaml": "x: 2\n", "-dir/d.yaml": "d: 2\n"},
           "two", at(2))
    make_index_stale(repo)
    return repo


@pytest.mark.parametrize("use_cache", [True, False])
def test_reading_never_writes_to_the_repository(busy_repo: Path, use_cache: bool) -> None:
    before = fingerprint(busy_repo)
    read_everything(busy_repo, use_cache)
    read_everything(busy_repo, use_cache)  # the second time from the cache, if enabled
    assert fingerprint(busy_repo) == before
    # The check itself works: `git status` refreshes the stale index and so changes it.
    subprocess.run(["git", "status", "--porcelain"], cwd=busy_repo, check=True,
                   capture_output=True, env={**os.environ, "GIT_OPTIONAL_LOCKS": "1"})
    assert fingerprint(busy_repo) != before


def spy_on_git(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record every git command line, at GitPython's execute and at process creation."""
    import git as gitpython
    seen: list[list[str]] = []
    execute, popen = gitpython.cmd.Git.execute, gitpython.cmd.safer_popen

    def spy_execute(self: Any, command: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append([str(part) for part in command])
        return execute(self, command, *args, **kwargs)

    def spy_popen(command: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append([str(part) for part in command])
        return popen(command, *args, **kwargs)
    monkeypatch.setattr(gitpython.cmd.Git, "execute", spy_execute)
    monkeypatch.setattr(gitpython.cmd, "safer_popen", spy_popen)
    own = gitstream._popen

    def spy_own(command: Any, **kwargs: Any) -> Any:
        seen.append([str(part) for part in command])
        return own(command, **kwargs)
    monkeypatch.setattr(gitstream, "_popen", spy_own)
    return seen


OUR_OPTIONS = {*LOG_OPTIONS, *DIFF_OPTIONS, "--git-dir", "--batch", "--batch-check", "--",
               "--full-tree"}


def test_no_user_text_on_a_git_command_line_starts_with_a_dash(
        busy_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    argv = spy_on_git(monkeypatch)
    read_everything(busy_repo, use_cache=False)
    assert argv and all(cmd[0].endswith("git") for cmd in argv)
    options = {part for cmd in argv for part in cmd[1:] if part.startswith("-")}
    assert options <= OUR_OPTIONS, options - OUR_OPTIONS
    user_text = {"-rf.yaml", "-dir", "p/a.yaml", "main", "main~1", "HEAD~1", "p"}
    assert not user_text & {part for cmd in argv for part in cmd}
    logs = [cmd for cmd in argv if "log" in cmd]
    assert any(":(top,literal)-rf.yaml" in cmd for cmd in logs)


def test_a_few_git_processes_whatever_the_number_of_revisions(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast_history(repo, "p.yaml", (f"v: {n}\n".encode() for n in range(60)))
    argv = spy_on_git(monkeypatch)
    assert len(revisions(repo, "p.yaml", use_cache=False, notes=lambda note: None)) == 60
    # GitPython's rev-parse and its persistent cat-file --batch-check and --batch (resolving
    # the ref, reading the tip's tree), each seen once by execute and once at process
    # creation; then one log and one cat-file --batch for all 60 blobs (the file was added
    # in a root commit: no diff-tree to ask whether it was a rename).
    assert len(argv) <= 8, argv
    assert sum("log" in cmd for cmd in argv) == 1
    assert sum(cmd[1:3] == ["--git-dir", str(repo / ".git")] and "--batch" in cmd
               for cmd in argv) == 1


# --- scale: real histories, memory, processes -----------------------------------------------

@pytest.mark.parametrize("name", corpora.folder_params())
def test_replayed_corpus_gives_one_revision_per_version(name: str, tmp_path: Path) -> None:
    folder = corpora.folder_path(name)
    repo = tmp_path / name
    commits = replay_corpus(folder, repo)
    versions = sorted(p.stem for p in folder.glob("*.yaml"))
    current = git(repo, "ls-files")
    notes: list[str] = []
    revs = revisions(repo, current, notes=notes.append)
    assert [r.commit for r in revs] == commits  # renames and moves followed back to 001
    assert [r.blob for r in revs] == [hash_bytes((folder / f"{v}.yaml").read_bytes())
                                      for v in versions]
    errors = {v for v, r in zip(versions, revs) if r.error}
    assert INVALID_VERSIONS[name] <= errors
    for version, rev in zip(versions, revs):
        if version in INVALID_VERSIONS[name]:
            assert isinstance(rev.error, LoadError) and rev.document is None
            assert "invalid YAML" in rev.error.message and rev.error.line > 0
            assert rev.error.where == f"{rev.commit[:12]}:{rev.path}"
        elif rev.error is not None:  # valid YAML the strict loader refuses
            assert "duplicate key" in rev.error.message
        else:
            assert isinstance(rev.document, object) and rev.document is not None
    assert notes == []


def _rules(version: int) -> bytes:
    rows = "".join(f"  - id: r{i}\n    amount: {i * (version if i % 10 == 0 else 1)}\n"
                   f"    label: rule number {i}\n" for i in range(60))
    return f"version: {version}\nrules:\n{rows}".encode()


def test_memory_does_not_grow_with_the_number_of_revisions(repo: Path) -> None:
    # Live memory, measured after a collection: what iteration keeps, not what the loader's
    # garbage happens to weigh at one moment.
    assert fast_history(repo, "p.yaml", (_rules(v) for v in range(1, 301))) == 300
    live: dict[int, int] = {}
    tracemalloc.start()
    try:
        for count, rev in enumerate(iter_revisions(str(repo), "p.yaml", use_cache=False), 1):
            assert rev.document is not None
            if count in (50, 300):
                gc.collect()
                live[count] = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert live[300] - live[50] < 100_000, live


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0


def test_git_processes_and_files_are_released(repo: Path) -> None:
    commit(repo, {"p.yaml": "a: 1\n"}, "add", at(1))
    revisions(repo, "p.yaml")
    before = _open_fds()
    for _ in range(5):
        revisions(repo, "p.yaml")
        read_document_at(str(repo), "HEAD", "p.yaml")
        for rev in iter_revisions(str(repo), "p.yaml"):  # abandoned part-way
            break
    assert _open_fds() <= before


def test_cache_skips_the_parse_the_second_time(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    for day in range(1, 4):
        commit(repo, {"p.yaml": f"a: {day}\nb:\n  - x\n  - y\n"}, "step", at(day))
    calls: list[str] = []
    parse = history.parse_document  # type: ignore[attr-defined]

    def counting(data: bytes, name: str) -> Any:
        calls.append(name)
        return parse(data, name)
    monkeypatch.setattr(history, "parse_document", counting)
    fresh = revisions(repo, "p.yaml")
    assert len(calls) == 3
    cached = revisions(repo, "p.yaml")
    assert len(calls) == 3
    for old, new in zip(fresh, cached):
        assert old.document is not None and new.document is not None
        assert new.document.data == old.document.data and new.document.name == old.document.name
        for path in [("a",), ("b", 1), ("b",)]:
            assert (new.document.source_map.locate(new.document.data, path)
                    == old.document.source_map.locate(old.document.data, path))
    revisions(repo, "p.yaml", use_cache=False)
    assert len(calls) == 6

