"""The built wheel carries the bundled policies, schemas and templates, and finds them from
any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                           str(out), str(ROOT)], capture_output=True, text=True, timeout=600)
    if done.returncode:
        pytest.fail(f"building the wheel failed: {done.stderr[-2000:]}")
    (wheel,) = out.glob("policy_tracker-*.whl")
    target = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def test_wheel_holds_every_policy_file_and_resource(unpacked_wheel: Path) -> None:
    shipped = {p.relative_to(unpacked_wheel / "policy_tracker" / "_policies")
               for p in (unpacked_wheel / "policy_tracker" / "_policies").rglob("*")
               if p.is_file()}
    expected = {p.relative_to(ROOT / "policies") for p in (ROOT / "policies").rglob("*")
                if p.is_file() and p.suffix in (".yaml", ".md")}
    assert expected and shipped == expected
    for resource in ("schemas/snapshot.schema.json", "schemas/policy.schema.json",
                     "templates/report.html.j2", "py.typed"):
        assert (unpacked_wheel / "policy_tracker" / resource).is_file(), resource
    (info,) = unpacked_wheel.glob("policy_tracker-*.dist-info")
    metadata = (info / "METADATA").read_text("utf-8")
    assert "License: MIT" in metadata or "License-Expression: MIT" in metadata
    assert "Typing :: Typed" in metadata
    licences = [p for p in info.rglob("LICENSE*") if p.is_file()]
    assert licences and "MIT License" in licences[0].read_text("utf-8")


def test_installed_package_finds_its_data_from_another_folder(unpacked_wheel: Path,
                                                              tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "POLICY_TRACKER_POLICIES"}
    env["PYTHONPATH"] = str(unpacked_wheel)
    done = subprocess.run([sys.executable, "-m", "policy_tracker", "list", "--format", "json"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert '"id": "cn-permanent-residence"' in done.stdout
    assert str(unpacked_wheel) in subprocess.run(
        [sys.executable, "-c", "import policy_tracker.store as s; print(s.bundled_root())"],
        cwd=tmp_path, env=env, capture_output=True, text=True).stdout
    # A folder with its own policies/ uses that one.
    local = tmp_path / "policies"
    (local / "example-residence").mkdir(parents=True)
    sample = ROOT / "tests" / "data" / "sample" / "example-residence"
    for path in sample.rglob("*.yaml"):
        dest = local / "example-residence" / path.relative_to(sample)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(path.read_bytes())
    done = subprocess.run([sys.executable, "-m", "policy_tracker", "list"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("example-residence:"), done.stderr


def test_readme_python_examples_run_from_the_installed_package(unpacked_wheel: Path,
                                                               tmp_path: Path) -> None:
    import re
    readme = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(.+?)```", readme, re.S)
    assert blocks
    env = {k: v for k, v in os.environ.items() if k != "POLICY_TRACKER_POLICIES"}
    env["PYTHONPATH"] = str(unpacked_wheel)
    for block in blocks:
        done = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        for line in re.findall(r"print\(.*\)\s+# (\[.*\]|Policy\(.*\))$", block, re.M):
            assert line in done.stdout, line
