"""Timelines, field histories and jurisdiction comparisons, built from a loaded policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .catalog import Catalog, concrete_path, lookup, parse_path
from .diff import compare
from .errors import NotFoundError
from .legal import proposed
from .model import (Annotation, Change, Diff, Event, FieldHistory, ItemKey, Path, Policy,
                    RuleTree, Snapshot, Step, Text, Timeline, Version, format_path)
from .rules import Resolved, in_force, rules_as_of

EMPTY = RuleTree({}, {})


def _version(name: str, resolved: Resolved | None) -> Version:
    if resolved is None:
        return Version(name, EMPTY)
    return Version(name, resolved.tree,
                   tuple((s.document, ("rules",)) for s in resolved.snapshots))


def _snapshot_version(snap: Snapshot) -> Version:
    return Version(snap.document.name, snap.tree, ((snap.document, ("rules",)),))


def select_tracks(policy: Policy, tracks: Iterable[str] | None) -> tuple[str, ...]:
    """The named tracks (all of them for None or "all"), each checked."""
    names = list(tracks or ["all"])
    if "all" in names:
        return tuple(t.id for t in policy.tracks)
    for name in names:
        if policy.track(name) is None:
            known = ", ".join(t.id for t in policy.tracks)
            raise NotFoundError(f"unknown track {name!r}; tracks: {known}", policy.id)
    return tuple(names)


def build_timeline(policy: Policy, tracks: Iterable[str] | None = None,
                   since: dt.date | None = None, until: dt.date | None = None,
                   include_drafts: bool = False) -> Timeline:
    """One event per snapshot transition, in effective-date order, tracks interleaved."""
    chosen = select_tracks(policy, tracks)
    catalog = Catalog.of(policy)
    events: list[Event] = []
    for track_id in chosen:
        track = policy.track(track_id)
        assert track is not None
        maker = _regional_events if track.extends else _base_events
        events.extend(maker(policy, track_id, catalog, include_drafts))
    order = {name: i for i, name in enumerate(t.id for t in policy.tracks)}
    events.sort(key=lambda e: (e.date, order.get(e.track, 0), e.id))
    kept = tuple(e for e in events if (since is None or e.date >= since)
                 and (until is None or e.date <= until))
    titles = tuple((t.id, t.title) for t in policy.tracks if t.id in chosen)
    return Timeline(policy.id, policy.title, chosen, kept, since, until, titles)


def _event(snap: Snapshot, diff: Diff | None, previous: Snapshot | None,
           base: tuple[Snapshot, ...] = ()) -> Event:
    names = tuple((s.meta.id, s.meta.title) for s in ((previous,) if previous else ()) + base)
    return Event(id=f"{snap.track}/{snap.meta.id}", track=snap.track, date=snap.effective,
                 title=snap.meta.title, changes=_changes(snap, diff),
                 snapshot=snap.meta, previous=previous.meta.id if previous else "",
                 base=tuple(s.meta.id for s in base), file=snap.document.name, names=names)


def _changes(snap: Snapshot, diff: Diff | None) -> tuple[Change, ...]:
    """A draft's changes are proposals, marked so in every format."""
    changes = diff.changes if diff else ()
    return changes if snap.meta.status.is_law else proposed(changes)


def _base_events(policy: Policy, track: str, catalog: Catalog,
                 include_drafts: bool) -> list[Event]:
    out: list[Event] = []
    previous: Snapshot | None = None
    for snap in policy.snapshots_of(track):
        if not snap.meta.status.is_law:
            if include_drafts:
                law = in_force(policy.snapshots_of(track), snap.effective)
                old = _snapshot_version(law) if law else Version("", EMPTY)
                diff = compare(old, _snapshot_version(snap), catalog)
                out.append(_event(snap, diff, law))
            continue
        if previous is None:
            out.append(_event(snap, None, None))
        else:
            diff = compare(_snapshot_version(previous), _snapshot_version(snap), catalog)
            out.append(_event(snap, diff, previous))
        previous = snap
    return out


def _regional_events(policy: Policy, track: str, catalog: Catalog,
                     include_drafts: bool) -> list[Event]:
    """What each overlay changed relative to the base rules in force that day."""
    spec = policy.track(track)
    assert spec is not None
    out: list[Event] = []
    for snap in policy.snapshots_of(track):
        if not snap.meta.status.is_law and not include_drafts:
            continue
        day = snap.effective
        base = rules_as_of(policy, day, spec.extends)
        regional = rules_as_of(policy, day, track, include_drafts=not snap.meta.status.is_law)
        diff = compare(_version(f"{policy.id}/{spec.extends}@{day}", base),
                       _version(f"{policy.id}/{track}@{day}", regional), catalog)
        out.append(_event(snap, diff, None, base.snapshots))
    return out


def field_history(policy: Policy, path: str | Path, track: str = "national",
                  every_step: bool = False) -> FieldHistory:
    """The value of one field at every snapshot of a track (only changes, unless asked)."""
    target = parse_path(path) if isinstance(path, str) else path
    select_tracks(policy, [track])
    for snap in reversed(_law_dates(policy, track)):
        named = concrete_path(rules_as_of(policy, snap.effective, track).tree.values, target)
        if not any(isinstance(s, ItemKey) and s.key in ("*", "") for s in named):
            target = named
            break
    catalog = Catalog.of(policy)
    steps: list[Step] = []
    seen_anywhere = False
    for snap in _law_dates(policy, track):
        resolved = rules_as_of(policy, snap.effective, track)
        found, value = lookup(resolved.tree.values, target)
        seen_anywhere = seen_anywhere or found
        note = _annotation(resolved.tree, target)
        step = Step(snap.effective, snap.meta.id, snap.meta.title, value if found else None,
                    found, catalog.titled(note.citation), snap.meta.status.value)
        if every_step or not steps or (steps[-1].present, steps[-1].value) != (found, step.value):
            steps.append(step)
    if not seen_anywhere:
        raise NotFoundError(f"no snapshot of track {track!r} has the path {_text(target)!r}",
                            policy.id)
    spec = catalog.spec(_concrete(target))
    label = spec.label if spec else Text(_text(target), _text(target))
    return FieldHistory(policy.id, track, target, label, spec.unit if spec else "",
                        tuple(steps))


def _law_dates(policy: Policy, track: str) -> list[Snapshot]:
    """Law snapshots of the track and of the tracks it extends, by date."""
    spec = policy.track(track)
    chain = []
    while spec is not None and spec.id not in chain:
        chain.append(spec.id)
        spec = policy.track(spec.extends) if spec.extends else None
    snaps = [s for s in policy.snapshots if s.track in chain and s.meta.status.is_law]
    first_own = min((s.effective for s in snaps if s.track == chain[-1]), default=None)
    return sorted((s for s in snaps if first_own is None or s.effective >= first_own),
                  key=lambda s: (s.effective, s.meta.id))


def _annotation(tree: RuleTree, path: Path) -> Annotation:
    concrete = _concrete(path)
    for end in range(len(concrete), -1, -1):
        found = tree.annotations.get(concrete[:end])
        if found is not None and found.citation is not None:
            return found
    return Annotation()


def _concrete(path: Path) -> Path:
    """`[*=x]` written by a user stands for `[id=x]` in the catalogue and annotations."""
    return tuple(ItemKey("id", seg.value) if isinstance(seg, ItemKey) and seg.key == "*" else seg
                 for seg in path)


def _text(path: Path) -> str:
    return format_path(path)


def compare_tracks(policy: Policy, track_a: str, track_b: str, as_of: dt.date) -> Diff:
    """How two jurisdictions' rules differed on a date (a → b)."""
    catalog = Catalog.of(policy)
    a = rules_as_of(policy, as_of, track_a)
    b = rules_as_of(policy, as_of, track_b)
    return compare(_version(f"{policy.id}/{track_a}@{as_of}", a),
                   _version(f"{policy.id}/{track_b}@{as_of}", b), catalog)
