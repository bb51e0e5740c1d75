"""Policy files as they stood in git history: the only module that imports GitPython.

Every ref is checked by `refs.check_ref` and resolved with GitPython's pure-Python
`rev_parse`; histories and file contents are read by git's own processes (`gitstream`:
one `git log` per path followed, one `git cat-file --batch` for a whole run). The only git
commands are `log`, `cat-file`, `diff-tree`, `merge-base` and `rev-parse --git-dir`, with
fixed options, full commit ids and literal pathspecs after `--` (see `refs`), so no user text
can become an option. Nothing here writes to the repository: no status, index or config
calls, `GIT_OPTIONAL_LOCKS=0`, and no lazy fetch of a partial clone.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .cache import DocumentCache
from .errors import BadRefError, GitError, LoadError, NotFoundError, PolicyTrackerError
from .load import MAX_BYTES, parse_document
from .gitstream import BlobReader, LogRecord, Spool, read_log, run_git
from .model import Document, FileChange, Revision
from .refs import (
    DIFF_OPTIONS,
    GIT_ENV,
    Entry,
    RevRange,
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
)

if TYPE_CHECKING:
    from git import Repo

__all__ = ["BlobReader", "changed_files", "check_ref", "iter_revisions", "load_blob",
           "open_repo", "parse_operand", "parse_range", "read_document_at", "resolve_commit",
           "tree_files"]

Progress = Callable[[int, int], None]
Wanted = Callable[[str, str, str, "tuple[str, str, str] | None"], bool]
"""`wanted(commit, path, blob, parent)`: False to skip reading a blob the caller has no use
for; `parent` is (commit, path, blob) of the file's state before its first revision."""
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
    repo.git.update_environment(**GIT_ENV)  # GitPython's own cat-file processes too
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


def _refuse_mode(mode: str, name: str) -> LoadError | None:
    """Links and submodules are refused, never read."""
    if mode == "120000":
        return LoadError("a symbolic link (git mode 120000): links are not followed", name)
    if mode == "160000":
        return LoadError("a submodule (git mode 160000), not a file", name)
    if mode not in _REGULAR:
        return LoadError(f"not a regular file (git mode {mode})", name)
    return None


def load_blob(reader: BlobReader, mode: str, blob: str, name: str,
              cache: DocumentCache) -> Document:
    """Parse the blob behind a tree entry; links and submodules are refused, never read."""
    ((document, error),) = _load_all(reader, [(mode, blob, name)], cache)
    if error is not None:
        raise error
    assert document is not None
    return document


Job = tuple[str, str, str]
"""A blob to load: its mode, its id and its name in messages."""
Loaded = tuple[Document | None, LoadError | None]
_ASKED_AT_ONCE = 1000  # 41 bytes a request: never more than a pipe holds, so no deadlock


def _load_all(reader: BlobReader, jobs: list[Job], cache: DocumentCache) -> list[Loaded]:
    """Each job's document or load error."""
    return list(_iter_loaded(reader, jobs, cache))


def _iter_loaded(reader: BlobReader, jobs: list[Job], cache: DocumentCache
                 ) -> Iterator[Loaded]:
    """Each job's document or load error, in order, each parsed only when the caller comes
    to it (a commit that touches 4,000 files never holds 4,000 parsed files); the blobs not in
    the cache are asked of git a thousand at a time (git inflates the next while one is
    parsed). The caller takes them all, or stops using the reader."""
    for start in range(0, len(jobs), _ASKED_AT_ONCE):
        chunk = jobs[start:start + _ASKED_AT_ONCE]
        found: list[Loaded | None] = []
        for mode, blob, name in chunk:
            refused = _refuse_mode(mode, name)
            cached = cache.get(blob, name) if refused is None else None
            found.append((cached, refused) if refused is not None or cached is not None
                         else None)
        asked = [job[1] for job, done in zip(chunk, found) if done is None]
        if asked:
            reader.ask(asked)
        for (_, blob, name), done in zip(chunk, found):
            if done is not None:
                yield done
                continue
            try:
                document = parse_document(reader.answer(blob, name, MAX_BYTES), name)
            except LoadError as exc:
                yield None, exc
                continue
            cache.put(blob, document)
            yield document, None


def _revisions(reader: BlobReader, record: LogRecord, entries: list[tuple[Entry, bool]],
               cache: DocumentCache, wanted: Wanted | None) -> Iterator[Revision]:
    """The revisions of one commit (each entry with whether it is its file's first).

    A file that cannot be loaded becomes `error`, a deleted one has neither, one the caller
    does not want read is `skipped`. The first revision of a file that existed before it
    (the start of a range, or a rename) carries that earlier state as `parent_*` (its
    document read only when the revision itself is, or is a deletion and nothing is skipped
    (`wanted` is None))."""
    when: dict[str, Any] = {"commit": record.commit, "committed": record.committed_at(),
                            "authored": record.authored_at(), "subject": record.subject}
    plans: list[tuple[dict[str, Any], int, int]] = []
    jobs: list[Job] = []
    for (status, old_path, path, mode, old_blob, blob), first in entries:
        fields: dict[str, Any] = {**when, "path": path, "blob": "" if status == "D" else blob,
                                  "document": None}
        parent = (record.parent, old_path, old_blob) \
            if first and record.parent and not is_null(old_blob) else None
        if parent is not None:
            fields.update(parent=record.parent, parent_path=old_path, parent_blob=old_blob)
        read = status != "D" and (wanted is None or wanted(record.commit, path, blob, parent))
        fields["skipped"] = status != "D" and not read
        own = parent_job = -1
        # A deletion's parent is read here only for callers that skip nothing; one that
        # does reads it when a comparison needs it (a cached one does not).
        if parent is not None and (read or (status == "D" and wanted is None)):
            parent_job = len(jobs)
            jobs.append(("100644", old_blob, f"{record.parent[:12]}:{escape_path(old_path)}"))
        if read:
            own = len(jobs)
            jobs.append((mode, blob, f"{record.commit[:12]}:{escape_path(path)}"))
        plans.append((fields, own, parent_job))
    loaded = _iter_loaded(reader, jobs, cache)
    for fields, own, parent_job in plans:
        # In job order: a file's parent was asked for before the file itself.
        if parent_job >= 0:
            fields["parent_document"], fields["parent_error"] = next(loaded)
        if own >= 0:
            fields["document"], fields["error"] = next(loaded)
        revision = Revision(**fields)
        fields.clear()  # the plan must not keep the document once it is handed on
        yield revision


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


MAX_RENAMES = 1000


def _renamed_from(git_dir: str, record: LogRecord, path: str,
                  notes: Notes | None) -> Entry | None:
    """The rename (an `R` entry) that made `path` in `record`, the commit that added it.

    A rename is what `git diff-tree -M` pairs in that one commit: the old path deleted there
    and the new one at least 50% similar. A copy (the old path kept) is never followed, so a
    file deleted and later recreated continues its own history, never another file's.
    """
    out = run_git(git_dir, "diff-tree", *DIFF_OPTIONS, record.parent, record.commit)
    entries = raw_entries(out)
    for entry in entries:
        if entry[0] == "R" and entry[2] == path and is_policy_file(entry[1]):
            return entry
    gone = sorted(escape_path(e[1]) for e in entries if e[0] == "D" and is_policy_file(e[1]))
    if gone and notes:
        notes(f"history of {escape_path(path)} starts at {record.commit[:12]}, where it was "
              f"added and {', '.join(gone)} removed: git saw no rename because the content "
              "changed too; read the old path for earlier revisions")
    return None


class _Follow:
    """Stops a file's log at the commit that renamed it there, remembering the old path."""

    def __init__(self, git_dir: str, path: str, notes: Notes | None) -> None:
        self.git_dir, self.path, self.notes = git_dir, path, notes
        self.rename: tuple[str, Entry] | None = None

    def __call__(self, record: LogRecord) -> bool:
        if not record.parent or not any(e[0] == "A" for e in record.entries):
            return False
        found = _renamed_from(self.git_dir, record, self.path, self.notes)
        self.rename = (record.commit, found) if found else None
        return found is not None


def _history(git_dir: str, new: str, excluded: list[str], rel: str, folder: bool,
             shallow: frozenset[str], notes: Notes | None,
             where: str) -> tuple[list[Spool], dict[str, Entry]]:
    """The logs of `rel` and of the paths it was renamed from, oldest first, and the
    rename entry of each commit that renamed it (its log says only "added")."""
    spools: list[Spool] = []
    renames: dict[str, Entry] = {}
    upper, current = new, rel
    try:
        for _ in range(MAX_RENAMES):
            follow = None if folder else _Follow(git_dir, current, notes)
            spool = read_log(git_dir, log_args(upper, excluded, current), folder, shallow,
                             where, follow)
            spools.append(spool)
            if follow is None or follow.rename is None or spool.cut_at \
                    or spool.oldest is None:
                break
            commit, entry = follow.rename
            renames[commit] = entry
            upper, current = spool.oldest.parent, entry[1]
    except BaseException:
        for spool in spools:
            spool.close()
        raise
    return spools[::-1], renames


def iter_revisions(repo_dir: str, path: str, rev_range: str | None = None,
                   progress: Progress | None = None, use_cache: bool = True,
                   notes: Notes | None = None,
                   wanted: Wanted | None = None) -> Iterator[Revision]:
    """Each commit that changed the file or folder `path` (relative to the top), oldest first.

    A single file is followed across renames (see `_renamed_from`: renames, never copies).
    A folder gives one revision per changed policy file (*.yaml, *.yml, *.json) per commit.
    `rev_range` is `A..B` (after A, up to B), `A...B` (after their merge base) or `B`;
    default HEAD. A file that does not load gives `document=None, error=<LoadError>`; a
    deleted file gives `document=None, error=None, blob=""`. The first revision of each file
    carries the file as it stood in its commit's parent (`parent_*`), when it existed there.
    `progress(done, total)` follows the iteration; `notes` receives remarks such as where a
    renamed and rewritten file's history stops.
    """
    rel = repo_path(path)
    rev = parse_range(rev_range) if rev_range is not None else RevRange("", "HEAD")
    with open_repo(repo_dir) as repo:
        new, excluded = _range(repo, rev)
        tip = _lookup(repo, new, rel) if rel else None
        folder = tip.type == "tree" if tip is not None else not is_policy_file(rel)
        git_dir, shallow = str(repo.git_dir), _shallow_commits(repo)
    spools, renames = _history(git_dir, new, excluded, rel, folder, shallow,
                               None if folder else notes, escape_path(repo_dir))
    try:
        cut = next((s.cut_at for s in spools if s.cut_at), "")
        if cut:
            raise GitError(f"the history of {escape_path(rel or '.')} reaches the start of "
                           f"this shallow clone at {cut[:12]}: {SHALLOW_FIX}")
        total = sum(s.total for s in spools)
        if not total and tip is None:
            raise NotFoundError(f"no such file or folder in the history of {rev.new}",
                                escape_path(rel))
        with DocumentCache.default(enabled=use_cache) as cache, BlobReader(git_dir) as reader:
            yield from _walk(reader, spools, renames, cache, progress, wanted, total, folder)
    finally:
        for spool in spools:
            spool.close()


def _walk(reader: BlobReader, spools: list[Spool], renames: dict[str, Entry],
          cache: DocumentCache, progress: Progress | None, wanted: Wanted | None, total: int,
          folder: bool) -> Iterator[Revision]:
    done = 0
    if progress:
        progress(done, total)
    seen: set[str] = set()
    for spool in spools:
        for record in spool.oldest_first():
            entries = (renames[record.commit],) if record.commit in renames else record.entries
            marked = []
            for entry in sorted(entries, key=lambda e: e[2]):
                chain = entry[2] if folder else ""
                marked.append((entry, chain not in seen))
                seen.add(chain)
            for revision in _revisions(reader, record, marked, cache, wanted):
                done += 1
                if progress:
                    progress(done, total)
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
        blob, git_dir = str(obj.hexsha), str(repo.git_dir)
    with DocumentCache.default(enabled=use_cache) as cache, BlobReader(git_dir) as reader:
        return load_blob(reader, mode, blob, name, cache)


def tree_files(repo_dir: str, ref: str, name: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """The git directory, and every file called `name` in the tree of `ref`: path to (mode,
    blob), from one `git ls-tree` (so a catalogue per folder costs no process of its own)."""
    with open_repo(repo_dir) as repo:
        commit_id, git_dir = resolve_commit(repo, ref), str(repo.git_dir)
    out = run_git(git_dir, "ls-tree", "-r", "-z", "--full-tree", commit_id)
    found: dict[str, tuple[str, str]] = {}
    for item in out.split(b"\0"):
        head, _, raw_path = item.partition(b"\t")
        path = raw_path.decode("utf-8", "surrogateescape")
        if posixpath.basename(path) == name:
            mode, _, blob = head.decode("ascii").split(" ")
            found[path] = (mode, blob)
    return git_dir, found


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
