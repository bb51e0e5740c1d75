"""README is true: its commands exist, its test command is CI's, its Python examples run."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def _commands() -> list[str]:
    from policy_tracker.cli import cli
    return sorted(cli.commands)


def _setup_commands() -> list[str]:
    return re.findall(r"```sh\n(.+?)\n```", README.split("---", 1)[0])


def test_readme_opens_with_exactly_two_setup_commands() -> None:
    commands = _setup_commands()
    assert len(commands) == 2
    assert "policy-tracker report" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8").splitlines()
    assert _setup_commands()[1] in ci


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_and_is_in_readme(command: str, run_cli: Any) -> None:
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output
    assert f"policy-tracker {command}" in README, f"README does not mention {command}"


def test_readme_python_examples_run(monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```python\n(.+?)```", README, re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})  # noqa: S102 - our own documentation
        printed = capsys.readouterr().out
        expected = re.findall(r"print\(.*\)\s+# (\[.*\]|Policy\(.*\))$", block, re.M)
        for line in expected:
            assert line in printed, f"README promises {line}, the code printed {printed!r}"


def _bundled_examples() -> list[list[str]]:
    block = README.split("Examples on the bundled data:", 1)[1].split("```sh\n", 1)[1]
    block = block.split("```", 1)[0].replace("\\\n", " ")
    return [shlex.split(line)[1:] for line in block.splitlines() if line.strip()]


@pytest.mark.parametrize("args", _bundled_examples(), ids=" ".join)
def test_readme_examples_on_the_bundled_data_run(args: list[str], run_cli: Any,
                                                 tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no ./policies here: the bundled data is used
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
