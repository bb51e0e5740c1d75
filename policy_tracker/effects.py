"""The effects register (after legislation.gov.uk's "Changes to legislation"): one row per
effect of an instrument on the rules, drawn from three places.

- the snapshots: every change a law (never a draft) made to the rules of its track;
- the instruments' own status: a repeal or an expiry;
- `effects:` in policy.yaml: effects no snapshot shows, such as a repeal of an outside law
  or a change reported by the sources but not applied to the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from .i18n import LANGUAGES, message
from .legal import Effect, EffectsRegister
from .model import Change, ChangeKind, Event, Policy, Status, Text, Timeline

__all__ = ["register_of"]

# Changes to how the data cites a value, or to its spelling, are not effects of the law.
_NOT_EFFECTS = frozenset({"citation-changed", "editorial-edit", "items-reordered"})
_SUBSTITUTIONS = frozenset({"threshold-raised", "threshold-lowered", "value-changed",
                            "type-changed"})


def register_of(policy: Policy, timeline: Timeline,
                tracks: Iterable[str] | None = None) -> EffectsRegister:
    """The effects register of `policy` from its timeline (of the named tracks, or of all)."""
    chosen = tuple(tracks) if tracks else tuple(t.id for t in policy.tracks)
    titles = {t.id: t.title for t in policy.tracks}
    rows = [effect for event in timeline.events if event.is_law
            for effect in _from_event(event, titles[event.track])]
    rows += _from_status(policy, chosen)
    rows += [_declared(policy, index) for index, e in enumerate(policy.effects)
             if not e.track or e.track in chosen]
    rows.sort(key=lambda e: (e.date or dt.date.max, list(titles).index(e.track)
                             if e.track in titles else len(titles), e.path))
    return EffectsRegister(policy.id, policy.title, tuple(rows),
                           tuple((t, titles[t]) for t in chosen))


def _rules_of(title: Text) -> Text:
    return Text(*(message("effects.rules_of", lang, track=title.get(lang))
                  for lang in LANGUAGES))


def _effect_type(change: Change, regional: bool) -> str:
    if regional:
        return "applied_to_region"
    if change.kind is ChangeKind.ADDED:
        return "inserted"
    if change.kind is ChangeKind.REMOVED:
        return "repealed"
    return "substituted" if change.rule in _SUBSTITUTIONS else "amended"


def _from_event(event: Event, track_title: Text) -> Iterator[Effect]:
    meta = event.snapshot
    own = {s.id for s in meta.sources} if meta else set()
    for change in event.changes:
        if change.rule in _NOT_EFFECTS:
            continue
        cite = change.citation
        yield Effect(
            type=_effect_type(change, bool(event.base)), track=event.track,
            affected=_rules_of(track_title), provision=change.label, by=event.title,
            date=event.date, applied=True, origin="snapshot", path=change.path_text,
            by_provision=cite.article if cite and cite.source in own else "",
            by_snapshot=meta.id if meta else "",
            unconfirmed=change.unconfirmed or bool(cite and cite.unconfirmed), citation=cite,
            note=change.sentence)


def _from_status(policy: Policy, tracks: tuple[str, ...]) -> list[Effect]:
    whole = Text(*(message("effects.whole", lang) for lang in LANGUAGES))
    out = []
    for snap in policy.snapshots:
        meta = snap.meta
        if snap.track not in tracks or not meta.status.ended:
            continue
        repeal = meta.repeal
        expired = meta.status is Status.EXPIRED
        out.append(Effect(
            type="expired" if expired else "repealed", track=snap.track, affected=meta.title,
            provision=whole, by=repeal.by if repeal else Text(),
            date=repeal.date if repeal else meta.dates.expires, applied=True, origin="status",
            by_provision=repeal.provision if repeal else "", by_snapshot="",
            unconfirmed=meta.status_unconfirmed))
    return out


def _declared(policy: Policy, index: int) -> Effect:
    e = policy.effects[index]
    named = next((s.meta.title for s in policy.snapshots if s.meta.id == e.by_snapshot), e.by)
    return Effect(type=e.type, track=e.track, affected=e.affected, provision=e.provision,
                  by=named, date=e.date, applied=e.applied, origin="declared", path=e.path,
                  by_provision=e.by_provision, by_snapshot=e.by_snapshot,
                  unconfirmed=e.unconfirmed, citation=e.citation, note=e.note)
