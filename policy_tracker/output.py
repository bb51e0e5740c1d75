"""Writing results: whole files replaced atomically, never a partial file, never an input."""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from collections.abc import Iterable

from .errors import InputError, OutputClosed, OutputError
import contextlib


def write_atomic(path: str, text: str, inputs: Iterable[str] = ()) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename."""
    _refuse_inputs(path, inputs)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise OutputError("is a directory", path)
    if not os.path.isdir(folder):
        raise OutputError("the output folder does not exist or is not a folder", path)
    data = text.encode("utf-8", "backslashreplace")
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".policy-tracker-", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", path) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as exc:
        _unlink(temp)
        raise OutputError(f"cannot write: {exc.strerror or exc}", path) from None
    except BaseException:
        _unlink(temp)
        raise
    _sync_folder(folder)


def _refuse_inputs(path: str, inputs: Iterable[str]) -> None:
    target = os.path.realpath(path)
    for item in inputs:
        if item and os.path.exists(item) and (os.path.realpath(item) == target or (
                os.path.exists(path) and os.path.samefile(item, path))):
            raise InputError("the output file is one of the inputs; choose another path", path)


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _sync_folder(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_stdout(text: str) -> None:
    """Write to standard output; a full disk is an OutputError, a closed pipe is left to the
    caller (BrokenPipeError)."""
    data = text.encode("utf-8", "backslashreplace")
    stream = sys.stdout.buffer if hasattr(sys.stdout, "buffer") else None
    try:
        if stream is None:
            sys.stdout.write(data.decode("utf-8"))
            sys.stdout.flush()
        else:
            stream.write(data)
            stream.flush()
    except OSError as exc:
        detach_stdout()
        if exc.errno == errno.EPIPE or isinstance(exc, BrokenPipeError):
            # Not an OSError any more: click would turn that into exit status 1.
            raise OutputClosed("standard output was closed", "<stdout>") from None
        raise OutputError(f"cannot write: {exc.strerror or exc}", "<stdout>") from None


def detach_stdout() -> None:
    """Point standard output at /dev/null after a failed write, so that Python's own flush at
    exit does not fail a second time (and print a second error)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def append_text(path: str, text: str) -> None:
    """Add `text` to the end of `path` (a CI job summary), replacing the file atomically."""
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            existing = handle.read()
    except FileNotFoundError:
        existing = ""
    except OSError as exc:
        raise OutputError(f"cannot read: {exc.strerror}", path) from None
    write_atomic(path, existing + text)
