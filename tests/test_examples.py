"""Examples run as written, in a fresh clone of this repository: README's git commands and the
examples at the end of every command's `--help`; shell completion offers real values."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def _git_blocks() -> list[list[str]]:
    """The `sh` blocks of README's Git section, one command a line (continuations joined)."""
    section = README.split("\n## Git\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.+?)```", section, re.S)
    return [[line for line in block.replace("\\\n", " ").splitlines()
             if line.strip() and not line.startswith("#")] for block in blocks]


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh clone of this repository, and an environment whose `policy-tracker` is this
    checkout's code."""
    inside = subprocess.run(["git", "-C", str(ROOT), "rev-list", "--count", "HEAD"],
                            capture_output=True, text=True)
    if inside.returncode or int(inside.stdout or 0) < 4:
        pytest.skip("needs this project as a git clone with its history (4 commits or more)")
    if (ROOT / ".git" / "shallow").exists():
        pytest.skip("a shallow clone lacks the history the README's git examples read")
    base = tmp_path_factory.mktemp("readme-git")
    repo = base / "policy-tracker"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(repo)],
                   check=True, capture_output=True, timeout=300)
    bin_dir = base / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "policy-tracker"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m policy_tracker "$@"\n', "utf-8")
    shim.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
               PYTHONPATH=str(ROOT), NO_COLOR="1", HOME=str(base),
               POLICY_TRACKER_CACHE_DIR=str(base / "cache"), GIT_PAGER="cat", PAGER="cat")
    return repo, env


def _run(line: str, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", line], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=300)


def test_readme_git_section_has_the_commands_it_promises() -> None:
    blocks = _git_blocks()
    commands = [line.split()[1] for block in blocks for line in block
                if line.startswith("policy-tracker ")]
    assert {"timeline", "diff", "review"} <= set(commands)
    assert not any("v1.0" in line for block in blocks for line in block)


def test_readme_git_commands_run_verbatim_in_a_fresh_clone(
        clone: tuple[Path, dict[str, str]]) -> None:
    repo, env = clone
    outputs = {}
    for block in _git_blocks():
        for line in block:
            done = _run(line, repo, env)
            assert done.returncode == 0, f"{line}\n{done.stderr}"
            assert "Traceback" not in done.stderr, line
            outputs[line] = done.stdout
    timeline = next(out for line, out in outputs.items()
                    if line.startswith("policy-tracker timeline") and "--rev" not in line)
    assert "2004-08-15" in timeline and "commit " in timeline
    review = next(out for line, out in outputs.items() if "review" in line)
    assert review.startswith("<!-- policy-tracker-review -->")
    log = next(out for line, out in outputs.items() if line.startswith("git log -p"))
    # the external driver ran: its semantic lines, not only git's own patch
    assert "2004-08-15-measures.yaml" in log and "added" in log.lower()


def _help_examples(command: str) -> list[str]:
    from click.testing import CliRunner

    from policy_tracker.cli import cli
    result = CliRunner().invoke(cli, [command, "--help"], prog_name="policy-tracker")
    assert result.exit_code == 0
    assert "Examples:" in result.output, f"{command} --help has no example"
    block = result.output.split("Examples:", 1)[1]
    return [line.strip() for line in block.splitlines() if line.strip()]


def _command_names() -> list[str]:
    from policy_tracker.cli import cli
    return sorted(cli.commands)


@pytest.mark.parametrize("command", _command_names())
def test_every_command_help_has_examples_that_run(command: str,
                                                  clone: tuple[Path, dict[str, str]]) -> None:
    repo, env = clone
    examples = _help_examples(command)
    assert examples
    invoked = [line for line in examples if line.startswith("policy-tracker ")]
    assert invoked or command == "git-diff-driver"
    assert all(line.split()[1] == command for line in invoked), examples
    for line in examples:
        done = _run(line, repo, env)
        assert done.returncode == 0, f"{line}\n{done.stderr}"
        assert "Traceback" not in done.stderr and "error:" not in done.stderr, line
    if command == "git-diff-driver":  # the last example is git using the driver
        assert "policy-tracker diff a/policies/" in done.stdout or done.stdout == ""


def _complete(words: str, env: dict[str, str] | None = None) -> list[str]:
    count = len(words.split()) - (0 if words.endswith(" ") else 1)
    full = dict(os.environ, PYTHONPATH=str(ROOT), _POLICY_TRACKER_COMPLETE="bash_complete",
                COMP_WORDS=words, COMP_CWORD=str(count), **(env or {}))
    done = subprocess.run([sys.executable, "-m", "policy_tracker"], cwd=ROOT, env=full,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return [line for line in done.stdout.splitlines() if line]


@pytest.mark.parametrize(("words", "expected"), [
    ("policy-tracker show ", ["plain,cn-permanent-residence"]),
    ("policy-tracker report --track sh", ["plain,shanghai"]),
    ("policy-tracker compare --track fujian --against n", ["plain,national"]),
    ("policy-tracker diff 2019", ["plain,2019-nia-measures"]),
    ("policy-tracker diff cn-", ["plain,cn-permanent-residence@"]),
    ("policy-tracker diff tests/da", ["file,tests/da"]),
    ("policy-tracker export --format ic", ["plain,ics"]),
    ("policy-tracker --policies tests/data/sample timeline --track co", ["plain,coastal"]),
    ("policy-tracker --policies no/such/folder show ", []),
])
def test_shell_completion_offers_policies_tracks_snapshots_and_formats(
        words: str, expected: list[str]) -> None:
    assert _complete(words) == expected


def test_shell_completion_lists_every_track_of_the_bundled_policy() -> None:
    assert _complete("policy-tracker show --track ") == [
        f"plain,{t}" for t in ("national", "shanghai", "beijing", "fujian", "guangdong",
                               "tianjin")]


def test_ci_runs_readme_b_in_a_bare_copy_then_the_corpus_tests() -> None:
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    readme_b = re.findall(r"```sh\n(.+?)\n```", README.split("---", 1)[0])[1]
    lines = script.splitlines()
    at = {name: next(i for i, line in enumerate(lines) if text in line) for name, text in (
        ("clone", 'git clone --quiet --no-hardlinks "$here" "$bare"'),
        ("enter", 'cd "$bare"'), ("unset", "unset POLICY_TRACKER_CORPUS"),
        ("tests", readme_b), ("corpus", "pytest -q -m corpus"))}
    assert at["clone"] < at["enter"] < at["unset"] < at["tests"] < at["corpus"], at
    assert lines[at["tests"]] == readme_b
    assert 'scratch="$(mktemp -d)"' in script and "set -euo pipefail" in script
