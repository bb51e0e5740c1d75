"""`compare(old, new) -> Diff`: the only module that imports DeepDiff.

An equality walk (C-speed `==` on sub-trees) prunes everything that did not change and
matches list items by identity; DeepDiff compares what is left, with nothing hidden and no
budget that could cut a result short.
"""

from __future__ import annotations

import hashlib
import os
import json
from dataclasses import dataclass
from typing import Any
from collections.abc import Iterator, Mapping

from .argcheck import canonical_nan, check_data, kind
from .catalog import Catalog, text_of
from .classify import Verdict, citation_sentence, classify, sentence
from .errors import DiffBudgetError, UsageError
from .i18n import message
from .model import (Annotation, Change, ChangeKind, Citation, Diff, Direction, ItemKey, Path,
                    RuleTree, Severity, Text, Version, format_path, path_to_json, scalar_text)
from .text import is_text_value, mostly_changed, redlines, wants_redline

_DEEPDIFF_KINDS = {
    "values_changed": ChangeKind.MODIFIED, "type_changes": ChangeKind.MODIFIED,
    "dictionary_item_added": ChangeKind.ADDED, "iterable_item_added": ChangeKind.ADDED,
    "dictionary_item_removed": ChangeKind.REMOVED, "iterable_item_removed": ChangeKind.REMOVED,
}


@dataclass(frozen=True)
class _Raw:
    kind: ChangeKind
    path: Path
    old: Any
    new: Any
    replaced: bool = False


def as_version(value: Version | RuleTree | Mapping[str, Any], name: str = "") -> Version:
    """Accept a `Version`, a `RuleTree` or plain data as one side of a comparison."""
    if isinstance(value, Version):
        return value
    if isinstance(value, RuleTree):
        return Version(name, value)
    return Version(name, RuleTree(value, {}))


Side = Version | RuleTree | Mapping[str, Any]


def compare(old: Side, new: Side,
            catalog: Catalog | None = None,
            severities: Mapping[str, Severity] | None = None) -> Diff:
    """Every change between two versions of the rules, classified and explained.

    Arguments are checked (`policy_tracker.argcheck`): a wrong one raises `UsageError`.
    """
    old_v, new_v = _checked(old, "old"), _checked(new, "new")
    if catalog is not None and not isinstance(catalog, Catalog):
        raise UsageError(f"compare: argument 'catalog' must be a Catalog or None, "
                         f"not {kind(catalog)}")
    _check_severities(severities)
    cat = catalog if catalog is not None else Catalog(generic=True)
    raw: list[_Raw] = []
    _walk(old_v.tree.values, new_v.tree.values, (), cat, raw)
    raw = _replacements(_pair_items(_expand_lists(raw, cat)), cat)
    _within_budget(raw, ())
    changed = {r.path for r in raw}
    raw.extend(_citation_changes(old_v.tree, new_v.tree, changed))
    builder = _Builder(old_v, new_v, cat, severities or {})
    changes = sorted((builder.build(r) for r in raw),
                     key=lambda c: (c.path_text, c.kind.value, c.fingerprint))
    return Diff(old_v.name, new_v.name, tuple(changes))


def _checked(value: Any, name: str) -> Version:
    """One side as a Version whose data has been checked: data read from files (a Version
    naming its documents) was checked by the loader; anything else is checked here."""
    if isinstance(value, Version):
        if not isinstance(value.tree, RuleTree) or not isinstance(value.name, str):
            raise UsageError(f"compare: argument {name!r} is a Version without a RuleTree "
                             "and a name")
        if value.documents:
            return value
        tree, label = value.tree, value.name
    elif isinstance(value, RuleTree):
        tree, label = value, name
    elif isinstance(value, Mapping):
        tree, label = RuleTree(value, {}), name
    else:
        raise UsageError(f"compare: argument {name!r} must be a Version, a RuleTree or a dict "
                         f"of rule values, not {kind(value)}")
    if check_data("compare", name, tree.values):
        tree = RuleTree(canonical_nan(tree.values), tree.annotations)
    return Version(label, tree) if not isinstance(value, Version) else \
        Version(label, tree, value.documents)


def _check_severities(severities: Any) -> None:
    if severities is None:
        return
    if not isinstance(severities, Mapping) or not all(
            isinstance(k, str) and isinstance(v, Severity) for k, v in severities.items()):
        raise UsageError("compare: argument 'severities' must map rule ids to Severity values")


def _same(a: Any, b: Any) -> bool:
    """Equal values of equal types, all the way down."""
    if a is b:
        return True
    if type(a) is not type(b) or a != b:
        return False
    return type(a) not in (dict, list) or _same_types(a, b)


def _same_types(a: Any, b: Any) -> bool:
    """For two trees already `==`: do their values also have the same types? (`==` calls 1,
    1.0 and True equal.) Compares type lists container by container, so memory stays small,
    unlike comparing the trees' repr."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        xs = x.values() if type(x) is dict else x
        ys = [y[k] for k in x] if type(x) is dict else y
        if list(map(type, xs)) != list(map(type, ys)):
            return False
        stack.extend((v, w) for v, w in zip(xs, ys) if type(v) is dict or type(v) is list)
    return True


def _container_pair(a: Any, b: Any) -> bool:
    return (type(a) is dict and type(b) is dict) or (type(a) is list and type(b) is list)


def _walk(a: Any, b: Any, path: Path, cat: Catalog, out: list[_Raw]) -> None:
    if type(a) is list:
        a, b = _keyed(a, b, path, cat, out)
        if type(a) is list:
            _deep(a, b, path, out)
            return
    # Keys of mappings are matched here, without DeepDiff: a change costs one small record,
    # so memory grows with the changes at a bounded cost each.
    for key, old_value in a.items():
        if key not in b:
            out.append(_Raw(ChangeKind.REMOVED, path + (key,), old_value, None))
            if len(out) > MAX_CHANGES:
                _within_budget(out, path)
            continue
        new_value = b[key]
        if _same(old_value, new_value):
            continue
        if _container_pair(old_value, new_value) and not (
                is_text_value(old_value) and is_text_value(new_value)):
            _walk(old_value, new_value, path + (key,), cat, out)
        else:  # a value, a change of type, or a text in two languages: one change
            out.append(_Raw(ChangeKind.MODIFIED, path + (key,), old_value, new_value))
            if len(out) > MAX_CHANGES:
                _within_budget(out, path)
    for key, new_value in b.items():
        if key not in a:
            out.append(_Raw(ChangeKind.ADDED, path + (key,), None, new_value))
            if len(out) > MAX_CHANGES:
                _within_budget(out, path)
    _within_budget(out, path)


def _max_changes() -> int:
    text = os.environ.get("POLICY_TRACKER_MAX_CHANGES", "")
    return int(text) if text.isdigit() else 500_000


MAX_CHANGES = _max_changes()
"""The most changes one comparison may hold: each costs about 1-2 KB until it is rendered
(bench/, scenario 8), so 500,000 is about 1 GB at most (POLICY_TRACKER_MAX_CHANGES)."""


def _within_budget(out: list[_Raw], path: Path) -> None:
    if len(out) > MAX_CHANGES:
        raise DiffBudgetError(
            f"the comparison found {len(out):,} changes by "
            f"{format_path(path) or 'the top level'}, more than the {MAX_CHANGES:,} it may hold "
            "(about 2 KB each); compare smaller parts or raise POLICY_TRACKER_MAX_CHANGES")


def _keyed(a: list[Any], b: list[Any], path: Path, cat: Catalog,
           out: list[_Raw]) -> tuple[Any, Any]:
    """Lists as mappings by identity (or by scalar value); unchanged if positional."""
    key_a = cat.identity_key(path, a) if a else None
    key_b = cat.identity_key(path, b) if b else None
    key = key_a if not b else key_b if not a else (key_a if key_a == key_b else None)
    if key is not None:
        old_map = {ItemKey(key, str(item[key])): item for item in a}
        new_map = {ItemKey(key, str(item[key])): item for item in b}
    elif _scalar_set(a) and _scalar_set(b):
        old_map = {ItemKey("", scalar_text(item)): item for item in a}
        new_map = {ItemKey("", scalar_text(item)): item for item in b}
    else:
        return a, b
    spec = cat.spec(path)
    if spec is not None and spec.ordered:
        common = [k for k in old_map if k in new_map]
        order = [k for k in new_map if k in old_map]
        if common != order:
            out.append(_Raw(ChangeKind.REORDERED, path, [k.value for k in common],
                            [k.value for k in order]))
    return old_map, new_map


def _scalar_set(items: list[Any]) -> bool:
    texts = [scalar_text(i) for i in items if not isinstance(i, (dict, list))]
    return len(texts) == len(items) and len(set(texts)) == len(texts)


def _deep(old: Any, new: Any, path: Path, out: list[_Raw]) -> None:
    from deepdiff import DeepDiff  # only here: importing it costs ~0.2 s at start-up

    _quiet_deepdiff()
    # DeepDiff counts its own steps, a few per change: a coarse stop that keeps its memory
    # bounded; the exact count of changes is checked on what it reports.
    budget = 4 * max(MAX_CHANGES - len(out), 0) + 1000
    result = DeepDiff(old, new, view="tree", ignore_order=False, ignore_private_variables=False,
                      threshold_to_diff_deeper=0, verbose_level=2, ignore_string_type_changes=False,
                      ignore_numeric_type_changes=False, ignore_nan_inequality=True,
                      max_diffs=budget)
    stats = result.get_stats()  # type: ignore[no-untyped-call]
    if stats.get("MAX DIFF LIMIT REACHED") or stats.get("MAX PASS LIMIT REACHED"):
        raise DiffBudgetError(
            f"the comparison reached a limit at {format_path(path) or 'the top level'} "
            f"({stats.get('DIFF COUNT', '?')} differences counted, {len(out):,} changes found "
            f"before; at most {MAX_CHANGES:,} allowed); refusing to report a partial diff")
    for report, levels in result.items():
        kind = _DEEPDIFF_KINDS.get(report)
        if kind is None:
            raise DiffBudgetError(f"unexpected comparison result {report!r} at "
                                  f"{format_path(path) or 'the top'}")
        for level in levels:
            rel = tuple(level.path(output_format="list"))
            old_value = None if kind is ChangeKind.ADDED else level.t1
            new_value = None if kind is ChangeKind.REMOVED else level.t2
            out.append(_Raw(kind, path + rel, old_value, new_value))
    _within_budget(out, path)


def _expand_lists(raw: list[_Raw], cat: Catalog) -> list[_Raw]:
    """A whole list added or removed where adding items has a direction: one change per item."""
    out: list[_Raw] = []
    for change in raw:
        value = change.new if change.kind is ChangeKind.ADDED else change.old
        spec = cat.spec(change.path) if isinstance(value, list) and value else None
        if change.kind not in (ChangeKind.ADDED, ChangeKind.REMOVED) or spec is None or \
                spec.direction not in ("adding_is_looser", "adding_is_stricter"):
            out.append(change)
            continue
        items, _ = _keyed(value, [], change.path, cat, [])
        if not isinstance(items, dict):
            out.append(change)
            continue
        for key, item in items.items():
            pair = (None, item) if change.kind is ChangeKind.ADDED else (item, None)
            out.append(_Raw(change.kind, change.path + (key,), *pair))
    return out


def _quiet_deepdiff() -> None:
    """DeepDiff logs warnings when it reaches a limit; the limit becomes our error instead."""
    import logging  # here, with DeepDiff: most comparisons never need either

    logger = logging.getLogger("deepdiff")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


def _pair_items(raw: list[_Raw]) -> list[_Raw]:
    """An item removed and added with the same content is a rename (same list) or a move."""
    added = [r for r in raw if r.kind is ChangeKind.ADDED and r.path and
             isinstance(r.path[-1], ItemKey) and r.path[-1].key]
    removed = [r for r in raw if r.kind is ChangeKind.REMOVED and r.path and
               isinstance(r.path[-1], ItemKey) and r.path[-1].key]
    used: set[int] = set()
    result = [r for r in raw if r not in added and r not in removed]
    for gone in removed:
        key = gone.path[-1]
        assert isinstance(key, ItemKey)
        match = None
        for i, new in enumerate(added):
            if i in used:
                continue
            new_key = new.path[-1]
            assert isinstance(new_key, ItemKey)
            same_parent = new.path[:-1] == gone.path[:-1]
            if same_parent and new_key.key == key.key and _without(gone.old, key.key) == \
                    _without(new.new, key.key) and new_key != key:
                match = (i, _Raw(ChangeKind.RENAMED, new.path, key.value, new_key.value))
            elif not same_parent and new_key == key and _same(gone.old, new.new):
                match = (i, _Raw(ChangeKind.MOVED, new.path, format_path(gone.path[:-1]),
                                 format_path(new.path[:-1])))
            if match:
                break
        if match:
            used.add(match[0])
            result.append(match[1])
        else:
            result.append(gone)
    result.extend(r for i, r in enumerate(added) if i not in used)
    return result


def _replacements(raw: list[_Raw], cat: Catalog) -> list[_Raw]:
    """One item removed and one added in the same list, where adding has no direction: the
    new item replaced the old one (a legal basis replaced by its successor)."""
    by_parent: dict[Path, list[_Raw]] = {}
    for r in raw:
        if r.kind in (ChangeKind.ADDED, ChangeKind.REMOVED) and r.path and \
                isinstance(r.path[-1], ItemKey) and r.path[-1].key:
            by_parent.setdefault(r.path[:-1], []).append(r)
    pairs: dict[int, _Raw] = {}
    for parent, items in by_parent.items():
        kinds = sorted(r.kind.value for r in items)
        spec = cat.spec(parent)
        if kinds != ["added", "removed"] or (spec is not None and spec.direction in (
                "adding_is_looser", "adding_is_stricter")):
            continue
        gone, new = sorted(items, key=lambda r: r.kind is ChangeKind.ADDED)
        pairs[id(gone)] = _Raw(ChangeKind.MODIFIED, new.path, gone.old, new.new, replaced=True)
        pairs[id(new)] = gone  # dropped below
    out = [pairs.get(id(r), r) for r in raw if not (id(r) in pairs and r.kind is ChangeKind.ADDED)]
    return out


def _without(item: Any, key: str) -> Any:
    return {k: v for k, v in item.items() if k != key} if isinstance(item, dict) else item


def _citation_changes(old: RuleTree, new: RuleTree, changed: set[Path]) -> Iterator[_Raw]:
    # Filter first, then sort the few that differ: formatting every annotated path of a
    # large snapshot costs more than the rest of a typical comparison.
    found = []
    for path, note in new.annotations.items():
        before = old.annotations.get(path)
        a, b = (before.citation if before else None), note.citation
        if a is None or b is None or path in changed:
            continue
        # A reworded note is not a new authority: compare source, article and doubt only.
        if (a.source, a.article, a.unconfirmed) != (b.source, b.article, b.unconfirmed):
            found.append(_Raw(ChangeKind.MODIFIED, path, a, b))
    return iter(sorted(found, key=lambda r: format_path(r.path)))


class _Builder:
    """Turns raw differences into explained `Change` values."""

    def __init__(self, old: Version, new: Version, cat: Catalog,
                 severities: Mapping[str, Severity]) -> None:
        self.old, self.new, self.cat, self.severities = old, new, cat, severities
        self._cited: dict[int, dict[Path, list[Annotation]]] = {}

    def build(self, raw: _Raw) -> Change:
        path = raw.path
        spec = self.cat.spec(path)
        is_item = bool(path) and isinstance(path[-1], (ItemKey, int))
        list_spec = self.cat.spec(path[:-1]) if is_item else None
        is_citation = isinstance(raw.old, Citation)
        if raw.replaced:
            old_value, new_value = raw.old, raw.new
            verdict = Verdict("item-replaced", Direction.NEUTRAL,
                              self.severities.get("item-replaced", Severity.MINOR))
        elif is_citation:
            old_value, new_value = self.cat.titled(raw.old), self.cat.titled(raw.new)
            verdict = Verdict("citation-changed", Direction.NEUTRAL,
                              self.severities.get("citation-changed", Severity.EDITORIAL))
        else:
            old_value, new_value = raw.old, raw.new
            verdict = classify(raw.kind, old_value, new_value, spec, list_spec, self.severities,
                               path)
        # A replaced item is named by its list (in generic mode too: it has two identities).
        label = self._label(path[:-1] if raw.replaced and self.cat.generic else path,
                            is_item and (raw.replaced or raw.kind in (ChangeKind.ADDED,
                                                                      ChangeKind.REMOVED)))
        unit = spec.unit if spec else ""
        if isinstance(old_value, Citation) and isinstance(new_value, Citation):
            words = citation_sentence(label, old_value, new_value,
                                      _lookup(self.new.tree.values, path), unit)
        else:
            words = sentence(verdict.rule, label, old_value, new_value, unit)
        annotation = self._annotation(path, prefer_old=raw.kind is ChangeKind.REMOVED,
                                      block=isinstance(raw.new if raw.new is not None
                                                       else raw.old, (dict, list)))
        fingerprint = hashlib.sha256(json.dumps(
            [verdict.rule, path_to_json(path), raw.kind.value, _jsonable(old_value),
             _jsonable(new_value)], sort_keys=True, ensure_ascii=False,
            default=str).encode("utf-8")).hexdigest()[:16]
        return Change(
            path=path, kind=raw.kind, old=_jsonable(old_value), new=_jsonable(new_value),
            rule=verdict.rule, direction=verdict.direction, severity=verdict.severity,
            label=label, sentence=words,
            fingerprint=fingerprint, unit=unit, area=self._area(path),
            citation=self.cat.titled(annotation.citation), old_position=self.old.locate(path),
            new_position=self.new.locate(path),
            unconfirmed=annotation.unconfirmed,
            **self._redlines(raw, is_citation or verdict.rule in ("authority-changed",
                                                                  "editorial-edit")))

    def _redlines(self, raw: _Raw, skip: bool) -> dict[str, Any]:
        """A word redline for a reworded long text; none when the edit rewrites most of it
        (then old → new reads better) and none for a change of who acts (both named)."""
        if skip or raw.kind is not ChangeKind.MODIFIED or not wants_redline(raw.old, raw.new):
            return {}
        primary, chinese = redlines(raw.old, raw.new)
        primary, chinese = (() if mostly_changed(line) else line for line in (primary, chinese))
        return {"redline": primary or chinese, "redline_zh": chinese}

    def _area(self, path: Path) -> Text:
        if not path:
            return Text(message("word.top_level", "en"), message("word.top_level", "zh"))
        spec = self.cat.spec(path[:1])
        return spec.label if spec else Text(str(path[0]), str(path[0]))

    def _label(self, path: Path, item_change: bool) -> Text:
        """`Field (Item, Item)`; for a whole item added or removed, the list's label.

        In generic mode (no catalogue) the label is the full path, as written, so that a
        reader can paste it back into `--only`."""
        if self.cat.generic:
            if not path:
                return self._area(path)
            return Text(format_path(path), format_path(path))
        field_path = path[:-1] if item_change else path
        named = field_path
        while named and isinstance(named[-1], (ItemKey, int)):
            named = named[:-1]
        items = [self._title(field_path[: i + 1]) for i, seg in enumerate(field_path)
                 if isinstance(seg, ItemKey) and seg.key]
        language = ""
        if named and named[-1] in ("en", "zh") and self.cat.spec(named) is None:
            language, named = str(named[-1]), named[:-1]
        spec = self.cat.spec(named) if named else None
        texts = {}
        for lang in ("en", "zh"):
            name = spec.label.get(lang) if spec else (str(named[-1]) if named else
                                                      message("word.top_level", lang))
            if language:
                name = message("label.in_language", lang, label=name,
                               language=message(f"word.language_{language}", lang))
            context = message("label.item_sep", lang).join(t.get(lang) for t in items)
            texts[lang] = message("label.with_items", lang, label=name, items=context) \
                if context else name
        return Text(texts["en"], texts["zh"])

    def _title(self, path: Path) -> Text:
        seg = path[-1]
        assert isinstance(seg, ItemKey)
        for tree in (self.new.tree.values, self.old.tree.values):
            item = _lookup(tree, path)
            if isinstance(item, dict):
                for key in ("title", "name", "label"):
                    if key in item and isinstance(item[key], (str, dict)):
                        return text_of(item[key])
        return Text(seg.value, seg.value)

    def _annotation(self, path: Path, prefer_old: bool, block: bool) -> Annotation:
        """The citation of the value, of the nearest cited ancestor, or, for a whole block,
        the one citation all its cited parts share."""
        trees = (self.old.tree, self.new.tree) if prefer_old else (self.new.tree, self.old.tree)
        for tree in trees:
            for end in range(len(path), -1, -1):
                found = tree.annotations.get(path[:end])
                if found is not None and found.citation is not None:
                    return found
        if not block:
            return Annotation()
        inside = self._cited_under(trees[0]).get(path, [])
        sources = {(a.citation.source, a.citation.article) for a in inside if a.citation}
        return inside[0] if len(sources) == 1 else Annotation()

    def _cited_under(self, tree: RuleTree) -> dict[Path, list[Annotation]]:
        """The cited annotations under every path prefix, in tree order; built once per
        comparison on first need (scanning all annotations for each change is quadratic)."""
        index = self._cited.get(id(tree))
        if index is None:
            index = {}
            for p, a in tree.annotations.items():
                if a.citation is not None:
                    for end in range(len(p) + 1):
                        index.setdefault(p[:end], []).append(a)
            self._cited[id(tree)] = index
        return index


def _lookup(data: Any, path: Path) -> Any:
    node = data
    for seg in path:
        if isinstance(seg, ItemKey) and isinstance(node, list):
            node = next((i for i in node if isinstance(i, dict) and seg.key
                         and str(i.get(seg.key)) == seg.value), None)
        elif isinstance(node, dict) and not isinstance(seg, int):
            node = node.get(seg)
        elif isinstance(node, list) and isinstance(seg, int) and seg < len(node):
            node = node[seg]
        else:
            return None
    return node


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Citation):
        return value.ref()
    return value
