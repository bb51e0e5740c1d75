"""The one escaping policy for text from data, whatever the sink (terminal, log line, error
line, Markdown, HTML, CSV, TimelineJS, JSON, YAML).

Invisible means: C0 controls but tab and newline, DEL and C1 controls, every format character
(Unicode category Cf: bidirectional marks, embeddings, overrides and isolates including
U+061C, zero-width characters, the BOM, Arabic number signs, tags), line and paragraph
separators, soft hyphen, the combining grapheme joiner, Hangul fillers, Khmer inherent vowels,
Mongolian selectors and lone surrogates. Text sinks show them as `\\xNN`/`\\uNNNN`/
`\\UNNNNNNNN`; JSON sinks write them as `\\uNNNN` escapes, which decode to the same data.

A line that starts, after white space, with `::` is a GitHub Actions workflow command when a
CI log shows it; outside the `github` format no line the tool writes may start so, so its
first colon is written another way (`guard_line_starts`).
"""

from __future__ import annotations

import re

INVISIBLE_CLASS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164"
    "\ufeff\uffa0\ufff9-\ufffb\ud800-\udfff\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
INVISIBLE = re.compile(f"[{INVISIBLE_CLASS}]")
_COMMAND_START = re.compile(r"(?:\A|(?<=[\r\n]))([^\S\r\n]*):(?=:)")
_COMMAND_AT_START = re.compile(r"[^\S\r\n]*::")
_COMMAND_AFTER_BREAK = re.compile(r"[\r\n][^\S\r\n]*::")


def _text_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def escape_text(text: str, keep_newlines: bool = False) -> str:
    """Invisible characters made visible; newlines and tabs become spaces unless kept."""
    if text.isascii() and text.isprintable():  # the usual case, decided at C speed
        return text
    if not keep_newlines:
        text = text.replace("\n", " ").replace("\t", " ")
    return INVISIBLE.sub(_text_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)  # JSON spells astral characters as a pair
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


def escape_json(text: str) -> str:
    """JSON text with invisible characters as `\\u` escapes (they occur only inside strings,
    where the escape stands for the same character)."""
    return INVISIBLE.sub(_json_escape, text)


def guard_line_starts(text: str, colon: str = "\\x3a") -> str:
    """No line starts (after white space) with `::`: its first colon becomes `colon`."""
    if "::" not in text:  # the usual case, found at C speed
        return text
    if not _COMMAND_AT_START.match(text) and not _COMMAND_AFTER_BREAK.search(text):
        return text  # `::` only inside lines (CSS's `::before`): one search, no rewrite
    return _COMMAND_START.sub(lambda m: m.group(1) + colon, text)


def escape_line(text: str) -> str:
    """One line of a message or log: invisible characters and line breaks escaped, and no
    workflow command at its start."""
    return guard_line_starts(escape_text(text))
