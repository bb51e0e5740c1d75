"""Writing results: whole files replaced atomically, never a partial file, never an input.

What `-o PATH` does depends on what is at PATH (README, "Output files"):
- nothing, or a regular file: a temporary file in the same folder, then a rename; a replaced
  file keeps its mode and, where the process may set them, its owner and group;
- a symbolic link: it is resolved and its target replaced the same way (never the link);
- a regular file with other hard links: refused, since a rename would split the links and
  writing in place could leave a partial file;
- a character device or a FIFO with a reader (`/dev/null`, a terminal, `>(gzip)`): written
  through; a FIFO nobody reads is refused at once, never waited on;
- a socket, a block device or a folder: refused.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import sys
from collections.abc import Iterable, Iterator
from types import FrameType

from .tempfiles import create_exclusive
from .errors import InputError, OutputClosed, OutputError

# Temporary files being written now: a signal that ends the process removes them first.
_PENDING: set[str] = set()
_ENDING_SIGNALS = ("SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGXCPU",
                   "SIGVTALRM", "SIGPROF")


def write_atomic(path: str, text: str, inputs: Iterable[str] = ()) -> None:
    """Write `text` to `path` as the module docstring says (atomically for regular files)."""
    if not path:
        raise InputError("the output path is empty; name a file, or '-' for standard output")
    _refuse_inputs(path, inputs)
    data = text.encode("utf-8", "backslashreplace")
    info = _stat(path)
    if info is not None and not stat.S_ISREG(info.st_mode) or _is_descriptor(path):
        _write_through(path, data, info)
        return
    target = os.path.realpath(path) if os.path.islink(path) else path
    _replace(target, path, data, info)


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", path) from None


def _is_descriptor(path: str) -> bool:
    """`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`: an open file of this process, written
    through (replacing the file it names would leave the process's own descriptor behind)."""
    full = os.path.abspath(path)
    return full in ("/dev/stdout", "/dev/stderr") or full.startswith(("/dev/fd/", "/proc/"))


def _replace(target: str, shown: str, data: bytes, info: os.stat_result | None) -> None:
    folder = os.path.dirname(os.path.abspath(target))
    if os.path.isdir(target):
        raise OutputError("is a directory", shown)
    if not os.path.isdir(folder):
        raise OutputError("the output folder does not exist or is not a folder", shown)
    if info is not None and info.st_nlink > 1:
        raise InputError(f"the output file has {info.st_nlink} hard links, which replacing it "
                         "would split; remove it first or choose another path", shown)
    with _pending(folder, shown) as (fd, temp):
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                _keep_identity(handle.fileno(), info)
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except OSError as exc:
            raise OutputError(f"cannot write: {exc.strerror or exc}", shown) from None
    _sync_folder(folder)


@contextlib.contextmanager
def _pending(folder: str, shown: str) -> Iterator[tuple[int, str]]:
    """A new temporary file, registered for removal on a signal before anything can end the
    process (the signals are blocked until it is registered); removed unless renamed."""
    blocked = {getattr(signal, name) for name in _ENDING_SIGNALS if hasattr(signal, name)}
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        fd, temp = create_exclusive(folder, ".policy-tracker-", ".tmp")
        _PENDING.add(temp)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", shown) from None
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
    try:
        yield fd, temp
    except BaseException:
        _unlink(temp)
        raise
    finally:
        _PENDING.discard(temp)


def _keep_identity(fd: int, info: os.stat_result | None) -> None:
    """The mode of the file replaced (or the umask's default), and its owner and group where
    this process may set them (ownership first: changing it clears set-id bits)."""
    if info is None:
        mask = os.umask(0o022)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)
        return
    if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
        for uid, gid in ((info.st_uid, info.st_gid), (-1, info.st_gid)):
            try:
                os.fchown(fd, uid, gid)
                break
            except OSError:
                continue
    os.fchmod(fd, stat.S_IMODE(info.st_mode))


def _write_through(path: str, data: bytes, info: os.stat_result | None) -> None:
    """Write to a device, a FIFO or an open descriptor of this process, without waiting."""
    mode = info.st_mode if info is not None else 0
    if stat.S_ISDIR(mode):
        raise OutputError("is a directory", path)
    if stat.S_ISSOCK(mode) or stat.S_ISBLK(mode):
        kind = "a socket" if stat.S_ISSOCK(mode) else "a block device"
        raise InputError(f"is {kind}; write to a regular file, a FIFO or a character device",
                         path)
    flags = os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK | (os.O_TRUNC if stat.S_ISREG(mode) else 0)
    fd = _open(path, flags)
    try:
        os.set_blocking(fd, True)
        _write_all(fd, data, path)
    finally:
        os.close(fd)


def _open(path: str, flags: int, create: int = 0) -> int:
    try:
        return os.open(path, flags | create, 0o666)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OutputError("nothing is reading this FIFO (or it is a socket); refusing to "
                              "wait", path) from None
        raise OutputError(f"cannot write: {exc.strerror or exc}", path) from None


def _write_all(fd: int, data: bytes, path: str) -> None:
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise OutputClosed("the reader of the output went away", path) from None
        raise OutputError(f"cannot write: {exc.strerror or exc}", path) from None


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


def remove_temporary_files_on_signals() -> None:
    """Make every signal that ends the process (and is not ignored) first remove the temporary
    files being written, then end the process as the signal would have."""
    for name in _ENDING_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is signal.SIG_DFL:
            signal.signal(number, _end_on_signal)


def _end_on_signal(number: int, frame: FrameType | None) -> None:
    for temp in list(_PENDING):
        _unlink(temp)
    signal.signal(number, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {number})
    os.kill(os.getpid(), number)


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
    """Add `text` to the end of `path` (a CI job summary) without ever reading it.

    A regular file is appended to and cut back to its old length if the write fails; a device
    or a FIFO with a reader is written through; a FIFO nobody reads is refused at once.
    """
    if not path:
        raise InputError("the summary path is empty; name a file")
    data = text.encode("utf-8", "backslashreplace")
    info = _stat(path)
    if info is not None and (stat.S_ISSOCK(info.st_mode) or stat.S_ISBLK(info.st_mode)):
        _write_through(path, data, info)  # refuses
    fd = _open(path, os.O_WRONLY | os.O_APPEND | os.O_NOCTTY | os.O_NONBLOCK, os.O_CREAT)
    try:
        opened = os.fstat(fd)
        if stat.S_ISDIR(opened.st_mode):
            raise OutputError("is a directory", path)
        os.set_blocking(fd, True)
        regular = stat.S_ISREG(opened.st_mode)
        try:
            _write_all(fd, data, path)
            if regular:
                os.fsync(fd)
        except (OutputError, OutputClosed):
            if regular:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, opened.st_size)
            raise
    finally:
        os.close(fd)
