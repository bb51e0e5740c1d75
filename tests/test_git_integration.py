"""Git end to end: timelines from history, pull-request reviews, the diff driver, read-only."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
from mdcheck import foreign_html, links_of, mentions

import corpora
from gitrepo import commit, fingerprint, git, init_repo, replay_corpus
from policy_tracker.diff import compare
from policy_tracker.errors import LoadError
from policy_tracker.gittimeline import build_git_timeline
from policy_tracker.load import load_document

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "sample" / "example-residence"
CARD = "policies/example-residence/national/2020-03-01-card.yaml"


@pytest.fixture(scope="module")
def policy_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample policy, then a pull request that edits, adds, renames and breaks files."""
    repo = init_repo(tmp_path_factory.mktemp("policy-repo"))
    files = {f"policies/example-residence/{p.relative_to(SAMPLE)}": p.read_text("utf-8")
             for p in sorted(SAMPLE.rglob("*.yaml"))}
    commit(repo, files, "the sample policy", date="2024-01-01T10:00:00+00:00")
    git(repo, "branch", "base")
    card = files[CARD].replace("value: 1000000", "value: 1500000").replace(
        "decision_days: {value: 90", "decision_days: {value: 60")
    pilot = "policies/example-residence/coastal/2016-04-01-pilot.yaml"
    draft = "policies/example-residence/national/2021-10-01-draft.yaml"
    broken = files[draft].replace("status: draft", "status: drafted")
    commit(repo, {CARD: card, draft: broken, "notes/readme.yaml": "a: 1\n"},
           "raise the threshold", date="2024-02-01T10:00:00+00:00")
    git(repo, "mv", pilot, pilot.replace("pilot.yaml", "coastal-pilot.yaml"))
    commit(repo, {}, "rename the pilot", date="2024-03-01T10:00:00+00:00")
    return repo


def _cli(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "policy_tracker", *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("fmt", ["markdown", "github", "json"])
def test_review_golden(policy_repo: Path, fmt: str, golden: Callable[[str, str], None]) -> None:
    before = fingerprint(policy_repo)
    done = _cli(policy_repo, "review", "--base", "base", "--format", fmt)
    assert done.returncode == 2, done.stderr  # the head has an invalid file
    assert done.stderr == ""
    assert fingerprint(policy_repo) == before
    golden(f"review/review.{ {'markdown': 'md', 'github': 'txt', 'json': 'json'}[fmt]}",
           done.stdout)


def test_review_summary_file_and_fail_on(policy_repo: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step\n", "utf-8")
    done = _cli(policy_repo, "review", "--base", "base", "--format", "github", "--summary",
                str(summary), "--", "policies/example-residence/national/2020-03-01-card.yaml")
    assert done.returncode == 0, done.stderr
    text = summary.read_text("utf-8")
    assert text.startswith("# Earlier step\n<!-- policy-tracker-review -->")
    assert _cli(policy_repo, "review", "--base", "base", "--fail-on", "stricter", "--",
                CARD).returncode == 1


def test_timeline_from_git_and_ref_operands(policy_repo: Path,
                                            golden: Callable[[str, str], None]) -> None:
    before = fingerprint(policy_repo)
    timeline = _cli(policy_repo, "timeline", "--git", "policies", "--quiet", "--no-cache")
    assert timeline.returncode == 0, timeline.stderr
    golden("review/timeline-git.txt", timeline.stdout)
    diff = _cli(policy_repo, "diff", f"base:{CARD}", f"HEAD:{CARD}", "--format", "json")
    assert diff.returncode == 0, diff.stderr
    rules = sorted(c["rule"] for c in json.loads(diff.stdout)["changes"])
    assert rules == ["threshold-lowered", "threshold-raised"]
    assert fingerprint(policy_repo) == before


def test_git_diff_driver(policy_repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(policy_repo), str(clone)], check=True)
    (clone / ".gitattributes").write_text("policies/**/*.yaml diff=policy-tracker\n", "utf-8")
    driver = f"{sys.executable} -m policy_tracker git-diff-driver"
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    done = subprocess.run(["git", "-c", f"diff.policy-tracker.command={driver}", "diff",
                           "origin/base", "HEAD", "--", CARD], cwd=clone, env=env,
                          capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[0] == f"policy-tracker diff a/{CARD} b/{CARD}"
    assert "Minimum investment (Investment) raised from USD 1,000,000 to USD 1,500,000." in \
        done.stdout
    log = subprocess.run(["git", "-c", f"diff.policy-tracker.command={driver}", "log", "-p",
                          "--ext-diff", "-1", "--", CARD], cwd=clone, env=env,
                         capture_output=True, text=True, check=True)
    assert "Decision deadline lowered from 90 days to 60 days." in log.stdout


def test_hostile_refs_are_refused_before_git(policy_repo: Path) -> None:
    before = fingerprint(policy_repo)
    for ref in ("--output=pwned", "-h", "main..base", "HEAD@{1}", "$(touch pwned)"):
        done = _cli(policy_repo, "review", "--base", ref)
        assert done.returncode == 2, (ref, done.stderr)
        assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
        assert "Traceback" not in done.stderr
    assert not list(policy_repo.glob("*pwned*"))
    assert fingerprint(policy_repo) == before


def test_review_comment_stays_within_githubs_limit(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "big")
    base = {f"data/f{i:03d}.yaml": "\n".join(f"k{j}: {j}" for j in range(60)) + "\n"
            for i in range(80)}
    commit(repo, base, "base")
    git(repo, "branch", "base")
    head = {name: "\n".join(f"k{j}: {j + 1}" for j in range(60)) + "\n" for name in base}
    commit(repo, head, "change everything")
    done = _cli(repo, "review", "--base", "base")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) <= 60_000 and len(done.stdout.encode()) <= 65_536
    assert "_Truncated: the details of" in done.stdout
    assert done.stdout.count("<details>") == done.stdout.count("</details>")


def test_markdown_injection_is_inert(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "md")
    commit(repo, {"p.yaml": "a: x\n"}, "base")
    git(repo, "branch", "base")
    nasty = ('"@octocat <img src=https://evil.example/x.png> ``` '
             '<!-- policy-tracker-review --> [link](https://evil.example) #1"')
    commit(repo, {"p.yaml": f"a: {nasty}\n"}, "inject")
    out = _cli(repo, "review", "--base", "base").stdout
    assert out.count("<!-- policy-tracker-review -->") == 1
    # Read back as GitHub would: no image, link, mention or raw HTML but the review's own.
    assert foreign_html(out) == []
    assert links_of(out) == [] and mentions(out) == []


@pytest.mark.parametrize("folder", corpora.folder_params(
    ("bmaf__bmaf", "smic__smic_b_horaire", "deductible__taux")))
def test_openfisca_history_agrees_with_diffs_of_the_plain_files(folder: str,
                                                                tmp_path: Path) -> None:
    repo = tmp_path / "replay"
    commits = replay_corpus(corpora.folder_path(folder), repo)
    before = fingerprint(repo)
    versions = sorted(corpora.folder_path(folder).glob("*.yaml"))
    timeline = build_git_timeline(str(repo), ".", use_cache=False)
    assert fingerprint(repo) == before
    events = [e for e in sorted(timeline.events, key=lambda e: int(e.id.split("#")[1]))
              if e.changes or e.error or not e.previous]
    loaded: list[Any] = []
    for path in versions:
        try:
            loaded.append(load_document(str(path)).data)
        except LoadError:
            loaded.append(None)
    errors = [e for e in timeline.events if e.error]
    assert len(errors) == sum(1 for d in loaded if d is None)
    expected = []
    last = None
    for data in loaded:
        if data is None:
            continue
        if last is not None:
            expected.append(sorted(c.fingerprint for c in compare(last, data).changes))
        last = data
    found = [sorted(c.fingerprint for c in e.changes)
             for e in sorted(timeline.events, key=lambda e: int(e.id.split("#")[1]))
             if not e.error and e.previous]
    assert [f for f in found if f] == [f for f in expected if f]
    assert len(commits) == len(versions) and events
    shutil.rmtree(repo)


def test_cached_timeline_equals_a_fresh_one(policy_repo: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICY_TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    fresh = build_git_timeline(str(policy_repo), "policies", use_cache=False).to_dict()
    first = build_git_timeline(str(policy_repo), "policies", use_cache=True).to_dict()
    database = tmp_path / "cache" / "comparisons.sqlite3"
    with contextlib.closing(sqlite3.connect(database)) as db:
        kinds = dict(db.execute("SELECT kind, count(*) FROM entries GROUP BY kind").fetchall())
    assert kinds.get("changes") and kinds.get("meta"), kinds
    again = build_git_timeline(str(policy_repo), "policies", use_cache=True).to_dict()
    assert fresh == first == again
    # Summaries cached, comparisons gone: skipped revisions are read when a comparison needs it.
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        db.execute("DELETE FROM entries WHERE kind = 'changes'")
    assert build_git_timeline(str(policy_repo), "policies", use_cache=True).to_dict() == fresh
