"""Listings: policies and snapshots, resolved rules, the rule catalogue."""

from __future__ import annotations

from typing import Any
from collections.abc import Iterable

from ..classify import RULES
from ..i18n import message
from ..legal import dates_words, status_words, version_state
from ..model import Policy, RenderOptions, Snapshot
from ..rules import Resolved
from .escape import display
from .json import dumps


def render_policies(policies: Iterable[Policy], fmt: str) -> str:
    """Policies, tracks and snapshots with dates and status (table or JSON)."""
    items = list(policies)
    if fmt == "json":
        return dumps([{"id": p.id, "title": p.title.to_dict(), "tracks": [
            {"id": t.id, "extends": t.extends or None, "snapshots": [
                _snapshot_data(p, s) for s in p.snapshots_of(t.id)]}
            for t in p.tracks]} for p in items])
    lines = []
    for policy in items:
        title = f"{policy.title.en} / {policy.title.zh}"
        lines.append(f"{display(policy.id)}: {display(title)}")
        for track in policy.tracks:
            extends = f" (overlay on {track.extends})" if track.extends else ""
            lines.append(f"  {display(track.id)}{extends}")
            for snap in policy.snapshots_of(track.id):
                state = version_state(policy, snap).words(snap.effective, "en")
                lines.append(display(f"    {snap.effective}  {snap.meta.id}  "
                                     f"{snap.meta.title.en}  "
                                     f"[{status_words(snap.meta, 'en')}; {state}]"))
    return "\n".join(lines) + "\n"


def _snapshot_data(policy: Policy, snap: Snapshot) -> dict[str, Any]:
    state = version_state(policy, snap)
    return {"id": snap.meta.id, "date": snap.effective.isoformat(),
            "effective": snap.effective.isoformat() if snap.meta.dates.takes_effect else None,
            "dates": snap.meta.dates.to_dict(), "status": snap.meta.status.value,
            "status_unconfirmed": snap.meta.status_unconfirmed,
            "repeal": snap.meta.repeal.to_dict() if snap.meta.repeal else None,
            "version": {"current": state.current, "proposed": state.proposed,
                        "followed_by": state.followed_by.meta.id if state.followed_by else None},
            "title": snap.meta.title.to_dict(), "file": snap.document.name}


def banner(resolved: Resolved, lang: str = "en") -> list[str]:
    """Which rules these are and where they come from."""
    policy = resolved.policy
    drafts = any(not s.meta.status.is_law for s in resolved.snapshots)
    head = message("legal.show.head_drafts" if drafts else "legal.show.head", lang,
                   policy=policy.id, track=resolved.track, date=resolved.as_of.isoformat())
    lines = [display(head)]
    for snap in resolved.snapshots:
        sep = "，" if lang == "zh" else ", "
        number = f"{sep}{snap.meta.document_number}" if snap.meta.document_number else ""
        lines.append(display("  " + message(
            "legal.show.snapshot", lang, id=snap.meta.id, title=snap.meta.title.get(lang),
            number=number, status=status_words(snap.meta, lang),
            dates=dates_words(snap.meta, lang))))
    return lines


def resolved_data(resolved: Resolved) -> dict[str, Any]:
    """The JSON form of resolved rules."""
    return {"policy": resolved.policy.id, "track": resolved.track,
            "as_of": resolved.as_of.isoformat(),
            "snapshots": [{"id": s.meta.id, "track": s.track, "title": s.meta.title.to_dict(),
                           "document_number": s.meta.document_number,
                           "status": s.meta.status.value,
                           "effective": s.effective.isoformat()
                           if s.meta.dates.takes_effect else None,
                           "dates": s.meta.dates.to_dict(),
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
