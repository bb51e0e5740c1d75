"""Words and groupings shared by the renderers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..i18n import message
from ..model import Change, ChangeKind, Direction, Event, Severity, Source, Text

WORDS = {
    "looser": Text("looser", "放宽"), "stricter": Text("stricter", "收紧"),
    "neutral": Text("neutral", "中性"), "unknown": Text("direction unknown", "方向未知"),
    "major": Text("major", "重大"), "minor": Text("minor", "一般"),
    "editorial": Text("editorial", "编辑性"),
    "added": Text("added", "新增"), "removed": Text("removed", "删除"),
    "modified": Text("modified", "修改"), "renamed": Text("renamed", "更名"),
    "moved": Text("moved", "移动"), "reordered": Text("reordered", "调整顺序"),
    "no_changes": Text("No changes.", "没有变化。"), "changes": Text("changes", "处变化"),
    "change": Text("change", "处变化"), "accepted": Text("accepted", "已接受"),
    "citation": Text("Citation", "依据"), "unconfirmed": Text("unconfirmed", "未经证实"),
    "old": Text("old", "原"), "new": Text("new", "新"),
    # Timelines and field histories.
    "timeline": Text("Timeline", "时间线"), "history": Text("History", "沿革"),
    "no_events": Text("No events.", "没有事件。"),
    "event": Text("event", "个事件"), "events": Text("events", "个事件"),
    "draft_marker": Text("DRAFT — not law", "草案——非现行法律"),
    "announced_marker": Text("ANNOUNCED — not law", "已宣布——非现行法律"),
    "in_force": Text("in force", "现行有效"), "superseded": Text("superseded", "已被取代"),
    "draft": Text("draft", "草案"), "announced": Text("announced", "已宣布"),
    "pilot": Text("pilot", "试点"), "expired": Text("expired", "已失效"),
    "baseline": Text("First snapshot of the track: nothing to compare with.",
                     "该适用范围的第一个版本，没有可比较的前一版本。"),
    "compared_with": Text("Compared with", "对比"),
    "against_base": Text("Compared with the base rules in force", "对比当时有效的基础规则"),
    "commit": Text("commit", "提交"), "error": Text("error", "错误"),
    "policy": Text("Policy", "政策"), "track": Text("Track", "适用范围"),
    "tracks": Text("Tracks", "适用范围"), "status": Text("Status", "状态"),
    "document_number": Text("Document number", "文号"), "sources": Text("Sources", "来源"),
    "period": Text("Period", "期间"), "since": Text("from", "自"), "until": Text("to", "至"),
    "date": Text("Date", "日期"), "value": Text("Value", "值"),
    "snapshot": Text("Snapshot", "版本"), "absent": Text("absent", "无此项"),
    "field": Text("Field", "字段"),
}

SYMBOLS = {ChangeKind.ADDED: "+", ChangeKind.REMOVED: "-", ChangeKind.MODIFIED: "~",
           ChangeKind.RENAMED: ">", ChangeKind.MOVED: ">", ChangeKind.REORDERED: "^"}


def word(key: str, lang: str) -> str:
    """A fixed word in the report language."""
    return WORDS[key].get(lang)


def summary(changes: Iterable[Change], lang: str, accepted: int = 0) -> str:
    """"5 changes: 2 looser, 2 stricter, 1 neutral; 4 major, 1 editorial"."""
    items = list(changes)
    if not items:
        text = word("no_changes", lang)
        return text + (f" ({accepted} {word('accepted', lang)})" if accepted else "")
    parts = []
    for group in ([d.value for d in Direction], [s.value for s in Severity]):
        counts = [(name, sum(1 for c in items if name in (c.direction.value, c.severity.value)))
                  for name in group]
        if lang == "zh":
            parts.append("，".join(f"{word(n, lang)}{k}处" for n, k in counts if k))
        else:
            parts.append(", ".join(f"{k} {word(n, lang)}" for n, k in counts if k))
    total = len(items)
    if lang == "zh":
        head = f"共{total}处变化：" + "；".join(parts)
        return head + (f"（另有{accepted}处已接受）" if accepted else "")
    noun = "change" if total == 1 else "changes"
    head = f"{total} {noun}: " + "; ".join(parts)
    return head + (f" ({accepted} accepted)" if accepted else "")


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
        lines.append(f"{word('against_base', lang)}{colon}{', '.join(event.base)}")
    elif event.previous:
        lines.append(f"{word('compared_with', lang)}{colon}{event.previous}")
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
