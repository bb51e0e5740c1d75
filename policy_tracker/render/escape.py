"""Escaping for every sink: terminal, Markdown, CSV. HTML escaping is Jinja2's autoescape."""

from __future__ import annotations

import re
from typing import Any

from ..visible import escape_text

# What GitHub-flavoured Markdown would read as markup inside a line: emphasis and
# strikethrough, links and images, code, raw HTML, table cells, backslash escapes.
_MD_INLINE = re.compile(r"([\\`*\[\]<>|~])")
# `_` is emphasis only at a word's edge (GFM never treats snake_case as emphasis).
_MD_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# An entity or numeric character reference would be decoded.
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
# At the start of a line: headings, block quotes, lists, thematic breaks, setext underlines.
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d{1,9}(?=[.)]))")
# Autolinks (GFM's extension), mentions and issue references are broken by a word joiner,
# which no reader sees: after `@` and `#` before a name or number, around the `@` of an
# e-mail address, before the `://` of an address, inside a leading `//` and before the dot
# of `www.`.
_MD_MENTION = re.compile(r"([@#])(?=[\w-])")


def display(text: str, keep_newlines: bool = False) -> str:
    """Make control, bidirectional, zero-width characters and lone surrogates visible (the
    policy of `policy_tracker.visible`)."""
    return escape_text(text, keep_newlines)


def md(text: str) -> str:
    """Data as inert Markdown text: escaped only where GitHub-flavoured Markdown needs it, so
    that the raw text stays readable and no markup, link, mention, HTML or heading appears."""
    text = display(text)
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_UNDERSCORE.sub(r"\\_", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    text = _MD_LINE_START.sub(_escape_line_start, text, count=1)
    text = _MD_MENTION.sub("\\1\u2060", text)
    # A comment opener in data must not spell a review comment's marker (`<!-- … -->`).
    text = text.replace("<!--", "<!\u2060--")
    text = re.sub(r"(?<=\w)@", "\u2060@", text)  # an e-mail address's local part
    return re.sub(r"(?i)(?<=[a-z])(?=://)|(?<=\bwww)(?=\.)|(?<![:/\w])/(?=/\w)", "\\g<0>\u2060",
                  text)


def _escape_line_start(found: re.Match[str]) -> str:
    return f"{found.group(1)}\\{found.group(2)}" if not found.group(2)[0].isdigit() else \
        f"{found.group(1)}{found.group(2)}\\"


def code_span(text: str) -> str:
    """Text as a Markdown code span, fenced by more backticks than it contains (and never
    spelling a review comment's marker)."""
    text = display(text).replace("<!--", "<!\u2060--")
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    if longest >= 2:  # a fence of three backticks or more would open a code block at a line start
        return md(text)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\x00")


def csv_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet evaluates; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    text = display(str(value), keep_newlines=True)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text
