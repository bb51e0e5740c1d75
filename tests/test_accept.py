"""Accept files: stale entries warned (an error with --strict-accept), fingerprints shown;
review of a head that does not validate: problems and the changes it could compute."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gitrepo import commit, init_repo

from policy_tracker.accept import read_accept_entries, stale_entries

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "sample"
P = ("--policies", str(SAMPLE))
STALE = "0123456789abcdef"


def _changes(run_cli: Any) -> list[dict[str, Any]]:
    result = run_cli(*P, "diff", "2010-act", "2015-amendment", "--format", "json")
    changes: list[dict[str, Any]] = json.loads(result.stdout)["changes"]
    return changes


def _accept(tmp_path: Path, *fingerprints: str) -> Path:
    path = tmp_path / "accept.yaml"
    path.write_text("accept:\n" + "".join(f"  - fingerprint: {fp}\n    reason: agreed\n"
                                          for fp in fingerprints), "utf-8")
    return path


def test_stale_entries_are_found_with_their_lines(tmp_path: Path) -> None:
    entries = read_accept_entries(str(_accept(tmp_path, "aaaa", STALE)))
    assert [(e.fingerprint, e.line) for e in entries] == [("aaaa", 2), (STALE, 4)]
    stale = stale_entries(entries, ["aaaa"])
    assert [str(p) for p in stale] == [
        f"{tmp_path / 'accept.yaml'}:4:5: accepted change {STALE} matches no change: remove "
        "the stale entry"]


def test_diff_warns_of_a_stale_entry(run_cli: Any, tmp_path: Path) -> None:
    changes = _changes(run_cli)
    accept = _accept(tmp_path, changes[0]["fingerprint"], STALE)
    result = run_cli(*P, "diff", "2010-act", "2015-amendment", "--accept", str(accept))
    assert result.exit_code == 0
    assert result.stderr == (f"warning: {accept}:4:5: accepted change {STALE} matches no "
                             "change: remove the stale entry\n")
    assert result.stdout.splitlines()[-1].endswith("(1 accepted)")


def test_strict_accept_makes_a_stale_entry_an_error_and_writes_nothing(
        run_cli: Any, tmp_path: Path) -> None:
    changes = _changes(run_cli)
    accept = _accept(tmp_path, changes[0]["fingerprint"], STALE)
    out = tmp_path / "diff.txt"
    result = run_cli(*P, "diff", "2010-act", "2015-amendment", "--accept", str(accept),
                     "--strict-accept", "-o", str(out))
    assert result.exit_code == 2 and result.stdout == "" and not out.exists()
    assert result.stderr.splitlines() == [
        f"warning: {accept}:4:5: accepted change {STALE} matches no change: remove the stale "
        "entry",
        f"error: {accept}: stale accept entries: 1; remove them, or drop --strict-accept"]
    fresh = _accept(tmp_path, changes[0]["fingerprint"])
    ok = run_cli(*P, "diff", "2010-act", "2015-amendment", "--accept", str(fresh),
                 "--strict-accept")
    assert ok.exit_code == 0 and ok.stderr == ""


def test_fingerprints_in_text(run_cli: Any) -> None:
    changes = _changes(run_cli)
    plain = run_cli(*P, "diff", "2010-act", "2015-amendment").stdout.splitlines()
    shown = run_cli(*P, "diff", "2010-act", "2015-amendment", "--fingerprints").stdout
    lines = [line for line in shown.splitlines() if line.endswith("]") and "[" in line]
    assert sorted(line.rsplit(" [", 1)[1][:-1] for line in lines) == sorted(
        c["fingerprint"] for c in changes)
    assert [line.rsplit(" [", 1)[0] for line in lines] == [
        line for line in plain if any(line.startswith(x.rsplit(" [", 1)[0]) for x in lines)]


def _cli(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "policy_tracker", *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def bad_head(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample policy, then a head whose threshold is "1.5 million" and a fee raised."""
    repo = init_repo(tmp_path_factory.mktemp("bad-head"))
    base = SAMPLE / "example-residence"
    files = {f"policies/example-residence/{p.relative_to(base)}": p.read_text("utf-8")
             for p in sorted(base.rglob("*.yaml"))}
    commit(repo, files, "the sample policy")
    card = "policies/example-residence/national/2020-03-01-card.yaml"
    text = files[card]
    assert "value: 1000000" in text and "decision_days: {value: 90" in text
    commit(repo, {card: text.replace("value: 1000000", 'value: "1.5 million"').replace(
        "decision_days: {value: 90", "decision_days: {value: 60")}, "edit the card")
    return repo


def test_review_of_an_invalid_head_gives_problems_and_changes(bad_head: Path) -> None:
    done = _cli(bad_head, "review", "--base", "HEAD~1", "--format", "json")
    assert done.returncode == 2, done.stderr
    (item,) = json.loads(done.stdout)["files"]
    assert [p["message"] for p in item["problems"]] == [
        "rules.eligibility.routes[id=investment].min_investment must be an amount in USD (a "
        "number such as 1500000), not '1.5 million'"]
    assert [c["path"] for c in item["diff"]["changes"]] == [
        ["eligibility", "routes", {"id": "investment"}, "min_investment"],
        ["procedure", "decision_days"]]
    github = _cli(bad_head, "review", "--base", "HEAD~1", "--format", "github").stdout
    assert github.splitlines()[0].startswith(
        "::error file=policies/example-residence/national/2020-03-01-card.yaml,line=16,col=")
    markdown = _cli(bad_head, "review", "--base", "HEAD~1").stdout
    assert "2 changes: " in markdown and "· 1 problem</summary>" in markdown
    assert "**Problems (fix before merging):**" in markdown


def test_review_fingerprints_and_stale_entries(bad_head: Path, tmp_path: Path) -> None:
    data = json.loads(_cli(bad_head, "review", "--base", "HEAD~1", "--format", "json").stdout)
    fingerprints = [c["fingerprint"] for c in data["files"][0]["diff"]["changes"]]
    markdown = _cli(bad_head, "review", "--base", "HEAD~1").stdout
    for fp in fingerprints:
        assert f" · fingerprint ` {fp} `" in markdown
    accept = _accept(tmp_path, fingerprints[0], STALE)
    done = _cli(bad_head, "review", "--base", "HEAD~1", "--accept", str(accept))
    assert done.stderr == (f"warning: {accept}:4:5: accepted change {STALE} matches no "
                           "change: remove the stale entry\n")
    assert done.returncode == 2  # the head's problem still counts
    strict = _cli(bad_head, "review", "--base", "HEAD~1", "--accept", str(accept),
                  "--strict-accept")
    assert strict.returncode == 2 and strict.stdout == ""
    assert strict.stderr.splitlines()[-1].startswith(f"error: {accept}: stale accept entries")


def test_review_rechecks_the_snapshots_a_changed_policy_yaml_affects(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    base = SAMPLE / "example-residence"
    files = {f"policies/example-residence/{p.relative_to(base)}": p.read_text("utf-8")
             for p in sorted(base.rglob("*.yaml"))}
    commit(repo, files, "the sample policy")
    head = "policies/example-residence/policy.yaml"
    commit(repo, {head: files[head].replace("  - id: act-2\n", "  - id: act-two\n")},
           "rename a source")
    done = _cli(repo, "review", "--base", "HEAD~1", "--format", "json")
    assert done.returncode == 2, done.stderr
    data = json.loads(done.stdout)
    affected = [f for f in data["files"] if f["status"] == "affected"]
    assert [f["new_path"] for f in affected] == [
        "policies/example-residence/national/2015-06-01-amendment.yaml",
        "policies/example-residence/national/2020-03-01-card.yaml",
        "policies/example-residence/national/2021-10-01-draft.yaml"]
    assert all(f["note"] == f"not changed; checked again because {head} changed"
               for f in affected)
    assert "unknown source 'act-2'" in affected[0]["problems"][0]["message"]
    github = _cli(repo, "review", "--base", "HEAD~1", "--format", "github").stdout
    assert "::error file=policies/example-residence/national/2015-06-01-amendment.yaml,line=" \
        in github
    markdown = _cli(repo, "review", "--base", "HEAD~1", "--lang", "zh").stdout
    assert "| 受影响 |" in markdown
