"""The report's first screen: what changed most and which way, the latest instrument, what is
draft. Plain strings and anchors for the template; words from the message catalogue."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..i18n import message
from ..model import Direction, Event, Severity
from ..reportmodel import Report
from .common import summary, word
from .reportkit import EventView


@dataclass(frozen=True)
class GlanceLink:
    """An instrument named in the summary, with its section's anchor and a short note."""

    text: str
    anchor: str
    note: str


@dataclass(frozen=True)
class Glance:
    """The one-screen summary."""

    lead: str
    areas: tuple[tuple[str, str], ...]
    """The areas with the most substantive changes in law: (area, how many and which way)."""
    busiest: GlanceLink | None
    latest: GlanceLink | None
    drafts: tuple[GlanceLink, ...]


def substantive(event: Event) -> bool:
    """An instrument whose section opens by itself: a change beyond wording, or a start."""
    return event.baseline or any(c.severity is not Severity.EDITORIAL for c in event.changes)


def brief(event: Event, view: EventView, lang: str) -> str:
    """The one line under an instrument's heading: date, track, what it changed."""
    if event.baseline and not event.changes:
        what = message("report.glance.starting", lang)
    else:
        what = summary(event.changes, lang)
        if event.changes and not substantive(event):
            what = message("report.glance.editorial_only", lang, summary=what)
    return message("report.glance.brief", lang, date=view.date, track=view.track, what=what)


def glance(report: Report, views: Sequence[EventView], lang: str) -> Glance:
    """What the first screen says, from the law only (drafts are listed apart)."""
    events = report.timeline.events
    law = [(e, v) for e, v in zip(events, views) if e.is_law]
    changes = [c for e, _ in law for c in e.changes if c.severity is not Severity.EDITORIAL]
    total = sum(len(e.changes) for e, _ in law)
    dates = [e.date for e, _ in law]
    lead = message("report.glance.lead", lang, instruments=len(law), changes=total,
                   substantive=len(changes), first=str(min(dates, default="…")),
                   last=str(max(dates, default="…")))
    by_area: dict[str, Counter[Direction]] = {}
    for change in changes:
        by_area.setdefault(change.area.get(lang), Counter())[change.direction] += 1
    top = sorted(by_area.items(), key=lambda item: (-sum(item[1].values()), item[0]))[:3]
    areas = tuple((area, _ways(counts, lang)) for area, counts in top)
    busiest = max(law, key=lambda pair: sum(1 for c in pair[0].changes
                                            if c.severity is not Severity.EDITORIAL),
                  default=None)
    busy_link = None
    if busiest and any(c.severity is not Severity.EDITORIAL for c in busiest[0].changes):
        event, view = busiest
        busy_link = GlanceLink(view.title, view.anchor, summary(event.changes, lang))
    latest = max(law, key=lambda pair: pair[0].date, default=None)
    latest_link = GlanceLink(latest[1].title, latest[1].anchor,
                             message("report.glance.dated", lang, date=latest[1].date,
                                     track=latest[1].track)) if latest else None
    drafts = tuple(GlanceLink(v.title, v.anchor,
                              message("report.glance.draft_note", lang, status=v.status,
                                      date=v.date, count=len(e.changes)))
                   for e, v in zip(events, views) if not e.is_law)
    return Glance(lead, areas, busy_link, latest_link, drafts)


def _ways(counts: Counter[Direction], lang: str) -> str:
    """"9 looser, 1 stricter, 2 neutral" (放宽9处、收紧1处、中性2处)."""
    return ("、" if lang == "zh" else ", ").join(
        message("report.glance.way", lang, count=counts[d], direction=word(d.value, lang))
        for d in Direction if counts[d])
