"""Markdown read back with a real CommonMark/GFM parser (markdown-it-py and its GFM plugins).

Tests use it to check that data reaches a reader as the text it is: no link, image, mention,
raw HTML, heading or emphasis that the data did not ask for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest


JOINER = "\u2060"
"""The word joiner the escaping puts after `@`, `#`, `://` and `www`: invisible to readers."""

# A GitHub mention or issue reference, as GitHub's filters find them in rendered text.
MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9][\w-]*|(?<![\w&])#\d+|(?i:https?://|www\.)\w")


def parser() -> Any:
    """GitHub-flavoured Markdown: tables, strikethrough, autolinks, footnotes, task lists.

    GFM links addresses with a scheme, `www.` addresses and e-mail addresses, never a bare
    domain (`example.org`): linkify's fuzzy links are off to match. `www.` addresses, which
    linkify then leaves alone, are caught by `mentions()`."""
    reason = "needs markdown-it-py and mdit-py-plugins (pip install '.[test]')"
    markdown_it = pytest.importorskip("markdown_it", reason=reason)
    footnote = pytest.importorskip("mdit_py_plugins.footnote", reason=reason)
    tasklists = pytest.importorskip("mdit_py_plugins.tasklists", reason=reason)
    md = markdown_it.MarkdownIt("gfm-like").use(footnote.footnote_plugin) \
        .use(tasklists.tasklists_plugin)
    md.linkify.set({"fuzzy_link": False})
    return md


def tokens(text: str) -> Iterator[Any]:
    """Every token of a document, inline children included."""
    for token in parser().parse(text):
        yield token
        yield from token.children or ()


def inline_text(markdown: str) -> str:
    """What a reader sees of one line of Markdown, word joiners removed; fails on markup."""
    found = [t for t in tokens(markdown) if t.type not in ("paragraph_open", "paragraph_close",
                                                           "inline")]
    assert all(t.type == "text" for t in found), [(t.type, t.content) for t in found]
    return "".join(t.content for t in found).replace(JOINER, "")


def markup_of(document: str) -> set[str]:
    """The kinds of markup a document creates (token types), to compare with what is meant."""
    return {t.type for t in tokens(document)}


def links_of(document: str) -> list[str]:
    """The targets of every link and image in a document."""
    return [t.attrGet("href") or t.attrGet("src") or "" for t in tokens(document)
            if t.type in ("link_open", "image")]


def raw_html(document: str) -> list[str]:
    """Every piece of raw HTML a document contains."""
    return [t.content for t in tokens(document) if t.type in ("html_inline", "html_block")]


def mentions(document: str) -> list[str]:
    """Mentions, issue references and bare addresses GitHub would turn into links."""
    text = "".join(t.content for t in tokens(document) if t.type == "text")
    return MENTION.findall(text)


_OWN_HTML = re.compile(r"</?(?:details|summary)>|<!-- policy-tracker-review -->")


def foreign_html(document: str) -> list[str]:
    """Raw HTML that is not the output's own collapsed sections or review marker."""
    return [piece for piece in raw_html(document) if "<" in _OWN_HTML.sub("", piece)]
