"""Markdown for documents and pull requests: every piece of data escaped as inert text."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote
import re
import unicodedata

from ..legal import status_words
from ..i18n import message
from ..model import Change, Diff, Event, FieldHistory, RenderOptions, Source, Timeline, format_path
from ..text import format_value
from .common import (
    by_area,
    colon_of,
    editorial_line,
    event_context,
    event_sources,
    is_http_url,
    period_of,
    set_aside,
    status_marker,
    summary,
    word,
)
from .escape import code_span, md
from .periods import periods_lines


def redline_md(change: Change, lang: str = "en") -> str:
    """A change's redline as Markdown, in the reader's language."""
    return segments_md(change.redline_for(lang))


def segments_md(segments: tuple[tuple[str, str], ...]) -> str:
    """A redline as Markdown: ~~deleted~~ **inserted**, the spaces between words kept outside
    the markers so that neither words nor markers run together. A marker next to a letter on
    one side and punctuation on the other would not open or close (CommonMark's flanking
    rule), so a space separates them there."""
    out: list[str] = []
    previous = "="
    for i, (op, text) in enumerate(segments):
        if op == "=" or not text.strip():
            out.append(md(text))
            previous = op if text.strip() else previous
            continue
        core = text.strip()
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()):]
        mark = "~~" if op == "-" else "**"
        before = out[-1][-1:] if out and out[-1] else " "
        after = next((t[:1] for _, t in segments[i + 1:] if t), " ")
        if not lead and (op == "+" and previous == "-" and not _CJK.search(core[:1]) or
                         _word_char(before) and _punctuation(core[0])):
            lead = " "
        if not trail and _punctuation(core[-1]) and _word_char(after):
            trail = " "
        out.append(f"{lead}{mark}{md(core)}{mark}{trail}")
        previous = op
    return "".join(out).strip()


def _punctuation(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def _word_char(ch: str) -> bool:
    return bool(ch) and not ch.isspace() and not _punctuation(ch)


_CJK = re.compile("[\u3000-\u9fff\uff00-\uffef]")


def sentence_md(change: Change, lang: str) -> str:
    """The sentence, its label shown as a code span when the label is the path (generic
    mode); otherwise the path follows in a code span, so it can be pasted into `--only`."""
    sentence = change.sentence.get(lang)
    label = change.label.get(lang)
    if label == change.path_text and label in sentence:
        before, _, after = sentence.partition(label)
        return f"{md(before)}{code_span(label)}{md(after)}"
    return f"{md(sentence)} {code_span(change.path_text)}" if change.path else md(sentence)


def content_md(change: Change, lang: str) -> str:
    """What a reworded text says now: its redline, or old → new when most of it changed."""
    if change.redline_for(lang):
        return redline_md(change, lang)
    if change.rule == "text-edited":
        old, new = (md(format_value(v, "", lang)) for v in (change.old, change.new))
        return f"~~{old}~~ → **{new}**"
    return ""


def change_item(change: Change, options: RenderOptions) -> str:
    """One change as a Markdown list item with its direction and citation."""
    lang = options.lang
    badge = f"**{word(change.direction.value, lang)}** · {word(change.severity.value, lang)}"
    if change.unconfirmed:
        badge += f" · _{word('unconfirmed', lang)}_"
    line = f"- {badge}{colon_of(lang)}{sentence_md(change, lang)}"
    if change.citation is not None:
        line += f"{paren_open(lang)}{word('citation', lang)}{colon_of(lang)}" \
                f"{md(change.citation.label(lang))}{paren_close(lang)}"
    content = content_md(change, lang)
    if content:
        line += f"\n  - {content}"
    return line


def paren_open(lang: str) -> str:
    """An opening parenthesis after a word: full width in Chinese."""
    return "（" if lang == "zh" else " ("


def paren_close(lang: str) -> str:
    """The closing parenthesis."""
    return "）" if lang == "zh" else ")"


def change_items(changes: list[Change], options: RenderOptions,
                 item: Callable[[Change, RenderOptions], str] | None = None) -> list[str]:
    """Substantive changes, then one line counting the editorial ones, then those (each
    written by `item`, by default `change_item`)."""
    write = item or change_item
    substantive, editorial = set_aside(changes)
    lines = [write(c, options) for c in substantive]
    if editorial:
        if lines:
            lines.append("")
        lines += [f"_{md(editorial_line(editorial, options.lang))}_", ""]
        lines += [write(c, options) for c in editorial]
    return lines


def render_diff(diff: Diff, options: RenderOptions) -> str:
    """A heading, the summary, the substantive changes by area, then the editorial ones."""
    lang = options.lang
    title = options.title or word("changes_title", lang)
    lines = [f"## {md(title)}", "", f"{_name(diff.old)} → {_name(diff.new)}", "",
             md(summary(diff.changes, lang, len(diff.accepted))), ""]
    periods = periods_lines(diff.periods(), lang)
    if periods:
        lines += [md(periods[0])] + [f"- {md(line.strip())}" for line in periods[1:]] + [""]
    substantive, editorial = set_aside(diff.changes)
    for area, changes in by_area(substantive, lang):
        lines += [f"### {md(area)}", ""]
        lines += [change_item(c, options) for c in changes]
        lines.append("")
    if editorial:
        heading = message("editorial.heading", lang, count=len(editorial))
        lines += [f"### {md(heading)}", "", md(editorial_line(editorial, lang)), ""]
        for area, changes in by_area(editorial, lang):
            lines += [f"#### {md(area)}", ""]
            lines += [change_item(c, options) for c in changes]
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _name(text: str) -> str:
    # An operand's name opens the line: as one-backtick code, so it can never be a fence.
    return code_span(text.replace("`", "'"))


def render_timeline(timeline: Timeline, options: RenderOptions) -> str:
    """A document: one heading per event, its instrument's details, then its changes."""
    lang = options.lang
    title = options.title or f"{timeline.title.get(lang)} — {word('timeline', lang)}"
    colon = colon_of(lang)
    facts = [f"{word('policy', lang)}{colon}{md(timeline.policy)}",
             f"{word('tracks', lang)}{colon}{md(word('list_sep', lang).join(timeline.tracks))}"]
    period = period_of(timeline.since, timeline.until, lang)
    if period:
        facts.append(f"{word('period', lang)}{colon}{md(period)}")
    lines = [f"# {md(title)}", "", " · ".join(facts), ""]
    for event in timeline.events:
        lines += event_section(event, options, timeline.track_title(event.track, lang))
    if not timeline.events:
        lines += [word("no_events", lang), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def event_section(event: Event, options: RenderOptions, track_title: str = "") -> list[str]:
    """One event: heading, facts as a list, context, summary and change items."""
    lang = options.lang
    track_title = track_title or event.track
    colon = colon_of(lang)
    marker = status_marker(event, lang)
    heading = f"## {md(event.date.isoformat())} · {md(event.title.get(lang))}"
    lines = [heading + (f" — **{md(marker)}**" if marker else ""), ""]
    facts = [(word("track", lang), md(track_title))]
    if event.snapshot is not None:
        facts.append((word("status", lang), md(status_words(event.snapshot, lang))))
        if event.snapshot.document_number:
            facts.append((word("document_number", lang), md(event.snapshot.document_number)))
    sources = [source_link(s, lang) for s in event_sources(event)]
    if sources:
        facts.append((word("sources", lang), ("；" if lang == "zh" else "; ").join(sources)))
    lines += [f"- {name}{colon}{value}" for name, value in facts] + [""]
    paragraphs = [md(line) for line in event_context(event, lang)]
    if event.changes or not (event.baseline or event.error):
        paragraphs.append(summary(event.changes, lang))
    for paragraph in paragraphs:
        lines += [paragraph, ""]
    if event.changes:
        lines += change_items(list(event.changes), options) + [""]
    return lines


def source_link(source: Source, lang: str) -> str:
    """A source's title, linked only when its address is http(s)."""
    title = md(source.title.get(lang) or source.id)
    if not is_http_url(source.url):
        return title
    return f"[{title}]({link_target(source.url)})"


def link_target(url: str) -> str:
    """A URL safe inside `(...)`: spaces, parentheses, brackets and controls percent-encoded."""
    return quote(url, safe=":/?#@!$&'*+,;=%~-._")


def render_history(history: FieldHistory, options: RenderOptions) -> str:
    """A heading, where the field lives, and a table of its values over time."""
    lang = options.lang
    colon = colon_of(lang)
    title = options.title or f"{history.label.get(lang)} — {word('history', lang)}"
    facts = [f"{word('field', lang)}{colon}{md(format_path(history.path))}",
             f"{word('policy', lang)}{colon}{md(history.policy)}",
             f"{word('track', lang)}{colon}{md(history.track)}"]
    header = [word(k, lang) for k in ("date", "value", "snapshot", "citation")]
    lines = [f"# {md(title)}", "", " · ".join(facts), "",
             "| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for step in history.steps:
        value = format_value(step.value, history.unit, lang) if step.present \
            else word("absent", lang)
        cells = [step.date.isoformat(), value, step.snapshot,
                 step.citation.label(lang) if step.citation else ""]
        lines.append("| " + " | ".join(md(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"
