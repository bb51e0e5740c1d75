"""Fixtures of the hostile suite: the tool as a limited subprocess, both YAML parsers."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .builders import hostile_policy
from .harness import BACKENDS, SAMPLE, Run, run_command, run_tool


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The YAML parser the tool is told to use: libyaml when present (`auto`) or `pure`."""
    return str(request.param)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home folder for the run, so caches and configuration stay inside the test."""
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def tool(home: Path) -> Callable[..., Run]:
    """`tool(*args, cwd=..., yaml=..., timeout=...)`: the CLI as a limited subprocess."""
    def run(*args: str, **kwargs: Any) -> Run:
        return run_tool(*args, home=home, **kwargs)
    return run


@pytest.fixture
def command(home: Path) -> Callable[..., Run]:
    """`command(argv, cwd=...)`: any program (git running the tool) under the same limits."""
    def run(argv: list[str], **kwargs: Any) -> Run:
        return run_command(argv, home=home, **kwargs)
    return run


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """The folder the tool runs in, holding its input files."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def outdir(tmp_path: Path) -> Path:
    """A folder that must still be empty after a failed run."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    """A private copy of the invented sample policies (`--policies` folder)."""
    target = tmp_path / "policies"
    shutil.copytree(SAMPLE, target)
    return target


@pytest.fixture(scope="session")
def policy_with(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """`policy_with(payload)`: the sample policy with every text prefixed by `payload`, built
    once per session; tests only read it (and check that it did not change)."""
    built: dict[str, Path] = {}

    def build(payload: str) -> Path:
        if payload not in built:
            built[payload] = hostile_policy(tmp_path_factory.mktemp("hostile-policy"), payload)
        return built[payload]
    return build
