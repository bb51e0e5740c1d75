"""The change report: a policy's timeline, numeric histories and rules in force, as one value."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from .catalog import Catalog, lookup
from .errors import NotFoundError
from .impactmodel import Impact
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

__all__ = ["build_report", "summarize"]


def build_report(policy: Policy, *, as_of: dt.date, tracks: Iterable[str] | None = None,
                 since: dt.date | None = None, until: dt.date | None = None,
                 impact: Impact | None = None) -> Report:
    """Everything the report shows, drafts included as marked events; `as_of` dates the rules."""
    chosen = select_tracks(policy, tracks)
    timeline = build_timeline(policy, chosen, since, until, include_drafts=True)
    dates = [e.date for e in timeline.events]
    return Report(
        policy=PolicyMeta(policy.id, policy.title, policy.jurisdiction, policy.description,
                          policy.notes, policy.tracks),
        tracks=tuple(t for t in policy.tracks if t.id in chosen), as_of=as_of,
        since=since, until=until, first=min(dates, default=None), last=max(dates, default=None),
        counts=count_events(timeline), current=currency(policy, chosen),
        timeline=timeline, histories=tuple(histories(policy, chosen, since, until)),
        rules=tuple(rules_in_force(policy, chosen, as_of)), sources=sources_of(policy, chosen),
        impact=impact)


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
    catalog = Catalog(policy.fields)
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
    catalog = Catalog(policy.fields)
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


_DIRECTIONS = {Direction.LOOSER: Text("looser", "放宽"),
               Direction.STRICTER: Text("stricter", "收紧"),
               Direction.NEUTRAL: Text("neutral", "中性"),
               Direction.UNKNOWN: Text("direction unknown", "方向未知")}


def summarize(report: Report, lang: str) -> str:
    """Three lines for the terminal: policy, instruments, changes, range, currency."""
    lines = _summary_zh(report) if lang == "zh" else _summary_en(report)
    return "\n".join(_printable(line) for line in lines)


def _printable(text: str) -> str:
    """Control, format (bidi, zero-width) and surrogate characters from data, made visible."""
    return "".join(ch if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp")
                   else f"\\u{ord(ch):04x}" for ch in text)


def _word(direction: Direction, lang: str) -> str:
    """A direction in words."""
    return _DIRECTIONS[direction].get(lang)


def _summary_en(report: Report) -> list[str]:
    c, cur = report.counts, report.current
    drafts = f" ({c.proposals} draft or announced)" if c.proposals else ""
    tracks = f"{len(report.tracks)} track{'s' if len(report.tracks) != 1 else ''}"
    span = f", {report.first} to {report.last}" if report.first else ""
    head = (f"{report.policy.title.get('en')} ({report.policy.id}): {c.instruments} "
            f"instrument{'s' if c.instruments != 1 else ''}{drafts} in {tracks}{span}.")
    parts = ", ".join(f"{n} {_word(d, 'en')}" for d, n in c.by_direction if n)
    changes = f"{c.changes} change{'s' if c.changes != 1 else ''} in law"
    changes += f": {parts}" if parts else ""
    changes += f"; {c.proposed_changes} more proposed in drafts." if c.proposed_changes else "."
    when = f"Data current as of {cur.latest_snapshot or 'unknown'}"
    if cur.latest_snapshot_id:
        when += f" (latest instrument: {cur.latest_snapshot_title.get('en')})"
    when += f"; latest dated source: {cur.latest_source or 'none recorded'}."
    return [head, changes, when]


def _summary_zh(report: Report) -> list[str]:
    c, cur = report.counts, report.current
    drafts = f"（其中草案或预告{c.proposals}份）" if c.proposals else ""
    span = f"，{report.first}至{report.last}" if report.first else ""
    head = (f"{report.policy.title.get('zh')}（{report.policy.id}）：{len(report.tracks)}个"
            f"范围共{c.instruments}份文件{drafts}{span}。")
    parts = "，".join(f"{_word(d, 'zh')}{n}处" for d, n in c.by_direction if n)
    changes = f"法规变化{c.changes}处" + (f"：{parts}" if parts else "")
    changes += f"；草案另提出{c.proposed_changes}处。" if c.proposed_changes else "。"
    when = f"数据截至{cur.latest_snapshot or '不详'}"
    if cur.latest_snapshot_id:
        when += f"（最新文件：{cur.latest_snapshot_title.get('zh')}）"
    when += f"；最新注明日期的来源：{cur.latest_source or '无记录'}。"
    return [head, changes, when]
