"""What the HTML and Markdown reports say, in either language, as plain (unescaped) strings.

Both renderers read these views and escape them their own way (Jinja2's autoescape, `md()`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..i18n import message, plural
from ..legal import date_name, status_words
from ..model import Change, ChangeKind, Citation, Event, SnapshotMeta, Source, Text, article_in
from ..reportmodel import Report
from ..text import format_value
from .common import by_area, editorial_line, set_aside
from .report_words import say

_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f<>\"'`\\]+\Z", re.IGNORECASE)


def paren(text: str, lang: str) -> str:
    """` (text)`, or `（text）` in Chinese."""
    return f"{say('lp', lang)}{text}{say('rp', lang)}"


def http_url(url: str) -> str:
    """`url` when it is an http(s) address safe to link to; "" for anything else."""
    return url if _SAFE_URL.match(url) else ""


@dataclass(frozen=True)
class Link:
    """Text and, when it is an http(s) address, where it leads."""

    text: str
    url: str = ""


@dataclass(frozen=True)
class ChangeView:
    """One change as the report shows it."""

    direction: str
    badge: str
    severity: str
    sentence: str
    old: str
    new: str
    redline: tuple[tuple[str, str], ...]
    citation: Link | None
    unconfirmed: bool
    path: str = ""


@dataclass(frozen=True)
class EventView:
    """One instrument's section."""

    anchor: str
    number: int
    date: str
    title: str
    other_title: str
    track: str
    status: str
    is_law: bool
    facts: tuple[tuple[str, str], ...]
    sources: tuple[Link, ...]
    notes: tuple[str, ...]
    context: str
    groups: tuple[tuple[str, tuple[ChangeView, ...]], ...]
    baseline: bool
    editorial: tuple[tuple[str, tuple[ChangeView, ...]], ...] = ()
    editorial_line: str = ""


def other_lang(lang: str) -> str:
    """The report's second language."""
    return "en" if lang == "zh" else "zh"


def anchors(events: Iterable[Event]) -> dict[str, str]:
    """A unique, safe fragment id for each event id (`ev-national-2015-amendment`)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for event in events:
        base = "ev-" + re.sub(r"[^a-z0-9_-]+", "-", event.id.lower()).strip("-")
        anchor, n = base, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        out[event.id] = anchor
    return out


def status_word(meta: SnapshotMeta | None, lang: str) -> str:
    """The status of an instrument in words."""
    return status_words(meta, lang) if meta else ""


def cite(citation: Citation | None, sources: Iterable[Source], lang: str) -> Link | None:
    """A citation as the source's title and article, linked when the source has an address."""
    if citation is None:
        return None
    source = next((s for s in sources if s.id == citation.source), None)
    name = (source.title.get(lang) or source.id) if source else \
        (citation.title.get(lang) or citation.source)
    text = f"{name}, {citation.article}" if citation.article else name
    if lang == "zh" and citation.article:
        text = f"{name}{article_in(citation.article, lang)}"
    return Link(text, http_url(source.url) if source else "")


def note_in(note: Text, lang: str) -> str:
    """A note in the reader's language; "" when it is written only in the other language."""
    return note.zh if lang == "zh" else note.get(lang)


def notes_in(notes: Iterable[Text], lang: str) -> tuple[str, ...]:
    """Notes in the reader's language, then one line counting those written only in English."""
    items = list(notes)
    shown = tuple(text for text in (note_in(n, lang) for n in items) if text)
    missing = len(items) - len(shown)
    return shown + ((plural("report.notes_elsewhere", missing, lang),) if missing else ())


def names_list(names: list[str], lang: str) -> str:
    """Names joined as a list: 、 in Chinese, where a closing "等25个部门" attaches directly."""
    if lang != "zh":
        return "; ".join(names)
    out = ""
    for name in names:
        out += name if not out or name.startswith("等") else f"、{name}"
    return out


def value_text(value: object, unit: str, lang: str) -> str:
    """A value with its unit; an empty value as a dash."""
    return format_value(value, unit, lang) or "—"


def change_view(change: Change, sources: Iterable[Source], lang: str) -> ChangeView:
    """A change with its words chosen and its values formatted."""
    old = "" if change.kind is ChangeKind.ADDED else value_text(change.old, change.unit, lang)
    new = "" if change.kind is ChangeKind.REMOVED else value_text(change.new, change.unit, lang)
    if change.rule in ("citation-changed", "authority-changed"):
        old = new = ""  # the sentence names both sides (sources by title, never by id)
    if not (old and new) and (old or new) in change.sentence.get(lang):
        old = new = ""  # an added or removed value the sentence already quotes in full
    return ChangeView(change.direction.value, say(change.direction.value, lang),
                      say(change.severity.value, lang), change.sentence.get(lang), old, new,
                      change.redline_for(lang), cite(change.citation, sources, lang),
                      change.unconfirmed or bool(change.citation and change.citation.unconfirmed),
                      change.path_text)


def change_groups(changes: Iterable[Change], sources: Iterable[Source],
                  lang: str) -> tuple[tuple[str, tuple[ChangeView, ...]], ...]:
    """Changes grouped by area, each as the report shows it."""
    pool = tuple(sources)
    return tuple((area, tuple(change_view(c, pool, lang) for c in items))
                 for area, items in by_area(changes, lang))


def event_view(event: Event, number: int, anchor: str, sources: Iterable[Source],
               report: Report | None, names: Mapping[str, str], lang: str) -> EventView:
    """An instrument's section: titles, facts, sources, notes, and its changes by area."""
    meta = event.snapshot
    pool = tuple(meta.sources if meta else ()) + tuple(sources)
    substantive, editorial = set_aside(event.changes)
    groups = change_groups(substantive, pool, lang)
    other = event.title.get(other_lang(lang))
    track = report.track_title(event.track).get(lang) if report else event.track
    return EventView(
        anchor, number, event.date.isoformat(), event.title.get(lang),
        other if other != event.title.get(lang) else "", track, status_word(meta, lang),
        event.is_law, facts(meta, track, lang) + _version(event, report, lang),
        tuple(Link(s.title.get(lang) or s.id, http_url(s.url)) for s in (meta.sources if meta
                                                                           else ())),
        notes_in(meta.notes if meta else (), lang),
        context(event, report, names, lang), groups, event.baseline,
        change_groups(editorial, pool, lang), editorial_line(editorial, lang))


def _version(event: Event, report: Report | None, lang: str) -> tuple[tuple[str, str], ...]:
    """"Version: version of D, followed by the version of D2" (words that cannot be read as
    a repeal), when the report knows where the snapshot stands."""
    if report is None or event.snapshot is None:
        return ()
    found = dict(report.versions).get(event.snapshot.id)
    if found is None:
        return ()
    key = "legal.version.followed_by" if found else "legal.version.current"
    return ((message("legal.heading.version", lang),
             message(key, lang, date=event.date.isoformat(), next=found)),)


def facts(meta: SnapshotMeta | None, track: str, lang: str) -> tuple[tuple[str, str], ...]:
    """Label and text of each fact known about an instrument, dates kept apart."""
    out = [(say("track", lang), track)]
    if meta is None:
        return tuple(out)
    out.append((say("status", lang), status_word(meta, lang)))
    if meta.document_number:
        out.append((say("document_number", lang), meta.document_number))
    if meta.issuers:
        out.append((say("issuers", lang), names_list([i.get(lang) for i in meta.issuers], lang)))
    for key, day in meta.dates.named():
        out.append((date_name(key, lang), day.isoformat()))
    return tuple(out)


def context(event: Event, report: Report | None, names: Mapping[str, str], lang: str) -> str:
    """What the event's changes were measured against, naming instruments by title."""
    sep = "、" if lang == "zh" else ", "
    if not event.is_law:
        return say("proposal", lang, ids=names.get(event.previous, event.previous) or "—")
    if event.base:
        base = report.track_title(report.base_of(event.track)).get(lang) if report else ""
        return say("overlay", lang, base=base or say("base", lang),
                   ids=sep.join(names.get(i, i) for i in event.base))
    if event.baseline:
        return say("baseline", lang)
    previous = names.get(event.previous, event.previous)
    return say("compared", lang, ids=previous) if previous else ""


def event_views(events: Iterable[Event], sources: Iterable[Source], report: Report | None,
                lang: str) -> list[EventView]:
    """Every event's section, numbered from 1, with unique anchors."""
    items = list(events)
    pool = tuple(sources)
    ids = anchors(items)
    names = {e.snapshot.id: e.title.get(lang) for e in items if e.snapshot is not None}
    return [event_view(e, i, ids[e.id], pool, report, names, lang)
            for i, e in enumerate(items, 1)]


def snapshot_anchors(events: Iterable[Event]) -> dict[str, str]:
    """The fragment id of each snapshot's section, by snapshot id."""
    items = list(events)
    ids = anchors(items)
    return {e.snapshot.id: ids[e.id] for e in items if e.snapshot is not None}
