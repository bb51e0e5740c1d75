"""Policy folders whose structure is hostile: `extends` cycles and two snapshots of one track on
the same day. Every command that reads a policy refuses them, located, within its time limit;
a bounded fuzz of track graphs and dates checks the two checks against a plain model.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_tracker.store import check_policy

from .builders import write
from .harness import SAMPLE, Run, assert_error, assert_finished

Tool = Callable[..., Run]
POLICY = SAMPLE / "example-residence"
NATIONAL = "    title: {en: National, zh: 全国}\n"
COASTAL_EXTENDS = "    extends: national\n"
INLAND = "  - id: inland\n    title: {en: Inland, zh: 内陆}\n"

# (name, edit of policy.yaml, expected `line:col` of the closing `extends`, message)
CYCLES = [
    ("self", lambda t: t.replace(COASTAL_EXTENDS, "    extends: coastal\n"), "17:14",
     "track 'coastal' extends 'coastal', which makes a cycle (coastal -> coastal)"),
    ("pair", lambda t: t.replace(NATIONAL, NATIONAL + "    extends: coastal\n"), "18:14",
     "track 'coastal' extends 'national', which makes a cycle "
     "(national -> coastal -> national)"),
    ("three", lambda t: t.replace(NATIONAL, NATIONAL + "    extends: inland\n").replace(
        "fields:\n", INLAND + "    extends: coastal\nfields:\n"), "18:14",
     "track 'coastal' extends 'national', which makes a cycle "
     "(national -> inland -> coastal -> national)"),
    ("self-without-snapshots", lambda t: t.replace(
        "fields:\n", INLAND + "    extends: inland\nfields:\n"), "20:14",
     "track 'inland' extends 'inland', which makes a cycle (inland -> inland)"),
]
COMMANDS = [("list",), ("show", "--track", "coastal"), ("timeline",), ("export",),
            ("diff", "example-residence@2017-01-01", "example-residence@2021-01-01"),
            ("report", "-o", "-")]


def _policy_copy(tmp_path: Path) -> Path:
    target = tmp_path / "policies" / "example-residence"
    shutil.copytree(POLICY, target)
    return target


@pytest.mark.parametrize(("name", "edit", "at", "message"), CYCLES, ids=[c[0] for c in CYCLES])
def test_extends_cycles_are_refused_where_they_close(name: str, edit: Callable[[str], str],
                                                     at: str, message: str, tool: Tool,
                                                     tmp_path: Path) -> None:
    folder = _policy_copy(tmp_path)
    head = folder / "policy.yaml"
    head.write_text(edit(head.read_text("utf-8")), "utf-8")
    shown = head.relative_to(tmp_path)  # files are named relative to the current folder
    run = tool("validate", str(folder), cwd=tmp_path)
    assert_finished(run)
    assert run.returncode == 2, run.describe()
    assert f"{shown}:{at}: {message}; a chain of tracks must end at a base track" in \
        run.err.splitlines(), run.describe()
    for args in COMMANDS if name == "pair" else COMMANDS[:2]:
        run = tool("--policies", str(folder.parent), *args, cwd=tmp_path)
        assert_error(run, 2, where=f"{shown}:{at}", message=re.escape(message))


def _second_snapshot(folder: Path, day: str, track: str = "national") -> Path:
    text = (POLICY / "national" / "2015-06-01-amendment.yaml").read_text("utf-8")
    text = text.replace("id: 2015-amendment", "id: 2015-second").replace(
        "effective: 2015-06-01", f"effective: {day}")
    return write(folder / track / f"{day}-second.yaml", text)


def test_two_snapshots_of_one_track_on_one_day_are_refused_with_both_positions(
        tool: Tool, tmp_path: Path) -> None:
    folder = _policy_copy(tmp_path)
    second = _second_snapshot(folder, "2015-06-01").relative_to(tmp_path)
    first = (folder / "national" / "2015-06-01-amendment.yaml").relative_to(tmp_path)
    message = (f"{second}:9:16: effective date 2015-06-01 is also that of '2015-amendment' "
               f"({first}:9:16) in track 'national'")
    run = tool("validate", str(folder), cwd=tmp_path)
    assert_finished(run)
    assert run.returncode == 2 and message in run.err, run.describe()
    for args in (("show", "--as-of", "2016-01-01"), ("timeline",)):
        refused = tool("--policies", str(folder.parent), *args, cwd=tmp_path)
        assert_error(refused, 2, where=str(second), message=re.escape(message[len(
            str(second)) + 7:]))


def test_the_same_day_in_two_tracks_is_allowed(tmp_path: Path) -> None:
    folder = _policy_copy(tmp_path)
    pilot = folder / "coastal" / "2016-04-01-pilot.yaml"
    text = pilot.read_text("utf-8").replace("2016-04-01", "2015-06-01")
    pilot.unlink()
    write(folder / "coastal" / "2015-06-01-pilot.yaml", text)
    assert [p.message for p in check_policy(str(folder)).problems
            if "effective date" in p.message] == []


# --- bounded fuzzing of track graphs and dates ------------------------------------------------

TRACKS = ["national", "a", "b", "c"]
graphs = st.fixed_dictionaries({t: st.sampled_from(["", *TRACKS]) for t in TRACKS})
days = st.lists(st.tuples(st.sampled_from(TRACKS), st.sampled_from(["2010-01-01", "2011-01-01",
                                                                     "2012-01-01"])),
                max_size=5)


def _has_cycle(graph: dict[str, str]) -> bool:
    for start in graph:
        seen, current = set(), start
        while current and current not in seen:
            seen.add(current)
            current = graph[current]
        if current:
            return True
    return False


def _fuzz_policy(root: Path, graph: dict[str, str], snapshots: list[tuple[str, str]]) -> Path:
    shutil.rmtree(root, ignore_errors=True)
    tracks = "".join(f"  - id: {t}\n    title: {{en: {t}, zh: {t}}}\n"
                     + (f"    extends: {graph[t]}\n" if graph[t] else "") for t in TRACKS)
    write(root / "policy.yaml", (
        "policy:\n  id: fuzz\n  title: {en: F, zh: F}\n  jurisdiction: Nowhere\n"
        f"  description: {{en: D, zh: D}}\ntracks:\n{tracks}fields: []\n"
        "sources:\n  - id: s1\n    title: {en: S, zh: S}\n    url: https://example.org/s\n"
        "    publisher: Nobody\n"))
    for n, (track, day) in enumerate(snapshots):
        write(root / track / f"{day}-s{n}.yaml", (
            f"snapshot:\n  id: s{n}\n  title: {{en: S, zh: S}}\n"
            f"  dates: {{effective: {day}}}\n  status: superseded\n  sources: [s1]\n"
            "rules:\n  a: 1\n"))
    return root


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(graph=graphs, snapshots=days)
def test_fuzzed_track_graphs_and_dates(tmp_path: Path, graph: dict[str, str],
                                       snapshots: list[tuple[str, str]]) -> None:
    root = _fuzz_policy(tmp_path / "fuzz", graph, snapshots)
    problems = [p.message for p in check_policy(str(root)).problems]
    cycles = [m for m in problems if "makes a cycle" in m]
    assert bool(cycles) == _has_cycle(graph), problems
    pairs = [(track, day) for track, day in snapshots]
    duplicated = len(set(pairs)) < len(pairs)
    assert any("effective date" in m for m in problems) == duplicated, problems
