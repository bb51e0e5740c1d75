"""The change report: a policy's timeline, numeric histories and rules in force, as one value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .catalog import Catalog, lookup
from .effects import register_of
from .legal import version_state
from .errors import NotFoundError
from .i18n import message, plural
from .model import (
    Annotation,
    Citation,
    Direction,
    FieldHistory,
    ItemKey,
    Path,
    Policy,
    Source,
    Step,
    Text,
    Timeline,
)
from .report_outline import build_outline
from .reportmodel import Counts, Currency, HistorySeries, PolicyMeta, Report, RulesInForce
from .rules import rules_as_of
from .timeline import build_timeline, field_history, select_tracks
from .visible import escape_text

if TYPE_CHECKING:  # the impact model is imported only when a report is asked for profiles
    from .impactmodel import Impact

__all__ = ["build_report", "summarize"]


def build_report(policy: Policy, *, as_of: dt.date, tracks: Iterable[str] | None = None,
                 since: dt.date | None = None, until: dt.date | None = None,
                 impact: Impact | None = None) -> Report:
    """Everything the report shows, drafts included as marked events; `as_of` dates the rules."""
    chosen = select_tracks(policy, tracks)
    timeline = build_timeline(policy, chosen, since, until, include_drafts=True)
    dates = [e.date for e in timeline.events]
    return Report(
        policy=PolicyMeta(policy.id, policy.title,
                          policy.jurisdiction_text or Text(policy.jurisdiction, ""),
                          policy.description,
                          policy.notes, policy.tracks),
        tracks=tuple(t for t in policy.tracks if t.id in chosen), as_of=as_of,
        since=since, until=until, first=min(dates, default=None), last=max(dates, default=None),
        counts=count_events(timeline), current=currency(policy, chosen),
        timeline=timeline, histories=tuple(histories(policy, chosen, since, until)),
        rules=tuple(rules_in_force(policy, chosen, as_of)), sources=sources_of(policy, chosen),
        effects=register_of(policy, timeline, chosen), versions=versions_of(policy, chosen),
        impact=impact)


def versions_of(policy: Policy, tracks: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Each snapshot's id with the date of the version that followed it ("" if current)."""
    out = []
    for snap in policy.snapshots:
        if snap.track in tracks and snap.meta.status.is_law:
            after = version_state(policy, snap).followed_by
            out.append((snap.meta.id, after.effective.isoformat() if after else ""))
    return tuple(out)


def count_events(timeline: Timeline) -> Counts:
    """Instruments, drafts among them, and changes by direction (law and proposed apart)."""
    laws = [e for e in timeline.events if e.is_law]
    law_changes = [c for e in laws for c in e.changes]
    proposed = sum(len(e.changes) for e in timeline.events if not e.is_law)
    by_direction = tuple((d, sum(1 for c in law_changes if c.direction is d)) for d in Direction)
    return Counts(len(timeline.events), len(timeline.events) - len(laws), len(law_changes),
                  by_direction, proposed)


def currency(policy: Policy, tracks: tuple[str, ...]) -> Currency:
    """The newest instrument of the tracks and the newest dated source they rely on."""
    snaps = [s for s in policy.snapshots if s.track in tracks]
    latest = max(snaps, key=lambda s: (s.effective, s.meta.id), default=None)
    dated = [(day, s.id) for s in sources_of(policy, tracks) if (day := _iso(s.date))]
    newest = max(dated, default=None)
    return Currency(latest.effective if latest else None, latest.meta.id if latest else "",
                    latest.meta.title if latest else Text(),
                    newest[0] if newest else None, newest[1] if newest else "")


def _iso(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def sources_of(policy: Policy, tracks: tuple[str, ...]) -> tuple[Source, ...]:
    """The bibliography, then sources declared inside the tracks' snapshots; ids unique."""
    found: dict[str, Source] = {s.id: s for s in policy.sources}
    for snap in policy.snapshots:
        if snap.track in tracks:
            for source in snap.meta.sources:
                found.setdefault(source.id, source)
    return tuple(found.values())


def histories(policy: Policy, tracks: tuple[str, ...], since: dt.date | None,
              until: dt.date | None) -> list[HistorySeries]:
    """A history for every numeric catalogue field of each track, drafts' proposals beside it.

    An overlay track only gets the fields it sets itself when its base track is in the report
    too (the rest would repeat the base track's histories).
    """
    catalog = Catalog.of(policy)
    out: list[HistorySeries] = []
    for track in tracks:
        for path in numeric_paths(policy, _source_tracks(policy, track, tracks), catalog):
            try:
                history = field_history(policy, path, track)
            except NotFoundError:
                continue  # only a draft has it: nothing in force to chart
            steps = _within(history.steps, since, until)
            if steps:
                labelled = replace(history, label=_label(policy, catalog, path, track),
                                   steps=steps)
                out.append(HistorySeries(labelled, _proposals(policy, track, labelled)))
    return out


def _source_tracks(policy: Policy, track: str, chosen: tuple[str, ...]) -> tuple[str, ...]:
    """The tracks whose data names the fields charted for `track`."""
    names = [track]
    spec = policy.track(track)
    while spec is not None and spec.extends and spec.extends not in chosen:
        names.append(spec.extends)
        spec = policy.track(spec.extends)
    return tuple(names)


def numeric_paths(policy: Policy, tracks: tuple[str, ...], catalog: Catalog) -> list[Path]:
    """Concrete paths of numeric catalogue fields in the tracks' snapshots, catalogue order."""
    found: list[Path] = []
    for snap in policy.snapshots:
        if snap.track in tracks:
            _walk_numbers(snap.tree.values, (), catalog, found)
    order = {spec.pattern: i for i, spec in enumerate(catalog.fields)}

    def rank(item: tuple[int, Path]) -> tuple[int, int]:
        spec = catalog.spec(item[1])
        return (order.get(spec.pattern, len(order)) if spec else len(order), item[0])
    return [path for _, path in sorted(enumerate(found), key=rank)]


def _walk_numbers(node: Any, path: Path, catalog: Catalog, found: list[Path]) -> None:
    if isinstance(node, dict):
        for key, child in node.items():
            _walk_numbers(child, path + (key,), catalog, found)
    elif isinstance(node, list):
        key = catalog.identity_key(path, node)
        for i, item in enumerate(node):
            if key is not None:
                _walk_numbers(item, path + (ItemKey(key, str(item[key])),), catalog, found)
            elif isinstance(item, (dict, list)):
                _walk_numbers(item, path + (i,), catalog, found)
    elif isinstance(node, (int, float)) and not isinstance(node, bool) and path \
            and isinstance(path[-1], str) and catalog.spec(path) is not None \
            and path not in found:
        found.append(path)


def _within(steps: tuple[Step, ...], since: dt.date | None,
            until: dt.date | None) -> tuple[Step, ...]:
    """The steps in the report's range, starting with the value in force on `since`."""
    kept = [s for s in steps if until is None or s.date <= until]
    if since is not None:
        start = max((i for i, s in enumerate(kept) if s.date <= since), default=0)
        kept = kept[start:]
    return tuple(kept)


def _label(policy: Policy, catalog: Catalog, path: Path, track: str) -> Text:
    """`Minimum years (Investment)`: the field's label and the titles of the items on its path."""
    spec = catalog.spec(path)
    name = spec.label if spec else Text(str(path[-1]), str(path[-1]))
    items = [_item_title(policy, path[: i + 1], track) for i, seg in enumerate(path)
             if isinstance(seg, ItemKey)]
    if not items:
        return name
    return Text(f"{name.en} ({', '.join(t.en for t in items)})",
                f"{name.zh}（{'，'.join(t.zh for t in items)}）")


def _item_title(policy: Policy, path: Path, track: str) -> Text:
    segment = path[-1]
    assert isinstance(segment, ItemKey)
    for snap in reversed(policy.snapshots):
        found, item = lookup(snap.tree.values, path)
        if found and isinstance(item, dict):
            for key in ("title", "name", "label"):
                value = item.get(key)
                if isinstance(value, dict):
                    return Text(str(value.get("en") or value.get("zh") or segment.value),
                                str(value.get("zh") or value.get("en") or segment.value))
                if isinstance(value, str) and value:
                    return Text(value, value)
    return Text(segment.value, segment.value)


def _proposals(policy: Policy, track: str, history: FieldHistory) -> tuple[Step, ...]:
    """Values that drafts of the track proposed for the field, where they differ from the law."""
    out: list[Step] = []
    for snap in policy.snapshots_of(track):
        if snap.meta.status.is_law:
            continue
        try:
            proposed = rules_as_of(policy, snap.effective, track, include_drafts=True)
            law = rules_as_of(policy, snap.effective, track)
        except NotFoundError:
            continue
        has, value = lookup(proposed.tree.values, history.path)
        if has and lookup(law.tree.values, history.path) != (True, value):
            out.append(Step(snap.effective, snap.meta.id, snap.meta.title, value, True,
                            _citation(proposed.tree.annotations, history.path),
                            snap.meta.status.value))
    return tuple(out)


def _citation(annotations: Mapping[Path, Annotation], path: Path) -> Citation | None:
    for end in range(len(path), -1, -1):
        found = annotations.get(path[:end])
        if found is not None and found.citation is not None:
            return found.citation
    return None


def rules_in_force(policy: Policy, tracks: tuple[str, ...], as_of: dt.date) -> list[RulesInForce]:
    """Each track's rules on `as_of`; an overlay whose base is shown holds only its differences."""
    catalog = Catalog.of(policy)
    out: list[RulesInForce] = []
    for track_id in tracks:
        track = policy.track(track_id)
        assert track is not None
        try:
            resolved = rules_as_of(policy, as_of, track_id)
        except NotFoundError:
            out.append(RulesInForce(track, as_of, (), ()))
            continue
        base: Any = None
        if track.extends in tracks:
            try:
                base = rules_as_of(policy, as_of, track.extends).tree.values
            except NotFoundError:
                base = {}
        outline = build_outline(resolved.tree, catalog, base)
        out.append(RulesInForce(track, as_of, tuple(s.meta for s in resolved.snapshots),
                                outline, track.extends if base is not None else ""))
    return out


def summarize(report: Report, lang: str) -> str:
    """Three lines for the terminal: policy, instruments, changes, range, currency."""
    lines = _summary(report, lang)
    return "\n".join(_printable(line) for line in lines)


def _printable(text: str) -> str:
    """Control, format (bidi, zero-width) and surrogate characters from data, made visible."""
    return escape_text(text)


def _summary(report: Report, lang: str) -> list[str]:
    c, cur = report.counts, report.current
    drafts = message("cli.of_which_drafts", lang, count=c.proposals) if c.proposals else ""
    span = message("cli.span", lang, first=str(report.first), last=str(report.last)) \
        if report.first else ""
    head = message("cli.head", lang, title=report.policy.title.get(lang), policy=report.policy.id,
                   instruments=plural("cli.instruments", c.instruments, lang), drafts=drafts,
                   tracks=plural("cli.tracks", len(report.tracks), lang), span=span)
    parts = message("summary.item_sep", lang).join(
        message("summary.count", lang, count=n, name=message(f"word.{d.value}", lang))
        for d, n in c.by_direction if n)
    changes = plural("cli.changes", c.changes, lang, parts=message("cli.parts", lang, parts=parts)
                     if parts else "")
    if c.proposed_changes:
        changes += message("cli.proposed", lang, count=c.proposed_changes)
    latest = message("cli.latest", lang, title=cur.latest_snapshot_title.get(lang)) \
        if cur.latest_snapshot_id else ""
    when = message("cli.when", lang, date=str(cur.latest_snapshot or message("cli.unknown", lang)),
                   latest=latest, source=str(cur.latest_source or
                                             message("report.none_recorded", lang)))
    return [head, changes + message("cli.stop", lang), when]
