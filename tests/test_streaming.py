"""Git timelines written as they are read: byte for byte what the whole-timeline renderers
give, in the documented order, with memory that does not grow with the history."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import io
import os
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from gitrepo import commit, fast_history, init_repo
from policy_tracker.cli import ProgressBar
from policy_tracker.gittimeline import build_git_timeline, event_order
from policy_tracker.model import RenderOptions, Text, Timeline
from policy_tracker.render import render
from policy_tracker.streaming import (STREAMED, EventSpool, head_for, spool_git_events,
                                      stream_timeline)
from tests.test_render_timeline import change, crafted, sample_timeline

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "sample" / "example-residence"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POLICY_TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def streamed(fmt: str, timeline: Timeline, lang: str = "en") -> str:
    head = dataclasses.replace(timeline, events=())
    return "".join(stream_timeline(fmt, head, iter(timeline.events), RenderOptions(lang=lang)))


def odd_timeline() -> Timeline:
    """Invisible and bidirectional characters, an error event, a multi-line value."""
    base = crafted("Tricky \u202e title\u061c", number="No.\u200b 5",
                   changes=(change("raised\u2028again", old={"a": [1, 2]}, new=None),))
    broken = dataclasses.replace(base.events[0], id="x#1", error="a.yaml:3:1: bad\x1b[2J",
                                 changes=(), snapshot=None, previous="")
    return dataclasses.replace(base, events=base.events + (broken,), tracks=("national",))


CASES = {"sample": sample_timeline, "empty": lambda: Timeline("e", Text("E", "E"), (), ()),
         "odd": odd_timeline}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("fmt", STREAMED)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_streamed_output_is_the_whole_rendering(case: str, fmt: str, lang: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    timeline = CASES[case]()
    assert streamed(fmt, timeline, lang) == render("timeline", fmt, timeline,
                                                   RenderOptions(lang=lang))


@pytest.fixture
def folder_history(tmp_path: Path) -> Path:
    """Three files over five commits, one revision invalid, one with an effective date
    older than its commit (so the documented order is not the commit order)."""
    repo = init_repo(tmp_path / "repo")
    commit(repo, {"p/a.yaml": "a: 1\n", "p/b.yaml": "b: 1\n"}, "start",
           "2022-01-01T10:00:00+00:00")
    commit(repo, {"p/a.yaml": "a: [2\n"}, "break a", "2022-02-01T10:00:00+00:00")
    commit(repo, {"p/a.yaml": "a: 3\n", "p/c.yaml": "c: 1\n"}, "fix a, add c",
           "2022-03-01T10:00:00+00:00")
    snapshot = (SAMPLE / "national" / "2010-01-01-act.yaml").read_text("utf-8")
    commit(repo, {"p/b.yaml": snapshot}, "b becomes a snapshot", "2022-04-01T10:00:00+00:00")
    commit(repo, {"p/c.yaml": None}, "drop c", "2022-05-01T10:00:00+00:00")
    return repo


def _streamed_git(repo: Path, fmt: str, use_cache: bool) -> str:
    spool = spool_git_events(str(repo), "p", None, use_cache, None, None)
    try:
        return "".join(stream_timeline(fmt, head_for("p", spool), spool.events(),
                                       RenderOptions()))
    finally:
        spool.close()


@pytest.mark.parametrize("fmt", STREAMED)
@pytest.mark.parametrize("cache", ["none", "cold", "warm"])
def test_a_streamed_git_timeline_equals_the_built_one(folder_history: Path, fmt: str,
                                                      cache: str) -> None:
    built = build_git_timeline(str(folder_history), "p", use_cache=False)
    if cache == "warm":
        _streamed_git(folder_history, fmt, True)
    spool = spool_git_events(str(folder_history), "p", None, cache != "none", None, None)
    try:
        assert spool.invalid == 1 and len(spool.keys) == len(built.events) == 7
        text = "".join(stream_timeline(fmt, head_for("p", spool), spool.events(),
                                       RenderOptions()))
    finally:
        spool.close()
    assert text == render("timeline", fmt, built, RenderOptions())
    dates = [e.date for e in built.events]
    assert dates == sorted(dates) and dates[0] == dt.date(2010, 1, 1)


def test_a_warm_json_timeline_copies_the_cached_text(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Cached changes are written as stored, never decoded and encoded again, and the text
    is what the whole-timeline renderer gives, invisible characters and line breaks too."""
    from policy_tracker.model import Change

    repo = init_repo(tmp_path / "repo")
    commit(repo, {"p/a.yaml": "a: 1\nnote: plain\n", "p/b.yaml": "b: [1, 2]\n"}, "start",
           "2022-01-01T10:00:00+00:00")
    commit(repo, {"p/a.yaml": "a: 2\nnote: \"zero\\u200bwidth\\nand two lines\"\n"},
           "odd text", "2022-02-01T10:00:00+00:00")
    commit(repo, {"p/b.yaml": "b: [1, 3]\nchanges: []\n", "p/a.yaml": None}, "more",
           "2022-03-01T10:00:00+00:00")
    built = render("timeline", "json", build_git_timeline(str(repo), "p", use_cache=False),
                   RenderOptions())
    assert "\\u200b" in built
    assert _streamed_git(repo, "json", True) == built  # cold: fills the cache
    monkeypatch.setattr(Change, "to_dict", lambda self: pytest.fail("change encoded again"))
    assert _streamed_git(repo, "json", True) == built


def test_the_cli_streams_and_counts_invalid_revisions(folder_history: Path, run_cli: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder_history)
    result = run_cli("timeline", "--git", "p", "--no-cache")
    assert result.exit_code == 0, result.stderr
    built = build_git_timeline(str(folder_history), "p", use_cache=False)
    assert result.stdout == render("timeline", "text", built, RenderOptions())
    assert result.stdout.endswith(
        "\n7 events, 1 of them did not load (each shown with its reason)\n")
    assert result.stderr == ("note: 1 of 7 revisions did not load; each is shown with its "
                             "reason and the next good one is compared with the last good "
                             "one\n")
    zh = run_cli("timeline", "--git", "p", "--no-cache", "--lang", "zh", "--quiet")
    assert zh.stdout.endswith("共7个事件，其中1个未能读取（均已注明原因）\n") and zh.stderr == ""
    json_out = run_cli("timeline", "--git", "p", "--no-cache", "--format", "json", "--quiet")
    assert json_out.stdout == render("timeline", "json", built, RenderOptions())


def test_the_spool_keeps_only_keys_in_memory(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    rows = "".join(f"  - id: r{i}\n    amount: {{value}}\n    label: rule {i}\n"
                   for i in range(40))
    fast_history(repo, "p.yaml", (("rules:\n" + rows).replace("{value}", str(v)).encode()
                                  for v in range(1, 241)))
    live: dict[int, int] = {}
    spool = EventSpool()
    tracemalloc.start()
    try:
        from policy_tracker.gittimeline import iter_git_events

        for count, event in enumerate(iter_git_events(str(repo), "p.yaml", use_cache=False),
                                      1):
            spool.add(event)
            if count in (40, 240):
                gc.collect()
                live[count] = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
        spool.close()
    # 200 more events, each with 40 changes: a few hundred bytes each for the key and the
    # pickler's memo, never the events themselves (tens of kilobytes each).
    assert live[240] - live[40] < 200 * 1_000, live


def test_event_order_is_date_then_commit_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    timeline = sample_timeline()
    event = dataclasses.replace(timeline.events[0], id="abc:p.yaml#12")
    assert event_order(event) == (event.date, 12)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_shows_a_count_and_an_estimate() -> None:
    screen = Terminal()
    bar = ProgressBar("Reading history", screen)
    for done in range(0, 4):
        bar(done, 3)
    text = screen.getvalue()
    assert "Reading history" in text and "3/3" in text
    assert text.endswith("\n")
    assert bar.bar is None  # finished: the line is ended and the bar let go


def test_no_progress_bar_when_not_on_a_terminal(folder_history: Path, run_cli: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder_history)
    result = run_cli("timeline", "--git", "p", "--no-cache", "--format", "jsonl")
    assert "Reading history" not in result.stderr
    assert "\r" not in result.stderr


def test_a_folder_history_keeps_each_file_packed(tmp_path: Path) -> None:
    """The last version of each file waits for its next revision pickled, not parsed: memory
    for 60 files of 300 rules stays far below what their parsed trees take."""
    repo = init_repo(tmp_path / "repo")
    body = "".join(f"k{i}:\n  values:\n    2020-01-01: {{value: {i}}}\n" for i in range(300))
    commit(repo, {f"p/f{n}.yaml": body for n in range(60)}, "start",
           "2022-01-01T10:00:00+00:00")
    commit(repo, {"p/f0.yaml": body.replace("value: 7}", "value: 8}")}, "change one",
           "2022-02-01T10:00:00+00:00")
    from policy_tracker.gittimeline import iter_git_events
    from policy_tracker.load import parse_document

    gc.collect()
    tracemalloc.start()
    try:
        parse_document(body.encode(), "x")
        one_file = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        events = iter_git_events(str(repo), "p", use_cache=False)
        for count, event in enumerate(events, 1):
            if count == 60:
                gc.collect()
                held = tracemalloc.get_traced_memory()[0] - base
        assert event.changes and event.changes[0].path_text == "k7.values.2020-01-01.value"
    finally:
        tracemalloc.stop()
    assert held < 60 * one_file / 3, (held, one_file)


@pytest.mark.parametrize("odd", ["", "plain", "quote \" \\ tab\t", "\u202e\u200b bidi",
                                 "\x1b[2J", "\ud800", "中文 \U0001f600", "line\u2028break"])
@pytest.mark.parametrize("error", ["", "a.yaml:3:1: bad"])
@pytest.mark.parametrize("previous", ["", "abc:p/a.yaml"])
def test_a_commit_event_from_the_template_is_the_generic_text(odd: str, error: str,
                                                              previous: str) -> None:
    from policy_tracker.jsontext import dumps_indented
    from policy_tracker.model import Commit, Event
    from policy_tracker.streaming import _commit_event_json

    when = dt.datetime(2022, 3, 1, 10, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=-3)))
    event = Event(id=f"abc:{odd}#3", track=f"p/{odd}.yaml", date=dt.date(2022, 3, 1),
                  title=Text(f"subject {odd}", f"subject {odd}"), changes=(),
                  previous=previous, file=f"abc:p/{odd}", error=error,
                  commit=Commit("a" * 40, when, when.replace(second=1), f"subject {odd}"))
    assert _commit_event_json(event) == dumps_indented(event.to_dict(), 2)
    for other in (dataclasses.replace(event, title=Text("t", "t", "fr")),
                  dataclasses.replace(event, base=("x",)), dataclasses.replace(event, commit=None)):
        assert _commit_event_json(other) is None
