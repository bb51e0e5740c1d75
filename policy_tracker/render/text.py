"""Plain text for terminals: grouped by area, colour only when asked (on a TTY)."""

from __future__ import annotations

from ..model import Change, Diff, Direction, RenderOptions
from .common import SYMBOLS, by_area, summary, word
from .escape import display

_COLOURS = {Direction.STRICTER: "\x1b[31m", Direction.LOOSER: "\x1b[32m",
            Direction.NEUTRAL: "\x1b[2m", Direction.UNKNOWN: "\x1b[33m"}
_RESET = "\x1b[0m"


def change_line(change: Change, options: RenderOptions, indent: str = "  ") -> str:
    """One change as one line: symbol, [direction, severity], sentence, citation, position."""
    lang = options.lang
    tags = f"[{word(change.direction.value, lang)}, {word(change.severity.value, lang)}]"
    if change.unconfirmed:
        tags += f" [{word('unconfirmed', lang)}]"
    notes = []
    if change.citation is not None:
        notes.append(display(change.citation.label()))
    pos = change.new_position or change.old_position
    if pos is not None:
        notes.append(f"line {pos.line}" if lang == "en" else f"第{pos.line}行")
    tail = f" ({'; '.join(notes)})" if notes else ""
    line = f"{indent}{SYMBOLS[change.kind]} {tags} {display(change.sentence.get(lang))}{tail}"
    if options.color:
        return f"{_COLOURS[change.direction]}{line}{_RESET}"
    return line


def render_diff(diff: Diff, options: RenderOptions) -> str:
    """Changes grouped by area, then the summary line."""
    lines = [f"--- {display(diff.old)}", f"+++ {display(diff.new)}"]
    for area, changes in by_area(diff.changes, options.lang):
        lines.append(display(area))
        lines.extend(change_line(c, options) for c in changes)
    lines.append(summary(diff.changes, options.lang, len(diff.accepted)))
    return "\n".join(lines) + "\n"
