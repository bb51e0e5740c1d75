"""The benchmark scenarios. Each runs in a fresh child process started by `run.py`:

    python bench/scenarios.py '{"scenario": "load", "file": "...", "runs": 9}'

prints one JSON object (times in seconds, memory in MiB) on its last line of stdout.
A fresh process per scenario keeps one scenario's garbage, caches and memory high-water
mark out of the next one's numbers.
"""

from __future__ import annotations

import functools
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import measure
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the working tree, not an installed copy

Params = dict[str, Any]
Progress = Callable[[int, int], None]


def _c_load(data: bytes) -> Any:
    """The floor: PyYAML's libyaml loader, as anyone would call it."""
    return yaml.load(data, Loader=yaml.CSafeLoader)


def _catalog(policy_file: str) -> Any:
    """The generated policy's field catalogue, read through the project's own loader."""
    from policy_tracker import api, load, validate

    return api.catalog_of(validate.build_policy(load.load_document(policy_file)))


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


# --- 1. load and validate -------------------------------------------------------------------

def load(params: Params) -> dict[str, Any]:
    """`api.parse_snapshot(load.parse_document(bytes, name))` against the bare C loader."""
    from policy_tracker import api
    from policy_tracker import load as loader

    data, name = _read(params["file"]), os.path.basename(params["file"])
    # For the record: our loader pauses the garbage collector while it parses; the same
    # floor with it paused (the reference) tells how much of the margin that is.
    timing = measure.interleave(lambda: api.parse_snapshot(loader.parse_document(data, name)),
                                lambda: _c_load(data), params["runs"], params.get("repeat", 1),
                                reference=measure.without_gc(lambda: _c_load(data)))
    return {**timing.summary(), "bytes": len(data)}


# --- 2. diff --------------------------------------------------------------------------------

def diff(params: Params) -> dict[str, Any]:
    """`diff.compare` of two loaded snapshots against the C-loader parse of both."""
    from policy_tracker import api, diff
    from policy_tracker import load as loader

    catalog = _catalog(params["policy"])
    old, new = _read(params["old"]), _read(params["new"])
    versions = [api.version_of(api.parse_snapshot(loader.parse_document(data, name), catalog))
                for data, name in ((old, params["old"]), (new, params["new"]))]
    result = diff.compare(versions[0], versions[1], catalog)
    timing = measure.interleave(lambda: diff.compare(versions[0], versions[1], catalog),
                                lambda: (_c_load(old), _c_load(new)), params["runs"],
                                params.get("repeat", 1))
    return {**timing.summary(), "changes": len(result.changes), "bytes": len(old) + len(new)}


# --- 3, 4, 7. git timelines -----------------------------------------------------------------

def blob_ids(repo: str, path: str, rev: str = "HEAD") -> list[str]:
    """Every version of `path` (a file or folder) in `rev`'s history, oldest first."""
    out = subprocess.run(["git", "-C", repo, "log", "--reverse", "--format=", "--raw",
                          "--no-abbrev", "--no-renames", rev, "--", path],
                         capture_output=True, text=True, check=True).stdout
    blobs = []
    for line in out.splitlines():
        if line.startswith(":"):
            fields = line[1:].split("\t", 1)[0].split()
            if fields[4] != "D":
                blobs.append(fields[3])
    return blobs


def read_blobs(repo: str, blobs: list[str]) -> Iterator[bytes]:
    """The floor for reading git: one `git cat-file --batch` process for every blob."""
    proc = subprocess.Popen(["git", "-C", repo, "cat-file", "--batch"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for blob in blobs:
            proc.stdin.write(blob.encode("ascii") + b"\n")
            proc.stdin.flush()
            size = int(proc.stdout.readline().split()[2])
            yield proc.stdout.read(size)
            proc.stdout.read(1)
    finally:
        proc.stdin.close()
        proc.wait()


def _floor_timeline(repo: str, blobs: list[str]) -> None:
    for data in read_blobs(repo, blobs):
        _c_load(data)


def timeline_runner(catalog: Any) -> tuple[str, Callable[..., int]]:
    """Our git timeline: `api.build_git_timeline` when it exists, else history + compare.

    Returns what is measured and a function `(repo, path, rev_range, use_cache, progress)
    -> changes`; `progress(done, total)` is called as revisions are read.
    """
    import importlib

    from policy_tracker import api

    build, what = getattr(api, "build_git_timeline", None), "api.build_git_timeline"
    if build is None:  # not exported yet: the module that defines it, if it has landed
        try:
            build = importlib.import_module("policy_tracker.gittimeline").build_git_timeline
            what = "gittimeline.build_git_timeline"
        except (ImportError, AttributeError):
            build = None
    if build is not None:
        def run_api(repo: str, path: str, rev_range: str | None, use_cache: bool,
                    progress: Progress | None = None) -> int:
            _KEEP.clear()  # the previous result must not weigh on this run's collections
            timeline = build(repo, path, rev_range=rev_range, use_cache=use_cache,
                             progress=progress)
            _KEEP.append(timeline)  # alive until the next run, as a caller's would be
            return sum(len(event.changes) for event in timeline.events)
        return what, run_api
    return "history.iter_revisions + diff.compare", _history_and_compare(catalog)


_KEEP: list[Any] = []
"""The last timeline built, so that memory scenarios can measure what the result holds."""


def _history_and_compare(catalog: Any) -> Callable[..., int]:
    from policy_tracker.diff import compare
    from policy_tracker.history import iter_revisions
    from policy_tracker.model import Version
    from policy_tracker.rules import split_rules

    def run(repo: str, path: str, rev_range: str | None, use_cache: bool,
            progress: Progress | None = None) -> int:
        previous: dict[str, Version] = {}
        changes = 0
        for rev in iter_revisions(repo, path, rev_range, progress, use_cache=use_cache):
            doc = rev.document
            if doc is None or not isinstance(doc.data, dict) or "rules" not in doc.data:
                continue
            version = Version(doc.name, split_rules(doc.data["rules"], catalog),
                              ((doc, ("rules",)),))
            if rev.path in previous:
                changes += len(compare(previous[rev.path], version, catalog).changes)
            previous[rev.path] = version
        return changes
    return run


def timeline(params: Params) -> dict[str, Any]:
    """A timeline over every revision (no cache) against cat-file + C-loader parse of each.

    One call of ours covers the whole history; every `chunk` revisions its progress callback
    pauses it and has the floor timed on the same `chunk` blobs. Time spent in the callback
    is taken out of ours. So ours and the floor alternate every few seconds, and a burst of
    load on the machine weighs on one pair of samples, not on a whole side. The floor runs
    in a separate process (`floor_worker`), which holds nothing else: in ours' process, its
    collections would have to walk the growing timeline, which is ours' cost, not its own.
    """
    repo, path, chunk = params["repo"], params["path"], params.get("chunk", 100)
    what, ours = timeline_runner(_catalog(params["policy"]))
    blobs = blob_ids(repo, path)
    _floor_timeline(repo, blobs[-4:])  # warm-up: page cache, imports, schema validators
    ours(repo, path, "HEAD~3..HEAD", False)
    timing = measure.Timing()
    changes = 0
    worker = _FloorWorker(repo, blobs)
    try:
        for _ in range(params["runs"]):
            pacer = _Pacer(worker, len(blobs), chunk)
            start = time.perf_counter()
            changes = ours(repo, path, None, False, pacer.progress)
            pacer.finish(time.perf_counter() - start)
            timing.ours.extend(pacer.ours)
            timing.floor.extend(pacer.floor)
    finally:
        worker.close()
    summary = timing.summary()
    return {**summary, "ours": sum(timing.ours) / params["runs"],
            "floor": sum(timing.floor) / params["runs"], "ratio_of_sums":
            sum(timing.ours) / sum(timing.floor), "chunk": chunk, "measured": what,
            "revisions": len(blobs), "changes": changes}


class _FloorWorker:
    """A child process that times the floor on a slice of the blobs when asked."""

    def __init__(self, repo: str, blobs: list[str]) -> None:
        params = json.dumps({"scenario": "floor-worker", "repo": repo, "blobs": blobs})
        self.proc = subprocess.Popen([sys.executable, __file__, params], text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout
        self.time(0, min(4, len(blobs)))  # warm-up: imports, page cache

    def time(self, start: int, end: int) -> float:
        """Seconds the floor took on blobs[start:end]."""
        self.stdin.write(f"{start} {end}\n")
        self.stdin.flush()
        return float(self.stdout.readline())

    def close(self) -> None:
        """Let the worker finish."""
        self.stdin.close()
        self.proc.wait()


def floor_worker(params: Params) -> dict[str, Any]:
    """The floor's process: for each `start end` line read, time that slice and print it."""
    repo, blobs = params["repo"], params["blobs"]
    for line in sys.stdin:
        start, end = map(int, line.split())
        print(measure.clock(functools.partial(_floor_timeline, repo, blobs[start:end])),
              flush=True)
    return {}


class _Pacer:
    """Splits one run of ours into chunks and times the floor on each chunk's blobs."""

    def __init__(self, worker: _FloorWorker, total: int, chunk: int) -> None:
        self.worker, self.total, self.chunk = worker, total, chunk
        self.ours: list[float] = []
        self.floor: list[float] = []
        self.paused = 0.0
        self.mark = 0.0
        self.done = 0
        self.started = time.perf_counter()

    def progress(self, done: int, total: int) -> None:
        """Called by ours after each revision: at a chunk boundary, time the floor."""
        if done == 0 or done % self.chunk:
            return
        entered = time.perf_counter()
        self._close(entered - self.started - self.paused, done)
        self.paused += time.perf_counter() - entered

    def finish(self, elapsed: float) -> None:
        """After ours returned: the tail (last revisions, sorting, building the result)."""
        ours = elapsed - self.paused
        if self.done < self.total:
            self._close(ours, self.total)
        elif self.ours:
            self.ours[-1] += ours - self.mark

    def _close(self, ours: float, done: int) -> None:
        self.ours.append(ours - self.mark)
        self.mark = ours
        self.floor.append(self.worker.time(self.done, done))
        self.done = done


def cache(params: Params) -> dict[str, Any]:
    """The same timeline twice through the parsed-snapshot cache: a cold run, then warm runs."""
    repo, path = params["repo"], params["path"]
    folder = tempfile.mkdtemp(prefix="policy-tracker-bench-cache-")
    os.environ["POLICY_TRACKER_CACHE_DIR"] = folder
    try:
        what, ours = timeline_runner(_catalog(params["policy"]))
        timing = measure.Timing()
        for _ in range(params.get("cold_runs", 1)):
            shutil.rmtree(folder)
            os.makedirs(folder)
            cold = measure.clock(lambda: ours(repo, path, None, True))
            warm = [measure.clock(lambda: ours(repo, path, None, True))
                    for _ in range(params["runs"])]
            timing.floor.extend([cold] * len(warm))
            timing.ours.extend(warm)
        size = sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    summary = timing.summary()
    return {**summary, "ratio": 1 / summary["ratio"], "measured": what,
            "cache_mb": size / 2**20}


def document_cache(params: Params) -> dict[str, Any]:
    """A hit of the parsed-document cache against parsing the same 200 KB file (the check
    that was a timed unit test): ours = `DocumentCache.get`, floor = `load.parse_document`."""
    from policy_tracker.cache import DocumentCache
    from policy_tracker.load import parse_document

    data = _read(params["file"])
    blob = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad"
    folder = tempfile.mkdtemp(prefix="policy-tracker-bench-documents-")
    store = DocumentCache(folder)
    try:
        store.put(blob, parse_document(data, "big.yaml"))
        timing = measure.interleave(lambda: store.get(blob, "big.yaml"),
                                    lambda: parse_document(data, "big.yaml"), params["runs"])
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)
    summary = timing.summary()
    return {**summary, "ratio": 1 / summary["ratio"]}


# --- 5. start-up ----------------------------------------------------------------------------

def startup(params: Params) -> dict[str, Any]:
    """Whole processes: `python -m policy_tracker --help` against `python -c "import click"`.

    With `bytecode` (the default), byte-code caches are used as an installed package has
    them, kept out of the source tree; without, no cache is written, so a checkout without
    `__pycache__` compiles every module of ours at each start while click's come from the
    caches pip wrote (PYTHONDONTWRITEBYTECODE=1, as set on this project's machines).
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONDEVMODE", "PYTHONPROFILEIMPORTTIME",
                 "PYTHONPYCACHEPREFIX"):
        env.pop(name, None)
    if params.get("bytecode", True):
        env["PYTHONPYCACHEPREFIX"] = str(ROOT / "bench" / "results" / "pycache")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    ours_cmd = [sys.executable, "-m", "policy_tracker", "--help"]
    floor_cmd = [sys.executable, "-c", "import click"]

    def run(cmd: list[str]) -> Callable[[], object]:
        return lambda: subprocess.run(cmd, env=env, cwd=str(ROOT), check=True,
                                      stdout=subprocess.DEVNULL)
    timing = measure.interleave(run(ours_cmd), run(floor_cmd), params["runs"], warmup=2)
    return {**timing.summary(), "command": " ".join(["python"] + ours_cmd[1:])}


# --- 8. everyday commands on the bundled data -----------------------------------------------

def command(params: Params) -> dict[str, Any]:
    """A whole `python -m policy_tracker ARGS...` process on the bundled data (`report`,
    `list`, a `diff` of two snapshots) against `python -c "import click"`, byte-code cached
    as an installed package has it, with the user's cache folder warmed by the untimed runs
    (compiled report templates live there), from an empty folder so the bundled data is used.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONDEVMODE", "PYTHONPROFILEIMPORTTIME",
                 "POLICY_TRACKER_POLICIES"):
        env.pop(name, None)
    env["PYTHONPYCACHEPREFIX"] = str(ROOT / "bench" / "results" / "pycache")
    with tempfile.TemporaryDirectory(prefix="pt-bench-command-") as here:
        env["POLICY_TRACKER_CACHE_DIR"] = os.path.join(here, "cache")
        args = [a.replace("{out}", os.path.join(here, "out")) for a in params["args"]]
        ours_cmd = [sys.executable, "-m", "policy_tracker", *args]
        floor_cmd = [sys.executable, "-c", "import click"]

        def run(cmd: list[str]) -> Callable[[], object]:
            return lambda: subprocess.run(cmd, env=env, cwd=here, check=True,
                                          stdout=subprocess.DEVNULL)
        timing = measure.interleave(run(ours_cmd), run(floor_cmd), params["runs"], warmup=2)
    return {**timing.summary(), "command": " ".join(["policy-tracker"] + params["args"])}


# --- 6. memory ------------------------------------------------------------------------------

def memory(params: Params) -> dict[str, Any]:
    """Peak traced memory of loading both files (and diffing, for ours), in MiB.

    tracemalloc counts every Python allocation, so `objects` (traced memory still held
    after the C loader returned both trees) is the size of the two parsed objects, and
    `peak` is the high-water mark of everything our load + validate + diff allocated.
    Inputs are read and modules imported (and warmed) before tracing starts.
    """
    from policy_tracker import api, diff
    from policy_tracker import load as loader

    old, new = _read(params["old"]), _read(params["new"])
    names = (os.path.basename(params["old"]), os.path.basename(params["new"]))
    catalog = _catalog(params["policy"])
    if params["side"] == "ours":
        small = _read(params["small"])  # warm-up: imports DeepDiff, builds the schema validator
        warm = api.version_of(api.parse_snapshot(loader.parse_document(small, "w.yaml"), catalog))
        diff.compare(warm, warm, catalog)

        def work() -> Any:
            snaps = [api.parse_snapshot(loader.parse_document(data, name), catalog)
                     for data, name in zip((old, new), names)]
            return snaps, diff.compare(api.version_of(snaps[0]), api.version_of(snaps[1]),
                                       catalog)
    else:
        def work() -> Any:
            return _c_load(old), _c_load(new)
    return _traced(work) if params["method"] == "tracemalloc" else _resident(work)


def _traced(work: Callable[[], Any]) -> dict[str, Any]:
    gc.collect()
    tracemalloc.start()
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    gc.collect()
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return {"peak": peak / 2**20, "held": held / 2**20, "seconds_traced": seconds}


def _resident(work: Callable[[], Any]) -> dict[str, Any]:
    gc.collect()
    base = measure.rss_mb()
    exact = measure.reset_peak_rss()
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    gc.collect()
    held = measure.rss_mb() - base
    peak = (measure.hwm_mb() if exact else measure.peak_rss_mb()) - base
    del result
    return {"peak": peak, "held": held, "seconds": seconds, "exact_peak": exact}


# --- 7. scale -------------------------------------------------------------------------------

def scale(params: Params) -> dict[str, Any]:
    """A folder's timeline up to `rev`: time and peak memory (tracemalloc or RSS).

    `held` is what is still allocated once the timeline is returned (the result itself,
    which grows with the number of changes); `peak - held` is the working memory, which
    must not grow with the number of commits.
    """
    repo, path, rev = params["repo"], params["path"], params["rev"]
    what, ours = timeline_runner(_catalog(params["policy"]))
    ours(repo, path, f"{rev}~2..{rev}", False)  # warm-up: imports, schema validators
    _KEEP.clear()
    counted: list[int] = []

    def work() -> Any:
        counted.append(ours(repo, path, rev, False))
        return _KEEP[0] if _KEEP else None
    measure_it = _traced if params["method"] == "tracemalloc" else _resident
    result = measure_it(work)
    _KEEP.clear()
    commits = subprocess.run(["git", "-C", repo, "rev-list", "--count", rev], check=True,
                             capture_output=True, text=True).stdout.strip()
    return {**result, "measured": what, "changes": counted[0], "commits": int(commits),
            "revisions": len(blob_ids(repo, path, rev))}


# --- 8. memory per change of a large diff ---------------------------------------------------

def diff_memory(params: Params) -> dict[str, Any]:
    """Memory of comparing two parsed files that differ in every one of `changes` rules.

    `inputs` is what the two parsed objects hold (the floor, measured here), `peak` the
    high-water mark of the comparison over them; both per change, in bytes.
    """
    from policy_tracker import diff
    from policy_tracker import load as loader

    count = params["changes"]
    texts = ["".join(f"rule{i:07d}: {i + step}\n" for i in range(count)).encode()
             for step in (0, 1)]
    diff.compare({"a": [[1]], "b": 1}, {"a": [[2]], "b": 2})  # warm-up: DeepDiff imported
    gc.collect()
    tracemalloc.start()
    old, new = (loader.parse_document(text, f"{name}.yaml").data
                for text, name in zip(texts, ("old", "new")))
    inputs, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del texts
    result = _resident(lambda: diff.compare(old, new))
    return {"changes": count, "inputs_per_change": inputs / count,
            "peak_per_change": result["peak"] * 2**20 / count,
            "exact_peak": result["exact_peak"], "seconds": result["seconds"]}


SCENARIOS: dict[str, Callable[[Params], dict[str, Any]]] = {
    "load": load, "diff": diff, "timeline": timeline, "cache": cache, "startup": startup,
    "command": command,
    "document-cache": document_cache,
    "memory": memory, "scale": scale, "floor-worker": floor_worker,
    "diff-memory": diff_memory}


def main() -> int:
    """Run the scenario described by the JSON argument; print its result as JSON."""
    params = json.loads(sys.argv[1])
    result = SCENARIOS[params["scenario"]](params)
    if params["scenario"] == "floor-worker":
        return 0
    result["peak_rss_mb"] = measure.peak_rss_mb()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
