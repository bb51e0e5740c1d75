"""The code stays typed (mypy strict, as configured in setup.cfg) and lint-clean (ruff)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# ruff reads no setup.cfg; the selection lives here: pycodestyle, pyflakes, bugbear,
# pyupgrade, simplify. B905 (zip strict=) is noise for this code base.
RUFF = ["--line-length", "100", "--target-version", "py310", "--select", "E,F,W,B,UP,SIM",
        "--ignore", "B905"]


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install '.[test]')")
    return found


def test_mypy_strict() -> None:
    done = subprocess.run([_tool("mypy"), "--config-file", "setup.cfg"], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-4000:]


def test_ruff() -> None:
    done = subprocess.run([_tool("ruff"), "check", *RUFF, "policy_tracker"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:]
