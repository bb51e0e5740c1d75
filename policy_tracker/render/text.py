"""Plain text for terminals: grouped by area, colour only when asked (on a TTY)."""

from __future__ import annotations

import unicodedata

from ..errors import PolicyTrackerError
from ..i18n import message, plural
from ..model import (
    Change,
    Diff,
    Direction,
    Event,
    FieldHistory,
    RenderOptions,
    Timeline,
    format_path,
)
from ..text import format_value
from .common import (
    SYMBOLS,
    by_area,
    colon_of,
    editorial_line,
    event_context,
    period_of,
    set_aside,
    status_marker,
    summary,
    word,
)
from .escape import display
from .periods import periods_lines

_COLOURS = {Direction.STRICTER: "\x1b[31m", Direction.LOOSER: "\x1b[32m",
            Direction.NEUTRAL: "\x1b[2m", Direction.UNKNOWN: "\x1b[33m"}
_RESET = "\x1b[0m"


def change_line(change: Change, options: RenderOptions, indent: str = "  ",
                with_file: bool = True) -> str:
    """One change: symbol, [direction, severity], sentence, citation; with `--paths` also the
    path and file position; then what a reworded text says now (a redline or old → new)."""
    lang = options.lang
    tags = f"[{word(change.direction.value, lang)}{word('tag_sep', lang)}" \
           f"{word(change.severity.value, lang)}]"
    if change.unconfirmed:
        tags += f" [{word('unconfirmed', lang)}]"
    notes = []
    if options.paths and change.label.get(lang) != change.path_text:
        notes.append(display(change.path_text))
    if change.citation is not None:
        notes.append(display(change.citation.label(lang)))
    pos = change.new_position or change.old_position
    if options.paths and pos is not None:
        notes.append(display(str(pos) if with_file else f"{pos.line}:{pos.col}"))
    tail = f"{paren(word('note_sep', lang).join(notes), lang)}" if notes else ""
    line = f"{indent}{SYMBOLS[change.kind]} {tags} {display(change.sentence.get(lang))}{tail}"
    line += "".join(f"\n{indent}    {display(text)}" for text in content_lines(change, lang))
    if options.fingerprints:
        line += f" [{change.fingerprint}]"
    if options.color:
        return f"{_COLOURS[change.direction]}{line}{_RESET}"
    return line


def content_lines(change: Change, lang: str) -> list[str]:
    """A reworded text's content: `[-old-]{+new+}` as `git diff --word-diff` writes it, or,
    when the edit rewrites most of the text, the old and the new text in full."""
    line = change.redline_for(lang)
    if line:
        return ["".join(text if op == "=" else f"[-{text}-]" if op == "-" else f"{{+{text}+}}"
                        for op, text in line)]
    if change.rule == "text-edited":
        colon = colon_of(lang)
        return [f"{word('old', lang)}{colon}{format_value(change.old, '', lang)}",
                f"{word('new', lang)}{colon}{format_value(change.new, '', lang)}"]
    return []


def change_lines(changes: list[Change], options: RenderOptions, indent: str = "  ",
                 with_file: bool = True) -> list[str]:
    """Substantive changes, then one line counting the editorial ones, then those."""
    substantive, editorial = set_aside(changes)
    lines = [change_line(c, options, indent, with_file) for c in substantive]
    if editorial:
        lines.append(f"{indent}{display(editorial_line(editorial, options.lang))}")
        lines += [change_line(c, options, indent + "  ", with_file) for c in editorial]
    return lines


def paren(text: str, lang: str) -> str:
    """` (text)` after a sentence; `（text）` in Chinese."""
    return f"（{text}）" if lang == "zh" else f" ({text})"


def render_diff(diff: Diff, options: RenderOptions) -> str:
    """Substantive changes grouped by area, then the editorial ones, then the summary line."""
    lines = [f"--- {display(diff.old)}", f"+++ {display(diff.new)}"]
    substantive, editorial = set_aside(diff.changes)
    for area, changes in by_area(substantive, options.lang):
        lines.append(display(area))
        lines.extend(change_line(c, options) for c in changes)
    if editorial:
        lines.append(display(message("editorial.heading", options.lang, count=len(editorial))
                             + colon_of(options.lang) + editorial_line(editorial, options.lang)))
        for area, changes in by_area(editorial, options.lang):
            lines.append(f"  {display(area)}")
            lines.extend(change_line(c, options, "    ") for c in changes)
    lines.append(summary(diff.changes, options.lang, len(diff.accepted)))
    lines.extend(display(line) for line in periods_lines(diff.periods(), options.lang))
    return "\n".join(lines) + "\n"


def render_timeline(timeline: Timeline, options: RenderOptions) -> str:
    """Events in date order: date, track, instrument, status, then what it changed."""
    lang = options.lang
    lines = _timeline_head(timeline, options)
    for event in timeline.events:
        lines += event_lines(event, timeline, options)
    invalid = sum(1 for event in timeline.events if event.error)
    lines += ["", _count(len(timeline.events), lang) + invalid_note(invalid, lang)]
    return "\n".join(lines) + "\n"


def event_lines(event: Event, timeline: Timeline, options: RenderOptions) -> list[str]:
    """One event of a timeline: a blank line, its heading, its context and its changes (the
    streamed output writes events one at a time with this too)."""
    lang = options.lang
    lines = ["", event_heading(event, lang, timeline.track_title(event.track, lang))]
    lines += [f"  {display(line)}" for line in event_context(event, lang)]
    lines += change_lines(list(event.changes), options, with_file=False)
    if event.changes or not (event.baseline or event.error):
        lines.append(f"  {summary(event.changes, lang)}")
    return lines


def _timeline_head(timeline: Timeline, options: RenderOptions) -> list[str]:
    lang = options.lang
    title = options.title or timeline.title.get(lang)
    tracks = word("list_sep", lang).join(timeline.track_title(t, lang) for t in timeline.tracks)
    lines = [display(f"{title} ({timeline.policy})" if lang != "zh"
                     else f"{title}（{timeline.policy}）"),
             display(f"{word('tracks', lang)}{colon_of(lang)}{tracks}")]
    period = period_of(timeline.since, timeline.until, lang)
    if period:
        lines.append(f"{word('period', lang)}{colon_of(lang)}{period}")
    return lines


def event_heading(event: Event, lang: str, track: str = "") -> str:
    """`2022-01-01  National  Draft Residence Regulation, No. 5  [DRAFT — not law]`."""
    head = f"{event.date.isoformat()}  {track or event.track}  {event.title.get(lang)}"
    if event.snapshot is not None and event.snapshot.document_number:
        head += f"{', ' if lang == 'en' else '，'}{event.snapshot.document_number}"
    marker = status_marker(event, lang)
    return display(head + (f"  [{marker}]" if marker else ""))


def invalid_note(invalid: int, lang: str) -> str:
    """", 3 of them did not load" after the count of events (git histories), or ""."""
    return message("gittimeline.invalid", lang, count=invalid) if invalid else ""


def _count(events: int, lang: str) -> str:
    if not events:
        return word("no_events", lang)
    return plural("word.event_count", events, lang)


def render_history(history: FieldHistory, options: RenderOptions) -> str:
    """The field's values over time as an aligned table: date, value, snapshot, citation."""
    lang = options.lang
    path = format_path(history.path)
    label = history.label.get(lang)
    head = f"{label} ({path})" if lang != "zh" else f"{label}（{path}）"
    where = (f"{word('policy', lang)}{colon_of(lang)}{history.policy}  "
             f"{word('track', lang)}{colon_of(lang)}{history.track}")
    rows = [[word(k, lang) for k in ("date", "value", "snapshot", "citation")]]
    for step in history.steps:
        value = format_value(step.value, history.unit, lang) if step.present \
            else word("absent", lang)
        rows.append([step.date.isoformat(), value, step.snapshot,
                     step.citation.label(lang) if step.citation else ""])
    return "\n".join([display(head), display(where), ""] + aligned(rows)) + "\n"


def aligned(rows: list[list[str]]) -> list[str]:
    """Rows padded into columns by display width (wide CJK characters count twice)."""
    cells = [[display(cell) for cell in row] for row in rows]
    widths = [max(width(row[i]) for row in cells) for i in range(len(cells[0]))]
    return ["  ".join(cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row))
            .rstrip() for row in cells]


def width(text: str) -> int:
    """Columns a terminal gives `text`: two for wide and full-width characters."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_problems(problems: tuple[PolicyTrackerError, ...], options: RenderOptions) -> str:
    """One `file:line:col: message` line per validation problem."""
    return "".join(f"{display(p.location() or '<input>')}: {display(p.message)}\n"
                   for p in problems)
