"""Names and texts from data in every sink: error lines, log lines and every output format.

One escaping policy (`policy_tracker.visible`): no control, bidirectional or invisible
character reaches a terminal, a log or a rendered file raw (U+061C included), and no line the
tool writes outside the `github` format starts with `::`, which a CI log would run as a
workflow command. The checks below use Unicode's own categories, not the tool's table.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .builders import quoted, write
from .harness import Run, assert_finished, assert_ok

Tool = Callable[..., Run]
COMMAND = "::error file=README.md,line=1::PWNED"
NAME = f"x\n{COMMAND}\x1b]0;title\x07\x1b[2J\u061c\u200f\u202e\U000e0041.yaml"
PAYLOAD = f"\n{COMMAND}\r\n  ::warning::PWNED \x1b[31m\u061c\u2067\u200d\u00ad\U000e0041 "
LINE_BREAK = re.compile(r"\r\n|\r|\n")
# The Markdown renderer's own word joiner after @, # and ':' keeps data inert.
MARKDOWN_JOINER = {"U+2060"}


def hidden(text: str) -> set[str]:
    """Control (but tab and line ends), format, separator and surrogate characters."""
    return {f"U+{ord(ch):04X}" for ch in text if ch not in "\t\r\n" and
            unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs")}


def commands(text: str) -> list[str]:
    """Lines a CI log would run as workflow commands."""
    return [line[:80] for line in LINE_BREAK.split(text) if line.strip().startswith("::")]


def assert_inert(run: Run, allowed: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """Nothing raw and no workflow command on either stream."""
    assert_finished(run)
    for stream in (run.out, run.err):
        assert commands(stream) == [], run.describe()
        assert hidden(stream) <= allowed, run.describe()


# --- file names in error lines, headers and outputs -------------------------------------------

def test_a_hostile_file_name_in_validate_and_diff_errors(tool: Tool, workdir: Path) -> None:
    write(workdir / NAME, "a: [1\n")
    write(workdir / "ok.yaml", "a: 1\n")
    for args in (("validate", NAME), ("diff", NAME, "ok.yaml"), ("diff", "ok.yaml", NAME)):
        run = tool(*args, cwd=workdir)
        assert run.returncode == 2, run.describe()
        assert_inert(run)
        assert "\\x1b" in run.err and "\\u061c" in run.err, run.describe()


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "csv", "html"])
def test_a_hostile_file_name_in_every_diff_format(fmt: str, tool: Tool, workdir: Path) -> None:
    write(workdir / NAME, f"{quoted(PAYLOAD + 'key')}: {quoted(PAYLOAD)}\n")
    write(workdir / "ok.yaml", "a: 1\n")
    run = tool("diff", "ok.yaml", NAME, "--format", fmt, cwd=workdir)
    assert_ok(run)
    assert_inert(run, MARKDOWN_JOINER if fmt == "markdown" else set())


def test_a_file_name_that_is_a_workflow_command_starts_no_line(tool: Tool,
                                                                workdir: Path) -> None:
    write(workdir / f"{COMMAND}.yaml", "a: [1\n")
    run = tool("validate", f"{COMMAND}.yaml", cwd=workdir)
    assert run.returncode == 2
    assert_inert(run)
    assert run.err.startswith("\\x3a:error file=README.md"), run.describe()


# --- texts of a policy in every timeline format and listing -----------------------------------

OUTPUTS = [(("export", "--format", fmt), fmt) for fmt in
           ("json", "jsonl", "csv", "timelinejs", "ics", "markdown")]
OUTPUTS += [(("timeline",), "text"), (("timeline", "--format", "html"), "html"),
            (("list",), "text"), (("show", "--track", "coastal", "--as-of", "2017-01-01"), "yaml"),
            (("report", "--format", "markdown", "-o", "-"), "markdown"),
            (("report", "-o", "-"), "html"),
            (("diff", "example-residence@2012-01-01", "example-residence@2021-01-01"), "text")]


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


@pytest.mark.parametrize(("args", "fmt"), OUTPUTS, ids=[" ".join(a[:3]) for a, _ in OUTPUTS])
def test_policy_texts_in_every_output(args: tuple[str, ...], fmt: str, tool: Tool,
                                      tmp_path: Path,
                                      policy_with: Callable[[str], Path]) -> None:
    root = policy_with(PAYLOAD)
    run = tool("--policies", str(root), *args, cwd=tmp_path)
    assert_finished(run)  # `report -o -` also prints its summary on standard error
    assert run.returncode == 0, run.describe()
    assert_inert(run, MARKDOWN_JOINER if fmt == "markdown" else set())
    if fmt == "timelinejs":  # TimelineJS renders its decoded strings as HTML
        for text in _strings(json.loads(run.out)):
            assert hidden(text) == set(), text
    if fmt == "csv":  # a cell may hold a newline; the line after it must not run a command
        assert "\\x3a:error file=README.md" in run.out
