"""TimelineJS 3 JSON: one slide per event, eras for the periods each law was in force.

TimelineJS inserts headlines and texts as HTML, so every piece of data is made visible (the
one escaping policy: bidirectional and zero-width characters shown as escapes, which
TimelineJS would otherwise render) and HTML-escaped here, and links are written only for
http(s) sources.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from html import escape as _html_escape
from typing import Any

from ..model import Event, RenderOptions, Timeline
from .common import (
    colon_of,
    editorial_line,
    event_context,
    event_sources,
    is_http_url,
    set_aside,
    status_marker,
    summary,
    with_track,
    word,
)
from .escape import display
from .json import dumps


def escape(text: str) -> str:
    """Data as inert, visible HTML text."""
    return _html_escape(display(text))


def render_timeline(timeline: Timeline, options: RenderOptions) -> str:
    """A TimelineJS 3 data file: title slide, event slides grouped by track, law eras."""
    lang = options.lang
    title = options.title or timeline.title.get(lang)
    tracks = ", ".join(timeline.tracks)
    data: dict[str, Any] = {
        "title": {"text": {"headline": escape(title),
                           "text": f"<p>{escape(timeline.policy)} · {escape(tracks)}</p>"}},
        "events": [slide(e, lang, uid) for e, uid in zip(timeline.events, unique_ids(timeline))],
        "eras": eras(timeline, lang),
    }
    return dumps(data)


def slide(event: Event, lang: str, uid: str) -> dict[str, Any]:
    """One event as a slide; drafts and announcements say so in the headline."""
    marker = status_marker(event, lang)
    headline = escape(event.title.get(lang))
    return {"start_date": date_object(event.date),
            "text": {"headline": f"[{escape(marker)}] {headline}" if marker else headline,
                     "text": slide_text(event, lang)},
            "group": escape(event.track), "unique_id": uid}


def slide_text(event: Event, lang: str) -> str:
    """Context, summary, the change sentences as a list, then the sources as links."""
    meta = event.snapshot
    parts = [f"<p>{escape(line)}</p>" for line in
             ([meta.document_number] if meta and meta.document_number else [])
             + event_context(event, lang)]
    if event.changes or not (event.baseline or event.error):
        parts.append(f"<p>{escape(summary(event.changes, lang))}</p>")
    substantive, editorial = set_aside(event.changes)
    if editorial:  # counted, not listed: the slide is for what changed in substance
        parts.append(f"<p>{escape(editorial_line(editorial, lang))}</p>")
    if substantive:
        items = "".join(f"<li>{escape(c.sentence.get(lang))}</li>" for c in substantive)
        parts.append(f"<ul>{items}</ul>")
    links = [f'<a href="{escape(s.url)}">{escape(s.title.get(lang) or s.id)}</a>'
             if is_http_url(s.url) else escape(s.title.get(lang) or s.id)
             for s in event_sources(event)]
    if links:
        joined = ("；" if lang == "zh" else "; ").join(links)
        parts.append(f"<p>{escape(word('sources', lang))}{colon_of(lang)}{joined}</p>")
    return "".join(parts)


def date_object(day: dt.date) -> dict[str, str]:
    """A TimelineJS date: year, month and day as strings, as its own examples write them."""
    return {"year": str(day.year), "month": str(day.month), "day": str(day.day)}


def unique_ids(timeline: Timeline) -> list[str]:
    """Stable slide ids: a hash of the event id and its change fingerprints.

    They change only when what the event says changes, so bookmarks (`#event-…`) survive
    re-exports; a repeated id (which TimelineJS cannot tell apart) gets a counter.
    """
    seen: dict[str, int] = {}
    out = []
    for event in timeline.events:
        material = "\n".join((event.id,) + tuple(c.fingerprint for c in event.changes))
        uid = "pt-" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]
        seen[uid] = seen.get(uid, 0) + 1
        out.append(uid if seen[uid] == 1 else f"{uid}-{seen[uid]}")
    return out


def eras(timeline: Timeline, lang: str) -> list[dict[str, Any]]:
    """Each law's period: from its date to the next law on the same track (or its expiry).

    TimelineJS draws only eras with an end, so a law still in force at the end of the
    timeline runs to its `until`, or else to a year after the last event (never to today:
    output depends only on the data).
    """
    laws = [(e, e.snapshot) for e in timeline.events
            if e.snapshot is not None and e.is_law and not e.error]
    open_end = timeline.until or _year_after(max((e.date for e in timeline.events),
                                                 default=dt.date.min))
    out = []
    for index, (event, meta) in enumerate(laws):
        ends = [e.date for e, _ in laws[index + 1:] if e.track == event.track][:1]
        ends += [meta.dates.expires] if meta.dates.expires else []
        end = max(min(ends, default=open_end), _day_after(event.date))
        headline = with_track(event.title.get(lang), event.track, lang)
        out.append({"start_date": date_object(event.date), "end_date": date_object(end),
                    "text": {"headline": escape(headline)}})
    return out


def _year_after(day: dt.date) -> dt.date:
    if day.year == dt.MAXYEAR:
        return dt.date.max
    # 29 February has no twin a year later; 28 February stands in for it.
    return day.replace(year=day.year + 1, day=min(day.day, 28 if day.month == 2 else 31))


def _day_after(day: dt.date) -> dt.date:
    return day if day == dt.date.max else day + dt.timedelta(days=1)
