"""Shared steps of the hostile cases: a refused file, a loaded file, a small policy folder."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from .builders import write
from .harness import TIME_LIMIT, Run, assert_error, sentinels, tree_state

OK = b"a: 1\n"


def diff_refused(tool: Callable[..., Run], workdir: Path, outdir: Path, backend: str,
                 data: bytes, *, name: str = "hostile.yaml", status: int = 2,
                 positioned: bool = True, message: str | None = None,
                 timeout: float = TIME_LIMIT, env: Mapping[str, str] | None = None) -> str:
    """`diff hostile.yaml ok.yaml -o out/diff.txt` fails as the contract says; nothing changes.

    The one error line is returned for further checks.
    """
    write(workdir / name, data)
    write(workdir / "ok.yaml", OK)
    before = tree_state(workdir)
    run = tool("diff", name, "ok.yaml", "-o", str(outdir / "diff.txt"), cwd=workdir,
               yaml=backend, timeout=timeout, env=env)
    line = assert_error(run, status, where=name, positioned=positioned, message=message)
    assert tree_state(workdir) == before
    assert list(outdir.iterdir()) == []
    assert sentinels(workdir, outdir) == []
    return line


def minimal_policy(root: Path, rules: str, title: str = "Act") -> Path:
    """A one-snapshot policy `typing` under `root` whose rules are the YAML text `rules`."""
    write(root / "typing" / "policy.yaml", (
        "policy:\n  id: typing\n  title: {en: Typing, zh: Typing}\n"
        "  jurisdiction: Nowhere\n  description: {en: D, zh: D}\n"
        "tracks:\n  - id: national\n    title: {en: National, zh: National}\n"
        "fields: []\nsources:\n  - id: s1\n    title: {en: Source, zh: Source}\n"
        "    url: https://example.org/s1\n    publisher: Nobody\n"))
    body = "".join(f"  {line}\n" for line in rules.splitlines())
    write(root / "typing" / "national" / "2020-01-01-act.yaml", (
        f"snapshot:\n  id: 2020-act\n  title: {{en: {title}, zh: Act}}\n"
        "  dates:\n    effective: 2020-01-01\n  status: in_force\n  sources: [s1]\n"
        f"rules:\n{body}"))
    return root
