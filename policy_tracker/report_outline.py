"""The rules in force as a labelled outline: catalogue labels, units, citations, item titles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .catalog import Catalog, lookup, text_of
from .model import Annotation, ItemKey, Path, RuleTree, Segment, Text
from .reportmodel import OutlineNode

_TITLE_KEYS = ("title", "name", "label")


def build_outline(tree: RuleTree, catalog: Catalog,
                  base: Mapping[str, Any] | None = None) -> tuple[OutlineNode, ...]:
    """The tree as nested nodes; with `base`, only the values that differ from it."""
    return _children(tree.values, (), tree, catalog, base)


def is_text(value: Any) -> bool:
    """A bilingual text value (`{en: …, zh: …}`) rather than a group of rules."""
    return isinstance(value, dict) and bool(value) and set(value) <= {"en", "zh"}


def _children(node: Mapping[str, Any], path: Path, tree: RuleTree, catalog: Catalog,
              base: Mapping[str, Any] | None) -> tuple[OutlineNode, ...]:
    out = []
    for key, value in node.items():
        built = _node(path + (key,), value, tree, catalog, base, None)
        if built is not None:
            out.append(built)
    return tuple(out)


def _node(path: Path, value: Any, tree: RuleTree, catalog: Catalog,
          base: Mapping[str, Any] | None, label: Text | None) -> OutlineNode | None:
    spec = catalog.spec(path)
    if label is None:
        label = spec.label if spec else Text(str(path[-1]), str(path[-1]))
    group = isinstance(value, dict) and not is_text(value)
    keyed = _is_keyed(value, path, catalog)
    children: tuple[OutlineNode, ...] = ()
    if group:
        children = _children(value, path, tree, catalog, base)
    elif keyed:
        children = _items(value, path, tree, catalog, base)
    if base is not None:
        found, old = lookup(base, path)
        if (group or keyed) and found and not children or not (group or keyed) and \
                found and old == value:
            return None
    note = tree.annotations.get(path, Annotation())
    return OutlineNode(path, label, None if group or keyed else value, spec.unit if spec else "",
                       children, note.citation, note.note, note.unconfirmed, group or keyed)


def _is_keyed(value: Any, path: Path, catalog: Catalog) -> bool:
    return isinstance(value, list) and bool(value) and catalog.identity_key(path, value) is not None


def _items(items: list[Any], path: Path, tree: RuleTree, catalog: Catalog,
           base: Mapping[str, Any] | None) -> tuple[OutlineNode, ...]:
    key = catalog.identity_key(path, items)
    assert key is not None
    out = []
    for item in items:
        segment: Segment = ItemKey(key, str(item[key]))
        title_key = next((k for k in _TITLE_KEYS if isinstance(item.get(k), (str, dict))), None)
        label = text_of(item[title_key]) if title_key else Text(str(item[key]), str(item[key]))
        if not label.en or not label.zh:
            label = Text(label.en or label.zh, label.zh or label.en)
        rest = {k: v for k, v in item.items() if k not in (key, title_key)}
        built = _node(path + (segment,), rest, tree, catalog, base, label)
        if built is not None:
            out.append(built)
    return tuple(out)
