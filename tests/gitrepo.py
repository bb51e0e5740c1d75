"""Throwaway git repositories for tests, built with the git command line.

Every command runs with the user's and the system's git configuration switched off, a fixed
identity and explicit dates, so the repositories are the same on every machine. These
helpers are for tests only: they write to the repositories they build.
"""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

AUTHOR = ("-c", "user.name=Test Author", "-c", "user.email=author@example.com")
DEFAULT_DATE = "2024-01-01T12:00:00+00:00"


def git_env(date: str = DEFAULT_DATE, author_date: str | None = None) -> dict[str, str]:
    """An environment for git that ignores the machine's configuration."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_DATE=author_date or date, GIT_COMMITTER_DATE=date, LC_ALL="C")
    return env


def git(repo: Path | str, *args: str, date: str = DEFAULT_DATE, author_date: str | None = None,
        check: bool = True) -> str:
    """Run git in `repo`; its stdout, stripped."""
    done = subprocess.run(["git", *AUTHOR, "-c", "commit.gpgsign=false",
                           "-c", "init.defaultBranch=main", *args],
                          cwd=repo, env=git_env(date, author_date), capture_output=True,
                          check=False)
    if check and done.returncode:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr.decode()}")
    return done.stdout.decode("utf-8", "surrogateescape").strip()


def init_repo(path: Path) -> Path:
    """An empty repository at `path` (created if needed), on branch main."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    return path


def write(repo: Path, rel: str | bytes, content: str | bytes) -> Path:
    """Write a file in the work tree (a bytes path may be any bytes git accepts)."""
    target = Path(os.fsdecode(os.path.join(os.fsencode(repo), os.fsencode(rel))))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return target


def commit(repo: Path, files: Mapping[str, str | bytes | None], message: str,
           date: str = DEFAULT_DATE, author_date: str | None = None) -> str:
    """Write (or, for None, delete) files, commit everything; the new commit's full id."""
    for rel, content in files.items():
        if content is None:
            git(repo, "rm", "-q", "--", rel)
        else:
            write(repo, rel, content)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message, date=date,
        author_date=author_date)
    return git(repo, "rev-parse", "HEAD")


def fast_history(repo: Path, path: str, versions: Iterable[bytes],
                 start: int = 1_600_000_000) -> int:
    """Commit each of `versions` at `path` on main, one minute apart, with git fast-import
    (a packed history of hundreds of commits in a second). The number of commits."""
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=repo, env=git_env(),
                            stdin=subprocess.PIPE)
    assert proc.stdin is not None
    count = 0
    for count, data in enumerate(versions, 1):
        when = f"{start + 60 * count} +0000"
        message = f"version {count}".encode()
        proc.stdin.write(b"commit refs/heads/main\nmark :%d\n" % count
                         + f"author A <a@example.com> {when}\n".encode()
                         + f"committer C <c@example.com> {when}\n".encode()
                         + b"data %d\n%s\n" % (len(message), message)
                         + (b"from :%d\n" % (count - 1) if count > 1 else b"")
                         + f"M 100644 inline {path}\n".encode()
                         + b"data %d\n%s\n" % (len(data), data))
    proc.stdin.close()
    if proc.wait():
        raise AssertionError("git fast-import failed")
    return count


def blob_id(repo: Path, ref_path: str) -> str:
    """The blob id of `REF:path`."""
    return git(repo, "rev-parse", ref_path)


def hash_bytes(data: bytes) -> str:
    """The git blob id of some bytes (SHA-1 repositories)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def fingerprint(repo: Path) -> dict[str, tuple[str, int]]:
    """sha256 and mtime of every file under .git (index included), to prove nothing wrote."""
    out: dict[str, tuple[str, int]] = {}
    gitdir = Path(repo) / ".git"
    for folder, dirs, files in os.walk(gitdir):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(folder, name)
            info = os.lstat(full)
            data = b"" if os.path.islink(full) else Path(full).read_bytes()
            out[os.path.relpath(full, gitdir)] = (hashlib.sha256(data).hexdigest(),
                                                  info.st_mtime_ns)
    return out


def replay_corpus(folder: Path | str, repo_dir: Path | str) -> list[str]:
    """Commit each version `NNN.yaml` of a corpus folder, in order, at the path and with the
    commit date its `manifest.csv` gives; one commit per version. The new commit ids."""
    folder, repo = Path(folder), Path(repo_dir)
    if not (repo / ".git").exists():
        init_repo(repo)
    with open(folder / "manifest.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    commits, previous = [], ""
    for row in rows:
        path = row["path"]
        content = (folder / f"{row['seq']}.yaml").read_bytes()
        changes: dict[str, str | bytes | None] = {path: content}
        if previous and previous != path:
            changes = {previous: None, **changes}
        message = f"version {row['seq']} (upstream {row['commit'][:12]})"
        commits.append(commit(repo, changes, message, date=row["commit_date"]))
        previous = path
    return commits
