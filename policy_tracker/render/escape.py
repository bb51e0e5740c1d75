"""Escaping for every sink: terminal, Markdown, CSV. HTML escaping is Jinja2's autoescape."""

from __future__ import annotations

import re
from typing import Any

_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e"
                        "\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def display(text: str, keep_newlines: bool = False) -> str:
    """Make control, bidirectional, zero-width characters and lone surrogates visible."""
    if keep_newlines:
        return "\n".join(_INVISIBLE.sub(_escape_char, line) for line in text.split("\n"))
    return _INVISIBLE.sub(_escape_char, text.replace("\n", " ").replace("\t", " "))


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
