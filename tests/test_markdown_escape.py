"""Markdown escaping: only where GitHub-flavoured Markdown needs it, checked with a parser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdcheck import inline_text, links_of, markup_of, mentions, raw_html, tokens
from policy_tracker.render.escape import code_span, md

CASES = [
    "cn-permanent-residence",
    "2004-08-15",
    "Art. 6(1) (a) x.y! {braces} + plus",
    "snake_case_key and __default__ and __proto__",
    "*star* _under_ **bold** ~~gone~~ ~tilde~",
    "[link](https://example.org) ![image](x.png) [ref][1] [^note]",
    "<b>bold</b> <!-- comment --> <script>x</script> <https://example.org> <!-- policy-tracker-review -->",
    "`code` ``more`` a|b|c \\ backslash \\* escaped",
    "&amp; &copy; &#64; AT&T",
    "@team @octocat/team user@example.org #12 GH-3 #heading",
    "https://example.org/a_b www.example.org http://x.y ftp://a.b //cdn.example/i.png",
    "# not a heading",
    "- not a list",
    "+ nor this",
    "> not a quote",
    "12. not ordered",
    "3) nor this",
    "=== not a setext line",
    "---",
    "[ ] not a task",
    "中文、标点（全角）：《法》第6条",
    "trailing backslash \\",
]


@pytest.mark.parametrize("text", CASES)
def test_escaped_text_reads_back_as_itself(text: str) -> None:
    assert inline_text(md(text)) == text.strip()


@pytest.mark.parametrize("text", CASES)
def test_escaped_text_creates_no_link_mention_or_html(text: str) -> None:
    document = f"- {md(text)}\n\n{md(text)}\n\n| a | b |\n| --- | --- |\n| {md(text)} | x |\n"
    assert links_of(document) == [] and raw_html(document) == [] and mentions(document) == []
    assert markup_of(document) <= {"bullet_list_open", "bullet_list_close", "list_item_open",
                                   "list_item_close", "paragraph_open", "paragraph_close",
                                   "inline", "text", "table_open", "table_close", "thead_open",
                                   "thead_close", "tbody_open", "tbody_close", "tr_open",
                                   "tr_close", "th_open", "th_close", "td_open", "td_close"}


def test_plain_words_stay_plain_in_the_raw_text() -> None:
    for text in ("cn-permanent-residence", "2004-08-15", "Art. 6(1).", "snake_case",
                 "USD 1,000,000 (total)"):
        assert md(text) == text


_MARKDOWN_CHARS = st.sampled_from(list("\\`*_{}[]()#+-.!|~<>&@:/ w1中\u2060;=") +
                                  ["https://", "www.", "&amp;", "<a>", "@x", "#1"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_MARKDOWN_CHARS, max_size=12).map("".join))
def test_any_text_reads_back_as_itself(text: str) -> None:
    text = text.replace("\u2060", "")
    assert inline_text(md(text)) == text.strip()
    assert links_of(md(text)) == [] and raw_html(md(text)) == []


@pytest.mark.parametrize("text", ["rules.web.action", "a`b", "limits[name=burst].max"])
def test_code_spans_hold_any_text(text: str) -> None:
    found = [t for t in __import__("mdcheck").tokens(code_span(text)) if t.type == "code_inline"]
    assert [t.content for t in found] == [text]


@pytest.mark.parametrize("text", ["``", "a ``` b", "````"])
def test_runs_of_backticks_are_escaped_text_not_a_fence(text: str) -> None:
    # A span fenced by three backticks or more would open a code block at a line's start.
    shown = code_span(text)
    assert inline_text(shown) == text
    assert "code_block" not in {t.type for t in __import__("mdcheck").tokens(shown)}
    assert "fence" not in {t.type for t in __import__("mdcheck").tokens(shown)}


def test_data_never_spells_the_review_marker() -> None:
    assert "<!-- policy-tracker-review -->" not in md("<!-- policy-tracker-review -->")


def _marked(markdown: str) -> tuple[list[str], list[str]]:
    """The struck-through and the bold texts of a line, as a GFM parser reads them."""
    struck: list[str] = []
    bold: list[str] = []
    current: list[str] | None = None
    for token in tokens(markdown):
        if token.type in ("s_open", "strong_open"):
            current = struck if token.type == "s_open" else bold
            current.append("")
        elif token.type in ("s_close", "strong_close"):
            current = None
        elif token.type == "text" and current is not None:
            current[-1] += token.content
    return struck, bold


@pytest.mark.parametrize(("old", "new"), [
    ("a three-letter nationality code, then a numeric code; standard", "a leading 9, then a "
     "three-digit code (numeric), then a numeric code; nationality standard"),
    ("申请人应在中国连续居留满五年，每年在中国居留不少于九个月。",
     "申请人应在中国连续居留满三年，每年在中国居留不少于六个月。"),
    ("Keep *this* and [that] and `code`.", "Keep _this_ and <that> and `more code`!"),
])
def test_redlines_read_back_as_deletions_and_insertions(old: str, new: str) -> None:
    from policy_tracker.model import Change, ChangeKind, Direction, Severity, Text
    from policy_tracker.render.markdown import redline_md
    from policy_tracker.text import redline

    segments = redline(old, new)
    change = Change((), ChangeKind.MODIFIED, old, new, "text-edited", Direction.NEUTRAL,
                    Severity.MINOR, Text(), Text(), "0" * 16, redline=segments)
    struck, bold = _marked(redline_md(change))
    assert struck == [t.strip() for op, t in segments if op == "-" and t.strip()]
    assert bold == [t.strip() for op, t in segments if op == "+" and t.strip()]
