"""Git's own processes read as streams: one `git log` gives every commit's id, parent, dates,
subject and changed paths; one `git cat-file --batch` gives every blob.

No GitPython object is made per commit or per blob, so a history of 80,000 file revisions
costs what git costs to list and inflate them. Faults of the repository (a corrupted object,
a `cat-file` that dies, a blob a partial clone never fetched) are `GitError`s (exit 3) that
name the object and the path, never a closed pipe taken for the end of the output.
Lazy fetches of a partial clone are switched off (`GIT_ALLOW_PROTOCOL` allows no transport),
so reading never writes to the repository, not even into its object store.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from .errors import GitError, LoadError
from .refs import GIT_ENV, LOG_OPTIONS, Entry, escape_path, policy_change, raw_entry, raw_fields

# Commit id and parents, then committer date, author date and subject, each a -z field.
LOG_FORMAT = LOG_OPTIONS[-1]


def git_environment() -> dict[str, str]:
    """The environment of every git process we start."""
    return dict(os.environ, **GIT_ENV, GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0")


def _popen(args: Sequence[str], **kwargs: object) -> subprocess.Popen[bytes]:
    """Start git (one place, so tests can see every command line)."""
    return subprocess.Popen(list(args), **kwargs)  # type: ignore[call-overload,no-any-return]


def _last_line(handle: IO[bytes]) -> str:
    handle.seek(0)
    lines = [line.strip() for line in handle.read()[-4096:].splitlines() if line.strip()]
    return escape_path(lines[-1].decode("utf-8", "replace")) if lines else "no message"


@dataclass(frozen=True)
class LogRecord:
    """One commit of a `git log`: what it changed under the pathspec, and when and why."""

    commit: str
    parent: str
    committed: str
    authored: str
    subject: str
    entries: tuple[Entry, ...]

    def committed_at(self) -> dt.datetime:
        """The commit date with its offset (`%cI`)."""
        return dt.datetime.fromisoformat(self.committed)

    def authored_at(self) -> dt.datetime:
        """The author date with its offset (`%aI`)."""
        return dt.datetime.fromisoformat(self.authored)


def log_records(fields: Iterable[bytes]) -> Iterator[LogRecord]:
    """Records from `git log -z --raw` output in `LOG_FORMAT`; the fields after an id are
    read by position, so a subject that looks like an id or an entry cannot confuse it."""
    it = iter(fields)
    head: list[str] = []
    entries: list[Entry] = []
    for field in it:
        text = field.lstrip(b"\n")
        if text.startswith(b":") and head:
            entries.append(raw_entry(field, it))
            continue
        if not text.strip():
            continue
        if head:
            yield _record(head, entries)
        ids = text.decode("ascii").split()
        committed, authored = next(it).decode("ascii"), next(it).decode("ascii")
        subject = " ".join(next(it).decode("utf-8", "replace").split())
        head, entries = [ids[0], ids[1] if len(ids) > 1 else "", committed, authored,
                         subject], []
    if head:
        yield _record(head, entries)


def _record(head: list[str], entries: list[Entry]) -> LogRecord:
    return LogRecord(head[0], head[1], head[2], head[3], head[4], tuple(entries))


Stop = Callable[[LogRecord], bool]
"""`stop(record)`: True to end the log after this record (the rest is not read)."""


class Spool:
    """A newest-first `git log` on disk, read back oldest first: memory stays flat however
    long the history. `cut_at` is the first commit at a shallow clone's boundary, if any;
    `stopped` says whether `stop` ended the log early."""

    def __init__(self, records: Iterable[LogRecord], folder: bool, shallow: frozenset[str],
                 stop: Stop | None = None) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self.offsets = array("q")
        self.total = 0
        self.cut_at = ""
        self.stopped = False
        self.oldest: LogRecord | None = None
        try:
            for record in records:
                kept = [e for e in map(policy_change, record.entries) if e] if folder \
                    else list(record.entries)
                if not kept:
                    continue
                self.cut_at = self.cut_at or (record.commit if record.commit in shallow else "")
                self.offsets.append(self.file.tell())
                row = [record.commit, record.parent, record.committed, record.authored,
                       record.subject, kept]
                self.file.write(json.dumps(row, ensure_ascii=True).encode("ascii") + b"\n")
                self.total += len(kept)
                self.oldest = LogRecord(record.commit, record.parent, record.committed,
                                        record.authored, record.subject, tuple(kept))
                if stop is not None and stop(self.oldest):
                    self.stopped = True
                    break
        except BaseException:
            self.close()
            raise

    def oldest_first(self) -> Iterator[LogRecord]:
        """The records from the oldest commit to the newest."""
        for offset in reversed(self.offsets):
            self.file.seek(offset)
            commit, parent, committed, authored, subject, entries = json.loads(
                self.file.readline())
            yield LogRecord(commit, parent, committed, authored, subject,
                            tuple((e[0], e[1], e[2], e[3], e[4], e[5]) for e in entries))

    def close(self) -> None:
        """Delete the spool file."""
        self.file.close()


def read_log(git_dir: str, args: Sequence[str], folder: bool, shallow: frozenset[str],
             where: str = "", stop: Stop | None = None) -> Spool:
    """Run `git log ARGS` and spool its records (up to the one `stop` accepts); a failing
    git is a GitError with its words."""
    errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed below
    try:
        proc = _popen(["git", "--git-dir", git_dir, "log", *args], stdin=subprocess.DEVNULL,
                      stdout=subprocess.PIPE, stderr=errors, cwd=git_dir,
                      env=git_environment())
        assert proc.stdout is not None
        try:
            spool = Spool(log_records(raw_fields(proc.stdout)), folder, shallow, stop)
            if spool.stopped:
                proc.kill()  # the rest of the log is not wanted; git may be blocked writing
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            proc.stdout.close()
        if proc.wait() != 0 and not spool.stopped:
            spool.close()
            raise GitError(f"git failed: {_last_line(errors)}", where)
        return spool
    finally:
        errors.close()


def run_git(git_dir: str, *args: str, where: str = "") -> bytes:
    """The output of a short git command; a failing git is a GitError with its words."""
    proc = _popen(["git", "--git-dir", git_dir, *args], stdin=subprocess.DEVNULL,
                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=git_dir,
                  env=git_environment())
    out, err = proc.communicate()
    if proc.returncode != 0:
        lines = [line for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
        raise GitError("git failed: "
                       f"{escape_path(lines[-1].strip()) if lines else 'no message'}", where)
    return out


PARTIAL_CLONE_FIX = ("the clone was made with --filter and its remote cannot be asked "
                     "(this tool never fetches); fetch the blobs first, e.g. git fetch "
                     "--refetch, or use a full clone")


class BlobReader:
    """One `git cat-file --batch` process for a whole run (blobs, then nothing else)."""

    def __init__(self, git_dir: str) -> None:
        self.git_dir = git_dir
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed by __exit__
        self.errors_seen = 0
        self.proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        if self.proc is None:
            self.proc = _popen(["git", "--git-dir", self.git_dir, "cat-file", "--batch"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=self.errors, cwd=self.git_dir, env=git_environment())
        return self.proc

    def read(self, blob: str, name: str, limit: int) -> bytes:
        """The bytes of `blob` (shown as `name` in errors); LoadError when over `limit`."""
        self.ask([blob])
        return self.answer(blob, name, limit)

    def ask(self, blobs: Sequence[str]) -> None:
        """Request blobs; `answer` each of them, in the same order, before asking again."""
        proc = self._start()
        assert proc.stdin is not None
        try:
            proc.stdin.write("".join(f"{blob}\n" for blob in blobs).encode("ascii"))
            proc.stdin.flush()
        except (OSError, ValueError):
            pass  # git has died: `answer`, which knows each path, says which object failed

    def answer(self, blob: str, name: str, limit: int) -> bytes:
        """The bytes of the next blob asked for, `blob`; LoadError when over `limit`."""
        proc = self._start()
        assert proc.stdout is not None
        try:
            header = proc.stdout.readline()
        except (OSError, ValueError):
            raise self._fault(blob, name) from None
        parts = header.split()
        if len(parts) == 2 and parts[1] == b"missing":
            raise self._missing(blob, name)
        if len(parts) != 3 or parts[0] != blob.encode("ascii") or not parts[2].isdigit():
            raise self._fault(blob, name)
        size = int(parts[2])
        if size > limit:
            self._skip(size + 1, blob, name)
            raise LoadError(f"file is larger than the {limit}-byte limit", name)
        data = proc.stdout.read(size + 1)
        if len(data) != size + 1 or not data.endswith(b"\n"):
            raise self._fault(blob, name)
        if parts[1] != b"blob":
            raise LoadError(f"not a file (git object type {parts[1].decode('ascii', 'replace')})",
                            name)
        return data[:-1]

    def _missing(self, blob: str, name: str) -> GitError:
        """git says "missing" for an object it cannot find and for one it cannot inflate
        (it says why on its standard error): tell the three cases apart."""
        if os.fstat(self.errors.fileno()).st_size > self.errors_seen:
            self.errors_seen = os.fstat(self.errors.fileno()).st_size
            return GitError(f"cannot read object {blob} ({_last_line(self.errors)}): the "
                            "repository is damaged; run git fsck", name)
        if self._partial_clone():
            return GitError(f"blob {blob} is not in this partial clone: {PARTIAL_CLONE_FIX}",
                            name)
        return GitError(f"blob {blob} is missing from the repository: it is damaged; run "
                        "git fsck", name)

    def _partial_clone(self) -> bool:
        """Whether the repository is a partial clone (it has promisor packs)."""
        common = self.git_dir
        with contextlib.suppress(OSError), \
                open(os.path.join(self.git_dir, "commondir"), encoding="utf-8") as handle:
            common = os.path.join(self.git_dir, handle.read().strip())
        try:
            names = os.listdir(os.path.join(common, "objects", "pack"))
        except OSError:
            return False
        return any(name.endswith(".promisor") for name in names)

    def _skip(self, count: int, blob: str, name: str) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        while count > 0:  # drain in chunks: the pipe is shared by every later read
            chunk = self.proc.stdout.read(min(count, 1 << 20))
            if not chunk:
                raise self._fault(blob, name)
            count -= len(chunk)

    def _fault(self, blob: str, name: str) -> GitError:
        """git stopped answering: the object cannot be read (corrupt, or git died)."""
        self.close()
        why = _last_line(self.errors)
        if "promisor" in why or self._partial_clone():
            return GitError(f"blob {blob} is not in this partial clone ({why}): "
                            f"{PARTIAL_CLONE_FIX}", name)
        return GitError(f"cannot read object {blob} from the repository ({why}); the "
                        "repository may be damaged: run git fsck", name)

    def close(self) -> None:
        """Stop git (it ends when its input closes) and release the pipes."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        self.errors.close()
