"""Shared fixtures: golden files, the CLI runner, the sample policy, throwaway files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "sample"
GOLDEN = ROOT / "tests" / "golden"


def pytest_configure(config: Any) -> None:
    """A corpus named explicitly must exist: a typo must not turn its tests into skips. The
    cache folder is the run's own, never the user's."""
    named = os.environ.get("POLICY_TRACKER_CORPUS")
    if named and not Path(named).is_dir():
        raise pytest.UsageError(f"POLICY_TRACKER_CORPUS={named} is not a folder")
    if "POLICY_TRACKER_CACHE_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="policy-tracker-test-cache-")
        os.environ["POLICY_TRACKER_CACHE_DIR"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def pytest_addoption(parser: Any) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite golden files from the current output instead of comparing.")


@pytest.fixture
def golden(request: Any) -> Callable[[Path | str, str], None]:
    """`golden(path, text)`: compare text with the golden file byte for byte (or rewrite it)."""
    update = request.config.getoption("--update-golden")

    def check(path: Path | str, text: str) -> None:
        target = Path(path) if Path(path).is_absolute() else GOLDEN / path
        if update:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
            return
        assert target.exists(), f"missing golden file {target}; run pytest --update-golden"
        expected = target.read_bytes().decode("utf-8")
        assert text == expected, f"output differs from {target}"
    return check


@pytest.fixture
def run_cli() -> Callable[..., Any]:
    """Invoke the CLI in-process; returns click's Result (stdout and stderr kept apart)."""
    from policy_tracker.cli import cli

    def invoke(*args: str, input: str | None = None) -> Any:
        runner = CliRunner()
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False,
                             prog_name="policy-tracker")
    return invoke


@pytest.fixture
def run_process() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `python -m policy_tracker` as a real subprocess."""
    def run(*args: str, cwd: Path | str | None = None, env: dict[str, str] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
        full_env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
        full_env.update(env or {})
        return subprocess.run([sys.executable, "-m", "policy_tracker", *args], cwd=cwd or ROOT,
                              env=full_env, capture_output=True, text=True, timeout=timeout)
    return run


@pytest.fixture
def sample_dir() -> str:
    """The folder holding the invented sample policy."""
    return str(SAMPLE)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for a browser test module (see tests/browsing.py)."""
    from browsing import ARGS, CHROMIUM
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()
