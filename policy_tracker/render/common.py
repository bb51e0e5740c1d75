"""Words and groupings shared by the renderers."""

from __future__ import annotations

from typing import Iterable

from ..model import Change, ChangeKind, Direction, Severity, Text

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
