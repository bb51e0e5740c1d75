"""What is at an output path decides how it is written: devices, FIFOs, sockets, links, modes,
owners, empty paths, signals between writing and renaming, and the job summary.

Device nodes are made with mknod in the test's own folder (never the system's), so a
regression replaces a copy; the unprivileged runs use `setpriv` to become `nobody`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gitrepo import commit, git, init_repo

from .builders import write
from .harness import SAMPLE, Run, assert_error, assert_finished, assert_ok, tree_state

Tool = Callable[..., Run]
Command = Callable[..., Run]
NOBODY = 65534
PREVIOUS = b"previous content\n"
ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (mknod, chown)")
SETPRIV = shutil.which("setpriv")
AS_NOBODY = pytest.mark.skipif(os.geteuid() != 0 or SETPRIV is None,
                               reason="needs root and setpriv to run as an unprivileged user")
# (device name, major, minor) of the kernel's memory devices.
NULL, FULL, ZERO = ("null", 1, 3), ("full", 1, 7), ("zero", 1, 5)


def _temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".policy-tracker-"))


def _pair(folder: Path) -> None:
    write(folder / "old.yaml", "a: 1\n")
    write(folder / "new.yaml", "a: 2\n")


def _device(folder: Path, spec: tuple[str, int, int]) -> Path:
    """A character device node in `folder`; the test is skipped where nodes cannot be made or
    used (a container without CAP_MKNOD, a folder mounted nodev)."""
    name, major, minor = spec
    path = folder / name
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
        with open(path, "wb") as probe:
            probe.write(b"")
    except OSError as exc:
        pytest.skip(f"cannot make or open a device node here: {exc}")
    return path


def _is_device(path: Path, spec: tuple[str, int, int]) -> bool:
    info = os.lstat(path)
    return stat.S_ISCHR(info.st_mode) and info.st_rdev == os.makedev(spec[1], spec[2])


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder an unprivileged user may use (test folders are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="policy-tracker-shared-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _as_nobody(command: Command, args: list[str], cwd: Path) -> Run:
    assert SETPRIV is not None
    return command([SETPRIV, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--",
                    sys.executable, "-m", "policy_tracker", *args], cwd=cwd)


# --- devices, FIFOs and sockets ---------------------------------------------------------------

WRITERS = [pytest.param(("diff", "old.yaml", "new.yaml"), id="diff"),
           pytest.param(("--policies", str(SAMPLE), "export", "--format", "csv"), id="export"),
           pytest.param(("--policies", str(SAMPLE), "report"), id="report")]


@ROOT_ONLY
@pytest.mark.parametrize("args", WRITERS)
def test_character_devices_are_written_through_not_replaced(args: tuple[str, ...], tool: Tool,
                                                            workdir: Path) -> None:
    _pair(workdir)
    null, full = _device(workdir, NULL), _device(workdir, FULL)
    assert_ok(tool(*args, "-o", "null", cwd=workdir), 0)
    assert_error(tool(*args, "-o", "full", cwd=workdir), 3, where="full",
                 message="No space left")
    assert _is_device(null, NULL) and _is_device(full, FULL)
    assert _temp_files(workdir) == []


@AS_NOBODY
def test_system_devices_are_written_through_by_an_unprivileged_user(command: Command,
                                                                    shared: Path) -> None:
    _pair(shared)
    ok = _as_nobody(command, ["diff", "old.yaml", "new.yaml", "-o", "/dev/null"], shared)
    assert_ok(ok)
    full = _as_nobody(command, ["diff", "old.yaml", "new.yaml", "-o", "/dev/full"], shared)
    assert_error(full, 3, where="/dev/full", message="No space left")


def test_a_fifo_with_a_reader_is_written_through(tool: Tool, workdir: Path) -> None:
    _pair(workdir)
    os.mkfifo(workdir / "pipe")
    received: list[bytes] = []

    def read() -> None:
        with open(workdir / "pipe", "rb") as pipe:
            received.append(pipe.read())
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    # The reader may not have opened the FIFO yet: the tool refuses rather than waits.
    for _ in range(50):
        run = tool("diff", "old.yaml", "new.yaml", "-o", "pipe", cwd=workdir)
        if run.returncode == 0:
            break
    assert_ok(run)
    reader.join(5)
    assert received and received[0].startswith(b"--- old.yaml\n")
    assert stat.S_ISFIFO(os.lstat(workdir / "pipe").st_mode)


def test_a_fifo_nobody_reads_and_a_socket_are_refused_at_once(tool: Tool,
                                                               workdir: Path) -> None:
    _pair(workdir)
    os.mkfifo(workdir / "pipe")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(workdir / "sock"))
        before = tree_state(workdir)
        assert_error(tool("diff", "old.yaml", "new.yaml", "-o", "pipe", cwd=workdir), 3,
                     where="pipe", message="nothing is reading")
        assert_error(tool("diff", "old.yaml", "new.yaml", "-o", "sock", cwd=workdir), 2,
                     where="sock", message="is a socket")
        assert tree_state(workdir) == before


# --- links ------------------------------------------------------------------------------------

def test_symlinks_are_followed_and_their_targets_replaced(tool: Tool, workdir: Path) -> None:
    _pair(workdir)
    target = write(workdir / "real" / "report.txt", PREVIOUS)
    target.chmod(0o640)
    (workdir / "hop.txt").symlink_to("real/report.txt")
    (workdir / "link.txt").symlink_to("hop.txt")  # a chain of two links
    (workdir / "new-target.txt").symlink_to("real/created.txt")  # dangling, folder exists
    (workdir / "lost.txt").symlink_to("no/such/folder.txt")
    for name in ("link.txt", "new-target.txt"):
        assert_ok(tool("diff", "old.yaml", "new.yaml", "-o", name, cwd=workdir))
    assert os.readlink(workdir / "link.txt") == "hop.txt"
    assert os.readlink(workdir / "new-target.txt") == "real/created.txt"
    assert target.read_bytes().startswith(b"--- old.yaml\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert (workdir / "real" / "created.txt").read_bytes().startswith(b"--- old.yaml\n")
    assert_error(tool("diff", "old.yaml", "new.yaml", "-o", "lost.txt", cwd=workdir), 3,
                 where="lost.txt")
    assert _temp_files(workdir) == _temp_files(workdir / "real") == []


def test_a_hard_linked_output_is_refused_and_its_links_kept(tool: Tool, workdir: Path) -> None:
    _pair(workdir)
    write(workdir / "report.txt", PREVIOUS)
    os.link(workdir / "report.txt", workdir / "other-name.txt")
    before = tree_state(workdir)
    assert_error(tool("diff", "old.yaml", "new.yaml", "-o", "report.txt", cwd=workdir), 2,
                 where="report.txt", message="2 hard links")
    assert tree_state(workdir) == before
    assert os.stat(workdir / "report.txt").st_nlink == 2


# --- modes and owners -------------------------------------------------------------------------

def test_a_replaced_file_keeps_its_mode_and_a_new_one_follows_the_umask(tool: Tool,
                                                                       workdir: Path) -> None:
    _pair(workdir)
    for name, mode in (("private.txt", 0o600), ("shared.txt", 0o664), ("odd.txt", 0o604)):
        write(workdir / name, PREVIOUS).chmod(mode)
        assert_ok(tool("diff", "old.yaml", "new.yaml", "-o", name, cwd=workdir))
        assert stat.S_IMODE((workdir / name).stat().st_mode) == mode, name
    assert_ok(tool("diff", "old.yaml", "new.yaml", "-o", "fresh.txt", cwd=workdir))
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE((workdir / "fresh.txt").stat().st_mode) == 0o666 & ~mask


@ROOT_ONLY
def test_root_replacing_another_users_file_keeps_owner_group_and_mode(tool: Tool,
                                                                      workdir: Path) -> None:
    _pair(workdir)
    victim = write(workdir / "theirs.txt", PREVIOUS)
    os.chown(victim, NOBODY, NOBODY)
    victim.chmod(0o600)
    assert_ok(tool("diff", "old.yaml", "new.yaml", "-o", "theirs.txt", cwd=workdir))
    info = victim.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (NOBODY, NOBODY, 0o600)
    assert victim.read_bytes().startswith(b"--- old.yaml\n")


@AS_NOBODY
def test_an_unprivileged_user_keeps_the_mode_of_the_file_it_replaces(command: Command,
                                                                     shared: Path) -> None:
    _pair(shared)
    mine = write(shared / "mine.txt", PREVIOUS)
    os.chown(mine, NOBODY, NOBODY)
    mine.chmod(0o600)
    assert_ok(_as_nobody(command, ["diff", "old.yaml", "new.yaml", "-o", "mine.txt"], shared))
    info = mine.stat()
    assert (info.st_uid, stat.S_IMODE(info.st_mode)) == (NOBODY, 0o600)
    assert mine.read_bytes().startswith(b"--- old.yaml\n")


# --- an empty path ----------------------------------------------------------------------------

EMPTY_PATHS = [
    pytest.param(("diff", "old.yaml", "new.yaml", "-o", ""), id="diff"),
    pytest.param(("--policies", str(SAMPLE), "report", "-o", ""), id="report"),
    pytest.param(("--policies", str(SAMPLE), "export", "--output", ""), id="export"),
    pytest.param(("--policies", str(SAMPLE), "timeline", "-o", ""), id="timeline"),
    pytest.param(("--policies", str(SAMPLE), "show", "-o", ""), id="show"),
    pytest.param(("review", "--base", "HEAD", "--format", "github", "--summary", ""),
                 id="review-summary"),
]


@pytest.mark.parametrize("args", EMPTY_PATHS)
def test_an_empty_output_path_is_a_usage_error(args: tuple[str, ...], tool: Tool,
                                               workdir: Path) -> None:
    _pair(workdir)
    before = tree_state(workdir)
    assert_error(tool(*args, cwd=workdir), 2, message="empty path")
    assert tree_state(workdir) == before


# --- signals between writing and renaming -----------------------------------------------------

SIGNALLED = """
import os, signal, sys
real = os.replace
number = getattr(signal, sys.argv.pop(1))
# As a terminal would deliver it: a run started under nohup (or in the background) inherits
# the signal ignored, and the tool rightly leaves an ignored signal ignored.
if signal.getsignal(number) == signal.SIG_IGN:
    signal.signal(number, signal.default_int_handler if number == signal.SIGINT
                  else signal.SIG_DFL)
def replace(src, dst):
    os.kill(os.getpid(), number)
    real(src, dst)
os.replace = replace
from policy_tracker.cli import main
main()
"""


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT", "SIGQUIT", "SIGUSR1"])
def test_a_signal_between_writing_and_renaming_leaves_no_temporary_file(
        name: str, command: Command, workdir: Path) -> None:
    _pair(workdir)
    write(workdir / "report.txt", PREVIOUS)
    run = command([sys.executable, "-c", SIGNALLED, name, "diff", "old.yaml", "new.yaml",
                   "-o", "report.txt"], cwd=workdir)
    assert_finished(run)
    number = getattr(signal, name)
    assert run.returncode in (-number, 128 + number, 130), run.describe()
    assert (workdir / "report.txt").read_bytes() == PREVIOUS
    assert _temp_files(workdir) == []


# --- the job summary --------------------------------------------------------------------------

@pytest.fixture
def review_repo(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "repo")
    commit(repo, {"p.yaml": "a: 1\n"}, "base")
    git(repo, "branch", "base")
    commit(repo, {"p.yaml": "a: 2\n"}, "edit")
    return repo


def _review(tool: Tool, repo: Path, summary: str) -> Run:
    return tool("review", "--base", "base", "--format", "github", "--summary", summary,
                cwd=repo)


def test_a_summary_fifo_nobody_reads_is_refused_at_once(tool: Tool, review_repo: Path,
                                                        tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "summary")
    run = _review(tool, review_repo, str(tmp_path / "summary"))
    assert_finished(run)
    assert run.returncode == 3, run.describe()
    assert run.err.startswith(f"error: {tmp_path / 'summary'}: nothing is reading")
    assert stat.S_ISFIFO(os.lstat(tmp_path / "summary").st_mode)


@ROOT_ONLY
def test_a_summary_that_is_an_endless_device_is_written_not_read(tool: Tool, review_repo: Path,
                                                                 tmp_path: Path) -> None:
    zero = _device(tmp_path, ZERO)
    assert_ok(_review(tool, review_repo, str(zero)))
    assert _is_device(zero, ZERO)


def test_the_summary_is_appended_to_and_its_link_followed(tool: Tool, review_repo: Path,
                                                          tmp_path: Path) -> None:
    summary = write(tmp_path / "step" / "summary.md", PREVIOUS)
    (tmp_path / "step" / "link.md").symlink_to("summary.md")
    env = {"GITHUB_STEP_SUMMARY": str(tmp_path / "step" / "link.md")}
    run = tool("review", "--base", "base", "--format", "github", cwd=review_repo, env=env)
    assert_ok(run)
    text = summary.read_bytes()
    assert text.startswith(PREVIOUS) and b"<!-- policy-tracker-review -->" in text
    assert (tmp_path / "step" / "link.md").is_symlink()
    assert _temp_files(tmp_path / "step") == []


@AS_NOBODY
def test_a_write_only_summary_is_appended_to_without_reading_it(command: Command,
                                                                shared: Path) -> None:
    repo = init_repo(shared / "repo")
    commit(repo, {"p.yaml": "a: 1\n"}, "base")
    git(repo, "branch", "base")
    commit(repo, {"p.yaml": "a: 2\n"}, "edit")
    summary = write(shared / "summary.md", PREVIOUS)
    for folder, _, files in os.walk(shared):
        for name in (folder, *(os.path.join(folder, f) for f in files)):
            os.chown(name, NOBODY, NOBODY)
    summary.chmod(0o200)  # the runner's file may be writable only
    run = _as_nobody(command, ["review", "--base", "base", "--format", "github", "--summary",
                               str(summary)], repo)
    assert_ok(run)
    assert summary.read_bytes().startswith(PREVIOUS + b"<!-- policy-tracker-review -->")
