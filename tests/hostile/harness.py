"""Running the tool as a real process under memory and time limits, and checking the contract.

Every hostile case runs `python -m policy_tracker` in a subprocess with an address-space limit
and a wall-clock limit, in an environment that ignores the machine's git configuration and
keeps caches under the test's own home folder. The helpers check the error contract: the exit
status, exactly one `error:` line on standard error, no traceback, nothing on standard output
when a command fails, and files that did not change.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "sample"
MEMORY_LIMIT = 300 * 1024 * 1024
TIME_LIMIT = 5.0
GIT_TIME_LIMIT = 8.0
# Compiled modules of the tool go to one folder outside the source tree, shared by every run.
PYCACHE = Path(tempfile.gettempdir()) / f"policy-tracker-hostile-pycache-{os.getuid()}"
BACKENDS = ("auto", "pure")
POSITIONED = re.compile(r"^error: .+:\d+:\d+: ")
# Never raw on a terminal: Unicode's control (but tab and newline), format (bidirectional,
# zero-width, U+061C, tags...), line and paragraph separator and surrogate characters.
RAW_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Run:
    """One finished (or killed) run of the tool."""

    args: tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr: bytes
    seconds: float
    timed_out: bool
    limit: float

    @property
    def out(self) -> str:
        """Standard output as text (undecodable bytes replaced)."""
        return self.stdout.decode("utf-8", "replace")

    @property
    def err(self) -> str:
        """Standard error as text (undecodable bytes replaced)."""
        return self.stderr.decode("utf-8", "replace")

    def describe(self) -> str:
        """What ran and what came back, for assertion messages."""
        return (f"{' '.join(map(repr, self.args))}: status {self.returncode}"
                f" in {self.seconds:.1f}s{' (killed: time limit)' if self.timed_out else ''}\n"
                f"stderr: {self.err[-1500:]!r}\nstdout: {self.out[-500:]!r}")


def tool_env(home: Path, yaml: str | None = None, extra: Mapping[str, str] | None = None,
             file_size_limited: bool = False) -> dict[str, str]:
    """The environment of a run: no user git configuration, caches under `home`.

    The caller's PYTHON* variables are dropped too: PYTHONUNBUFFERED, for one, hides how the
    tool behaves when stdout fails, and users do not normally set it.
    """
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GIT_", "POLICY_TRACKER_", "GITHUB_", "XDG_", "PYTHON"))}
    env.update(PYTHONPATH=str(ROOT), NO_COLOR="1", HOME=str(home), LC_ALL="C.UTF-8",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
               PYTHONPYCACHEPREFIX=str(PYCACHE),
               POLICY_TRACKER_CACHE_DIR=str(home / ".cache" / "policy-tracker"))
    if yaml:
        env["POLICY_TRACKER_YAML"] = yaml
    if file_size_limited:  # no bytecode writes that a file-size limit would kill
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra or {})
    return env


def _limits(file_size: int | None) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    if file_size is not None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))


def run_command(argv: list[str], *, cwd: Path | str, home: Path, yaml: str | None = None,
                env: Mapping[str, str] | None = None, timeout: float = TIME_LIMIT,
                stdout: int | None = subprocess.PIPE, file_size: int | None = None) -> Run:
    """Run `argv` in `cwd` limited to 300 MB of address space and `timeout` seconds."""
    start = time.monotonic()
    # The limits must apply to the tool alone, so they are set in the child before exec; the
    # test process starts no threads of its own.
    proc = subprocess.Popen(argv, cwd=cwd, env=tool_env(home, yaml, env, file_size is not None),
                            stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE,
                            start_new_session=True,
                            preexec_fn=lambda: _limits(file_size))  # noqa: PLW1509
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)  # the run's own process group, git included
        out, err = proc.communicate()
    args = (("policy-tracker", *argv[3:]) if argv[1:3] == ["-m", "policy_tracker"]
            else tuple(argv))
    return Run(args, proc.returncode, out or b"", err or b"", time.monotonic() - start,
               timed_out, timeout)


def run_tool(*args: str, **kwargs: Any) -> Run:
    """`python -m policy_tracker ARGS` as a limited subprocess (see `run_command`)."""
    return run_command([sys.executable, "-m", "policy_tracker", *args], **kwargs)


def assert_finished(run: Run) -> None:
    """The run ended by itself within its time limit and printed no traceback."""
    assert not run.timed_out, f"not finished within {run.limit}s: {run.describe()}"
    for stream in (run.out, run.err):
        assert "Traceback" not in stream, run.describe()
        assert "Fatal Python error" not in stream, run.describe()


def assert_error(run: Run, status: int, *, where: str | None = None, positioned: bool = False,
                 message: str | None = None) -> str:
    """A failed run: `status`, one `error:` line (located if asked), nothing on stdout."""
    assert_finished(run)
    assert run.returncode == status, run.describe()
    lines = run.err.splitlines()
    assert len(lines) == 1 and run.err.endswith("\n"), run.describe()
    line = lines[0]
    assert line.startswith("error: "), run.describe()
    if positioned:
        assert POSITIONED.match(line), run.describe()
    if where is not None:
        assert line.startswith(f"error: {where}"), run.describe()
    if message is not None:
        assert re.search(message, line), run.describe()
    assert run.stdout == b"", run.describe()
    return line


def assert_ok(run: Run, status: int = 0) -> None:
    """A successful run: `status`, nothing on standard error."""
    assert_finished(run)
    assert run.returncode == status, run.describe()
    assert run.stderr == b"", run.describe()


def tree_state(*roots: Path, skip: Iterable[str] = ()) -> dict[str, tuple[str, ...]]:
    """Every file, link and folder under `roots`: content hashes, link targets, modes."""
    state: dict[str, tuple[str, ...]] = {}
    skipped = set(skip)
    for root in roots:
        if not os.path.lexists(root):
            state[str(root)] = ("absent",)
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in skipped)
            for name in sorted(files) + dirs:
                full = os.path.join(folder, name)
                info = os.lstat(full)
                if os.path.islink(full):
                    state[full] = ("link", os.readlink(full))
                elif os.path.isdir(full):
                    state[full] = ("dir", oct(info.st_mode))
                elif os.path.isfile(full):
                    data = Path(full).read_bytes()
                    state[full] = ("file", hashlib.sha256(data).hexdigest(), oct(info.st_mode))
                else:
                    state[full] = ("special", oct(info.st_mode))
    return state


def sentinels(*roots: Path) -> list[Path]:
    """Files named PWNED* that a hostile input tried to create."""
    found: list[Path] = []
    for root in (*roots, ROOT):
        found += [p for p in Path(root).rglob("*PWNED*") if ".git" not in p.parts] \
            if root != ROOT else list(Path(root).glob("*PWNED*"))
    return found


def raw_controls(text: str) -> set[str]:
    """The control, zero-width and bidirectional characters in `text` (CRLF line ends aside)."""
    return {f"U+{ord(ch):04X}" for ch in text.replace("\r\n", "\n")
            if ch not in "\t\n" and unicodedata.category(ch) in RAW_CATEGORIES}
