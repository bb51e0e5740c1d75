"""The change report: what it holds, its golden output, that data can never become markup,
and the `report` command end to end."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from mdcheck import foreign_html, links_of, markup_of, mentions

from policy_tracker import api
from policy_tracker.model import Diff, Direction, RenderOptions, Source, Text
from policy_tracker.render import formats_for, render
from policy_tracker.report import build_report, summarize
from policy_tracker.reportmodel import OutlineNode, Report

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "sample"
AS_OF = "2023-06-30"
Golden = Callable[[str, str], None]


@pytest.fixture(scope="module")
def sample() -> Report:
    policy = api.load_policy("example-residence", str(SAMPLE))
    return build_report(policy, as_of=dt.date(2023, 6, 30))


# What the report holds.

def test_counts_keep_drafts_apart_from_law(sample: Report) -> None:
    counts = sample.counts
    assert (counts.instruments, counts.proposals, counts.changes) == (5, 1, 10)
    assert dict(counts.by_direction) == {Direction.LOOSER: 5, Direction.STRICTER: 2,
                                         Direction.NEUTRAL: 3, Direction.UNKNOWN: 0}
    assert counts.proposed_changes == 2
    assert [e.is_law for e in sample.timeline.events] == [True, True, True, True, False]


def test_date_range_and_currency(sample: Report) -> None:
    assert (sample.first, sample.last) == (dt.date(2010, 1, 1), dt.date(2021, 10, 1))
    assert sample.current.latest_snapshot == dt.date(2021, 10, 1)
    assert sample.current.latest_snapshot_id == "2022-draft"
    assert sample.current.latest_source is None


def test_histories_expand_list_items_and_keep_proposals_beside_the_law(sample: Report) -> None:
    labels = [(h.history.track, h.history.label.en) for h in sample.histories]
    assert labels == [
        ("national", "Minimum years (Investment)"), ("national", "Minimum years (Employment)"),
        ("national", "Minimum years (Talent)"), ("national", "Minimum investment (Investment)"),
        ("national", "Maximum age"), ("national", "Card validity"),
        ("national", "Decision deadline"),
        # The overlay only charts what it sets itself: the rest repeats the national charts.
        ("coastal", "Minimum years (Talent)"), ("coastal", "Maximum age")]
    investment = sample.histories[3]
    assert [(s.date.isoformat(), s.value) for s in investment.history.steps] == [
        ("2010-01-01", 500000), ("2015-06-01", 1000000)]
    assert [(s.snapshot, s.value, s.status) for s in investment.proposals] == [
        ("2022-draft", 2000000, "draft")]


def _outline_text(nodes: tuple[OutlineNode, ...], depth: int = 0) -> list[str]:
    out = []
    for node in nodes:
        value = "" if node.is_group else f" = {node.value!r}"
        out.append("  " * depth + node.label.en + value)
        out += _outline_text(node.children, depth + 1)
    return out


def test_rules_in_force_name_their_snapshots_and_an_overlay_lists_its_differences(
        sample: Report) -> None:
    national, coastal = sample.rules
    assert [m.id for m in national.snapshots] == ["2020-card"]
    assert national.relative_to == ""
    assert "      Minimum investment = 1000000" in _outline_text(national.outline)
    assert [m.id for m in coastal.snapshots] == ["2020-card", "2016-coastal-pilot"]
    assert coastal.relative_to == "national"
    assert _outline_text(coastal.outline) == [
        "Eligibility", "  Route", "    Talent", "      Minimum years = 0", "  Maximum age = 65"]


def test_a_track_alone_gets_its_whole_outline_and_dates_filter_instruments() -> None:
    policy = api.load_policy("example-residence", str(SAMPLE))
    report = build_report(policy, as_of=dt.date(2017, 1, 1), tracks=["coastal"],
                          since=dt.date(2016, 1, 1))
    assert [e.id for e in report.timeline.events] == ["coastal/2016-coastal-pilot"]
    assert report.rules[0].relative_to == ""
    assert "Card" in _outline_text(report.rules[0].outline)
    # Fields the coastal overlay never sets are charted too, since national is not shown.
    assert ("coastal", "Card validity") in [(h.history.track, h.history.label.en)
                                           for h in report.histories]


def test_a_date_before_any_rule_says_so_instead_of_failing() -> None:
    policy = api.load_policy("example-residence", str(SAMPLE))
    report = build_report(policy, as_of=dt.date(2000, 1, 1))
    assert all(not r.snapshots and not r.outline for r in report.rules)
    assert "No rules of this track are in force" in render("report", "html", report,
                                                           RenderOptions())


def test_summary_is_three_short_lines(sample: Report) -> None:
    assert summarize(sample, "en") == (
        "Example long-term residence (example-residence): 5 instruments (1 draft or announced)"
        " in 2 tracks, 2010-01-01 to 2021-10-01.\n"
        "10 changes in law: 5 looser, 2 stricter, 3 neutral; 2 more proposed in drafts.\n"
        "Data current as of 2021-10-01 (latest instrument: Draft Residence Regulation); "
        "latest dated source: none recorded.")
    assert summarize(sample, "zh").splitlines()[1] == \
        "正式法规变化10处：放宽5处、收紧2处、中性3处；草案另提出2处。"


# Golden files: the Markdown report, and the text a reader sees in the HTML report.

class _Text(HTMLParser):
    """The visible text of a page, one line per block element."""

    BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "dt", "dd", "tr", "title", "figcaption",
              "article", "section", "header", "footer", "table", "ul", "ol", "desc", "text"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag == "style"
        if tag in self.BLOCKS or tag in ("td", "th"):
            self.parts.append("\n" if tag in self.BLOCKS else " | ")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag == "style"
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    """The text of an HTML page with whitespace normalised."""
    parser = _Text()
    parser.feed(html)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line) + "\n"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_golden_markdown_report(lang: str, run_cli: Any, golden: Golden) -> None:
    result = run_cli("--policies", str(SAMPLE), "report", "--as-of", AS_OF, "--format",
                     "markdown", "--lang", lang, "-o", "-")
    assert result.exit_code == 0, result.stderr
    golden(f"report/sample.{lang}.md", result.stdout)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_golden_html_report_text(lang: str, run_cli: Any, golden: Golden) -> None:
    result = run_cli("--policies", str(SAMPLE), "report", "--as-of", AS_OF, "--lang", lang,
                     "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert f'<html lang="{lang}">' in result.stdout
    golden(f"report/sample.{lang}.html.txt", page_text(result.stdout))


def test_html_report_structure(sample: Report) -> None:
    html = render("report", "html", sample, RenderOptions())
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            'style-src \'unsafe-inline\'; img-src data:">') in html
    assert html.count('<a class="mark ') == 5
    assert html.count('<article class="instrument') == 5
    assert html.count('<a class="mark draft"') == 1
    assert html.count('<article class="instrument not-law"') == 1
    headings = [int(n) for n in re.findall(r"<h([1-6])[ >]", html)]
    assert headings[0] == 1
    assert all(b - a <= 1 for a, b in pairwise(headings)), headings
    assert "<script" not in html.lower()


# Safety: nothing in the data becomes an element, an attribute or a link.

EVIL_POLICY = """\
policy:
  id: evil
  title:
    en: "<script>alert('title')</script> Evil <b>policy</b>"
    zh: "</style><img src=x onerror=alert(1)>"
  jurisdiction: "\\" onmouseover=\\"alert(1)\\" x=\\""
  description:
    en: "[click](javascript:alert(1)) ![img](https://evil.example/x.png) **bold**
      <a href=\\"javascript:alert(1)\\">a</a> https://evil.example/auto"
    zh: "<iframe src=javascript:alert(1)></iframe>"
  notes:
    - {en: "</style><script>alert(2)</script>", zh: "@everyone #1 `code` <!-- hide"}
tracks:
  - id: national
    title: {en: "<i>National</i>", zh: "\\" onmouseover=\\"alert(1)"}
  - id: region
    title: {en: "Region</title><script>x</script>", zh: "<svg onload=alert(1)>"}
    extends: national
fields:
  - path: card
    label: {en: "</h2><h1>Card</h1>", zh: "<b>证件</b>"}
  - path: card.validity_years
    label: {en: "<svg onload=alert(1)>", zh: "<b>有效期</b>"}
    unit: "<u>years</u>"
    direction: higher_is_looser
  - path: card.text
    label: {en: "Text <script>", zh: "文本"}
    direction: neutral
sources:
  - id: src-1
    title: {en: "<script>alert('src')</script>", zh: "[x](javascript:alert(1))"}
    url: "https://evil.example/\\"><script>alert(1)</script>"
    publisher: "<b>pub</b>"
  - id: good
    title: {en: "Good <source> & co", zh: "好来源"}
    url: "https://ok.example/a?b=1&c=2"
    date: "2021-05-01"
"""

EVIL_SNAPSHOTS = {
    "national/2020-01-01-a.yaml": """\
snapshot:
  id: a
  title: {en: "<script>alert('t')</script>\\e[31m red", zh: "</style>"}
  document_number: "<img src=x onerror=alert(1)>"
  issuers: [{en: "\\" onmouseover=\\"alert(1)", zh: "<b>x</b>"}]
  dates: {effective: 2020-01-01, promulgated: 2019-12-01}
  status: superseded
  sources: [src-1, good]
  notes: [{en: "javascript:alert(1)", zh: "<a href='javascript:alert(1)'>x</a>"}]
rules:
  card:
    validity_years: {value: 5, cite: {source: src-1, article: "<script>art</script>"},
                     unconfirmed: true, note: {en: "<b>note</b>", zh: "注"}}
    text: "<script>alert('old')</script> the old long text with [a link](javascript:alert(1))"
    "<b>key</b>": "<i>value</i>"
""",
    "national/2021-01-01-b.yaml": """\
snapshot:
  id: b
  title: {en: "B \\"onmouseover=alert(1)", zh: "乙"}
  dates: {effective: 2021-01-01}
  status: in_force
  sources:
    - id: inline
      title: {en: "<b>inline</b>", zh: "内联"}
      url: "https://x.example/ onmouseover=alert(1)"
rules:
  card:
    validity_years: {value: 10, cite: {source: good, article: "Art. <1>"}}
    text: "<script>alert('new')</script> the new long text with ![img](https://evil.example/i.png)"
    "<b>key</b>": "</style><script>alert(3)</script>"
""",
    "national/2022-01-01-c.yaml": """\
snapshot:
  id: c
  title: {en: "Draft <script>", zh: "草案<script>"}
  dates: {published: 2022-01-01}
  status: draft
  sources: [good]
rules:
  card:
    validity_years: {value: 3, cite: {source: good, article: "x\\" onclick=\\"y"},
                     unconfirmed: true}
    text: "<script>alert('new')</script> the new long text with ![img](https://evil.example/i.png)"
    "<b>key</b>": "</style><script>alert(3)</script>"
""",
    "region/2020-06-01-r.yaml": """\
snapshot:
  id: r
  title: {en: "Region <script>", zh: "地区"}
  dates: {effective: 2020-06-01}
  status: pilot
  sources: [good]
rules:
  card:
    validity_years: {value: 7, cite: {source: good, article: "<i>1</i>"}}
""",
}
GOOD_URL = "https://ok.example/a?b=1&c=2"
TAGS = {"html", "head", "meta", "title", "style", "body", "div", "header", "nav", "main",
        "section", "article", "footer", "h1", "h2", "h3", "h4", "p", "ol", "ul", "li", "a",
        "dl", "dt", "dd", "span", "strong", "code", "figure", "figcaption", "table", "thead",
        "tbody", "tr", "th", "td", "del", "ins", "svg", "desc", "line", "text", "circle",
        "path", "details", "summary"}
ATTRIBUTES = {"title", "lang", "charset", "name", "content", "http-equiv", "class", "id", "href", "rel",
              "role", "tabindex", "aria-label", "aria-labelledby", "aria-hidden", "focusable",
              "viewbox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r",
              "d", "text-anchor", "value", "scope", "data-label", "fill", "stroke",
              "stroke-width", "stroke-dasharray", "open"}


@pytest.fixture
def evil(tmp_path: Path) -> Any:
    folder = tmp_path / "evil"
    (folder / "national").mkdir(parents=True)
    (folder / "region").mkdir()
    (folder / "policy.yaml").write_text(EVIL_POLICY, "utf-8")
    for name, text in EVIL_SNAPSHOTS.items():
        (folder / name).write_text(text, "utf-8")
    policy = api.load_policy("evil", str(tmp_path))
    # The schema refuses other schemes; a policy built in code must still never link them.
    bad = (Source("js", Text("js", "js"), "javascript:alert(1)"),
           Source("data", Text("data", "data"), "data:text/html,<script>alert(1)</script>"),
           Source("upper", Text("upper", "upper"), "JAVASCRIPT:alert(1)"))
    snaps = tuple(dataclasses.replace(s, meta=dataclasses.replace(
        s.meta, sources=s.meta.sources + bad)) for s in policy.snapshots)
    return dataclasses.replace(policy, sources=bad + policy.sources, snapshots=snaps)


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.add(name)
            self.values.append(value or "")
            if name == "href":
                self.hrefs.append(value or "")
            if name == "id":
                self.ids.add(value or "")

    handle_startendtag = handle_starttag


def _check_html(html: str, titled: bool = True) -> None:
    found = _Elements()
    found.feed(html)
    assert found.tags <= TAGS, found.tags - TAGS
    assert found.attributes <= ATTRIBUTES, found.attributes - ATTRIBUTES
    for href in found.hrefs:
        assert href == GOOD_URL or href.startswith("#") and href[1:] in found.ids, href
    assert not any("javascript" in v.lower() for v in found.values)
    assert "<script" not in html.lower()
    assert html.lower().count("</style") == 1
    assert "\x1b" not in html
    assert not titled or "\\x1b[31m" in html  # a control character from data, made visible


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_html_report_shows_crafted_data_as_text_only(evil: Any, lang: str) -> None:
    report = build_report(evil, as_of=dt.date(2023, 1, 1))
    html = render("report", "html", report, RenderOptions(lang=lang))
    _check_html(html)
    text = page_text(html)
    assert "<script>alert('title')</script>" in text  # shown, as text
    assert "javascript:alert(1)" in text


def test_html_timeline_and_diff_show_crafted_data_as_text_only(evil: Any) -> None:
    timeline = api.build_timeline(evil, None, None, None, True)
    _check_html(render("timeline", "html", timeline, RenderOptions()))
    changes = tuple(c for e in timeline.events for c in e.changes)
    _check_html(render("diff", "html", Diff("<b>old</b>", "<i>new</i>", changes),
                       RenderOptions(lang="zh", title="<script>")), titled=False)


def test_redline_and_unconfirmed_marks(evil: Any) -> None:
    report = build_report(evil, as_of=dt.date(2023, 1, 1))
    html = render("report", "html", report, RenderOptions())
    assert "<del>old</del><ins>new</ins>" in html
    assert '<span class="badge unconfirmed">unconfirmed</span>' in html


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_report_shows_crafted_data_as_text_only(evil: Any, lang: str) -> None:
    report = build_report(evil, as_of=dt.date(2023, 1, 1))
    text = render("report", "markdown", report, RenderOptions(lang=lang))
    # Read back with a GFM parser: the only raw HTML is the report's own collapsed section
    # of editorial changes, the only links go to the one good source.
    assert foreign_html(text) == []
    assert set(links_of(text)) == {GOOD_URL.replace("(", "%28").replace(")", "%29")}
    assert "image" not in markup_of(text) and mentions(text) == []
    assert "\x1b" not in text


# The command: file, stdout, formats, languages, errors; in-process and as a real process.

def test_report_writes_report_html_and_prints_the_summary(run_cli: Any, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("--policies", str(SAMPLE), "report", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Example long-term residence (example-residence): 5 instruments")
    assert lines[-1] == "wrote report.html"
    assert len(lines) == 4
    html = (tmp_path / "report.html").read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")


def test_report_to_stdout_markdown_and_chinese(run_cli: Any) -> None:
    result = run_cli("--policies", str(SAMPLE), "report", "--as-of", AS_OF, "-o", "-")
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert result.stderr.startswith("Example long-term residence")
    result = run_cli("--policies", str(SAMPLE), "report", "--as-of", AS_OF, "--format",
                     "markdown", "--lang", "zh", "-o", "-")
    assert result.stdout.startswith("# 示例长期居留\n")
    result = run_cli("--policies", str(SAMPLE), "report", "--as-of", AS_OF, "--lang", "zh",
                     "-o", "-")
    assert '<html lang="zh">' in result.stdout
    assert "<h2 id=\"overview-h\">概览</h2>" in result.stdout


@pytest.mark.parametrize("bad", ["2023-02-30", "yesterday", "2023/01/01"])
def test_report_bad_date_is_one_error_line_and_exit_2(bad: str, run_cli: Any) -> None:
    result = run_cli("--policies", str(SAMPLE), "report", "--as-of", bad, "-o", "-")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: invalid --as-of date {bad!r} (expected YYYY-MM-DD)\n"


def test_timeline_and_diff_have_an_html_format(run_cli: Any) -> None:
    assert "html" in formats_for("timeline") and "html" in formats_for("diff")
    result = run_cli("--policies", str(SAMPLE), "timeline", "--format", "html",
                     "--include-drafts")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count('<article class="instrument') == 5
    national = SAMPLE / "example-residence" / "national"
    result = run_cli("diff", str(national / "2015-06-01-amendment.yaml"),
                     str(national / "2020-03-01-card.yaml"), "--format", "html", "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    assert "证件有效期由5年提高至10年。" in result.stdout


def test_report_as_a_real_process_with_no_arguments(run_process: Callable[..., Any],
                                                    tmp_path: Path) -> None:
    done = run_process("report", cwd=tmp_path,
                       env={"POLICY_TRACKER_POLICIES": str(SAMPLE)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("wrote report.html\n")
    assert done.stderr == ""
    assert (tmp_path / "report.html").read_text("utf-8").count('<a class="mark ') == 5
    done = run_process("--policies", str(SAMPLE), "report", "--as-of", "31-12-2020",
                       cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ")


@pytest.mark.parametrize("filters", [
    {"since": dt.date(2030, 1, 1)}, {"until": dt.date(2000, 1, 1)},
    {"since": dt.date(2016, 1, 1), "until": dt.date(2020, 12, 31)}, {"tracks": ["coastal"]}])
def test_any_period_renders_in_both_formats(filters: dict[str, Any]) -> None:
    policy = api.load_policy("example-residence", str(SAMPLE))
    report = build_report(policy, as_of=dt.date(2023, 6, 30), **filters)
    for lang in ("en", "zh"):
        html = render("report", "html", report, RenderOptions(lang=lang))
        assert html.count('<a class="mark ') == len(report.timeline.events)
        text = render("report", "markdown", report, RenderOptions(lang=lang))
        assert text.count("\n### ") >= len(report.timeline.events)


def test_the_chinese_report_names_the_jurisdiction_in_chinese() -> None:
    from policy_tracker import api
    report = build_report(api.load_policy("cn-permanent-residence"), as_of=dt.date(2024, 1, 1))
    zh = render("report", "html", report, RenderOptions(lang="zh"))
    en = render("report", "html", report, RenderOptions(lang="en"))
    assert "<dd>中华人民共和国（中国内地）</dd>" in zh
    assert "People&#39;s Republic of China (mainland)" not in zh
    assert "<dt>Jurisdiction</dt><dd>People&#39;s Republic of China (mainland)</dd>" in en
