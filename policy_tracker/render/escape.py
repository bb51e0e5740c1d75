"""Escaping for every sink: terminal, Markdown, CSV. HTML escaping is Jinja2's autoescape."""

from __future__ import annotations

import re
from typing import Any

from ..visible import escape_text

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def display(text: str, keep_newlines: bool = False) -> str:
    """Make control, bidirectional, zero-width characters and lone surrogates visible (the
    policy of `policy_tracker.visible`)."""
    return escape_text(text, keep_newlines)


def md(text: str) -> str:
    """Data as inert Markdown text: no markup, links, mentions, HTML or fences."""
    text = display(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # A word joiner after @, # and the colon of :// stops mentions, issue links and bare-URL
    # links without changing what is read.
    return text.replace("@", "@\u2060").replace("#", "#\u2060").replace("://", ":\u2060//")


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
