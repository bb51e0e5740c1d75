"""Markdown for documents and pull requests: every piece of data escaped as inert text."""

from __future__ import annotations

from urllib.parse import quote

from ..model import Change, Diff, Event, FieldHistory, RenderOptions, Source, Timeline, format_path
from ..text import format_value
from .common import (
    by_area,
    colon_of,
    event_context,
    event_sources,
    is_http_url,
    period_of,
    status_marker,
    summary,
    word,
)
from .escape import md
from .periods import periods_lines


def redline_md(change: Change, lang: str = "en") -> str:
    """A redline as Markdown: deletions struck through, insertions in bold."""
    out: list[str] = []
    previous = "="
    for op, text in change.redline_for(lang):
        if op != "=" and not text.strip():
            continue
        if op == "+" and previous == "-" and not _CJK_END.search(out[-1] if out else ""):
            out.append(" ")
        out.append(md(text) if op == "=" else
                   f"~~{md(text.strip())}~~" if op == "-" else f"**{md(text.strip())}**")
        previous = op
    return "".join(out).strip()


_CJK_END = __import__("re").compile("[\u3000-\u9fff]~~$")


def change_item(change: Change, options: RenderOptions) -> str:
    """One change as a Markdown list item with its direction and citation."""
    lang = options.lang
    badge = f"**{word(change.direction.value, lang)}** · {word(change.severity.value, lang)}"
    if change.unconfirmed:
        badge += f" · _{word('unconfirmed', lang)}_"
    line = f"- {badge}: {md(change.sentence.get(lang))}"
    if change.citation is not None:
        line += f" ({word('citation', lang)}: {md(change.citation.label(lang))})"
    if change.redline_for(lang):
        line += f"\n  - {redline_md(change, lang)}"
    return line


def render_diff(diff: Diff, options: RenderOptions) -> str:
    """A heading, the summary, and the changes grouped by area."""
    lang = options.lang
    title = options.title or ("Changes" if lang != "zh" else "变化")
    lines = [f"## {md(title)}", "", f"`{_code(diff.old)}` → `{_code(diff.new)}`", "",
             summary(diff.changes, lang, len(diff.accepted)), ""]
    periods = periods_lines(diff.periods(), lang)
    if periods:
        lines += [md(periods[0])] + [f"- {md(line.strip())}" for line in periods[1:]] + [""]
    for area, changes in by_area(diff.changes, lang):
        lines += [f"### {md(area)}", ""]
        lines += [change_item(c, options) for c in changes]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _code(text: str) -> str:
    from .escape import display
    return display(text).replace("`", "'")


def render_timeline(timeline: Timeline, options: RenderOptions) -> str:
    """A document: one heading per event, its instrument's details, then its changes."""
    lang = options.lang
    title = options.title or f"{timeline.title.get(lang)} — {word('timeline', lang)}"
    colon = colon_of(lang)
    facts = [f"{word('policy', lang)}{colon}{md(timeline.policy)}",
             f"{word('tracks', lang)}{colon}{md(', '.join(timeline.tracks))}"]
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
        facts.append((word("status", lang), md(word(event.snapshot.status.value, lang))))
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
        lines += [change_item(c, options) for c in event.changes] + [""]
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
