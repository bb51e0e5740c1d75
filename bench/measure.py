"""Timing, memory and machine facts shared by the benchmark scenarios.

Ratios, not absolute times, are what the suite checks: every scenario times our code and its
floor in the same process, alternating them run by run, so both see the same machine state.
"""

from __future__ import annotations

import gc
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def clock(work: Callable[[], object], repeat: int = 1) -> float:
    """Seconds per call of `work`, averaged over `repeat` back-to-back calls."""
    start = time.perf_counter()
    for _ in range(repeat):
        work()
    return (time.perf_counter() - start) / repeat


@dataclass
class Timing:
    """Paired samples: run i of ours was taken next to run i of the floor."""

    ours: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    reference: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        """Median of the per-run ratios ours/floor (robust to slow drifts of the machine)."""
        return statistics.median(o / f for o, f in zip(self.ours, self.floor))

    def summary(self) -> dict[str, Any]:
        """Medians, the ratio and the raw samples, for the JSON results."""
        samples = {"ours": self.ours, "floor": self.floor}
        out: dict[str, Any] = {"ours": statistics.median(self.ours),
                               "floor": statistics.median(self.floor), "ratio": self.ratio,
                               "runs": len(self.ours), "samples": samples}
        if self.reference:
            samples["reference"] = self.reference
            out["reference"] = statistics.median(self.reference)
            out["ratio_to_reference"] = statistics.median(
                o / r for o, r in zip(self.ours, self.reference))
        return out


def interleave(ours: Callable[[], object], floor: Callable[[], object], runs: int,
               repeat: int = 1, warmup: int = 1,
               reference: Callable[[], object] | None = None) -> Timing:
    """Time both `runs` times, alternating which goes first, after `warmup` untimed calls.

    What the scenario holds before timing starts is frozen out of the garbage collector, so
    the harness's own objects do not slow down whichever side triggers a full collection.
    `reference`, if given, is a second floor timed in the same rotation (reported apart).
    """
    for _ in range(warmup):
        floor()
        ours()
    gc.collect()
    gc.freeze()
    timing = Timing()
    sides = [(ours, timing.ours), (floor, timing.floor)]
    if reference is not None:
        sides.append((reference, timing.reference))
    for run in range(runs):
        for work, samples in sides[run % len(sides):] + sides[:run % len(sides)]:
            samples.append(clock(work, repeat))
    return timing


def without_gc(work: Callable[[], object]) -> Callable[[], object]:
    """`work` with the cyclic garbage collector paused (as our loader does while parsing)."""
    def run() -> object:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return work()
        finally:
            if enabled:
                gc.enable()
    return run


def peak_rss_mb() -> float:
    """The high-water mark of this process's resident memory (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's resident memory now."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return peak_rss_mb()


def reset_peak_rss() -> bool:
    """Reset the kernel's high-water mark of this process (Linux 4.0+), so a later
    `peak_rss_mb`-style reading covers only what follows. False when not possible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def hwm_mb() -> float:
    """The resident high-water mark since the last `reset_peak_rss` (VmHWM)."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return peak_rss_mb()


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(module: str) -> str:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:  # noqa: BLE001 - a missing package is reported, not fatal
        return "not installed"


def _libyaml() -> str:
    try:
        import yaml
        from yaml import _yaml

        return f"{yaml.__version__}, libyaml {_yaml.get_version_string()}"
    except ImportError:
        return "pure Python only (no libyaml)"


def _git_version() -> str:
    try:
        out = subprocess.run(["git", "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "not installed"
    return out.stdout.strip().removeprefix("git version ")


def machine() -> dict[str, str]:
    """What the numbers were measured on, for the results header."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "nproc": str(cores), "cpu": _cpu_model(),
            "os": f"{platform.system()} {platform.release()}",
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "pyyaml": _libyaml(), "deepdiff": _version("deepdiff"),
            "gitpython": _version("GitPython"), "git": _git_version(),
            "executable": sys.executable}
