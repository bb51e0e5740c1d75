"""The CI recipes work as shipped: the workflows pass GitHub's schema and zizmor, their shell
step runs against a fixture repository, and the pre-commit hook gets the whole answer."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitrepo import commit, init_repo

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
REVIEW = WORKFLOWS / "policy-review.yml"
COMMENT = WORKFLOWS / "policy-review-comment.yml"
SAMPLE = ROOT / "tests" / "data" / "sample" / "example-residence"
CARD = "policies/example-residence/national/2020-03-01-card.yaml"
MARKER = "<!-- policy-tracker-review -->"


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install '.[test]')")
    return found


def _load(path: Path) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(path.read_text("utf-8"))
    return data


def test_workflows_match_githubs_schema() -> None:
    done = subprocess.run([_tool("check-jsonschema"), "--builtin-schema",
                           "vendor.github-workflows", str(REVIEW), str(COMMENT)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_nothing_of_medium_or_high_severity() -> None:
    done = subprocess.run([_tool("zizmor"), "--offline", "--min-severity", "medium",
                           str(WORKFLOWS)], capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_action_is_pinned_to_a_commit() -> None:
    uses = [step["uses"] for path in (REVIEW, COMMENT)
            for job in _load(path)["jobs"].values() for step in job["steps"] if "uses" in step]
    assert uses and all(re.fullmatch(r"actions/[a-z-]+@[0-9a-f]{40}", u) for u in uses), uses


def test_the_two_workflow_pattern() -> None:
    review, comment = _load(REVIEW), _load(COMMENT)
    # PyYAML reads the key `on` as True (YAML 1.1); GitHub reads it as "on".
    assert set(review[True]) == {"pull_request"} and review["permissions"] == {
        "contents": "read"}
    assert comment[True]["workflow_run"]["workflows"] == [review["name"]]
    assert comment["permissions"] == {}
    (job,) = comment["jobs"].values()
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    # the job with write permission checks out nothing and runs no shell step
    assert all("uses" in step and "checkout" not in step["uses"] for step in job["steps"])
    install = [s["run"] for j in review["jobs"].values() for s in j["steps"] if "run" in s
               and "pip install" in s["run"]]
    assert install == ["python -m pip install ./tool"]


def _review_step() -> dict[str, Any]:
    (job,) = _load(REVIEW)["jobs"].values()
    (step,) = [s for s in job["steps"] if s.get("id") == "review"]
    return step


@pytest.fixture
def shim(tmp_path: Path) -> Path:
    """A `policy-tracker` command on PATH that runs this source tree (no install needed)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "policy-tracker"
    script.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m policy_tracker '
                      '"$@"\n', "utf-8")
    script.chmod(0o755)
    return folder


def _run_step(repo: Path, base: str, head: str, shim: Path, tmp_path: Path) -> dict[str, Any]:
    step = _review_step()
    assert step["shell"] == "bash {0}" and step["working-directory"] == "pr"
    script = tmp_path / "step.sh"
    script.write_text(step["run"], "utf-8")
    out = tmp_path / "out"
    env = dict(os.environ, BASE_SHA=base, HEAD_SHA=head, PR_NUMBER="7", OUT=str(out),
               POLICY_TRACKER_CACHE_DIR=str(tmp_path / "cache"), NO_COLOR="1",
               GITHUB_OUTPUT=str(tmp_path / "github-output"),
               GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
               PATH=f"{shim}{os.pathsep}{os.environ.get('PATH', '')}")
    done = subprocess.run(["bash", str(script)], cwd=repo, env=env, capture_output=True,
                          check=False, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    outputs = (tmp_path / "github-output").read_text("utf-8").split()
    return {"stdout": done.stdout, "outputs": outputs, "out": out,
            "comment": (out / "comment.md").read_text("utf-8"),
            "summary": (tmp_path / "summary.md").read_text("utf-8")}


def _repo(tmp_path: Path, card: str) -> tuple[Path, str, str]:
    repo = init_repo(tmp_path / "pr")
    files = {f"policies/example-residence/{p.relative_to(SAMPLE)}": p.read_text("utf-8")
             for p in sorted(SAMPLE.rglob("*.yaml"))}
    base = commit(repo, files, "the sample policy")
    text = files[CARD]
    assert "value: 1000000" in text
    head = commit(repo, {CARD: text.replace("value: 1000000", card)}, "edit the card")
    return repo, base, head


def test_the_review_step_on_a_good_pull_request(tmp_path: Path, shim: Path) -> None:
    repo, base, head = _repo(tmp_path, "value: 1500000")
    result = _run_step(repo, base, head, shim, tmp_path)
    assert result["outputs"] == ["validate=0", "review=0"]
    assert (result["out"] / "pr-number").read_text("utf-8") == "7\n"
    assert (result["out"] / "head-sha").read_text("utf-8") == f"{head}\n"
    comment = result["comment"]
    assert comment.startswith(MARKER) and "Validation failed" not in comment
    assert "raised from USD 1,000,000 to USD 1,500,000" in comment and "fingerprint" in comment
    annotations = [line for line in result["stdout"].splitlines() if line.startswith("::")]
    assert annotations[0].startswith(f"::warning file={CARD},line=16,col=9,")
    assert MARKER in result["summary"]


def test_the_review_step_comments_when_validation_fails(tmp_path: Path, shim: Path) -> None:
    repo, base, head = _repo(tmp_path, 'value: "1.5 million"')
    result = _run_step(repo, base, head, shim, tmp_path)
    assert result["outputs"] == ["validate=2", "review=2", "failed=true"]
    comment = result["comment"]
    assert comment.startswith(MARKER) and comment.count(MARKER) == 1
    assert "### Validation failed" in comment
    assert (f"{CARD}:16:33: rules.eligibility.routes[id=investment].min_investment must be "
            "an amount in USD (a number such as 1500000), not '1.5 million'\n") in comment
    assert "<pre>\n" in comment and comment.rstrip().endswith("</pre>")
    errors = [line for line in result["stdout"].splitlines() if line.startswith("::error")]
    assert len(errors) == 2  # once from validate, once from the review of the changed file
    assert all(f"file={CARD},line=16,col=33," in line for line in errors)


def test_the_pre_commit_hook_passes_changed_files_and_gets_the_whole_answer(
        tmp_path: Path, shim: Path) -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["pass_filenames"] is True
    policy = tmp_path / "policies" / "example-residence"
    shutil.copytree(SAMPLE, policy)
    head = policy / "policy.yaml"
    head.write_text(head.read_text("utf-8").replace("  - id: act-2\n", "  - id: act-two\n"),
                    "utf-8")
    changed = "policies/example-residence/policy.yaml"
    assert re.search(hook["files"], changed)
    env = dict(os.environ, PATH=f"{shim}{os.pathsep}{os.environ.get('PATH', '')}")
    done = subprocess.run([*hook["entry"].split(), changed], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert "national/2015-06-01-amendment.yaml" in done.stderr
    assert "unknown source 'act-2'" in done.stderr
