"""What readers see of the bundled data: no source ids, no English notes in Chinese output, no
ASCII commas in Chinese lists, and Chinese wording where the issue of plain words asked for it."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from html.parser import HTMLParser

import pytest

from policy_tracker import api
from policy_tracker.model import RenderOptions
from policy_tracker.render import render
from policy_tracker.report import build_report

_CJK = "\u3400-\u9fff"


class _Visible(HTMLParser):
    """The text of a page a reader sees (attribute values are not read)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts)


@cache
def _policy() -> object:
    return api.load_policy("cn-permanent-residence", None)


@cache
def outputs(lang: str) -> dict[str, str]:
    """The reader-facing outputs of the bundled data in one language."""
    policy = _policy()
    options = RenderOptions(lang=lang)
    report = build_report(policy, as_of=dt.date(2024, 1, 1))  # type: ignore[arg-type]
    timeline = api.build_timeline(policy, include_drafts=True)  # type: ignore[arg-type]
    sides = [api.open_operand(text, None, "national", True, None)
             for text in ("cn-permanent-residence@2019-08-01", "cn-permanent-residence@2020-03-01")]
    diff = api.diff_sides(sides[0], sides[1])
    return {"report.html": _visible(render("report", "html", report, options)),
            "report.md": render("report", "markdown", report, options),
            "timeline.txt": render("timeline", "text", timeline, options),
            "timeline.md": render("timeline", "markdown", timeline, options),
            "timeline.ics": render("timeline", "ics", timeline, options),
            "diff.txt": render("diff", "text", diff, options),
            "diff.md": render("diff", "markdown", diff, options),
            "diff.html": _visible(render("diff", "html", diff, options))}


def _source_ids() -> set[str]:
    policy = _policy()
    ids = {s.id for s in policy.sources}  # type: ignore[attr-defined]
    ids.update(s.id for snap in policy.snapshots for s in snap.meta.sources)  # type: ignore[attr-defined]
    return ids


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_output_shows_a_source_id(lang: str) -> None:
    for name, text in outputs(lang).items():
        text = re.sub(r"\S*://\S*", "", text)  # addresses may contain anything
        text = re.sub(r"`[^`]*`", "", text)  # paths, in code spans, are for pasting into --only
        found = sorted(i for i in _source_ids()
                       if re.search(rf"(?<![\w/.-]){re.escape(i)}(?![\w/-])", text))
        assert found == [], name


def test_chinese_output_has_no_english_only_note() -> None:
    notes = [n.en for snap in _policy().snapshots for n in snap.meta.notes  # type: ignore[attr-defined]
             if not n.zh]
    for name, text in outputs("zh").items():
        assert [n for n in notes if n[:60] in text] == [], name


def test_chinese_lists_use_chinese_punctuation() -> None:
    ascii_comma = re.compile(rf"[{_CJK}]\s*,\s*[{_CJK}]|[{_CJK}]; [{_CJK}]")
    for name, text in outputs("zh").items():
        assert ascii_comma.findall(text) == [], name
        assert "、等" not in text, name


def test_chinese_wording() -> None:
    text = outputs("zh")["diff.txt"]
    assert "的依据由" not in text and "（依据：" not in outputs("zh")["diff.md"]
    assert "一般" not in text.split("\n")[-2]
    assert "出处" in text and "次要" in text and "文字性" in text
    report = outputs("zh")["report.html"]
    assert "中共中央组织部、人力资源和社会保障部、公安部等25个部门" in report
    assert "本系列首个文件，无可比较版本" in outputs("zh")["timeline.txt"]


def test_article_references_read_in_chinese() -> None:
    from policy_tracker.model import article_in, article_words

    for written, chinese in (("Art. 6(2)", "第6条第2项"), ("Part 3", "第3部分"),
                             ("Opening paragraph", "首段"), ("Arts. 47-49", "第47至49条"),
                             ("MPS announcement of 2015-06-08", "公安部2015-06-08公告"),
                             ("Law Art. 14; Implementing Rules Art. 18", "法第14条；实施细则第18条")):
        assert article_words(written, "zh") == chinese
        assert article_in(written, "zh") == chinese
        assert article_words(written, "en") == written
    assert article_words("Annex B", "zh") is None
    assert article_in("Annex B", "zh") == "，Annex B"
    assert article_words("Art. 6; Annex B", "zh") is None
