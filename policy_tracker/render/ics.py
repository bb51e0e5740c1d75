"""iCalendar (RFC 5545), written by hand: one all-day event per timeline event.

Calendars re-import the file as updates, so everything is stable: UIDs come from the policy
and event ids, DTSTAMP from the data (never the clock). Lines end with CRLF and are folded
at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

from ..model import Event, RenderOptions, Timeline
from .common import (
    colon_of,
    editorial_line,
    event_context,
    event_sources,
    first_http_url,
    set_aside,
    status_marker,
    summary,
    with_track,
    word,
)
from .escape import display

PRODID = "-//policy-tracker//Timeline export//EN"
LINE_OCTETS = 75
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def render_timeline(timeline: Timeline, options: RenderOptions) -> str:
    """A VCALENDAR with one VEVENT per event; drafts and announcements are TENTATIVE."""
    lang = options.lang
    title = options.title or timeline.title.get(lang)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{text_value(title)}"]
    stamp = dtstamp(timeline)
    for event in timeline.events:
        lines += vevent(event, timeline.policy, stamp, lang)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)


def vevent(event: Event, policy: str, stamp: str, lang: str) -> list[str]:
    """The content lines of one all-day event."""
    marker = status_marker(event, lang)
    title = with_track(event.title.get(lang), event.track, lang)
    lines = ["BEGIN:VEVENT", f"UID:{uid(policy, event)}", f"DTSTAMP:{stamp}",
             f"DTSTART;VALUE=DATE:{event.date.strftime('%Y%m%d')}"]
    if event.date < dt.date.max:  # without DTEND an all-day event lasts the one day anyway
        lines.append(f"DTEND;VALUE=DATE:{(event.date + dt.timedelta(days=1)).strftime('%Y%m%d')}")
    lines += [f"SUMMARY:{text_value(f'[{marker}] {title}' if marker else title)}",
              f"DESCRIPTION:{text_value(description(event, lang))}"]
    url = first_http_url(event)
    if url:
        lines.append(f"URL:{quote(url, safe=_URI_SAFE)}")
    lines += [f"STATUS:{'CONFIRMED' if event.is_law else 'TENTATIVE'}",
              f"CATEGORIES:{text_value(event.track)}", "TRANSP:TRANSPARENT", "END:VEVENT"]
    return lines


def uid(policy: str, event: Event) -> str:
    """`policy/track/snapshot@policy-tracker`, percent-encoded so it needs no TEXT escaping."""
    return f"{quote(f'{policy}/{event.id}', safe='/-._~')}@policy-tracker"


def dtstamp(timeline: Timeline) -> str:
    """Midnight UTC of the latest date in the timeline: the same data, the same stamp."""
    latest = max((e.date for e in timeline.events), default=timeline.until or dt.date(1970, 1, 1))
    return latest.strftime("%Y%m%dT000000Z")


def description(event: Event, lang: str) -> str:
    """Plain text: document number, what was compared, summary, one line per change."""
    meta = event.snapshot
    lines = ([meta.document_number] if meta and meta.document_number else [])
    lines += event_context(event, lang)
    if event.changes or not (event.baseline or event.error):
        lines.append(summary(event.changes, lang))
    substantive, editorial = set_aside(event.changes)
    lines += [f"- {c.sentence.get(lang)}" for c in substantive]
    if editorial:  # counted, not listed: a calendar entry is read at a glance
        lines.append(editorial_line(editorial, lang))
    sources = [s.title.get(lang) or s.id for s in event_sources(event)]
    if sources:
        joined = ("；" if lang == "zh" else "; ").join(sources)
        lines.append(f"{word('sources', lang)}{colon_of(lang)}{joined}")
    return "\n".join(lines)


def text_value(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped."""
    text = display(text.replace("\r\n", "\n").replace("\r", "\n"), keep_newlines=True)
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


_COMMAND_AHEAD = re.compile(r"\s*::")


def fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character, and
    never where the continuation would start with `::` (a workflow command in a CI log)."""
    parts: list[str] = []
    start, size, index = 0, 0, 0
    while index < len(line):
        octets = len(line[index].encode("utf-8", "surrogatepass"))
        if size + octets > LINE_OCTETS:
            cut = index
            while cut - 1 > start and _COMMAND_AHEAD.match(line, cut):
                cut -= 1
            parts.append(line[start:cut])
            # The continuation's leading space counts towards the 75.
            start, size, index = cut, 1, cut
            continue
        size += octets
        index += 1
    parts.append(line[start:])
    return "\r\n ".join(parts) + "\r\n"
