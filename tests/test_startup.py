"""Start-up stays light: `--help` and `validate` never import the heavy libraries.

These tests read `python -X importtime` (every module a process imports, in order) and assert
on imports only, never on time: timing is the benchmark suite's job (bench/run.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "tests" / "data" / "sample" / "example-residence" / "national" / \
    "2020-03-01-card.yaml"
STANDALONE = """\
snapshot:
  id: standalone
  title: {en: A standalone snapshot, zh: 独立快照}
  dates:
    effective: 2021-01-01
  status: in_force
  sources:
    - id: act-1
      title: {en: Act, zh: 法}
rules:
  card:
    validity_years: {value: 10, cite: {source: act-1, article: Art. 2}}
"""


Run = subprocess.CompletedProcess[str]


def imported_modules(*args: str, cwd: Path = ROOT,
                     env: dict[str, str] | None = None) -> tuple[set[str], Run]:
    """Top-level names of every module `python -X importtime -m policy_tracker ARGS` imports."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1", **(env or {}))
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "policy_tracker", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                names.add(name.split(".", 1)[0])
    assert "policy_tracker" in names, f"no import trace in stderr:\n{done.stderr[-2000:]}"
    return names, done


def test_help_imports_no_heavy_library() -> None:
    names, done = imported_modules("--help")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Usage:" in done.stdout
    assert names & {"deepdiff", "git", "jinja2", "jsonschema"} == set()


def test_validate_of_a_policy_file_imports_no_diff_git_or_templates() -> None:
    names, done = imported_modules("validate", str(SNAPSHOT))
    assert done.returncode == 0, done.stderr[-2000:]
    assert names & {"deepdiff", "git", "jinja2"} == set()


def test_validate_of_a_standalone_file_imports_no_diff_git_or_templates(tmp_path: Path) -> None:
    target = tmp_path / "2021-01-01-standalone.yaml"
    target.write_text(STANDALONE, encoding="utf-8")
    names, done = imported_modules("validate", str(target), cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert names & {"deepdiff", "git", "jinja2"} == set()


def test_everyday_commands_on_an_unchanged_policy_need_no_parser_database_or_differ(
        tmp_path: Path) -> None:
    """`list` and a `diff` of two snapshots read the checked policy back from the cache folder
    (after a first run has kept it): PyYAML, SQLite, DeepDiff and Jinja2 are never imported."""
    env_cache = {"POLICY_TRACKER_CACHE_DIR": str(tmp_path / "cache")}
    for args in (("list",), ("diff", "2016-opinions", "2019-nia-measures")):
        first = subprocess.run([sys.executable, "-m", "policy_tracker", *args], cwd=tmp_path,
                               env=dict(os.environ, PYTHONPATH=str(ROOT), **env_cache),
                               capture_output=True, text=True, timeout=120, check=False)
        assert first.returncode == 0, first.stderr[-2000:]
        names, done = imported_modules(*args, cwd=tmp_path, env=env_cache)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout == first.stdout
        assert names & {"yaml", "sqlite3", "deepdiff", "jinja2", "jsonschema", "git"} == set()
