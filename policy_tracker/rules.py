"""Rule trees: separating values from their citations, overlaying regions, rules as of a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from collections.abc import Mapping

from .catalog import ANNOTATION_KEYS, Catalog, text_of
from .errors import InputError, NotFoundError
from .model import Annotation, Citation, ItemKey, Path, Policy, RuleTree, Snapshot, scalar_text

WRAPPER_KEYS = ("value",) + ANNOTATION_KEYS


@dataclass(frozen=True)
class Resolved:
    """The rules in force on a date and the snapshots combined to get them."""

    policy: Policy
    track: str
    as_of: dt.date
    tree: RuleTree
    snapshots: tuple[Snapshot, ...]


def is_wrapper(value: Any) -> bool:
    """A `{value: …, cite: …}` leaf."""
    return isinstance(value, dict) and "value" in value and all(k in WRAPPER_KEYS for k in value)


def item_key(catalog: Catalog, list_path: Path, items: list[Any]) -> str | None:
    """Identity key of a list's items (None: compare positionally)."""
    return catalog.identity_key(list_path, items)


def split_rules(rules: Mapping[str, Any], catalog: Catalog) -> RuleTree:
    """Separate values from annotations; the input is not changed."""
    notes: dict[Path, Annotation] = {}
    values = _split(rules, (), catalog, notes)
    return RuleTree(values, notes)


_ANNOTATION_SET = frozenset(ANNOTATION_KEYS)
_WRAPPER_SET = frozenset(WRAPPER_KEYS)
_CONTAINERS = (dict, list)


def _split(node: Any, path: Path, catalog: Catalog, notes: dict[Path, Annotation]) -> Any:
    # Runs once per container of every snapshot loaded: tests are by type and by set, and
    # scalars are copied without a call.
    if type(node) is dict:
        if not _ANNOTATION_SET.isdisjoint(node):
            notes[path] = annotation_of(node)
            if "value" in node and _WRAPPER_SET.issuperset(node):
                return _split(node["value"], path, catalog, notes)
            return {k: _split(v, path + (k,), catalog, notes) if type(v) in _CONTAINERS else v
                    for k, v in node.items() if k not in _ANNOTATION_SET}
        if "value" in node and _WRAPPER_SET.issuperset(node):
            return _split(node["value"], path, catalog, notes)
        return {k: _split(v, path + (k,), catalog, notes) if type(v) in _CONTAINERS else v
                for k, v in node.items()}
    if type(node) is list:
        key = item_key(catalog, path, node)
        return [_split(item, path + (_segment(item, key, i),), catalog, notes)
                if type(item) in _CONTAINERS else item for i, item in enumerate(node)]
    return node


def _segment(item: Any, key: str | None, index: int) -> ItemKey | int:
    if key is not None and isinstance(item, dict):
        return ItemKey(key, str(item[key]))
    if isinstance(item, (str, int, float, bool)) or item is None:
        return ItemKey("", scalar_text(item))
    return index


def annotation_of(node: Mapping[str, Any]) -> Annotation:
    """The annotation keys of one mapping as an `Annotation`."""
    cite = node.get("cite")
    citation = None
    if isinstance(cite, dict):
        citation = Citation(str(cite.get("source", "")), str(cite.get("article", "")),
                            bool(node.get("unconfirmed", False)), text_of(node.get("note")))
    return Annotation(citation, text_of(node.get("note")), bool(node.get("unconfirmed", False)))


def overlay(base: RuleTree, top: RuleTree, catalog: Catalog) -> RuleTree:
    """The base rules with a regional overlay applied (mappings merged, keyed items merged)."""
    values = _merge(base.values, top.values, (), catalog)
    notes = dict(base.annotations)
    notes.update(top.annotations)
    return RuleTree(values, notes)


def _merge(base: Any, top: Any, path: Path, catalog: Catalog) -> Any:
    if isinstance(base, dict) and isinstance(top, dict):
        out = dict(base)
        for k, v in top.items():
            out[k] = _merge(base[k], v, path + (k,), catalog) if k in base else v
        return out
    if isinstance(base, list) and isinstance(top, list):
        key = item_key(catalog, path, base)
        if key is None or item_key(catalog, path, top) != key:
            return top
        merged = {str(item[key]): item for item in base}
        for item in top:
            ident = str(item[key])
            merged[ident] = _merge(merged[ident], item, path, catalog) if ident in merged else item
        return list(merged.values())
    return top


def in_force(snapshots: tuple[Snapshot, ...], as_of: dt.date,
             include_drafts: bool = False) -> Snapshot | None:
    """The latest snapshot effective on `as_of` (drafts only if asked), unless it has expired."""
    chosen = None
    for snap in snapshots:
        if snap.effective <= as_of and (include_drafts or snap.meta.status.is_law):
            chosen = snap
    if chosen and chosen.meta.dates.expires and chosen.meta.dates.expires <= as_of:
        return None
    return chosen


_RESOLVED: dict[tuple[dt.date, str, bool], Resolved] = {}
"""The rules resolved for the last policy asked about (only that one, to bound memory)."""


def rules_as_of(policy: Policy, as_of: dt.date, track: str = "national",
                include_drafts: bool = False) -> Resolved:
    """Resolve the rules of `track` on `as_of`, applying overlays down to the base track.
    Remembered for the latest policy (a report's field histories ask again and again)."""
    key = (as_of, track, include_drafts)
    hit = _RESOLVED.get(key)
    if hit is not None and hit.policy is policy:
        return hit
    held = next(iter(_RESOLVED.values()), None)
    if (held is not None and held.policy is not policy) or len(_RESOLVED) >= 4096:
        _RESOLVED.clear()
    resolved = _resolve(policy, as_of, track, include_drafts)
    _RESOLVED[key] = resolved
    return resolved


def _resolve(policy: Policy, as_of: dt.date, track: str, include_drafts: bool) -> Resolved:
    chain: list[str] = []
    current: str = track
    while current:
        if current in chain:  # a policy built without `load_policy` may have a cycle
            raise InputError(f"tracks extend each other in a cycle: "
                             f"{' -> '.join([*chain, current])}", policy.id)
        spec = policy.track(current)
        if spec is None:
            known = ", ".join(t.id for t in policy.tracks)
            raise NotFoundError(f"unknown track {current!r}; tracks: {known}", policy.id)
        chain.append(current)
        current = spec.extends
    catalog = Catalog.of(policy)
    used: list[Snapshot] = []
    tree = RuleTree({}, {})
    for track_id in reversed(chain):
        snap = in_force(policy.snapshots_of(track_id), as_of, include_drafts)
        if snap is None:
            if track_id == chain[-1]:
                first = policy.snapshots_of(track_id)
                hint = f"; the first snapshot is effective {first[0].effective}" if first else ""
                raise NotFoundError(f"no rules of track {track_id!r} are in force on {as_of}{hint}",
                                    policy.id)
            continue
        tree = snap.tree if not used else overlay(tree, snap.tree, catalog)
        used.append(snap)
    return Resolved(policy, track, as_of, tree, tuple(used))
