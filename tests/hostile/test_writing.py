"""Hostile output paths and failing sinks: never a partial file, never an input overwritten."""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from gitrepo import commit, git, init_repo

from .builders import write
from .harness import SAMPLE, Run, assert_error, assert_finished, tree_state

Tool = Callable[..., Run]
ACT = "example-residence/national/2010-01-01-act.yaml"
HEAD = "example-residence/policy.yaml"
PREVIOUS = b"previous good report\n"


def _temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".policy-tracker-"))


# --- an output path that is an input ----------------------------------------------------------


INPUT_CASES = [
    pytest.param(("diff", "{w}/old.yaml", "{w}/new.yaml", "-o", "{w}/old.yaml"), "{w}/old.yaml",
                 id="diff-file"),
    pytest.param(("diff", "{w}/old.yaml", "{w}/new.yaml", "-o", "{w}/./sub/../new.yaml"),
                 "{w}/new.yaml", id="diff-other-spelling"),
    pytest.param(("diff", "{w}/old.yaml", "{w}/new.yaml", "-o", "{w}/link.yaml"),
                 "{w}/old.yaml", id="diff-link-to-input"),
    pytest.param(("diff", "{w}/old.yaml", "{w}/new.yaml", "-o", "{w}/hard.yaml"),
                 "{w}/old.yaml", id="diff-hard-link"),
    pytest.param(("export", "-o", "{p}/" + ACT), "{p}/" + ACT, id="export"),
    pytest.param(("show", "--as-of", "2011-01-01", "-o", "{p}/" + ACT), "{p}/" + ACT,
                 id="show"),
    pytest.param(("report", "-o", "{p}/" + HEAD), "{p}/" + HEAD, id="report"),
    pytest.param(("timeline", "-o", "{p}/" + ACT), "{p}/" + ACT, id="timeline"),
    pytest.param(("history", "example-residence", "card.validity_years", "-o", "{p}/" + ACT),
                 "{p}/" + ACT, id="history"),
    pytest.param(("compare", "--track", "coastal", "--as-of", "2017-01-01", "-o",
                  "{p}/" + ACT), "{p}/" + ACT, id="compare"),
    pytest.param(("diff", "example-residence@2012-01-01", "example-residence@2021-01-01", "-o",
                  "{p}/" + ACT), "{p}/" + ACT, id="diff-policy-at-date"),
    pytest.param(("diff", "2010-act", "2015-amendment", "-o", "{p}/" + ACT), "{p}/" + ACT,
                 id="diff-snapshot-ids"),
    pytest.param(("diff", "{w}/old.yaml", "{w}/new.yaml", "--config", "{w}/config.yaml",
                  "-o", "{w}/config.yaml"), "{w}/config.yaml", id="diff-config"),
]


@pytest.mark.parametrize(("args", "victim"), INPUT_CASES)
def test_an_output_path_that_is_an_input_is_refused(args: tuple[str, ...], victim: str,
                                                    backend: str, tool: Tool,
                                                    policies: Path, workdir: Path) -> None:
    write(workdir / "old.yaml", "a: 1\n")
    write(workdir / "new.yaml", "a: 2\n")
    write(workdir / "config.yaml", "severity:\n  value-changed: major\n")
    (workdir / "sub").mkdir()
    (workdir / "link.yaml").symlink_to("old.yaml")
    os.link(workdir / "old.yaml", workdir / "hard.yaml")
    fill = {"{w}": str(workdir), "{p}": str(policies)}

    def filled(text: str) -> str:
        for key, value in fill.items():
            text = text.replace(key, value)
        return text

    before = tree_state(policies, workdir)
    run = tool("--policies", str(policies), *map(filled, args), cwd=workdir, yaml=backend)
    assert_error(run, 2, where=None, message="one of the inputs")
    assert tree_state(policies, workdir) == before
    assert Path(filled(victim)).exists()


# --- folders at the output path (links: test_output_targets.py) ------------------------------

@pytest.mark.parametrize("target", ["afile/out.txt", "missing/out.txt", "folder"],
                         ids=["folder-is-a-file", "missing-folder", "output-is-a-folder"])
def test_an_output_folder_that_is_not_a_folder_is_exit_3(target: str, tool: Tool,
                                                         workdir: Path) -> None:
    write(workdir / "old.yaml", "a: 1\n")
    write(workdir / "new.yaml", "a: 2\n")
    write(workdir / "afile", b"a file\n")
    (workdir / "folder").mkdir()
    before = tree_state(workdir)
    run = tool("diff", "old.yaml", "new.yaml", "-o", target, cwd=workdir)
    assert_error(run, 3, where=target)
    assert tree_state(workdir) == before


# --- a full disk ------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("--policies", "{sample}", "report", "-o", "report.txt"),
    ("--policies", "{sample}", "export", "--format", "json", "-o", "report.txt"),
    ("diff", "big-old.yaml", "big-new.yaml", "-o", "report.txt"),
], ids=["report", "export", "diff"])
def test_a_full_disk_keeps_the_previous_file_and_leaves_no_partial_one(
        args: tuple[str, ...], tool: Tool, workdir: Path) -> None:
    write(workdir / "big-old.yaml", "".join(f"k{i}: {i}\n" for i in range(400)))
    write(workdir / "big-new.yaml", "".join(f"k{i}: {i + 1}\n" for i in range(400)))
    write(workdir / "report.txt", PREVIOUS)
    before = tree_state(workdir)
    args = tuple(a.replace("{sample}", str(SAMPLE)) for a in args)
    run = tool(*args, cwd=workdir, file_size=4096)
    assert_error(run, 3, where="report.txt", message="too large|space")
    assert (workdir / "report.txt").read_bytes() == PREVIOUS
    assert _temp_files(workdir) == []
    assert tree_state(workdir) == before


def test_a_full_disk_keeps_the_previous_job_summary(tool: Tool, tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    commit(repo, {"p.yaml": "".join(f"k{i}: {i}\n" for i in range(300))}, "base")
    git(repo, "branch", "base")
    commit(repo, {"p.yaml": "".join(f"k{i}: {i + 1}\n" for i in range(300))}, "edit")
    summary = write(tmp_path / "summary" / "step.md", PREVIOUS)
    run = tool("review", "--base", "base", "--format", "github", "--summary", str(summary),
               cwd=repo, file_size=4096)
    assert_finished(run)
    assert run.returncode == 3, run.describe()
    assert run.err.count("\n") == 1 and run.err.startswith(f"error: {summary}"), run.describe()
    assert summary.read_bytes() == PREVIOUS
    assert _temp_files(summary.parent) == []


# --- standard output --------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
@pytest.mark.parametrize("args", [
    pytest.param(("diff", "old.yaml", "new.yaml"), id="diff"),
    pytest.param(("--policies", "{sample}", "report", "-o", "-"), id="report"),
    pytest.param(("--policies", "{sample}", "timeline"), id="timeline"),
    pytest.param(("schema", "diff"), id="schema"),
    pytest.param(("rules",), id="rules"),
])
def test_stdout_to_a_full_device_is_exit_3(args: tuple[str, ...], tool: Tool,
                                           workdir: Path) -> None:
    write(workdir / "old.yaml", "a: 1\n")
    write(workdir / "new.yaml", "a: 2\n")
    args = tuple(a.replace("{sample}", str(SAMPLE)) for a in args)
    with open("/dev/full", "wb") as full:
        run = tool(*args, cwd=workdir, stdout=full.fileno())
    assert_finished(run)
    assert run.returncode == 3, run.describe()
    lines = run.err.splitlines()
    assert lines[-1].startswith("error: <stdout>: cannot write"), run.describe()
    assert len(lines) == 1, run.describe()


@pytest.mark.parametrize("args", [
    pytest.param(("diff", "big-old.yaml", "big-new.yaml"), id="diff-text"),
    pytest.param(("diff", "big-old.yaml", "big-new.yaml", "--format", "json"), id="diff-json"),
    pytest.param(("diff", "big-old.yaml", "big-new.yaml", "--format", "csv"), id="diff-csv"),
])
def test_stdout_closed_early_is_quiet(args: tuple[str, ...], command: Callable[..., Run],
                                      workdir: Path) -> None:
    # Far more output than a pipe holds, so the writer meets the closed pipe.
    write(workdir / "big-old.yaml", "".join(f"k{i}: {i}\n" for i in range(3000)))
    write(workdir / "big-new.yaml", "".join(f"k{i}: {i + 1}\n" for i in range(3000)))
    line = " ".join(shlex.quote(a) for a in (sys.executable, "-m", "policy_tracker", *args))
    run = command(["bash", "-c", f"{line} | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}"],
                  cwd=workdir)
    assert_finished(run)
    assert run.stderr == b"", run.describe()
    assert run.out.strip() in ("0", "141"), run.describe()
