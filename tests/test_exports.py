"""End to end: timeline, history, compare and export through the CLI, in-process and for real."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from policy_tracker.render import formats_for

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
SAMPLE = ("--policies", "tests/data/sample")
EXTENSIONS = {"text": "txt", "markdown": "md", "json": "json", "jsonl": "jsonl", "csv": "csv",
              "timelinejs": "timelinejs.json", "ics": "ics"}
MIN_INVESTMENT = "eligibility.routes[investment].min_investment"

PILOT = "tests/data/sample/example-residence/coastal/2016-04-01-pilot.yaml"
COMPARE_TEXT = f"""\
--- example-residence/national@2020-06-01
+++ example-residence/coastal@2020-06-01
Eligibility
  ~ [looser, major] Maximum age raised from 60 years of age to 65 years of age. \
(Coastal Talent Pilot Notice, Item 3)
  ~ [looser, major] Minimum years (Talent) lowered from 1 year to 0 years. \
(Coastal Talent Pilot Notice, Item 1)
2 changes: 2 looser; 2 major
"""
# With --paths: the path a user can paste into --only, and where the value is written.
COMPARE_PATHS = f"""\
--- example-residence/national@2020-06-01
+++ example-residence/coastal@2020-06-01
Eligibility
  ~ [looser, major] Maximum age raised from 60 years of age to 65 years of age. \
(eligibility.max_age; Coastal Talent Pilot Notice, Item 3; {PILOT}:16:5)
  ~ [looser, major] Minimum years (Talent) lowered from 1 year to 0 years. \
(eligibility.routes[id=talent].min_years; Coastal Talent Pilot Notice, Item 1; {PILOT}:15:9)
2 changes: 2 looser; 2 major
"""

UNKNOWN_POLICY = "error: tests/data/sample: unknown policy 'nope'; policies: example-residence"
UNKNOWN_TRACK = "error: example-residence: unknown track 'nope'; tracks: national, coastal"
BAD_INPUT = [
    (("timeline", "nope"), UNKNOWN_POLICY),
    (("timeline", "--track", "nope"), UNKNOWN_TRACK),
    (("timeline", "--since", "2024-02-30"),
     "error: invalid --since date '2024-02-30' (expected YYYY-MM-DD)"),
    (("timeline", "--until", "2024-13-01"),
     "error: invalid --until date '2024-13-01' (expected YYYY-MM-DD)"),
    (("timeline", "--format", "nope"),
     ("error: Invalid value for '--format': 'nope' is not one of "
      f"{', '.join(repr(f) for f in formats_for('timeline'))}. "
      "(see 'policy-tracker timeline --help')")),
    (("history", "nope", "card.name"), UNKNOWN_POLICY),
    (("history", "example-residence", "eligibility.max_age", "--track", "nope"), UNKNOWN_TRACK),
    (("history", "example-residence", "eligibility.nope"),
     ("error: example-residence: no snapshot of track 'national' has the path "
      "'eligibility.nope'")),
    (("history", "example-residence", "eligibility.routes["),
     "error: bad path 'eligibility.routes[': unclosed '[' in path 'eligibility.routes['"),
    (("compare", "nope", "--track", "coastal", "--as-of", "2020-06-01"), UNKNOWN_POLICY),
    (("compare", "--track", "nope", "--as-of", "2020-06-01"), UNKNOWN_TRACK),
    (("compare", "--track", "coastal", "--against", "nope", "--as-of", "2020-06-01"),
     UNKNOWN_TRACK),
    (("compare", "--track", "coastal", "--as-of", "2024-02-30"),
     "error: invalid --as-of date '2024-02-30' (expected YYYY-MM-DD)"),
    (("export", "nope"), UNKNOWN_POLICY),
    (("export", "--track", "nope"), UNKNOWN_TRACK),
    (("export", "--since", "2024-02-30"),
     "error: invalid --since date '2024-02-30' (expected YYYY-MM-DD)"),
]


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def expected(path: str) -> bytes:
    return (GOLDEN / path).read_bytes()


def assert_one_error_line(stderr: str, message: str) -> None:
    assert stderr == message + "\n"
    assert "Traceback" not in stderr


# In-process (click's CliRunner) -----------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_timeline_command(fmt: str, lang: str, run_cli: Callable[..., Any]) -> None:
    result = run_cli(*SAMPLE, "timeline", "--include-drafts", "--format", fmt, "--lang", lang)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout_bytes == expected(f"timeline/sample/{lang}/timeline.{EXTENSIONS[fmt]}")


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_export_command(fmt: str, run_cli: Callable[..., Any]) -> None:
    result = run_cli(*SAMPLE, "export", "example-residence", "--include-drafts", "--track",
                     "all", "--format", fmt)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout_bytes == expected(f"timeline/sample/en/timeline.{EXTENSIONS[fmt]}")


def test_export_defaults_to_json(run_cli: Callable[..., Any]) -> None:
    result = run_cli(*SAMPLE, "export", "--include-drafts")
    assert result.exit_code == 0
    assert result.stdout_bytes == expected("timeline/sample/en/timeline.json")


@pytest.mark.parametrize("fmt", ["text", "csv", "timelinejs", "ics"])
def test_timeline_without_drafts_and_filters(fmt: str, run_cli: Callable[..., Any]) -> None:
    result = run_cli(*SAMPLE, "timeline", "--track", "national", "--since", "2015-01-01",
                     "--until", "2021-12-31", "--format", fmt)
    assert (result.exit_code, result.stderr) == (0, "")
    ext = EXTENSIONS[fmt]
    assert result.stdout_bytes == expected(f"timeline/national-2015-2021/en/timeline.{ext}")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "jsonl", "csv"])
def test_history_command(fmt: str, lang: str, run_cli: Callable[..., Any]) -> None:
    result = run_cli(*SAMPLE, "history", "example-residence", MIN_INVESTMENT, "--format", fmt,
                     "--lang", lang)
    assert (result.exit_code, result.stderr) == (0, "")
    ext = EXTENSIONS[fmt]
    assert result.stdout_bytes == expected(f"history/min-investment/{lang}/history.{ext}")


def test_history_command_all_steps_on_a_regional_track(run_cli: Callable[..., Any]) -> None:
    result = run_cli(*SAMPLE, "history", "example-residence", "eligibility.max_age", "--track",
                     "coastal", "--all-steps")
    assert result.exit_code == 0
    assert result.stdout == """\
Maximum age (eligibility.max_age)
Policy: example-residence  Track: coastal

Date        Value            Snapshot            Citation
2010-01-01  60 years of age  2010-act            Example Residence Act, Art. 2
2015-06-01  60 years of age  2015-amendment      Example Residence Act, Art. 2
2016-04-01  65 years of age  2016-coastal-pilot  Coastal Talent Pilot Notice, Item 3
2020-03-01  65 years of age  2020-card           Coastal Talent Pilot Notice, Item 3
"""


def test_compare_command(run_cli: Callable[..., Any]) -> None:
    result = run_cli(*SAMPLE, "compare", "--track", "coastal", "--as-of", "2020-06-01")
    assert (result.exit_code, result.stdout, result.stderr) == (0, COMPARE_TEXT, "")
    flagged = run_cli(*SAMPLE, "compare", "--track", "coastal", "--as-of", "2020-06-01",
                      "--exit-code")
    assert (flagged.exit_code, flagged.stdout) == (1, COMPARE_TEXT)
    same = run_cli(*SAMPLE, "compare", "--track", "national", "--as-of", "2020-06-01",
                   "--exit-code")
    assert (same.exit_code, same.stdout.splitlines()[-1]) == (0, "No changes.")


@pytest.mark.parametrize("args, message", BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_is_one_error_line(args: tuple[str, ...], message: str,
                                     run_cli: Callable[..., Any]) -> None:
    result = run_cli(*SAMPLE, *args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert_one_error_line(result.stderr, message)


# export -o FILE ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["ics", "csv", "json"])
def test_export_to_file_is_atomic(fmt: str, tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    target = tmp_path / f"timeline.{EXTENSIONS[fmt]}"
    target.write_text("old content that must be replaced whole\n")
    result = run_cli(*SAMPLE, "export", "--include-drafts", "--format", fmt, "-o", str(target))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert target.read_bytes() == expected(f"timeline/sample/en/timeline.{EXTENSIONS[fmt]}")
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temporary left


def test_export_to_a_missing_folder_fails_cleanly(tmp_path: Path,
                                                  run_cli: Callable[..., Any]) -> None:
    target = tmp_path / "missing" / "timeline.ics"
    result = run_cli(*SAMPLE, "export", "--format", "ics", "-o", str(target))
    assert (result.exit_code, result.stdout) == (3, "")
    assert_one_error_line(
        result.stderr, f"error: {target}: the output folder does not exist or is not a folder")
    assert list(tmp_path.iterdir()) == []


# A real process ---------------------------------------------------------------------------------

@pytest.mark.parametrize("args, golden_file", [
    (("timeline", "--include-drafts"), "timeline/sample/en/timeline.txt"),
    (("history", "example-residence", MIN_INVESTMENT, "--lang", "zh"),
     "history/min-investment/zh/history.txt"),
    (("export", "--include-drafts", "--format", "ics"), "timeline/sample/en/timeline.ics"),
])
def test_commands_in_a_subprocess(args: tuple[str, ...], golden_file: str,
                                  run_process: Callable[..., Any]) -> None:
    done = run_process(*SAMPLE, *args)
    assert (done.returncode, done.stderr) == (0, "")
    # Text mode turns CRLF into LF: compare what a reader of the text stream gets.
    assert done.stdout == expected(golden_file).decode("utf-8").replace("\r\n", "\n")


def test_compare_with_paths_and_filters(run_cli: Callable[..., Any]) -> None:
    base = (*SAMPLE, "compare", "--track", "coastal", "--as-of", "2020-06-01")
    result = run_cli(*base, "--paths")
    assert (result.exit_code, result.stdout, result.stderr) == (0, COMPARE_PATHS, "")
    minor = run_cli(*base, "--rule", "threshold-lowered")
    assert minor.stdout.splitlines()[-1] == "1 change: 1 looser; 1 major"
    bad = run_cli(*base, "--rule", "no-such-rule")
    assert bad.exit_code == 2 and bad.stderr.startswith("error: unknown rule 'no-such-rule'; ")


def test_compare_in_a_subprocess(run_process: Callable[..., Any]) -> None:
    done = run_process(*SAMPLE, "compare", "--track", "coastal", "--as-of", "2020-06-01")
    assert (done.returncode, done.stdout, done.stderr) == (0, COMPARE_TEXT, "")


def test_export_to_file_in_a_subprocess(tmp_path: Path, run_process: Callable[..., Any]) -> None:
    target = tmp_path / "timeline.csv"
    done = run_process(*SAMPLE, "export", "--include-drafts", "--format", "csv", "-o",
                       str(target))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert target.read_bytes() == expected("timeline/sample/en/timeline.csv")
    assert [p.name for p in tmp_path.iterdir()] == ["timeline.csv"]


@pytest.mark.parametrize("index", [1, 6, 12, 15])  # one per command: timeline, history, …
def test_bad_input_in_a_subprocess(index: int, run_process: Callable[..., Any]) -> None:
    args, message = BAD_INPUT[index]
    done = run_process(*SAMPLE, *args)
    assert (done.returncode, done.stdout) == (2, "")
    assert_one_error_line(done.stderr, message)
