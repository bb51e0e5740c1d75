"""The one escaping policy: checked against Unicode's own categories, not against its table."""

from __future__ import annotations

import json
import re
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from policy_tracker.render.escape import display
from policy_tracker.render.json import escape_invisible
from policy_tracker.visible import (
    INVISIBLE,
    escape_json,
    escape_line,
    escape_text,
    guard_line_starts,
)

HIDDEN_CATEGORIES = ("Cc", "Cf", "Zl", "Zp", "Cs")
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _hidden(text: str) -> list[str]:
    return [ch for ch in text if ch not in "\t\n" and
            unicodedata.category(ch) in HIDDEN_CATEGORIES]


def test_every_control_format_separator_and_surrogate_character_is_escaped() -> None:
    missed = [f"U+{code:04X}" for code in range(sys.maxunicode + 1)
              if unicodedata.category(chr(code)) in HIDDEN_CATEGORIES
              and chr(code) not in "\t\n" and not INVISIBLE.match(chr(code))]
    assert missed == []


def test_the_named_invisible_characters_are_shown() -> None:
    for ch, shown in (("\u061c", "\\u061c"), ("\x1b", "\\x1b"), ("\u202e", "\\u202e"),
                      ("\U000e0041", "\\U000e0041"), ("\u3164", "\\u3164"), ("\xad", "\\xad"),
                      ("\ud800", "\\ud800"), ("\r", "\\x0d")):
        assert escape_text(f"a{ch}b") == f"a{shown}b"
        assert display(f"a{ch}b") == f"a{shown}b"


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.sampled_from(["a", " ", "\t", "\n", "\r", ":", "::", "\x1b", "\u061c",
                                 "\u200b", "\U000e0041", "\x85", "\u2028", "\ufeff", "\ud800",
                                 "\u3000", "政", "%", "\\"]), max_size=30).map("".join))
def test_escaped_text_has_nothing_hidden_and_no_command_line(text: str) -> None:
    shown = escape_text(text, keep_newlines=True)
    assert _hidden(shown) == []
    assert "\n" not in escape_line(text) and _hidden(escape_line(text)) == []
    guarded = guard_line_starts(shown)
    assert [line for line in LINE_BREAK.split(guarded) if line.strip().startswith("::")] == []
    assert guard_line_starts(guarded) == guarded
    encoded = escape_json(json.dumps(text, ensure_ascii=False))
    assert _hidden(encoded) == [] and json.loads(encoded) == text
    assert escape_invisible(encoded) == encoded


def test_lines_without_a_command_are_left_alone() -> None:
    text = "a: b\n  x::y\n: :\nnote:: ok\n"
    assert guard_line_starts(text) == text
    assert guard_line_starts("::error::x\n \u3000::warning::y\r::z") == \
        "\\x3a:error::x\n \u3000\\x3a:warning::y\r\\x3a:z"
    assert guard_line_starts("::a", "&#58;") == "&#58;:a"
    assert guard_line_starts("\u3000\t::a") == "\u3000\t\\x3a:a"
    css = "p::before { content: '' }\n  a::after {}\n"
    assert guard_line_starts(css) == css
