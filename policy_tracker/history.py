"""Policy files as they stood in git history: the only module that imports GitPython.

Every ref is checked by `refs.check_ref` and resolved with GitPython's pure-Python
`rev_parse`; file contents are read through its object database (one persistent
`git cat-file --batch` process for a whole run). The only git commands are `log`,
`diff-tree`, `merge-base` and `rev-parse --git-dir`, with fixed options, full commit ids and
literal pathspecs after `--` (see `refs`), so no user text can become an option. Nothing
here writes to the repository: no status, index or config calls; `GIT_OPTIONAL_LOCKS=0`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .cache import DocumentCache
from .errors import BadRefError, GitError, LoadError, NotFoundError, PolicyTrackerError
from .load import MAX_BYTES, parse_document
from .model import Document, FileChange, Revision
from .refs import (
    DIFF_OPTIONS,
    GIT_ENV,
    Entry,
    RevRange,
    Spool,
    check_ref,
    escape_path,
    file_change,
    is_hex,
    is_null,
    is_policy_file,
    log_args,
    parse_operand,
    parse_range,
    pathspecs,
    policy_change,
    raw_entries,
    repo_path,
    split_ref,
    subject_of,
)

if TYPE_CHECKING:
    from git import Repo

__all__ = ["changed_files", "check_ref", "iter_revisions", "open_repo", "parse_operand",
           "parse_range", "read_document_at", "resolve_commit"]

Progress = Callable[[int, int], None]
Wanted = Callable[[str, str, str], bool]
"""`wanted(commit, path, blob)`: False to skip reading a blob the caller has no use for."""
Notes = Callable[[str], None]

SHALLOW_FIX = "fetch more history, e.g. fetch-depth: 0 or git fetch --unshallow"
_REGULAR = ("100644", "100755")


def _git() -> Any:
    """GitPython, imported only when history is read (it costs ~100 ms and needs git)."""
    os.environ["GIT_OPTIONAL_LOCKS"] = "0"
    os.environ["GIT_PYTHON_REFRESH"] = "quiet"
    try:
        import git
    except ImportError as exc:
        raise GitError(f"cannot use git from Python: {exc}") from None
    return git


def _translate(exc: BaseException, where: str) -> PolicyTrackerError | None:
    """Our error for a GitPython failure, or None if `exc` is not one."""
    git = _git()
    if isinstance(exc, git.exc.GitCommandNotFound):
        return GitError("git is not installed or not on PATH; it is needed to read history")
    if "dubious ownership" in str(exc):
        return GitError("git refuses to read this repository because it belongs to another "
                        "user (\"dubious ownership\"); run the tool as its owner, or add it to "
                        "git's safe.directory list yourself if you trust it", where)
    if isinstance(exc, git.exc.GitCommandError):
        # GitPython wraps git's stderr as "\n  stderr: '...'"; git's last line says why.
        text = str(exc.stderr or "").strip().removeprefix("stderr: '").removesuffix("'")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return GitError(f"git failed: {escape_path(lines[-1]) if lines else 'no message'}",
                        where)
    return None


@contextmanager
def open_repo(path: str = ".") -> Iterator[Repo]:
    """The repository containing `path`, closed (with its git processes) on exit."""
    git = _git()
    where = escape_path(path)
    try:
        repo = git.Repo(path, search_parent_directories=True)
    except git.exc.NoSuchPathError:
        raise NotFoundError("no such folder", where) from None
    except git.exc.InvalidGitRepositoryError:
        raise GitError("not inside a git repository", where) from None
    try:
        # A cheap first command, so a missing git or a refused repository fails here, clearly.
        repo.git.rev_parse("--git-dir", env=GIT_ENV)
        yield repo
    except (git.exc.CommandError, ValueError) as exc:
        error = _translate(exc, where)
        if error is None:
            raise
        raise error from None
    finally:
        repo.close()


def _shallow_commits(repo: Repo) -> frozenset[str]:
    try:
        with open(os.path.join(repo.common_dir, "shallow"), encoding="ascii") as handle:
            return frozenset(line.strip() for line in handle if line.strip())
    except (OSError, ValueError):
        return frozenset()


def _ref_exists(repo: Repo, full_name: str) -> bool:
    try:
        _git().SymbolicReference.dereference_recursive(repo, full_name)
    except (ValueError, OSError):
        return False
    return True


def _object_id(repo: Repo, ref: str, prefix: str) -> str | None:
    """The full id of the object `prefix` abbreviates, None if there is none."""
    try:
        return str(repo.odb.partial_to_complete_sha_hex(prefix.lower()).hex())
    except _git().exc.BadObject as exc:  # raised for "missing" and "ambiguous" alike
        if "ambiguous" in str(exc.__cause__ or exc):
            raise BadRefError(f"abbreviated id {ref!r} matches several objects: give more "
                              "digits") from None
        return None


def _qualify(repo: Repo, ref: str, name: str) -> str:
    """The one full ref or commit id `name` means; refuses a name that could mean two."""
    if name == "HEAD" or name.startswith("refs/"):
        return name
    found = [full for full in (f"refs/{name}", f"refs/tags/{name}", f"refs/heads/{name}",
                               f"refs/remotes/{name}", f"refs/remotes/{name}/HEAD")
             if _ref_exists(repo, full)]
    if name.isupper() and _ref_exists(repo, name):  # FETCH_HEAD, ORIG_HEAD, ...
        found.insert(0, name)
    object_id = _object_id(repo, ref, name) if is_hex(name) else None
    if object_id:
        found.append(object_id)
    if len(found) > 1:
        # git only warns here, and GitPython silently picks one: a report must not guess.
        raise BadRefError(f"ambiguous ref {ref!r}: it could mean {', '.join(found)}; "
                          f"use a qualified name such as refs/heads/{name} or refs/tags/{name}")
    return found[0] if found else name


def _missing(repo: Repo, ref: str) -> PolicyTrackerError:
    if _shallow_commits(repo):
        return GitError(f"{ref!r} is not in this shallow clone: {SHALLOW_FIX}")
    if not _ref_exists(repo, "HEAD"):
        return BadRefError(f"no commit {ref!r}: this repository has no commits yet")
    return BadRefError(f"no branch, tag or commit {ref!r} in this repository (a deleted "
                       "branch, a force-pushed commit, or history not fetched?)")


def resolve_commit(repo: Repo, ref: str) -> str:
    """The full id of the commit `ref` names (tags peeled); refuses anything else."""
    name, suffix = split_ref(check_ref(ref))
    if is_null(name):
        raise BadRefError(f"{ref!r} is the null id (all zeros), which names no commit; in a "
                          "push event it means the branch is new: compare with its base branch")
    git = _git()
    try:
        obj = repo.rev_parse(_qualify(repo, ref, name) + suffix)
        while obj.type == "tag":
            obj = obj.object
        kind = repo.odb.info(obj.binsha).type  # rev_parse does not prove the object is here
    except (ValueError, IndexError, AttributeError, KeyError, git.exc.ODBError) as exc:
        if "dubious ownership" in str(exc):
            raise _translate(exc, str(repo.working_dir)) or exc from None
        raise _missing(repo, ref) from None
    kind = kind.decode() if isinstance(kind, bytes) else str(kind)
    if kind != "commit":
        raise BadRefError(f"{ref!r} names a {kind}, not a commit")
    return str(obj.hexsha)


def _read_blob(repo: Repo, blob: str, name: str) -> bytes:
    stream = repo.odb.stream(bytes.fromhex(blob))
    if stream.size > MAX_BYTES:
        while stream.read(1 << 20):  # drain in chunks: the cat-file pipe is shared
            pass
        raise LoadError(f"file is larger than the {MAX_BYTES}-byte limit", name)
    return bytes(stream.read())


def _load_blob(repo: Repo, mode: str, blob: str, name: str, cache: DocumentCache) -> Document:
    """Parse the blob behind a tree entry; links and submodules are refused, never read."""
    if mode == "120000":
        raise LoadError("a symbolic link (git mode 120000): links are not followed", name)
    if mode == "160000":
        raise LoadError("a submodule (git mode 160000), not a file", name)
    if mode not in _REGULAR:
        raise LoadError(f"not a regular file (git mode {mode})", name)
    cached = cache.get(blob, name)
    if cached is not None:
        return cached
    document = parse_document(_read_blob(repo, blob, name), name)
    cache.put(blob, document)
    return document


def _spool_log(repo: Repo, args: list[str], folder: bool) -> Spool:
    proc = repo.git.log(*args, as_process=True, env=GIT_ENV)
    try:
        spool = Spool(proc.stdout, folder, _shallow_commits(repo))
    except BaseException:
        proc.proc.kill()  # git may be blocked writing to a pipe nobody reads any more
        proc.proc.wait()
        raise
    try:
        proc.wait()  # raises GitCommandError, with git's message, if git failed
    except BaseException:
        spool.close()
        raise
    return spool


def _revision(repo: Repo, commit_id: str, entry: Entry, cache: DocumentCache,
              wanted: Wanted | None = None) -> Revision:
    """One revision; a file that cannot be loaded becomes `error`, a deleted one has neither,
    one the caller does not want read is `skipped`."""
    commit = _git().Commit(repo, bytes.fromhex(commit_id))
    status, _, path, mode, _, blob = entry
    document, error = None, None
    if status == "D":
        blob = ""
    elif wanted is not None and not wanted(commit_id, path, blob):
        return Revision(commit_id, commit.committed_datetime, commit.authored_datetime,
                        subject_of(commit.message), path, blob, None, None, skipped=True)
    else:
        try:
            document = _load_blob(repo, mode, blob, f"{commit_id[:12]}:{escape_path(path)}",
                                  cache)
        except LoadError as exc:
            error = exc
    return Revision(commit_id, commit.committed_datetime, commit.authored_datetime,
                    subject_of(commit.message), path, blob, document, error)


def _lookup(repo: Repo, commit_id: str, rel: str) -> Any | None:
    """The blob, tree or submodule at `rel` in a commit, or None."""
    try:
        return repo.commit(commit_id).tree / rel
    except KeyError:
        return None
    except ValueError as exc:  # GitPython refuses hostile tree entry names
        raise GitError(f"cannot read the tree of {commit_id[:12]}: {exc}") from None


def _range(repo: Repo, rev: RevRange) -> tuple[str, list[str]]:
    """The newest commit and the commits whose history is left out."""
    new = resolve_commit(repo, rev.new)
    if not rev.old:
        return new, []
    old = resolve_commit(repo, rev.old)
    if rev.merge_base:
        bases = repo.merge_base(old, new)
        if not bases:
            raise BadRefError(f"{rev.old!r} and {rev.new!r} have no common history")
        old = str(bases[0].hexsha)
    return new, [old]


def _note_chain_end(repo: Repo, commit_id: str, path: str, notes: Notes) -> None:
    """A file "added" where another policy file was deleted is likely a rename and rewrite."""
    parents = _git().Commit(repo, bytes.fromhex(commit_id)).parents
    if not parents:
        return
    out = repo.git.diff_tree(*DIFF_OPTIONS, "--no-renames", "--diff-filter=D",
                             parents[0].hexsha, commit_id, env=GIT_ENV, stdout_as_string=False)
    gone = sorted(escape_path(e[1]) for e in raw_entries(out) if is_policy_file(e[1]))
    if gone:
        notes(f"history of {escape_path(path)} starts at {commit_id[:12]}, where it was added "
              f"and {', '.join(gone)} removed: git saw no rename because the content changed "
              "too; read the old path for earlier revisions")


def iter_revisions(repo_dir: str, path: str, rev_range: str | None = None,
                   progress: Progress | None = None, use_cache: bool = True,
                   notes: Notes | None = None,
                   wanted: Wanted | None = None) -> Iterator[Revision]:
    """Each commit that changed the file or folder `path` (relative to the top), oldest first.

    A single file is followed across renames, like `git log --follow`. A folder gives one
    revision per changed policy file (*.yaml, *.yml, *.json) per commit. `rev_range` is
    `A..B` (after A, up to B), `A...B` (after their merge base) or `B`; default HEAD.
    A file that does not load gives `document=None, error=<LoadError>`; a deleted file gives
    `document=None, error=None, blob=""`. `progress(done, total)` follows the iteration;
    `notes` receives remarks such as where a renamed and rewritten file's history stops.
    """
    rel = repo_path(path)
    rev = parse_range(rev_range) if rev_range is not None else RevRange("", "HEAD")
    cache = DocumentCache.default(enabled=use_cache)
    with open_repo(repo_dir) as repo:
        new, excluded = _range(repo, rev)
        tip = _lookup(repo, new, rel) if rel else None
        folder = tip.type == "tree" if tip is not None else not is_policy_file(rel)
        spool = _spool_log(repo, log_args(new, excluded, rel, not folder), folder)
        try:
            if spool.cut_at:
                raise GitError(f"the history of {escape_path(rel or '.')} reaches the start of "
                               f"this shallow clone at {spool.cut_at[:12]}: {SHALLOW_FIX}")
            if not spool.total and tip is None:
                raise NotFoundError(f"no such file or folder in the history of {rev.new}",
                                    escape_path(rel))
            yield from _walk(repo, spool, cache, progress, None if folder else notes, wanted)
        finally:
            spool.close()


def _walk(repo: Repo, spool: Spool, cache: DocumentCache, progress: Progress | None,
          notes: Notes | None, wanted: Wanted | None = None) -> Iterator[Revision]:
    done = 0
    if progress:
        progress(done, spool.total)
    for commit_id, entries in spool.oldest_first():
        if done == 0 and notes and entries[0][0] == "A":
            _note_chain_end(repo, commit_id, entries[0][2], notes)
        for entry in sorted(entries, key=lambda e: e[2]):
            revision = _revision(repo, commit_id, entry, cache, wanted)
            done += 1
            if progress:
                progress(done, spool.total)
            yield revision


def read_document_at(repo_dir: str, ref: str, path: str, use_cache: bool = True) -> Document:
    """The file `path` (relative to the top) as it was at `ref`, named `ref:path`."""
    rel = repo_path(path)
    name = f"{ref}:{escape_path(rel)}"
    if not rel:
        raise NotFoundError("name a file after the ':'", name)
    with open_repo(repo_dir) as repo:
        commit_id = resolve_commit(repo, ref)
        obj = _lookup(repo, commit_id, rel)
        if obj is None:
            raise NotFoundError(f"no such file at {ref} ({commit_id[:12]})", name)
        if obj.type == "tree":
            raise LoadError("a folder, not a file", name)
        mode = "160000" if obj.type == "submodule" else f"{obj.mode:o}"
        cache = DocumentCache.default(enabled=use_cache)
        return _load_blob(repo, mode, str(obj.hexsha), name, cache)


def changed_files(repo_dir: str, base: str, head: str, paths: Iterable[str] = (),
                  merge_base: bool = False) -> tuple[FileChange, ...]:
    """Policy files added, removed, renamed or modified from `base` to `head`, sorted by path.

    `paths` limits the comparison to those files and folders; with `merge_base`, the
    comparison starts from the merge base of the two (as `base...head` does).
    """
    specs = pathspecs(map(repo_path, paths))
    with open_repo(repo_dir) as repo:
        new, (old,) = _range(repo, RevRange(check_ref(base), head, merge_base))
        out = repo.git.diff_tree(*DIFF_OPTIONS, old, new, "--", *specs,
                                 env=GIT_ENV, stdout_as_string=False)
    changes = [file_change(e) for e in map(policy_change, raw_entries(out)) if e]
    return tuple(sorted(changes, key=lambda c: (c.new_path or c.old_path, c.old_path)))


def files_at(repo_dir: str, commit: str, folder: str) -> tuple[str, ...]:
    """The YAML files under `folder` (relative to the top) at `commit`, sorted."""
    rel = repo_path(folder)
    with open_repo(repo_dir) as repo:
        commit_id = resolve_commit(repo, commit)
        tree: Any = _lookup(repo, commit_id, rel) if rel else repo.commit(commit_id).tree
        if tree is None or tree.type != "tree":
            return ()
        paths = [str(getattr(item, "path", "")) for item in tree.traverse()
                 if getattr(item, "type", "") == "blob"]
    return tuple(sorted(p for p in paths if p.endswith((".yaml", ".yml"))))
