"""A checked policy kept whole between runs: `list`, `diff` and `report` of a policy folder
whose files have not changed skip parsing, checking and building it again (most of what those
commands spend on the bundled data). What is worked out from such a policy alone (a report's
comparisons, histories and rules in force for given dates and tracks) can be kept beside it,
under the policy's key and a name for the question asked (`derived_key`).

An entry is found by a digest of everything the loaded policy depends on: every file of the
folder (path and bytes, `store._stamp`), where the folder is and the current folder (files
are named relative to it in messages), the YAML back-end, Python's version and the package's
own files (name, size, modification time: an upgraded or edited tool never reads an entry
an older one wrote). Only a policy without problems is kept: a folder with problems is
checked again, so every run reports them.

Trust: an entry is a pickle, and unpickling can run code, so an entry is read only from a
folder and a file that belong to the user running the tool and that nobody else may write
(the rule Jinja2 applies to its own cache of compiled templates, kept in the same folder).
The cache is an optimisation: any failure to read or write it is silent, and the folder may
be deleted at any time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys

from typing import Any, TypeVar

from .cachedir import owned_privately
from .tempfiles import create_exclusive

T = TypeVar("T")

FORMAT = "1"
MAX_ENTRY = 64 * 1024 * 1024
KEEP = 16
"""Entries kept; the oldest beyond this are removed when one is written."""
_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def entry_key(stamp: str, folder: str) -> str:
    """The digest naming the entry for a folder whose files have the digest `stamp`."""
    digest = hashlib.sha256()
    for part in (FORMAT, stamp, os.path.abspath(folder), os.getcwd(), sys.version,
                 os.environ.get("POLICY_TRACKER_YAML", ""), _code_stamp()):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def derived_key(key: str, question: str) -> str:
    """The key of what was worked out from the policy kept under `key` for `question`."""
    return hashlib.sha256(f"{key}\0{question}".encode("utf-8", "surrogateescape")).hexdigest()


def _code_stamp() -> str:
    """Name, size and modification time of every file of the package (its data included)."""
    parts: list[str] = []
    for here, dirs, files in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            with contextlib.suppress(OSError):
                info = os.stat(os.path.join(here, name))
                parts.append(f"{os.path.relpath(os.path.join(here, name), _PACKAGE)}"
                             f"\0{info.st_size}\0{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _folder(cache_dir: str) -> str:
    return os.path.join(cache_dir, f"policies-{FORMAT}")


def get(cache_dir: str, key: str, kind: type[T]) -> T | None:
    """The `kind` of value kept under `key`, or None (absent, not trusted, damaged, unreadable
    or of another kind)."""
    folder = _folder(cache_dir)
    try:
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode) or not owned_privately(info):
            return None
        fd = os.open(os.path.join(folder, key), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not owned_privately(info) \
                or info.st_size > MAX_ENTRY:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_ENTRY + 1)
        value: Any = pickle.loads(data)  # noqa: S301 - trusted as the module's docstring says
    except Exception:  # noqa: BLE001 - a damaged entry is a miss, whatever it raises
        return None
    finally:
        os.close(fd)
    return value if isinstance(value, kind) else None


def put(cache_dir: str, key: str, value: object) -> None:
    """Keep `value` under `key` (written whole or not at all), dropping the oldest entries."""
    folder = _folder(cache_dir)
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        if len(data) > MAX_ENTRY:
            return
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.lstat(folder)
        if not stat.S_ISDIR(info.st_mode) or not owned_privately(info):
            return
        fd, temp = create_exclusive(folder, ".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, os.path.join(folder, key))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        _prune(folder)
    except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
        return


def _prune(folder: str) -> None:
    entries = []
    with os.scandir(folder) as found:
        for entry in found:
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False) and not entry.name.startswith("."):
                    entries.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.path))
    for _, path in sorted(entries, reverse=True)[KEEP:]:
        with contextlib.suppress(OSError):
            os.unlink(path)
