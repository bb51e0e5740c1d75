"""Scenario 8: a whole history of many files, against the floor of the same work.

Used for the generated many-file tree (`bench/run.py --scale`, `generate.py tree-repo`) and for
any real repository (`bench/run.py --repo PATH --path SUBDIR [--rev RANGE]`). Every side runs
as its own process; CPU is user + system time of that process and of the git processes it
waited for (`RUSAGE_CHILDREN` deltas), memory is the peak resident size of the Python process.

- floor: `git log --raw` listing the same (commit, blob) pairs of policy files, one
  `git cat-file --batch` reading them, PyYAML's C loader parsing each (`python bench/history.py
  floor REPO SUBDIR [RANGE]`);
- ours: `policy-tracker timeline --git SUBDIR --rev RANGE --format json --quiet` with its output
  written to a file, `--no-cache`, then with an empty cache (cold), then again (warm);
- the cache's size on disk against the size of the YAML it stands for (every blob read).

Targets (issue "Real histories at the floor's speed"): ours ≤ 1.5x the floor in CPU, peak
memory ≤ 2x the floor's, warm ≥ 10x faster than cold, cold ≤ 1.2x `--no-cache`, cache ≤ 0.5x
the YAML. Runs alternate (floor, no-cache, cold, warm) `runs` times; ratios are per-run medians.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SUFFIXES = (b".yaml", b".yml")


def _git_env() -> dict[str, str]:
    return dict(os.environ, GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")


def _range_args(rev: str | None) -> list[str]:
    if not rev:
        return ["HEAD"]
    old, sep, new = rev.partition("..")
    if not sep:
        return [rev]
    return [new.lstrip(".") or "HEAD", f"^{old}"]


def floor(repo: str, path: str, rev: str | None) -> dict[str, Any]:
    """The floor, in this process: list the blobs, read them with one cat-file, parse each."""
    import yaml

    started = time.perf_counter()
    log = subprocess.run(["git", "-C", repo, "log", "-z", "--raw", "--no-abbrev",
                          "--no-renames", "--format=%H", "--topo-order",
                          "--diff-merges=first-parent", *_range_args(rev), "--", path],
                         capture_output=True, check=True, env=_git_env()).stdout
    blobs: list[bytes] = []
    fields = log.split(b"\0")
    i = 0
    while i < len(fields):
        field = fields[i].lstrip(b"\n")
        if field.startswith(b":"):
            blob, status = field.split(b" ")[3], field.split(b" ")[4]
            name = fields[i + 1]
            i += 2
            if status != b"D" and name.lower().endswith(SUFFIXES):
                blobs.append(blob)
            continue
        i += 1
    proc = subprocess.Popen(["git", "-C", repo, "cat-file", "--batch"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=_git_env())
    assert proc.stdin is not None and proc.stdout is not None
    size = parsed = failed = 0
    for start in range(0, len(blobs), 1000):  # never more requests than a pipe holds
        chunk = blobs[start:start + 1000]
        proc.stdin.write(b"".join(b + b"\n" for b in chunk))
        proc.stdin.flush()
        for _ in chunk:
            header = proc.stdout.readline().split()
            data = proc.stdout.read(int(header[2]) + 1)[:-1]
            size += len(data)
            try:
                yaml.load(data, Loader=yaml.CSafeLoader)
                parsed += 1
            except Exception:  # noqa: BLE001 - invalid YAML, or a date PyYAML cannot build
                failed += 1
    proc.stdin.close()
    proc.wait()
    return {"revisions": len(blobs), "yaml_bytes": size, "parsed": parsed, "failed": failed,
            "seconds": time.perf_counter() - started}


def _run(argv: list[str], env: dict[str, str], stdout: Any = subprocess.DEVNULL
         ) -> dict[str, Any]:
    """CPU (the process and the git processes it waited for) and peak RSS of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=stdout, stderr=subprocess.PIPE)
    out = proc.stdout.read() if stdout == subprocess.PIPE and proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if status != 0:
        raise RuntimeError(f"{' '.join(argv[:6])} failed ({status}): {err.strip()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result: dict[str, Any] = {"cpu": cpu, "wall": wall, "rss_mb": usage.ru_maxrss / 1024}
    if out:
        result["facts"] = json.loads(out)
    return result


def _ours(repo: str, path: str, rev: str | None, cache: str | None, out: Path
          ) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    args = [sys.executable, "-m", "policy_tracker", "timeline", "--git", path, "--repo", repo,
            "--format", "json", "--quiet"] + (["--rev", rev] if rev else [])
    if cache is None:
        args.append("--no-cache")
    else:
        env["POLICY_TRACKER_CACHE_DIR"] = cache
    with open(out, "wb") as handle:
        result = _run(args, env, handle)
    result["output_mb"] = out.stat().st_size / 1e6
    return result


def _cache_bytes(folder: str) -> int:
    return sum(f.stat().st_size for f in Path(folder).glob("*") if f.is_file())


def measure(repo: str, path: str, rev: str | None, runs: int = 1) -> dict[str, Any]:
    """Every side, `runs` times, alternating; per-run ratios and their medians."""
    samples: list[dict[str, Any]] = []
    work = Path(tempfile.mkdtemp(prefix="policy-tracker-bench-"))
    try:
        for _ in range(runs):
            env = dict(os.environ, PYTHONPATH=str(ROOT))
            base = _run([sys.executable, str(BENCH / "history.py"), "floor", repo, path,
                         rev or ""], env, subprocess.PIPE)
            none = _ours(repo, path, rev, None, work / "out.json")
            cache = str(work / "cache")
            shutil.rmtree(cache, ignore_errors=True)
            cold = _ours(repo, path, rev, cache, work / "out.json")
            warm = _ours(repo, path, rev, cache, work / "out.json")
            samples.append({"floor": base, "no_cache": none, "cold": cold, "warm": warm,
                            "cache_bytes": _cache_bytes(cache)})
        facts = samples[0]["floor"].pop("facts")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    med = statistics.median
    ratios = {
        "cpu_vs_floor": med(s["no_cache"]["cpu"] / s["floor"]["cpu"] for s in samples),
        "memory_vs_floor": med(s["no_cache"]["rss_mb"] / s["floor"]["rss_mb"]
                               for s in samples),
        "warm_speedup": med(s["cold"]["cpu"] / s["warm"]["cpu"] for s in samples),
        "cold_vs_no_cache": med(s["cold"]["cpu"] / s["no_cache"]["cpu"] for s in samples),
        "cache_vs_yaml": med(s["cache_bytes"] / max(facts["yaml_bytes"], 1) for s in samples),
    }
    return {"repo": repo, "path": path, "rev": rev, "facts": facts, "ratios": ratios,
            "samples": samples}


TARGETS = {"cpu_vs_floor": ("<=", 1.5), "memory_vs_floor": ("<=", 2.0),
           "warm_speedup": (">=", 10.0), "cold_vs_no_cache": ("<=", 1.2),
           "cache_vs_yaml": ("<=", 0.5)}


def verdicts(result: dict[str, Any]) -> dict[str, bool]:
    """Whether each ratio meets its target."""
    out = {}
    for name, (op, limit) in TARGETS.items():
        value = result["ratios"][name]
        out[name] = value <= limit if op == "<=" else value >= limit
    return out


if __name__ == "__main__":
    if sys.argv[1] == "floor":
        print(json.dumps(floor(sys.argv[2], sys.argv[3], sys.argv[4] or None)))
    else:
        print(json.dumps(measure(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3
                                 else None), indent=2))
