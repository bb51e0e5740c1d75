"""One invalid file per error message: exact message, position, exit status, both loaders."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

INVALID = Path(__file__).resolve().parent / "data" / "invalid"
CASES = sorted(p.name for p in INVALID.glob("*.yaml"))


def _expectation(path: Path) -> tuple[str, str]:
    head = path.read_bytes().split(b"\n")[:2]
    expect, at = head[0].decode("utf-8"), head[1].decode("utf-8")
    pattern = expect.split(": ", 1)[1]
    if not expect.startswith("# expect-re:"):
        pattern = re.escape(pattern)
    return pattern, at.split(": ", 1)[1] if head[1] else ""


@pytest.mark.parametrize("loader", ["auto", "pure"])
@pytest.mark.parametrize("name", CASES)
def test_invalid_file_gives_one_located_error(name: str, loader: str, run_cli: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICY_TRACKER_YAML", loader)
    path = INVALID / name
    pattern, at = _expectation(path) if name != "empty.yaml" else (
        re.escape("file is empty (expected a mapping)"), "1:1")
    result = run_cli("validate", str(path))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert re.fullmatch(rf"{re.escape(str(path))}:({at}): .*{pattern}.*", lines[0]), lines
    assert lines[-1] == "error: 1 problem found"
    assert result.stdout == ""


def test_every_message_has_its_own_file() -> None:
    messages = [_expectation(INVALID / n)[0] for n in CASES if n != "empty.yaml"]
    assert len(messages) == len(set(messages))
