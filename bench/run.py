"""The benchmark suite: `python bench/run.py` (`--quick` for a short run, `--scale` adds 7).

Each scenario runs in its own child process (bench/scenarios.py) and times our code against
a floor measured in the same run. Results go to stdout as a table, to
bench/results/latest.json and to bench/results/latest.md (ready for README's "Performance"
section). The exit status is 1 when any target is missed, so the suite is the check.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import generate
import measure

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
CORPORA = RESULTS / "corpora"


@dataclass
class Row:
    """One line of the results table."""

    id: str
    scenario: str
    unit: str
    target: str
    ours: float | None = None
    floor: float | None = None
    ratio: float | None = None
    ok: bool | None = None
    peak_rss_mb: float | None = None
    runs: int = 0
    notes: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    """How much work each scenario does: the default run, or --quick."""

    quick: bool
    revisions: int
    load_runs: dict[str, tuple[int, int]]  # size -> (runs, calls per run)
    diff_runs: int
    cache_runs: int
    startup_runs: int
    timeline_runs: int


def plan_for(quick: bool, runs: int | None) -> Plan:
    """The default plan takes 4-7 minutes on 2 cores; --quick 1-1.5."""
    if quick:
        return Plan(True, 100, {"5k": (runs or 7, 10), "200k": (runs or 5, 1),
                                "5m": (runs or 1, 1)}, runs or 5, runs or 2, runs or 7, 1)
    return Plan(False, 1000, {"5k": (runs or 15, 20), "200k": (runs or 9, 1),
                              "5m": (runs or 3, 1)}, runs or 9, runs or 2, runs or 21,
                runs or 1)


# --- corpora --------------------------------------------------------------------------------

def _corpus_dir(name: str, seed: str) -> Path:
    return CORPORA / f"g{generate.GENERATOR_VERSION}-seed{seed}" / name


def prepare_snapshots(seed: str) -> dict[str, Any]:
    """Two consecutive revisions of each size, and the policy.yaml with the catalogue."""
    base = _corpus_dir("snapshots", seed)
    files: dict[str, Any] = {"policy": str(base / "policy.yaml")}
    if not (base / ".complete").exists():
        base.mkdir(parents=True, exist_ok=True)
        (base / "policy.yaml").write_bytes(generate.policy_yaml())
        for size in generate.SIZES:
            folder = base / size
            folder.mkdir(exist_ok=True)
            for n, (name, data) in enumerate(generate.series(generate.SIZES[size], 2, seed)):
                (folder / f"{n}-{name}").write_bytes(data)
        (base / ".complete").write_text("")
    for size in generate.SIZES:
        old, new = sorted((base / size).iterdir())
        files[size] = (str(old), str(new))
    return files


def prepare_repo(name: str, seed: str, build: Callable[[str], object]) -> str:
    """A generated git repository, built once and kept under bench/results/corpora."""
    repo = _corpus_dir(name, seed)
    if not (repo / ".git" / "bench-complete").exists():
        if repo.exists():
            subprocess.run(["rm", "-rf", str(repo)], check=True)
        started = time.perf_counter()
        log(f"generating {name} (once; kept in {repo.relative_to(ROOT)}) ...")
        build(str(repo))
        (repo / ".git" / "bench-complete").write_text("")
        log(f"  done in {time.perf_counter() - started:.1f} s")
    return str(repo)


def series_repo(seed: str, revisions: int) -> str:
    """One 200 KB snapshot file over `revisions` commits."""
    def build(repo: str) -> object:
        return generate.build_repo(repo, generate.series_commits(
            generate.SERIES_PATH, generate.SIZES["200k"], revisions, seed,
            also_first=((generate.POLICY_PATH, generate.policy_yaml()),)))
    return prepare_repo(f"repo-200k-r{revisions}", seed, build)


def folder_repo(seed: str, files: int, commits: int) -> str:
    """A folder of `files` 5 KB snapshots over `commits` commits; branch at-1000."""
    def build(repo: str) -> object:
        return generate.build_repo(repo, generate.folder_commits(
            generate.FOLDER_PATH, files, commits, seed,
            also_first=((generate.POLICY_PATH, generate.policy_yaml()),)),
            branch_at={1000: "at-1000"})
    return prepare_repo(f"folder-f{files}-c{commits}", seed, build)


# --- running scenarios ----------------------------------------------------------------------

def log(message: str) -> None:
    """Progress goes to stderr; the table and nothing else to stdout."""
    print(message, file=sys.stderr, flush=True)


def child(params: dict[str, Any], timeout: float = 3600) -> dict[str, Any]:
    """Run one scenario in a fresh interpreter; its last stdout line is the JSON result."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(BENCH)]))
    done = subprocess.run([sys.executable, str(BENCH / "scenarios.py"), json.dumps(params)],
                          capture_output=True, text=True, env=env, timeout=timeout,
                          check=False)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"{params['scenario']} failed: {tail}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def timed_row(row: Row, params: dict[str, Any], limit: float, at_least: bool = False,
              scale: float = 1e3) -> Row:
    """Fill `row` from a timing scenario (times shown in ms unless `scale` says otherwise)."""
    log(f"{row.id}: {row.scenario} ...")
    try:
        result = child(params)
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as exc:
        row.ok, row.notes = False, str(exc)
        return row
    row.ours, row.floor = result["ours"] * scale, result["floor"] * scale
    row.ratio, row.runs = result["ratio"], result["runs"]
    row.ok = row.ratio >= limit if at_least else row.ratio <= limit
    row.peak_rss_mb, row.raw = result["peak_rss_mb"], result
    verdict = "(info)" if row.target == "(info)" else "ok" if row.ok else "MISSED"
    log(f"  ours {row.ours:.1f} {row.unit}, floor {row.floor:.1f} {row.unit}, "
        f"ratio {row.ratio:.2f} (target {row.target}) {verdict}")
    return row


def load_rows(plan: Plan, files: dict[str, Any]) -> list[Row]:
    """1. Load and validate one snapshot of each size."""
    rows = []
    for size, (runs, repeat) in plan.load_runs.items():
        row = Row(f"1-load-{size}", f"load + validate {size.upper()}B snapshot", "ms",
                  "<= 1.5x")
        params = {"scenario": "load", "file": files[size][0], "runs": runs, "repeat": repeat}
        row = timed_row(row, params, 1.5)
        if row.raw:
            row.notes = "floor with the garbage collector paused (as our loader does): " \
                        f"{row.raw['reference'] * 1e3:.2f} ms, ours/that " \
                        f"{row.raw['ratio_to_reference']:.2f}x"
        rows.append(row)
    return rows


def diff_row(plan: Plan, files: dict[str, Any]) -> Row:
    """2. Diff two consecutive 200 KB revisions, already loaded."""
    row = Row("2-diff-200k", "diff two 200KB snapshots (loaded)", "ms", "<= 0.5x")
    old, new = files["200k"]
    row = timed_row(row, {"scenario": "diff", "old": old, "new": new, "policy": files["policy"],
                          "runs": plan.diff_runs, "repeat": 3}, 0.5)
    if row.raw:
        row.notes = f"{row.raw['changes']} changes"
    return row


def timeline_rows(plan: Plan, files: dict[str, Any], seed: str) -> list[Row]:
    """3. Timeline over N revisions without cache; 4. the same twice through the cache."""
    repo = series_repo(seed, plan.revisions)
    common = {"repo": repo, "path": generate.SERIES_PATH, "policy": files["policy"]}
    n = plan.revisions
    row3 = timed_row(Row("3-timeline", f"git timeline, {n} revisions of 200KB", "s", "<= 1.3x"),
                     {"scenario": "timeline", "runs": plan.timeline_runs, **common}, 1.3,
                     scale=1)
    row4 = timed_row(Row("4-cache", f"same timeline, warm cache vs cold ({n} revisions)", "s",
                         ">= 20x"),
                     {"scenario": "cache", "runs": plan.cache_runs, **common}, 20, True, scale=1)
    if row3.raw:
        row3.notes = f"{row3.raw['measured']}; {row3.raw['revisions']} revisions, " \
                     f"{row3.raw['changes']} changes; floor = cat-file --batch + C loader"
    if row4.raw:
        row4.notes = f"{row4.raw['measured']}; ours = warm run, floor = cold run; cache " \
                     f"{row4.raw['cache_mb']:.0f} MiB"
    hit = timed_row(Row("4-document-hit", "parsed-document cache hit vs parse (200KB)", "ms",
                        ">= 10x"),
                    {"scenario": "document-cache", "file": files["200k"][0],
                     "runs": plan.diff_runs}, 10, True)
    if hit.raw:
        hit.notes = "ours = DocumentCache.get (digest checked), floor = load.parse_document"
    return [row3, row4, hit]


def startup_rows(plan: Plan) -> list[Row]:
    """5. `policy-tracker --help` against `python -c "import click"`, byte-code cached
    (checked) and compiled at every start (for the record)."""
    row = Row("5-startup", "policy-tracker --help (whole process)", "ms", "<= 2x")
    row = timed_row(row, {"scenario": "startup", "runs": plan.startup_runs}, 2.0)
    if row.raw:
        row.notes = f"{row.raw['command']} vs python -c 'import click', byte-code cached"
    info = Row("5-startup-nopyc", "same, no byte-code cache (compiles at each start)", "ms",
               "(info)")
    info = timed_row(info, {"scenario": "startup", "runs": plan.startup_runs,
                            "bytecode": False}, 2.0)
    if info.raw:
        info.ok = None
        info.notes = "PYTHONDONTWRITEBYTECODE=1: our modules are compiled at every start " \
                     "(a checkout without __pycache__), click's come from pip's byte-code"
    return [row, info]


COMMANDS = (("9-report", "policy-tracker report (whole process)", ["report", "-o", "{out}"],
             5.0),
            ("9-list", "policy-tracker list (whole process)", ["list"], 4.0),
            ("9-diff", "policy-tracker diff of two bundled snapshots (whole process)",
             ["diff", "2016-opinions", "2019-nia-measures"], 4.0))


def command_rows(plan: Plan) -> list[Row]:
    """9. Everyday commands on the bundled data against `python -c "import click"`."""
    rows = []
    for ident, title, args, limit in COMMANDS:
        row = Row(ident, title, "ms", f"<= {limit:g}x")
        row = timed_row(row, {"scenario": "command", "args": args,
                              "runs": plan.startup_runs}, limit)
        if row.raw:
            row.notes = f"{row.raw['command']} vs python -c 'import click', byte-code cached"
        rows.append(row)
    return rows


def memory_row(files: dict[str, Any]) -> Row:
    """6. Peak memory of loading + diffing a 5 MB pair, against the parsed objects' size."""
    row = Row("6-memory-5m", "peak memory, load + validate + diff 5MB pair", "MiB", "<= 3x")
    log(f"{row.id}: {row.scenario} (tracemalloc and RSS, 4 processes) ...")
    old, new = files["5m"]
    base = {"scenario": "memory", "old": old, "new": new, "policy": files["policy"],
            "small": files["5k"][0]}
    try:
        got = {(side, method): child({**base, "side": side, "method": method})
               for side in ("ours", "floor") for method in ("tracemalloc", "rss")}
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as exc:
        row.ok, row.notes = False, str(exc)
        return row
    row.ours = got["ours", "tracemalloc"]["peak"]
    row.floor = got["floor", "tracemalloc"]["held"]
    row.ratio = row.ours / row.floor
    row.ok, row.runs = row.ratio <= 3.0, 1
    row.peak_rss_mb = got["ours", "rss"]["peak_rss_mb"]
    floor_peak = got["floor", "tracemalloc"]["peak"]
    rss_ratio = got["ours", "rss"]["peak"] / got["floor", "rss"]["peak"]
    row.notes = (f"tracemalloc: ours peak / what the two C-loaded objects hold (the C loader's "
                 f"own peak: {floor_peak:.0f} MiB = {floor_peak / row.floor:.2f}x); resident "
                 f"high-water mark over the start: ours {got['ours', 'rss']['peak']:.0f} MiB, "
                 f"C loader {got['floor', 'rss']['peak']:.0f} MiB ({rss_ratio:.2f}x)")
    row.raw = {f"{side}-{method}": value for (side, method), value in got.items()}
    log(f"  ours peak {row.ours:.0f} MiB, objects {row.floor:.0f} MiB, ratio {row.ratio:.2f} "
        f"(target <= 3x) {'ok' if row.ok else 'MISSED'}")
    return row


def diff_memory_rows(plan: Plan) -> list[Row]:
    """8. Memory of a diff per change, beyond the parsed inputs, at two sizes."""
    sizes = (5_000, 20_000) if plan.quick else (10_000, 50_000)
    got = {}
    for size in sizes:
        log(f"8-diff-memory: {size:,} changed rules (RSS high-water mark) ...")
        try:
            got[size] = child({"scenario": "diff-memory", "changes": size})
        except (RuntimeError, subprocess.TimeoutExpired, ValueError) as exc:
            row = Row("8-diff-memory", "diff memory per change", "B", "<= 2048 B")
            row.ok, row.notes = False, str(exc)
            return [row]
    small, large = (got[s] for s in sizes)
    per_change = Row("8-diff-memory", f"diff memory per change ({sizes[1]:,} changes)", "B",
                     "<= 2048 B", ours=large["peak_per_change"],
                     floor=large["inputs_per_change"], runs=1, raw=large,
                     peak_rss_mb=large["peak_rss_mb"])
    per_change.ratio = per_change.ours / per_change.floor
    per_change.ok = per_change.ours <= 2048
    per_change.notes = ("ours: RSS high-water mark of the comparison over the parsed inputs, "
                        "per change; floor: what the two parsed files hold, per change"
                        + ("" if large["exact_peak"] else " (peak not resettable: upper bound)"))
    bounded = Row("8-diff-memory-growth", f"the same at {sizes[1]:,} vs {sizes[0]:,} changes",
                  "B", "<= 1.25x", ours=large["peak_per_change"],
                  floor=small["peak_per_change"], runs=1, raw=small)
    bounded.ratio = bounded.ours / bounded.floor if bounded.floor else None
    bounded.ok = bounded.ratio is not None and bounded.ratio <= 1.25
    for row in (per_change, bounded):
        log(f"  {row.scenario}: ours {row.ours:.0f} B, floor {row.floor:.0f} B "
            f"({'ok' if row.ok else 'MISSED'})")
    return [per_change, bounded]


def scale_rows(files: dict[str, Any], seed: str) -> list[Row]:
    """7. A folder of 1,000 files over 5,000 commits: completes; working memory flat.

    Four processes: the history up to commit 1,000 (branch at-1000) and up to 5,000, each
    once under tracemalloc (peak, and what the returned timeline holds) and once plain
    (time, and the resident-memory high-water mark).
    """
    repo = folder_repo(seed, 1000, 5000)
    base = {"scenario": "scale", "repo": repo, "path": generate.FOLDER_PATH,
            "policy": files["policy"]}
    got: dict[tuple[str, str], dict[str, Any]] = {}
    row = Row("7-scale", "folder timeline, 1,000 files: working memory 5,000 vs 1,000 commits",
              "MiB", "<= 1.25x")
    try:
        for rev in ("at-1000", "main"):
            for method in ("rss", "tracemalloc"):
                log(f"{row.id}: history up to {rev}, {method} ...")
                got[rev, method] = child({**base, "rev": rev, "method": method})
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as exc:
        row.ok, row.notes = False, str(exc)
        return [row]
    small, large = got["at-1000", "tracemalloc"], got["main", "tracemalloc"]
    row.floor, row.ours = small["peak"] - small["held"], large["peak"] - large["held"]
    row.ratio, row.runs = row.ours / row.floor, 1
    row.ok = row.ratio <= 1.25
    row.peak_rss_mb = got["main", "rss"]["peak_rss_mb"]
    row.raw = {f"{rev}-{method}": value for (rev, method), value in got.items()}
    # Time per file revision, all commits against the first 1,000: above 1, the cost of a
    # revision grows with the length of the history.
    per_rev = [got[rev, "rss"]["seconds"] / got[rev, "rss"]["revisions"] * 1e3
               for rev in ("main", "at-1000")]
    timing = Row("7-scale-time", f"same, time per file revision, {large['commits']} vs "
                 f"{small['commits']} commits", "ms", "(info)", ours=per_rev[0],
                 floor=per_rev[1], ratio=per_rev[0] / per_rev[1],
                 peak_rss_mb=got["main", "rss"]["peak_rss_mb"], runs=1)
    timing.notes = (f"completed: {got['main', 'rss']['seconds']:.0f} s for {large['commits']}"
                    f" commits ({large['revisions']} file revisions, {large['changes']} "
                    f"changes), {got['at-1000', 'rss']['seconds']:.0f} s for the first "
                    f"{small['commits']} ({small['revisions']}); resident peak "
                    f"{got['main', 'rss']['peak']:.0f} vs {got['at-1000', 'rss']['peak']:.0f} "
                    "MiB over the start")
    row.notes = (f"tracemalloc, peak minus what the returned timeline holds: "
                 f"{row.ours:.0f} MiB at {large['commits']} commits vs {row.floor:.0f} MiB at "
                 f"{small['commits']}; timeline itself {large['held']:.0f} vs "
                 f"{small['held']:.0f} MiB")
    log(f"  working memory {row.floor:.0f} -> {row.ours:.0f} MiB ({row.ratio:.2f}x), "
        f"{'ok' if row.ok else 'MISSED'}; {got['main', 'rss']['seconds']:.0f} s for all "
        "commits")
    return [row, timing]


def tree_repo(seed: str, files: int = 4000, commits: int = 5000) -> str:
    """A many-file tree like a real parameter repository (generate.tree_commits)."""
    def build(repo: str) -> object:
        return generate.build_repo(repo, generate.tree_commits(files, commits, seed))
    return prepare_repo(f"tree-f{files}-c{commits}", seed, build)


def history_rows(repo: str, path: str, rev: str | None, label: str, runs: int = 1
                 ) -> list[Row]:
    """10. A whole history of many files against its floor (bench/history.py), one row per
    target: CPU, peak memory, warm vs cold cache, cold vs --no-cache, cache vs YAML size."""
    log(f"8: {label} ...")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(BENCH)]))
    done = subprocess.run([sys.executable, "-c", "import json, sys, history; print(json.dumps("
                           "history.measure(sys.argv[1], sys.argv[2], sys.argv[3] or None, "
                           "int(sys.argv[4]))))", repo, path, rev or "", str(runs)],
                          capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return [Row("10-history", label, "s", "", ok=False, notes=tail)]
    import history

    result = json.loads(done.stdout)
    first, facts = result["samples"][0], result["facts"]
    ok = history.verdicts(result)
    ratios = result["ratios"]
    about = (f"{facts['revisions']} file revisions ({facts['failed']} not parsed by the floor), "
             f"{facts['yaml_bytes'] / 1e6:.0f} MB of YAML, JSON output "
             f"{first['no_cache']['output_mb']:.0f} MB")
    rows = [
        Row("10-cpu", f"{label}: timeline, no cache (CPU)", "s", "<= 1.5x",
            first["no_cache"]["cpu"], first["floor"]["cpu"], ratios["cpu_vs_floor"],
            ok["cpu_vs_floor"], first["no_cache"]["rss_mb"], runs, about),
        Row("10-memory", f"{label}: peak memory", "MiB", "<= 2x",
            first["no_cache"]["rss_mb"], first["floor"]["rss_mb"], ratios["memory_vs_floor"],
            ok["memory_vs_floor"], runs=runs),
        Row("10-warm", f"{label}: warm cache vs cold (CPU)", "s", ">= 10x faster",
            first["warm"]["cpu"], first["cold"]["cpu"], ratios["warm_speedup"],
            ok["warm_speedup"], runs=runs),
        Row("10-cold", f"{label}: cold cache vs --no-cache (CPU)", "s", "<= 1.2x",
            first["cold"]["cpu"], first["no_cache"]["cpu"], ratios["cold_vs_no_cache"],
            ok["cold_vs_no_cache"], runs=runs),
        Row("10-size", f"{label}: cache size vs YAML read", "MB", "<= 0.5x",
            first["cache_bytes"] / 1e6, facts["yaml_bytes"] / 1e6, ratios["cache_vs_yaml"],
            ok["cache_vs_yaml"], runs=runs),
    ]
    for row in rows:
        log(f"  {row.scenario}: {row.ratio:.2f}x (target {row.target}) "
            f"{'ok' if row.ok else 'MISSED'}")
    return rows


# --- output ---------------------------------------------------------------------------------

def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _status(row: Row) -> str:
    return "info" if row.ok is None else "ok" if row.ok else "MISSED"


def table(rows: list[Row]) -> str:
    """The plain-text table for stdout."""
    head = ("id", "scenario", "ours", "floor", "ratio", "target", "peak RSS", "result")
    lines = [(r.id, r.scenario, f"{_num(r.ours)} {r.unit}", f"{_num(r.floor)} {r.unit}",
              "-" if r.ratio is None else f"{r.ratio:.2f}x", r.target,
              f"{_num(r.peak_rss_mb)} MiB", _status(r)) for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines)]
    out = ["  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip()
           for line in [head, tuple("-" * w for w in widths), *lines]]
    out += [f"{r.id}: {r.notes}" for r in rows if r.notes]
    return "\n".join(out)


def markdown(rows: list[Row], facts: dict[str, str], plan: Plan) -> str:
    """The table for README's "Performance" section, with the machine it was measured on."""
    mode = "`python bench/run.py --quick`" if plan.quick else "`python bench/run.py`"
    header = (f"Measured {facts['date']} with {mode} on {facts['nproc']} cores "
              f"({facts['cpu']}), {facts['python']}, PyYAML {facts['pyyaml']}, "
              f"DeepDiff {facts['deepdiff']}, GitPython {facts['gitpython']}, "
              f"git {facts['git']}. Ratios are ours / floor measured in the same run "
              "(medians of interleaved runs); absolute times are noisy on this machine.")
    lines = [header, "",
             "| scenario | ours | floor | ratio | target | result |",
             "| --- | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}x"
        lines.append(f"| {r.scenario} | {_num(r.ours)} {r.unit} | {_num(r.floor)} {r.unit} | "
                     f"{ratio} | {r.target} | {_status(r)} |")
    return "\n".join(lines) + "\n"


def write_results(rows: list[Row], facts: dict[str, str], plan: Plan) -> None:
    """bench/results/latest.json and latest.md."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {"machine": facts, "quick": plan.quick, "passed": all(r.ok is not False
                                                                    for r in rows),
               "results": [asdict(r) for r in rows]}
    (RESULTS / "latest.json").write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
    (RESULTS / "latest.md").write_text(markdown(rows, facts, plan), "utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the suite; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer runs and a 100-revision history (1-1.5 minutes)")
    parser.add_argument("--scale", action="store_true",
                        help="also run 7: a folder of 1,000 files over 5,000 commits (slow)")
    parser.add_argument("--only", metavar="PREFIX", action="append", default=[],
                        help="run only scenarios whose id starts with PREFIX (repeatable)")
    parser.add_argument("--runs", type=int, help="runs per scenario instead of the plan's")
    parser.add_argument("--seed", default="1", help="corpus seed (default 1)")
    parser.add_argument("--repo", metavar="PATH",
                        help="run only scenario 10 on this repository (with --path)")
    parser.add_argument("--path", metavar="SUBDIR", default=".",
                        help="with --repo: the folder (or file) whose history is read")
    parser.add_argument("--rev", metavar="RANGE", help="with --repo: the commits (A..B)")
    args = parser.parse_args(argv)
    if args.repo:
        facts = measure.machine()
        label = f"{os.path.basename(os.path.abspath(args.repo))}:{args.path}" + \
            (f" ({args.rev})" if args.rev else "")
        rows = history_rows(os.path.abspath(args.repo), args.path, args.rev, label,
                            args.runs or 1)
        print(table(rows))
        write_results(rows, facts, plan_for(True, args.runs))
        return 0 if all(r.ok is not False for r in rows) else 1
    plan = plan_for(args.quick, args.runs)
    facts = measure.machine()
    log(f"policy-tracker benchmarks on {facts['nproc']} cores ({facts['cpu']}), "
        f"{facts['python']}")
    files = prepare_snapshots(args.seed)
    wanted = tuple(args.only)
    steps: list[tuple[str, Callable[[], list[Row]]]] = [
        ("1", lambda: load_rows(plan, files)), ("2", lambda: [diff_row(plan, files)]),
        ("3", lambda: timeline_rows(plan, files, args.seed)), ("5", lambda: startup_rows(plan)),
        ("6", lambda: [memory_row(files)]), ("8", lambda: diff_memory_rows(plan)),
        ("9", lambda: command_rows(plan))]
    if args.scale:
        steps.append(("7", lambda: scale_rows(files, args.seed)))
        steps.append(("10", lambda: history_rows(tree_repo(args.seed), generate.TREE_PATH, None,
                                                "tree of 4,000 files, 5,000 commits")))
    rows: list[Row] = []
    for prefix, step in steps:
        if not wanted or any(w.startswith(prefix) or prefix.startswith(w[:1]) for w in wanted):
            rows.extend(step())
    rows = [r for r in rows if not wanted or any(r.id.startswith(w) for w in wanted)]
    print(table(rows))
    write_results(rows, facts, plan)
    log(f"wrote {(RESULTS / 'latest.json').relative_to(ROOT)} and "
        f"{(RESULTS / 'latest.md').relative_to(ROOT)}")
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
