"""Markdown escaping: only where GitHub-flavoured Markdown needs it, checked with a parser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mdcheck import inline_text, links_of, markup_of, mentions, raw_html
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


@pytest.mark.parametrize("text", ["rules.web.action", "a`b", "``", "limits[name=burst].max"])
def test_code_spans_hold_any_text(text: str) -> None:
    found = [t for t in __import__("mdcheck").tokens(code_span(text)) if t.type == "code_inline"]
    assert [t.content for t in found] == [text]


def test_data_never_spells_the_review_marker() -> None:
    assert "<!-- policy-tracker-review -->" not in md("<!-- policy-tracker-review -->")
