"""Timeline and history renderers: golden files, and every format read back by a real parser."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import jsonschema
import pytest
from mdcheck import inline_text, links_of, mentions, raw_html
from hypothesis import given
from hypothesis import strategies as st

from policy_tracker import api
from policy_tracker.model import (
    Change,
    ChangeKind,
    Citation,
    Dates,
    Diff,
    Direction,
    Event,
    FieldHistory,
    ItemKey,
    Position,
    RenderOptions,
    Severity,
    SnapshotMeta,
    Source,
    Status,
    Text,
    Timeline,
)
from policy_tracker.render import formats_for, render
from policy_tracker.render import ics as ics_module
from policy_tracker.i18n import catalogue
from policy_tracker.render.csv import CHANGE_COLUMNS, EVENT_COLUMNS
from policy_tracker.render.escape import display, md
from policy_tracker.render.text import width
from policy_tracker.render.timelinejs import unique_ids

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "policy_tracker" / "schemas"
TIMELINE_FORMATS = {"text": "txt", "markdown": "md", "json": "json", "jsonl": "jsonl",
                    "csv": "csv", "timelinejs": "timelinejs.json", "ics": "ics"}
HISTORY_FORMATS = {"text": "txt", "markdown": "md", "json": "json", "jsonl": "jsonl",
                   "csv": "csv"}
HISTORY_CASES = {
    "min-investment": ("eligibility.routes[investment].min_investment", "national", False),
    "coastal-max-age": ("eligibility.max_age", "coastal", True),
}


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # Event.file is the path as the policies folder was named: relative keeps goldens portable.
    monkeypatch.chdir(ROOT)


def sample_timeline(case: str = "sample") -> Timeline:
    policy = api.load_policy(None, "tests/data/sample")
    if case == "national-2015-2021":  # one track, a period, no drafts
        return api.build_timeline(policy, ["national"], dt.date(2015, 1, 1),
                                  dt.date(2021, 12, 31))
    return api.build_timeline(policy, None, None, None, include_drafts=True)


def sample_history(case: str) -> FieldHistory:
    path, track, every = HISTORY_CASES[case]
    return api.field_history(api.load_policy(None, "tests/data/sample"), path, track, every)


def schema(name: str) -> dict[str, Any]:
    base = ROOT / "tests" / "schemas" if name == "timelinejs" else SCHEMAS
    return json.loads((base / f"{name}.schema.json").read_text("utf-8"))  # type: ignore[no-any-return]


def validator(name: str, definition: str = "") -> Any:
    data = schema(name)
    if definition:
        data = {"$schema": data["$schema"], "$ref": f"#/$defs/{definition}",
                "$defs": data["$defs"]}
    return jsonschema.Draft202012Validator(
        data, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def errors(name: str, instance: Any, definition: str = "") -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}"
            for e in validator(name, definition).iter_errors(instance)]


def change(sentence: str, **extra: Any) -> Change:
    values: dict[str, Any] = {
        "path": ("card", "name"), "kind": ChangeKind.MODIFIED, "old": "a", "new": "b",
        "rule": "value-changed", "direction": Direction.NEUTRAL, "severity": Severity.MINOR,
        "label": Text("Card name", "证件名称"), "sentence": Text(sentence, sentence),
        "fingerprint": "0123456789abcdef"}
    values.update(extra)
    return Change(**values)


def crafted(title: str = "Plain", number: str = "", url: str = "https://example.org/x",
            changes: tuple[Change, ...] = (), status: Status = Status.IN_FORCE,
            day: dt.date = dt.date(2021, 2, 3), event_id: str = "national/crafted") -> Timeline:
    """A one-event timeline whose data can be anything a snapshot file may hold."""
    meta = SnapshotMeta(id=event_id.split("/")[-1], title=Text(title, title),
                        dates=Dates(effective=day), status=status,
                        sources=(Source("src", Text("Source", "来源"), url),),
                        document_number=number)
    event = Event(id=event_id, track="national", date=day, title=Text(title, title),
                  changes=changes, snapshot=meta, previous="before")
    return Timeline("crafted", Text("Crafted", "构造"), ("national",), (event,))


# Golden files ---------------------------------------------------------------------------------

def test_every_timeline_and_history_format_is_registered() -> None:
    assert set(formats_for("timeline")) >= set(TIMELINE_FORMATS)
    assert set(formats_for("history")) >= set(HISTORY_FORMATS)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", sorted(TIMELINE_FORMATS))
def test_timeline_golden(fmt: str, lang: str, golden: Callable[[str, str], None]) -> None:
    text = render("timeline", fmt, sample_timeline(), RenderOptions(lang=lang))
    golden(f"timeline/sample/{lang}/timeline.{TIMELINE_FORMATS[fmt]}", text)


@pytest.mark.parametrize("fmt", ["text", "csv", "timelinejs", "ics"])
def test_filtered_timeline_golden(fmt: str, golden: Callable[[str, str], None]) -> None:
    text = render("timeline", fmt, sample_timeline("national-2015-2021"), RenderOptions())
    golden(f"timeline/national-2015-2021/en/timeline.{TIMELINE_FORMATS[fmt]}", text)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", sorted(HISTORY_FORMATS))
@pytest.mark.parametrize("case", sorted(HISTORY_CASES))
def test_history_golden(case: str, fmt: str, lang: str,
                        golden: Callable[[str, str], None]) -> None:
    text = render("history", fmt, sample_history(case), RenderOptions(lang=lang))
    golden(f"history/{case}/{lang}/history.{HISTORY_FORMATS[fmt]}", text)


def test_output_is_deterministic() -> None:
    for fmt in TIMELINE_FORMATS:
        first = render("timeline", fmt, sample_timeline(), RenderOptions())
        assert render("timeline", fmt, sample_timeline(), RenderOptions()) == first


# Language ---------------------------------------------------------------------------------------

def _english_words() -> set[str]:
    zh = catalogue("zh")
    return {en for key, en in catalogue("en").items()
            if key.startswith("word.") and en != zh.get(key) and re.search("[a-z]{3}", en)}


def _readable(text: str, fmt: str) -> str:
    """What a reader sees: TimelineJS's texts (not its JSON keys), iCalendar's unfolded texts."""
    if fmt == "ics":
        calendar = icalendar.Calendar.from_ical(text)
        return "\n".join([str(calendar["X-WR-CALNAME"])] + [
            str(e[name]) for e in calendar.walk("VEVENT") for name in ("SUMMARY", "DESCRIPTION")])
    if fmt != "timelinejs":
        return text
    data = json.loads(text)
    slides = [data["title"], *data["events"], *data["eras"]]
    return "\n".join(s["text"].get(k, "") for s in slides for k in ("headline", "text"))


@pytest.mark.parametrize("fmt", ["text", "markdown", "timelinejs", "ics"])
def test_zh_switches_every_label(fmt: str) -> None:
    timeline = sample_timeline()
    zh, en = (_readable(render("timeline", fmt, timeline, RenderOptions(lang=lang)), fmt)
              for lang in ("zh", "en"))
    for event in timeline.events:
        assert event.title.zh in zh and event.title.en not in zh
        for item in event.changes:
            if item.severity.value != "editorial" or fmt in ("text", "markdown"):
                assert item.sentence.zh.split("由")[0] in zh
    # English labels used by the English output never leak into the Chinese one (ids and
    # citations are data, the same in both languages: they are taken out first).
    for event in timeline.events:
        ids = [event.id, event.file, event.previous, *event.base, *(
            c.citation.label() for c in event.changes if c.citation)]
        for data in sorted(filter(None, ids), key=len, reverse=True):
            zh = zh.replace(data, "").replace(data.replace("/", "%2F"), "")
    def used(word: str, text: str) -> bool:
        return re.search(rf"(?<![\w/.\\-]){re.escape(word)}(?![\w/.\\-])", text) is not None
    leaked = sorted(w for w in _english_words() if used(w, en) and used(w, zh))
    assert leaked == []
    assert "拟议——征求意见稿，未施行" in zh


def test_zh_history_labels() -> None:
    text = render("history", "text", sample_history("coastal-max-age"), RenderOptions(lang="zh"))
    assert text.splitlines()[3].split() == ["日期", "数值", "版本", "出处"]
    assert "Date" not in text and "Policy" not in text


# Text and Markdown ----------------------------------------------------------------------------

def test_text_timeline_marks_drafts_and_regional_events() -> None:
    text = render("timeline", "text", sample_timeline(), RenderOptions())
    assert "2021-10-01  National  Draft Residence Regulation  [PROPOSED — draft, never law]" in text
    assert "2016-04-01  Coastal province  Coastal Talent Pilot\n" \
           "  Compared with the base rules in force: Example Residence Amendment\n" in text
    assert "2015-06-01  National  Example Residence Amendment, Act No. 7\n" in text


def test_text_history_columns_align_by_display_width() -> None:
    history = sample_history("coastal-max-age")
    rows = render("history", "text", history, RenderOptions(lang="zh")).splitlines()[3:]
    for column, header in ((2, "版本"), (3, "出处")):
        cells = [header] + [step.snapshot if column == 2 else
                            step.citation.label("zh") if step.citation else ""
                            for step in history.steps]
        starts = {width(row[: row.index(cell)]) for row, cell in zip(rows, cells)}
        assert len(starts) == 1, rows


def test_text_makes_control_characters_visible() -> None:
    timeline = crafted(title="evil\x1b[31mred\u202eright", changes=(change("a\x07b"),))
    text = render("timeline", "text", timeline, RenderOptions())
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "evil\\x1b[31mred\\u202eright" in text


def test_markdown_links_only_http_sources_and_escapes_data() -> None:
    hostile = "[click](javascript:alert(1)) <b>@team #1 | x"
    text = render("timeline", "markdown", crafted(title=hostile, url="javascript:alert(1)"),
                  RenderOptions())
    assert links_of(text) == [] and raw_html(text) == [] and mentions(text) == []
    assert "[Source]" not in text  # not a link: the address is not http(s)
    assert f"## 2021-02-03 · {md(hostile)}" in text
    assert inline_text(md(hostile)) == hostile
    linked = render("timeline", "markdown", crafted(url="https://example.org/a b(c)"),
                    RenderOptions())
    assert "[Source](https://example.org/a%20b%28c%29)" in linked


def test_markdown_history_is_a_table_that_data_cannot_break() -> None:
    history = FieldHistory("p", "national", ("card", "name"), Text("Card | name", ""), "",
                           (sample_history("min-investment").steps[0],))
    text = render("history", "markdown", history, RenderOptions())
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table) == 3
    assert all(line.count("|") - line.count("\\|") == 5 for line in table)


# JSON and JSON Lines ----------------------------------------------------------------------------

def test_json_is_to_dict_and_valid_against_the_published_schema() -> None:
    timeline = sample_timeline()
    data = json.loads(render("timeline", "json", timeline, RenderOptions()))
    assert data == timeline.to_dict()
    assert errors("timeline", data) == []
    jsonschema.Draft202012Validator.check_schema(schema("timeline"))


def test_timeline_schema_is_closed() -> None:
    data = sample_timeline().to_dict()
    data["events"][1]["changes"][0]["surprise"] = 1
    data["events"][0]["snapshot"]["dates"]["signed"] = None
    assert len(errors("timeline", data)) == 2
    data = sample_timeline().to_dict()
    data["events"][0]["date"] = "2010-1-1"
    assert errors("timeline", data)


def test_diff_schema_validates_diff_json() -> None:
    policy = api.load_policy(None, "tests/data/sample")
    diff = api.compare_tracks(policy, "national", "coastal", dt.date(2020, 6, 1))
    data = json.loads(render("diff", "json", diff, RenderOptions()))
    assert data["changes"] and errors("diff", data) == []
    jsonschema.Draft202012Validator.check_schema(schema("diff"))
    redlined = change("long", redline=(("=", "kept "), ("-", "old"), ("+", "new")),
                      path=("a", 0, ItemKey("id", "x")), citation=Citation("src", "Art. 1"),
                      new_position=Position(3, 7))
    data = Diff("a.yaml", "b.yaml", (redlined,)).to_dict()
    assert errors("diff", data) == []
    data["counts"]["sideways"] = 1
    assert errors("diff", data)


def test_schemas_share_their_change_definitions() -> None:
    diff_defs, timeline_defs = schema("diff")["$defs"], schema("timeline")["$defs"]
    for name, definition in diff_defs.items():
        assert timeline_defs[name] == definition, name


def test_jsonl_one_event_per_line_each_valid() -> None:
    timeline = sample_timeline()
    text = render("timeline", "jsonl", timeline, RenderOptions())
    assert text.endswith("\n")
    lines = text.split("\n")[:-1]
    assert len(lines) == len(timeline.events)
    for line, event in zip(lines, timeline.events):
        record = json.loads(line)
        assert record == event.to_dict()
        assert errors("timeline", record, "event") == []
        assert line == json.dumps(record, sort_keys=True, separators=(",", ":"),
                                  ensure_ascii=False)


def test_jsonl_keeps_one_record_per_line_for_every_line_splitter() -> None:
    timeline = crafted(title="a\u2028b\u2029c\x85d\ne")
    text = render("timeline", "jsonl", timeline, RenderOptions())
    assert len(text.splitlines()) == 1
    assert json.loads(text)["title"]["en"] == "a\u2028b\u2029c\x85d\ne"


def test_history_json_and_jsonl_read_back() -> None:
    history = sample_history("coastal-max-age")
    assert json.loads(render("history", "json", history, RenderOptions())) == history.to_dict()
    lines = render("history", "jsonl", history, RenderOptions()).splitlines()
    assert [json.loads(line) for line in lines] == history.to_dict()["steps"]


def test_empty_timeline_renders_in_every_format() -> None:
    empty = Timeline("p", Text("P", "P"), ("national",), ())
    for fmt in TIMELINE_FORMATS:
        text = render("timeline", fmt, empty, RenderOptions())
        assert isinstance(text, str)
    assert render("timeline", "jsonl", empty, RenderOptions()) == ""
    assert "No events." in render("timeline", "text", empty, RenderOptions())


# CSV --------------------------------------------------------------------------------------------

def test_csv_timeline_rows() -> None:
    timeline = sample_timeline()
    text = render("timeline", "csv", timeline, RenderOptions())
    assert text.encode("utf-8").decode("utf-8") == text and "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == list(EVENT_COLUMNS + CHANGE_COLUMNS)
    assert len(rows) == sum(max(1, len(e.changes)) for e in timeline.events)
    baseline = rows[0]
    assert baseline["event_id"] == "national/2010-act" and baseline["fingerprint"] == ""
    assert all(dt.date.fromisoformat(r["date"]) for r in rows)
    draft = [r for r in rows if r["status"] == "draft"]
    assert [r["fingerprint"] for r in draft] == [c.fingerprint for c in timeline.events[-1].changes]


def test_csv_formula_guard_keeps_numbers() -> None:
    timeline = crafted(title="+cmd", number="@SUM(A1)", changes=(
        change("=HYPERLINK(\"http://x\")", old=-5, new=-2.5),
        change("\tTAB", old="-1+1", new="ok", fingerprint="fedcba9876543210")))
    rows = list(csv.DictReader(io.StringIO(render("timeline", "csv", timeline,
                                                  RenderOptions()), newline="")))
    assert rows[0]["sentence"] == "'=HYPERLINK(\"http://x\")"
    assert rows[0]["title"] == "'+cmd" and rows[0]["document_number"] == "'@SUM(A1)"
    assert rows[0]["old"] == "-5" and rows[0]["new"] == "-2.5"
    assert rows[1]["sentence"] == "'\tTAB" and rows[1]["old"] == "'-1+1"


def test_csv_history_rows() -> None:
    history = sample_history("min-investment")
    rows = list(csv.DictReader(io.StringIO(render("history", "csv", history, RenderOptions()),
                                           newline="")))
    assert [(r["date"], r["value"], r["unit"], r["snapshot"]) for r in rows] == [
        ("2010-01-01", "500000", "USD", "2010-act"),
        ("2015-06-01", "1000000", "USD", "2015-amendment")]


# TimelineJS -------------------------------------------------------------------------------------

def test_timelinejs_valid_against_the_v3_format() -> None:
    timeline = sample_timeline()
    data = json.loads(render("timeline", "timelinejs", timeline, RenderOptions()))
    assert errors("timelinejs", data) == []
    assert [e["group"] for e in data["events"]] == [e.track for e in timeline.events]
    assert data["events"][0]["start_date"] == {"year": "2010", "month": "1", "day": "1"}
    assert data["events"][-1]["text"]["headline"].startswith("[PROPOSED — draft, never law] ")
    ids = [e["unique_id"] for e in data["events"]]
    assert len(set(ids)) == len(ids)
    # Eras: the four laws (the draft is none), each until the next law on its track.
    spans = [(e["text"]["headline"], e["start_date"]["year"], e["end_date"]["year"])
             for e in data["eras"]]
    assert spans == [("Example Residence Act (national)", "2010", "2015"),
                     ("Example Residence Amendment (national)", "2015", "2020"),
                     ("Coastal Talent Pilot (coastal)", "2016", "2022"),
                     ("Example Card Regulation (national)", "2020", "2022")]


@pytest.mark.parametrize("instance, valid", [
    ({"events": [{"start_date": {"year": "1963", "month": "8", "day": "9"},
                  "text": {"headline": "h", "text": "<p>t</p>"}}],
      "title": {"text": {"headline": "T"}}}, True),
    ({"events": [{"start_date": {"year": 1978}, "media": {"url": "https://example.org/a"}}],
      "scale": "human"}, True),
    ({"events": [{"text": {"headline": "no date"}}]}, False),
    ({"events": [{"start_date": {"year": "1963", "month": "13"}}]}, False),
    ({"events": [{"start_date": {"year": "1963"}, "txt": {"headline": "typo"}}]}, False),
    ({"events": [], "eras": [{"start_date": {"year": "2000"}}]}, False),
    ({"title": {"text": {"headline": "no events"}}}, False),
])
def test_timelinejs_schema_tells_good_from_bad(instance: Any, valid: bool) -> None:
    assert (errors("timelinejs", instance) == []) is valid


def test_timelinejs_escapes_html_and_ids_are_stable() -> None:
    timeline = crafted(title="<script>alert(1)</script>", changes=(change("<img src=x>&"),),
                       url="javascript:alert(1)", status=Status.ANNOUNCED)
    data = json.loads(render("timeline", "timelinejs", timeline, RenderOptions()))
    slide = data["events"][0]
    assert slide["text"]["headline"] == \
        "[ANNOUNCED — not yet law] &lt;script&gt;alert(1)&lt;/script&gt;"
    assert "<li>&lt;img src=x&gt;&amp;</li>" in slide["text"]["text"]
    assert "javascript:" not in slide["text"]["text"] and "<a " not in slide["text"]["text"]
    assert data["eras"] == []  # an announcement is no law
    assert unique_ids(timeline) == unique_ids(crafted(title="other title", changes=(
        change("other sentence"),), status=Status.ANNOUNCED))
    assert unique_ids(timeline) != unique_ids(crafted(changes=(
        change("x", fingerprint="1111111111111111"),)))


# iCalendar --------------------------------------------------------------------------------------

def ics_events(text: str) -> list[Any]:
    return list(icalendar.Calendar.from_ical(text).walk("VEVENT"))


def assert_wire_format(text: str) -> None:
    raw = text.encode("utf-8")
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b"")
    for line in raw.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold never splits a character


def test_ics_reads_back_with_icalendar() -> None:
    timeline = sample_timeline()
    text = render("timeline", "ics", timeline, RenderOptions())
    assert_wire_format(text)
    calendar = icalendar.Calendar.from_ical(text)
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["PRODID"])
    events = ics_events(text)
    assert [str(e["UID"]) for e in events] == [
        f"example-residence/{e.id}@policy-tracker" for e in timeline.events]
    assert [e.decoded("DTSTART") for e in events] == [e.date for e in timeline.events]
    assert [e.decoded("DTEND") - e.decoded("DTSTART") for e in events] == \
        [dt.timedelta(days=1)] * len(events)
    assert [str(e["STATUS"]) for e in events] == \
        ["CONFIRMED"] * 4 + ["TENTATIVE"]
    assert str(events[-1]["SUMMARY"]) == \
        "[PROPOSED — draft, never law] Draft Residence Regulation (national)"
    assert [[str(c) for c in e["CATEGORIES"].cats] for e in events] == \
        [[e.track] for e in timeline.events]
    assert str(events[0]["URL"]) == "https://example.org/act-1"
    assert {e.decoded("DTSTAMP").isoformat() for e in events} == {"2021-10-01T00:00:00+00:00"}
    description = str(events[1]["DESCRIPTION"])
    for item in timeline.events[1].changes:
        listed = f"- {item.sentence.en}" in description.split("\n")
        assert listed == (item.severity.value != "editorial")  # editorial ones are counted
    assert "1 citation confirmed or refined" in description.split("\n")


def test_ics_escapes_text_and_folds_wide_characters() -> None:
    sentence = "逗号,分号;反斜杠\\换行\n" + "长" * 60 + "é" * 40
    timeline = crafted(title="A, B; C\\D", changes=(change(sentence),), status=Status.DRAFT,
                       url="ftp://example.org/not-a-link", event_id="national/a,b;c")
    text = render("timeline", "ics", timeline, RenderOptions(lang="zh"))
    assert_wire_format(text)
    (event,) = ics_events(text)
    assert str(event["SUMMARY"]) == "[拟议——征求意见稿，未施行] A, B; C\\D（national）"
    assert f"- {sentence}" in str(event["DESCRIPTION"])
    assert "URL" not in event and str(event["STATUS"]) == "TENTATIVE"
    assert str(event["UID"]) == "crafted/national/a%2Cb%3Bc@policy-tracker"


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300))
def test_ics_text_round_trips_through_a_real_parser(value: str) -> None:
    line = f"DESCRIPTION:{ics_module.text_value(value)}"
    folded = ics_module.fold(line)
    assert all(len(part) <= 75 for part in folded.encode("utf-8").split(b"\r\n"))
    unfolded = folded.replace("\r\n ", "")[:-2]
    assert unfolded == line
    component = icalendar.Event.from_ical(
        f"BEGIN:VEVENT\r\n{folded}END:VEVENT\r\n")
    expected = display(value.replace("\r\n", "\n").replace("\r", "\n"),
                                  keep_newlines=True)
    assert str(component["DESCRIPTION"]) == expected


# Beyond the sample --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted((ROOT / "tests" / "golden" / "diff").glob("*/diff.json")),
                         ids=lambda p: p.parent.name)
def test_diff_schema_accepts_every_diff_golden_file(path: Path) -> None:
    assert errors("diff", json.loads(path.read_text("utf-8"))) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bundled_policies_export_valid_files(lang: str) -> None:
    for policy in api.load_policies("policies"):
        timeline = api.build_timeline(policy, None, None, None, include_drafts=True)
        options = RenderOptions(lang=lang)
        assert errors("timeline", json.loads(render("timeline", "json", timeline, options))) == []
        for line in render("timeline", "jsonl", timeline, options).splitlines():
            assert errors("timeline", json.loads(line), "event") == []
        assert errors("timelinejs", json.loads(
            render("timeline", "timelinejs", timeline, options))) == []
        text = render("timeline", "ics", timeline, options)
        assert_wire_format(text)
        assert [str(e["UID"]) for e in ics_events(text)] == [
            f"{policy.id}/{e.id}@policy-tracker" for e in timeline.events]
        rows = list(csv.reader(io.StringIO(render("timeline", "csv", timeline, options),
                                           newline="")))
        assert len(rows) == 1 + sum(max(1, len(e.changes)) for e in timeline.events)
