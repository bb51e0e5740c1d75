"""Atom (RFC 4287): one feed per policy (or per track), one entry per instrument.

Entry ids are `tag:` URIs (RFC 4151) built from the policy, track and snapshot ids, so a
reader sees an updated entry, never a duplicate; `updated` comes from the data's dates (never
the clock). Drafts and announcements are titled and categorised as proposed.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from urllib.parse import quote

from ..i18n import message
from ..model import Event, RenderOptions, Severity, Timeline
from .common import event_context, first_http_url, with_track
from .escape import display

ATOM = "http://www.w3.org/2005/Atom"
TAG_AUTHORITY = "tag:policy-tracker,2026:"
"""The tagging entity of every id: fixed, so that ids never change."""


def tag_uri(*parts: str) -> str:
    """`tag:policy-tracker,2026:policy/track/snapshot`, each part percent-encoded."""
    return TAG_AUTHORITY + "/".join(quote(p, safe="-._~") for p in parts)


def render_timeline(timeline: Timeline, options: RenderOptions) -> str:
    """The feed of a timeline's events, newest first."""
    lang = options.lang
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    one_track = len(timeline.tracks) == 1
    title = options.title or timeline.title.get(lang)
    if one_track:
        title = with_track(title, timeline.track_title(timeline.tracks[0], lang), lang)
    ids = (timeline.policy, timeline.tracks[0]) if one_track else (timeline.policy,)
    _text(feed, "id", tag_uri(*ids))
    _text(feed, "title", title)
    _text(feed, "updated", _stamp(max((_updated(e) for e in timeline.events),
                                      default=timeline.until or dt.date(1970, 1, 1))))
    _text(feed, "subtitle", message("common.not_legal_advice", lang))
    generator = _text(feed, "generator", "policy-tracker")
    generator.set("uri", "https://pypi.org/project/policy-tracker/")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", timeline.policy)
    for event in sorted(timeline.events, key=lambda e: (_updated(e), e.id), reverse=True):
        feed.append(entry(event, timeline, lang))
    ET.indent(feed)
    body = ET.tostring(feed, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"


def entry(event: Event, timeline: Timeline, lang: str) -> ET.Element:
    """One instrument: its title, dates, issuers, sources and substantive change sentences."""
    node = ET.Element(f"{{{ATOM}}}entry")
    _text(node, "id", tag_uri(timeline.policy, *event.id.split("/", 1)))
    title = with_track(event.title.get(lang) or event.title.en,
                       timeline.track_title(event.track, lang), lang)
    if not event.is_law:
        title = message("atom.proposed", lang, title=title)
    _text(node, "title", title)
    _text(node, "updated", _stamp(_updated(event)))
    meta = event.snapshot
    if meta is not None:
        shown = meta.dates.published or meta.dates.promulgated
        if shown:
            _text(node, "published", _stamp(shown))
        for issuer in meta.issuers:
            _text(ET.SubElement(node, f"{{{ATOM}}}author"), "name", issuer.get(lang) or issuer.en)
    url = first_http_url(event)
    if url:
        ET.SubElement(node, f"{{{ATOM}}}link", {"rel": "alternate", "href": url})
    ET.SubElement(node, f"{{{ATOM}}}category", {"term": event.track})
    if not event.is_law:
        ET.SubElement(node, f"{{{ATOM}}}category", {"term": "proposed"})
    _text(node, "summary", _summary(event, lang))
    content = _text(node, "content", _content(event, lang))
    content.set("type", "html")
    return node


def _summary(event: Event, lang: str) -> str:
    if not event.is_law:
        return message("atom.published", lang, date=event.date.isoformat())
    return message("atom.effective", lang, date=event.date.isoformat())


def _content(event: Event, lang: str) -> str:
    from html import escape

    lines = [f"<p>{escape(_summary(event, lang))}</p>"]
    lines += [f"<p>{escape(line)}</p>" for line in event_context(event, lang)]
    substantive = [c for c in event.changes if c.severity is not Severity.EDITORIAL]
    if substantive:
        items = "".join(f"<li>{escape(c.sentence.get(lang) or c.sentence.en)}</li>"
                        for c in substantive)
        lines.append(f"<ul>{items}</ul>")
    elif not event.baseline:
        lines.append(f"<p>{escape(message('atom.no_changes', lang))}</p>")
    return display("".join(lines))


def _updated(event: Event) -> dt.date:
    """The data's own date for an entry: the effective date (a draft's is its publication)."""
    return event.date


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _text(parent: ET.Element, name: str, text: str) -> ET.Element:
    child = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    child.text = display(text)
    return child
