"""Bounded fuzzing: the loader, the comparison and every renderer on generated hostile data.

In-process properties (hypothesis, a few hundred examples each, no example database): the
loader raises nothing but `LoadError`; `compare` never raises, finds nothing between a
document and itself and mirrors itself; and each renderer's output reads back with its own
parser without the data turning into markup, formulas or terminal controls.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import icalendar
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from policy_tracker.diff import compare
from policy_tracker.errors import LoadError
from policy_tracker.load import parse_document
from policy_tracker.model import (
    ChangeKind,
    Dates,
    Diff,
    Event,
    RenderOptions,
    RuleTree,
    SnapshotMeta,
    Source,
    Status,
    Text,
    Timeline,
    Version,
)
from policy_tracker.render import formats_for, render

from .builders import HTML_PAYLOAD, MARKDOWN_PAYLOAD, TERMINAL_PAYLOAD
from .harness import BACKENDS, SAMPLE, raw_controls
from .markup import Page, csv_hazards, markdown_hazards, template_vocabulary

FUZZ = settings(max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
RENDER = settings(FUZZ, max_examples=200)


@contextmanager
def parser(backend: str) -> Iterator[None]:
    """The loader's parser choice for the duration of a block."""
    saved = os.environ.get("POLICY_TRACKER_YAML")
    os.environ["POLICY_TRACKER_YAML"] = backend
    try:
        yield
    finally:
        if saved is None:
            del os.environ["POLICY_TRACKER_YAML"]
        else:
            os.environ["POLICY_TRACKER_YAML"] = saved


# --- the loader -------------------------------------------------------------------------------

FRAGMENTS = [
    "a", "key", "id", "- ", ": ", ":", "\n", "\n  ", "  ", "\t", "[", "]", "{", "}", ",", "&x ",
    "*x", "!!str ", "!!python/object/apply:os.system ", "!Ref ", "<<", "---\n", "...\n", "? ",
    "|\n", ">-\n", "#", '"', "'", '"\\u202e"', '"\\ud800"', '"\\x1b[31m"', '"\\0"', "\\", "%",
    "%YAML 1.1\n", "%TAG ! tag:x,2024:\n", "no", "on", "012", "1:20", "1.10", "0x1F", "0o17",
    "1e3", ".inf", "~", "null", "true", "2024-02-30", "2024-01-01", "-1", "+1", "\u2028",
    "\x85", "\u202e", "\x00", "\x1b", "é", "政", "\ufeff", "\r\n", "@", "`", "=", "<!--",
]
yaml_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)),
                     max_size=40).map("".join)


def _loads_or_refuses(data: bytes) -> None:
    try:
        document = parse_document(data, "fuzz.yaml")
    except LoadError as exc:
        assert exc.where == "fuzz.yaml"
        return
    assert isinstance(document.data, dict)


@pytest.mark.parametrize("backend", BACKENDS)
@FUZZ
@given(data=st.binary(max_size=400))
def test_the_loader_raises_only_load_errors_on_bytes(backend: str, data: bytes) -> None:
    with parser(backend):
        _loads_or_refuses(data)


@pytest.mark.parametrize("backend", BACKENDS)
@FUZZ
@given(text=yaml_text)
def test_the_loader_raises_only_load_errors_on_yaml_text(backend: str, text: str) -> None:
    with parser(backend):
        _loads_or_refuses(text.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("backend", BACKENDS)
@FUZZ
@example(text="a: 1e400\n")
@example(text='"\\ud800": x\n')
@given(text=yaml_text)
def test_what_the_loader_accepts_is_plain_utf8_json(backend: str, text: str) -> None:
    with parser(backend):
        try:
            document = parse_document(text.encode("utf-8", "surrogatepass"), "fuzz.yaml")
        except LoadError:
            return
    json.dumps(document.data, ensure_ascii=False, allow_nan=False).encode("utf-8")


# --- compare ----------------------------------------------------------------------------------

HOSTILE = [HTML_PAYLOAD, MARKDOWN_PAYLOAD, TERMINAL_PAYLOAD, "=cmd|' /C calc'!A0", "+1", "-1+2",
           "@SUM(A1)", "\t=1", "\r=1", "-", "", " ", "a\nb", "a\r\nb", "<!--", "]]>",
           "{{7*7}}", "{% raw %}", "`", "```", "|", "\\", '"', "'", "\u202e", "\u2066",
           "\u200b", "\x85", "\u2028", "\x1b[31m", "\x07", "\x00", "__class__", "__init__",
           "javascript:alert(1)", "https://example.org/<b>", "政策", "1", "true", "null",
           "\u061c", "\xad", "\U000e0041", "\n::error::PWNED", "::warning file=x::", "\r ::"]
texts = st.lists(st.one_of(st.sampled_from(HOSTILE),
                           st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)),
                 max_size=3).map("".join)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False, allow_infinity=False), texts)


def _numbered(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [dict(item, id=f"r{n}") for n, item in enumerate(items)]


def _items(children: Any) -> Any:
    """Lists of mappings with unique ids, like rule items."""
    return st.lists(st.dictionaries(texts.filter(lambda k: k != "id"), children, max_size=3),
                    max_size=4).map(_numbered)


trees = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(texts, children, max_size=4),
    _items(children)), max_leaves=20)
documents = st.dictionaries(texts, trees, max_size=5)

MIRROR = {ChangeKind.ADDED: ChangeKind.REMOVED, ChangeKind.REMOVED: ChangeKind.ADDED,
          ChangeKind.MODIFIED: ChangeKind.MODIFIED, ChangeKind.REORDERED: ChangeKind.REORDERED}


def _mirrors(forward: Diff, backward: Diff) -> None:
    assert bool(forward.changes) == bool(backward.changes)
    if all(c.kind in MIRROR for c in forward.changes + backward.changes):
        there = sorted((c.path_text, MIRROR[c.kind].value, repr(c.new), repr(c.old))
                       for c in forward.changes)
        back = sorted((c.path_text, c.kind.value, repr(c.old), repr(c.new))
                      for c in backward.changes)
        assert there == back


@FUZZ
@given(documents, documents)
def test_compare_of_generic_documents(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert compare(a, a).changes == ()
    _mirrors(compare(a, b), compare(b, a))


@lru_cache(maxsize=1)
def _sample_catalog() -> Any:
    from policy_tracker import api
    return api.catalog_of(api.load_policy("example-residence", str(SAMPLE)))


routes = st.lists(st.fixed_dictionaries(
    {"id": st.sampled_from(["investment", "employment", "talent", "<b>", "__init__"]),
     "title": st.fixed_dictionaries({"en": texts, "zh": texts}),
     "min_years": st.one_of(st.integers(0, 20), texts),
     "min_investment": st.one_of(st.integers(0, 10**7), st.floats(0, 1e7), st.none()),
     "requirements": st.lists(texts, max_size=3, unique=True)}), max_size=3,
    unique_by=lambda r: r["id"])
snapshot_rules = st.fixed_dictionaries({
    "eligibility": st.fixed_dictionaries({"routes": routes, "max_age": st.integers(0, 120)}),
    "card": st.fixed_dictionaries({"name": texts, "validity_years": scalars}),
    "procedure": st.fixed_dictionaries({"decision_days": scalars, "authority": texts}),
}, optional={"__private__": trees})


@FUZZ
@given(snapshot_rules, snapshot_rules)
def test_compare_of_snapshots_with_the_sample_catalogue(a: dict[str, Any],
                                                        b: dict[str, Any]) -> None:
    catalog = _sample_catalog()
    old, new = Version("old", RuleTree(a, {})), Version("new", RuleTree(b, {}))
    assert compare(old, old, catalog).changes == ()
    _mirrors(compare(old, new, catalog), compare(new, old, catalog))


# --- renderers --------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _vocabulary() -> set[tuple[str, str]]:
    return template_vocabulary()


def _html_problems(html: str, allowed: set[tuple[str, str]]) -> list[str]:
    page = Page(html)
    problems = [f"element or attribute from the data: {p}" for p in sorted(page.pairs - allowed)]
    problems += [f"{tag}[{name}]={value[:40]!r}" for tag, name, value in page.attributes
                 if name.startswith("on") or (name == "href" and not value.lower().startswith(
                     ("#", "http://", "https://")))]
    problems += [f"comment {c[:40]!r}" for c in page.comments]
    return problems


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _no_commands(text: str) -> None:
    """No line a CI log would run as a workflow command (`::` after white space)."""
    assert [line for line in _LINE_BREAK.split(text) if line.strip().startswith("::")] == []


def _check_json(text: str, expected: dict[str, Any]) -> None:
    assert json.loads(text) == json.loads(json.dumps(expected))


def _check_csv(text: str, rows: int) -> None:
    problems, parsed = csv_hazards(text)
    assert problems == []
    assert len(parsed) == rows + 1


def _check_text(text: str) -> None:
    assert raw_controls(text) == set()


def _check_markdown(text: str) -> None:
    assert markdown_hazards(text) == []
    assert raw_controls(text) <= {"U+2060"}  # the renderer's own word joiner after @, # and :


@RENDER
@given(documents, documents, texts, texts)
def test_diff_renderers_read_back(a: dict[str, Any], b: dict[str, Any], old_name: str,
                                  new_name: str) -> None:
    diff = compare(Version(old_name, RuleTree(a, {})), Version(new_name, RuleTree(b, {})))
    options = RenderOptions()
    assert set(formats_for("diff")) >= {"json", "csv", "html", "markdown", "text"}
    _check_json(render("diff", "json", diff, options), diff.to_dict())
    _check_csv(render("diff", "csv", diff, options), len(diff.changes))
    for fmt in ("json", "csv", "html", "markdown", "text"):
        _no_commands(render("diff", fmt, diff, options))
    assert _html_problems(render("diff", "html", diff, options), _vocabulary()) == []
    _check_markdown(render("diff", "markdown", diff, options))
    _check_text(render("diff", "text", diff, options))


URLS = st.sampled_from(["https://example.org/a", "javascript:alert(1)", "data:text/html,<b>x",
                        'https://e.example/"><script>PWN()</script>', "http://e.example/a b",
                        "file:///etc/passwd", "HTTPS://E.EXAMPLE/<x>", ""])


@st.composite
def events(draw: Any, number: int) -> Event:
    """One timeline event: a snapshot with hostile texts and sources, and its changes."""
    day = draw(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)))
    title = Text(draw(texts), draw(texts))
    diff = compare(draw(documents), draw(documents))
    track = draw(st.sampled_from(["national", "coastal", HTML_PAYLOAD, "a,b;c\\d"]))
    meta = None
    if draw(st.booleans()):
        sources = tuple(Source(f"s{i}", Text(draw(texts), draw(texts)), draw(URLS))
                        for i in range(draw(st.integers(0, 2))))
        meta = SnapshotMeta(id=f"snap-{number}", title=title, dates=Dates(effective=day),
                            status=draw(st.sampled_from(list(Status))), sources=sources,
                            document_number=draw(texts),
                            notes=tuple(Text(draw(texts), draw(texts)) for _ in range(2)))
    return Event(id=f"{track}/{number}", track=track, date=day, title=title,
                 changes=diff.changes, snapshot=meta, previous=draw(texts),
                 error=draw(st.sampled_from(["", TERMINAL_PAYLOAD, HTML_PAYLOAD])))


@st.composite
def timelines(draw: Any) -> Timeline:
    """A timeline of one to three generated events, in date order."""
    items = sorted((draw(events(i)) for i in range(draw(st.integers(1, 3)))),
                   key=lambda e: e.date)
    tracks = tuple(dict.fromkeys(e.track for e in items))
    return Timeline(draw(texts), Text(draw(texts), draw(texts)), tracks, tuple(items))


TIMELINE_TAGS = {("p", ""), ("a", ""), ("a", "href"), ("ul", ""), ("li", "")}
ICS_LINE = re.compile(rb"[^\r\n]{0,75}")


def _check_ics(text: str, timeline: Timeline) -> None:
    calendar = icalendar.Calendar.from_ical(text)
    found = list(calendar.walk("VEVENT"))
    assert len(found) == len(timeline.events)
    for line in text.encode("utf-8").split(b"\r\n")[:-1]:
        assert ICS_LINE.fullmatch(line), line[:80]
    for component in found:
        for name in ("SUMMARY", "DESCRIPTION"):
            assert raw_controls(str(component[name]).replace("\n", " ")) == set()
        url = str(component.get("URL", "https://"))
        assert url.lower().startswith(("http://", "https://"))


def _check_timelinejs(text: str) -> None:
    data = json.loads(text)
    slides = [data["title"], *data["events"], *data["eras"]]
    for slide in slides:
        for key in ("headline", "text"):
            html = slide.get("text", {}).get(key, "")
            assert _html_problems(html, TIMELINE_TAGS) == [], html
            assert raw_controls(html) == set(), html  # TimelineJS renders what it decodes


@RENDER
@given(timelines())
def test_timeline_renderers_read_back(timeline: Timeline) -> None:
    options = RenderOptions()
    assert set(formats_for("timeline")) >= {"json", "jsonl", "csv", "ics", "timelinejs",
                                            "html", "markdown", "text"}
    _check_json(render("timeline", "json", timeline, options), timeline.to_dict())
    for line in render("timeline", "jsonl", timeline, options).splitlines():
        json.loads(line)
    _check_csv(render("timeline", "csv", timeline, options),
               sum(max(1, len(e.changes)) for e in timeline.events))
    _check_ics(render("timeline", "ics", timeline, options), timeline)
    _check_timelinejs(render("timeline", "timelinejs", timeline, options))
    assert _html_problems(render("timeline", "html", timeline, options), _vocabulary()) == []
    _check_text(render("timeline", "text", timeline, options))
    for fmt in formats_for("timeline"):
        _no_commands(render("timeline", fmt, timeline, options))
    assert raw_controls(render("timeline", "markdown", timeline, options)) <= {"U+2060"}
