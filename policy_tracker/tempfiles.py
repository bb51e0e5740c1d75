"""New files with unpredictable names, created exclusively, as `tempfile.mkstemp` creates them
(mode 0600, never following a link, never reusing a name), without importing `tempfile`:
that imports shutil, random, bz2 and lzma, several milliseconds of a short command's start."""

from __future__ import annotations

import os

_FLAGS = (os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
          | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


def create_exclusive(folder: str, prefix: str, suffix: str = "") -> tuple[int, str]:
    """An open descriptor and the path of a new empty file in `folder`; OSError if none can
    be made (FileExistsError after 100 names already taken)."""
    for _ in range(100):
        path = os.path.join(folder, f"{prefix}{os.urandom(8).hex()}{suffix}")
        try:
            return os.open(path, _FLAGS, 0o600), path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free name in {folder}")
