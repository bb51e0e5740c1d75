"""Words and groupings shared by the renderers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..i18n import message, plural
from ..model import Change, ChangeKind, Direction, Event, Severity, Source

SYMBOLS = {ChangeKind.ADDED: "+", ChangeKind.REMOVED: "-", ChangeKind.MODIFIED: "~",
           ChangeKind.RENAMED: ">", ChangeKind.MOVED: ">", ChangeKind.REORDERED: "^"}


def word(key: str, lang: str) -> str:
    """A fixed word in the report language (`word.<key>` in the message catalogue)."""
    return message(f"word.{key}", lang)


def summary(changes: Iterable[Change], lang: str, accepted: int = 0) -> str:
    """"5 changes: 2 looser, 2 stricter, 1 neutral; 4 major, 1 editorial"."""
    items = list(changes)
    more = message("summary.accepted", lang, count=accepted) if accepted else ""
    if not items:
        return word("no_changes", lang) + more
    parts = []
    for group in ([d.value for d in Direction], [s.value for s in Severity]):
        counts = [(name, sum(1 for c in items if name in (c.direction.value, c.severity.value)))
                  for name in group]
        parts.append(message("summary.item_sep", lang).join(
            message("summary.count", lang, count=k, name=word(n, lang)) for n, k in counts if k))
    head = plural("summary.head", len(items), lang,
                  parts=message("summary.group_sep", lang).join(parts))
    return head + more


def set_aside(changes: Iterable[Change]) -> tuple[list[Change], list[Change]]:
    """Substantive changes, then the editorial ones (citations, wording, order) set aside."""
    items = list(changes)
    return ([c for c in items if c.severity is not Severity.EDITORIAL],
            [c for c in items if c.severity is Severity.EDITORIAL])


def editorial_line(changes: Iterable[Change], lang: str) -> str:
    """"12 citations confirmed or refined; 2 editorial changes of wording or order" (or "")."""
    items = [c for c in changes if c.severity is Severity.EDITORIAL]
    citations = sum(1 for c in items if c.rule == "citation-changed")
    parts = [plural(key, count, lang) for key, count in (
        ("editorial.citations", citations), ("editorial.wording", len(items) - citations))
        if count]
    return message("editorial.sep", lang).join(parts)


def by_area(changes: Iterable[Change], lang: str) -> list[tuple[str, list[Change]]]:
    """Changes grouped by area, areas in order of first appearance."""
    groups: dict[str, list[Change]] = {}
    for change in changes:
        groups.setdefault(change.area.get(lang), []).append(change)
    return list(groups.items())


# Timelines: what every timeline format says about an event besides its changes.

def status_marker(event: Event, lang: str) -> str:
    """"PROPOSED — draft, never law" for drafts, a marker for announcements; empty for law."""
    if event.snapshot is None or event.is_law:
        return ""
    return message(f"legal.marker.{event.snapshot.status.value}", lang)


def event_context(event: Event, lang: str) -> list[str]:
    """What an event was compared with (or why it was not), as plain sentences."""
    colon = colon_of(lang)
    lines = []
    if event.commit is not None:
        lines.append(f"{word('commit', lang)} {event.commit.sha[:12]}{colon}{event.commit.subject}")
    if event.error:
        lines.append(f"{word('error', lang)}{colon}{event.error}")
    elif event.base:
        names = word("list_sep", lang).join(event.name_of(i, lang) for i in event.base)
        lines.append(f"{word('against_base', lang)}{colon}{names}")
    elif event.previous:
        lines.append(f"{word('compared_with', lang)}{colon}{event.name_of(event.previous, lang)}")
    elif event.baseline:
        lines.append(word("baseline", lang))
    return lines


def colon_of(lang: str) -> str:
    """The colon after a label: full width in Chinese."""
    return "：" if lang == "zh" else ": "


def with_track(title: str, track: str, lang: str) -> str:
    """"Coastal Talent Pilot (coastal)": a title that says which track it belongs to."""
    return f"{title}（{track}）" if lang == "zh" else f"{title} ({track})"


def period_of(since: dt.date | None, until: dt.date | None, lang: str) -> str:
    """"from 2015-01-01 to 2020-12-31" (either end may be open), or ""."""
    parts = [f"{word(name, lang)}{'' if lang == 'zh' else ' '}{day.isoformat()}"
             for name, day in (("since", since), ("until", until)) if day]
    return ("" if lang == "zh" else " ").join(parts)


def is_http_url(url: str) -> bool:
    """Only http(s) addresses become links: never javascript:, data: or file:."""
    return url.lower().startswith(("http://", "https://"))


def event_sources(event: Event) -> tuple[Source, ...]:
    """The sources an event's instrument cites (none for a bare commit)."""
    return event.snapshot.sources if event.snapshot is not None else ()


def first_http_url(event: Event) -> str:
    """The address of the event's first source with an http(s) link, or ""."""
    return next((s.url for s in event_sources(event) if is_http_url(s.url)), "")
