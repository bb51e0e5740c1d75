"""Listings: policies and snapshots, resolved rules, the rule catalogue."""

from __future__ import annotations

from typing import Any
from collections.abc import Iterable

from ..classify import RULES
from ..i18n import message
from ..model import Policy, RenderOptions
from ..rules import Resolved
from .escape import display
from .json import dumps


def render_policies(policies: Iterable[Policy], fmt: str) -> str:
    """Policies, tracks and snapshots with dates and status (table or JSON)."""
    items = list(policies)
    if fmt == "json":
        return dumps([{"id": p.id, "title": p.title.to_dict(), "tracks": [
            {"id": t.id, "extends": t.extends or None, "snapshots": [
                {"id": s.meta.id, "effective": s.effective.isoformat(),
                 "status": s.meta.status.value, "title": s.meta.title.to_dict(),
                 "file": s.document.name} for s in p.snapshots_of(t.id)]}
            for t in p.tracks]} for p in items])
    lines = []
    for policy in items:
        title = f"{policy.title.en} / {policy.title.zh}"
        lines.append(f"{display(policy.id)}: {display(title)}")
        for track in policy.tracks:
            extends = f" (overlay on {track.extends})" if track.extends else ""
            lines.append(f"  {display(track.id)}{extends}")
            for snap in policy.snapshots_of(track.id):
                lines.append(f"    {snap.effective}  {snap.meta.status.value:<10}  "
                             f"{display(snap.meta.id)}  {display(snap.meta.title.en)}")
    return "\n".join(lines) + "\n"


def banner(resolved: Resolved, lang: str = "en") -> list[str]:
    """Which rules these are and where they come from."""
    policy = resolved.policy
    head = message("show.banner", lang, policy=policy.id, track=resolved.track,
                   date=str(resolved.as_of))
    lines = [display(head)]
    for snap in resolved.snapshots:
        number = f", {snap.meta.document_number}" if snap.meta.document_number else ""
        lines.append(display(f"  {snap.meta.id}: {snap.meta.title.get(lang)}{number} "
                             f"[{snap.meta.status.value}, effective {snap.effective}]"))
    return lines


def resolved_data(resolved: Resolved) -> dict[str, Any]:
    """The JSON form of resolved rules."""
    return {"policy": resolved.policy.id, "track": resolved.track,
            "as_of": resolved.as_of.isoformat(),
            "snapshots": [{"id": s.meta.id, "track": s.track, "title": s.meta.title.to_dict(),
                           "document_number": s.meta.document_number,
                           "status": s.meta.status.value, "effective": s.effective.isoformat(),
                           "file": s.document.name} for s in resolved.snapshots],
            "rules": resolved.tree.values}


def render_resolved_json(resolved: Resolved, options: RenderOptions) -> str:
    """Resolved rules as JSON."""
    return dumps(resolved_data(resolved))


def render_rules(fmt: str) -> str:
    """The rule catalogue."""
    if fmt == "json":
        return dumps([{"id": r.id, "severity": r.severity.value, "summary": r.summary,
                       "sentence": {"en": r.en, "zh": r.zh}} for r in RULES.values()])
    width = max(len(r) for r in RULES)
    return "".join(f"{r.id:<{width}}  {r.severity.value:<9}  {r.summary}\n" for r in RULES.values())
