"""End-to-end: the foundation and diff commands, exact output, exit statuses, one-line errors."""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "tests/data/sample"
P = ("--policies", SAMPLE)
Golden = Callable[[str, str], None]


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_version(run_cli: Any) -> None:
    from policy_tracker import __version__
    result = run_cli("--version")
    assert result.output == f"policy-tracker, version {__version__}\n"


@pytest.mark.parametrize(("name", "args"), [
    ("list.txt", ("list",)),
    ("list.json", ("list", "--format", "json")),
    ("show-2017-coastal.yaml", ("show", "--as-of", "2017-01-01", "--track", "coastal")),
    ("show-2021.json", ("show", "example-residence", "--as-of", "2021-01-01", "--format", "json")),
    ("show-2023-drafts.yaml", ("show", "--as-of", "2023-01-01", "--include-drafts")),
    ("diff-dates.txt", ("diff", "example-residence@2012-01-01", "example-residence@2021-01-01")),
    ("diff-dates.zh.md", ("diff", "example-residence@2012-01-01",
                          "example-residence/coastal@2021-01-01", "--format", "markdown",
                          "--lang", "zh")),
    ("diff-snapshots.csv", ("diff", "2010-act", "example-residence/2015-amendment",
                            "--format", "csv")),
    ("diff-files.json", ("diff", f"{SAMPLE}/example-residence/national/2015-06-01-amendment.yaml",
                         f"{SAMPLE}/example-residence/national/2020-03-01-card.yaml",
                         "--format", "json")),
    ("diff-only.txt", ("diff", "example-residence@2012-01-01", "example-residence@2021-01-01",
                       "--only", "eligibility.*")),
    ("diff-exclude.txt", ("diff", "example-residence@2012-01-01", "example-residence@2021-01-01",
                          "--exclude", "eligibility", "--exclude", "card.*")),
    ("rules.txt", ("rules",)),
])
def test_golden_output(name: str, args: tuple[str, ...], run_cli: Any, golden: Golden) -> None:
    result = run_cli(*P, *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    golden(f"cli/{name}", result.stdout)


def test_show_before_the_first_snapshot_is_a_clear_error(run_cli: Any) -> None:
    result = run_cli(*P, "show", "--as-of", "2000-01-01")
    assert result.exit_code == 2
    assert result.stderr == ("error: example-residence: no rules of track 'national' are in "
                             "force on 2000-01-01; the first snapshot is effective 2010-01-01\n")


def test_drafts_are_never_law_unless_asked(run_cli: Any) -> None:
    law = run_cli(*P, "show", "--as-of", "2023-01-01", "--format", "json")
    drafts = run_cli(*P, "show", "--as-of", "2023-01-01", "--format", "json", "--include-drafts")
    assert [s["id"] for s in json.loads(law.stdout)["snapshots"]] == ["2020-card"]
    assert [s["id"] for s in json.loads(drafts.stdout)["snapshots"]] == ["2022-draft"]


@pytest.mark.parametrize(("options", "status"), [
    ((), 0), (("--exit-code",), 1), (("--fail-on", "stricter"), 1), (("--fail-on", "major"), 1),
    (("--fail-on", "stricter", "--only", "card.*"), 0), (("--fail-on", "looser", "--only", "card.*"), 1),
])
def test_exit_statuses(options: tuple[str, ...], status: int, run_cli: Any) -> None:
    result = run_cli(*P, "diff", "example-residence@2012-01-01", "example-residence@2021-01-01",
                     *options)
    assert result.exit_code == status


def test_no_changes_exit_zero_even_with_exit_code(run_cli: Any) -> None:
    result = run_cli(*P, "diff", "2010-act", "2010-act", "--exit-code")
    assert (result.exit_code, result.stdout.splitlines()[-1]) == (0, "No changes.")


def test_accept_file_hides_and_counts(run_cli: Any, tmp_path: Path) -> None:
    changes = json.loads(run_cli(*P, "diff", "2010-act", "2015-amendment", "--format",
                                 "json").stdout)["changes"]
    accept = tmp_path / "accept.yaml"
    accept.write_text(f"accept:\n  - fingerprint: {changes[0]['fingerprint']}\n"
                      "    reason: agreed in review\n", "utf-8")
    result = run_cli(*P, "diff", "2010-act", "2015-amendment", "--accept", str(accept))
    assert result.stdout.splitlines()[-1].endswith("(1 accepted)")
    assert changes[0]["sentence"]["en"] not in result.stdout


def test_severity_config(run_cli: Any, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("severity:\n  citation-changed: major\n", "utf-8")
    result = run_cli(*P, "diff", "2010-act", "2015-amendment", "--config", str(config),
                     "--format", "json")
    rules = {c["rule"]: c["severity"] for c in json.loads(result.stdout)["changes"]}
    assert rules["citation-changed"] == "major"


@pytest.mark.parametrize(("args", "message"), [
    (("show", "nope"), "error: tests/data/sample: unknown policy 'nope'; policies: "
                       "example-residence"),
    (("show", "--as-of", "2024-02-30"), "error: invalid --as-of date '2024-02-30' "
                                         "(expected YYYY-MM-DD)"),
    (("show", "--track", "inland"), "error: example-residence: unknown track 'inland'; "
                                    "tracks: national, coastal"),
    (("diff", "nothing-here", "2010-act"), "error: nothing-here: no such file, POLICY@DATE, "
                                           "snapshot id or REF:path"),
    (("diff", "2010-act"), "error: Missing argument 'NEW'. (see 'policy-tracker diff --help')"),
    (("diff", "2010-act", "2010-act", "--format", "pdf"),
     "error: Invalid value for '--format': 'pdf' is not one of 'text', 'markdown', 'json', "
     "'csv'*. (see 'policy-tracker diff --help')"),
    (("frobnicate",), "error: No such command 'frobnicate'. (see 'policy-tracker --help')"),
])
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], message: str,
                                          run_cli: Any) -> None:
    result = run_cli(*P, *args)
    assert result.exit_code == 2
    assert fnmatch.fnmatchcase(result.stderr, message + "\n"), result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_output_file_is_written_atomically_and_never_over_an_input(run_cli: Any,
                                                                   tmp_path: Path) -> None:
    target = tmp_path / "diff.md"
    result = run_cli(*P, "diff", "2010-act", "2015-amendment", "--format", "markdown", "-o",
                     str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text("utf-8").startswith("## Changes")
    assert [p.name for p in tmp_path.iterdir()] == ["diff.md"]
    old = tmp_path / "old.yaml"
    old.write_text("a: 1\n", "utf-8")
    new = tmp_path / "new.yaml"
    new.write_text("a: 2\n", "utf-8")
    refused = run_cli("diff", str(old), str(new), "-o", str(old))
    assert refused.exit_code == 2
    assert "the output file is one of the inputs" in refused.stderr
    assert old.read_text("utf-8") == "a: 1\n"


def test_output_into_a_missing_folder_is_an_environment_error(run_cli: Any, tmp_path: Path) -> None:
    result = run_cli(*P, "list", "--format", "json")
    assert result.exit_code == 0
    bad = run_cli(*P, "show", "-o", str(tmp_path / "no" / "such" / "out.yaml"))
    assert bad.exit_code == 3
    assert bad.stderr.startswith("error: ") and bad.stderr.count("\n") == 1


def test_real_process_end_to_end(run_process: Callable[..., Any], tmp_path: Path) -> None:
    done = run_process(*P, "diff", "example-residence@2012-01-01",
                       "example-residence@2021-01-01", "--fail-on", "stricter")
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == ("7 changes: 3 looser, 2 stricter, 2 neutral; "
                                            "6 major, 1 minor")
    bad = run_process(*P, "show", "--as-of", "yesterday")
    assert (bad.returncode, bad.stderr) == (2, "error: invalid --as-of date 'yesterday' "
                                               "(expected YYYY-MM-DD)\n")


def test_stdout_to_a_full_disk_is_exit_3(run_process: Callable[..., Any]) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "policy_tracker", *P, "list"], cwd=ROOT,
                              stdout=full, stderr=subprocess.PIPE, text=True,
                              env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 3
    assert done.stderr.startswith("error: <stdout>: cannot write")
    assert "Traceback" not in done.stderr


def test_stdout_closed_early_exits_quietly() -> None:
    command = (f"{sys.executable} -m policy_tracker {' '.join(P)} rules | head -c 10 >/dev/null;"
               " echo ${PIPESTATUS[0]}")
    done = subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.stderr == ""
    assert done.stdout.strip() in ("0", "141")


def test_python_dash_m_and_console_script_agree(run_process: Callable[..., Any]) -> None:
    assert run_process("--help").stdout.startswith("Usage: policy-tracker")


def test_no_command_prints_the_help(run_cli: Any) -> None:
    result = run_cli()
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: policy-tracker [OPTIONS] COMMAND [ARGS]...")
    assert result.stderr == ""
