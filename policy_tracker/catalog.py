"""The field catalogue: which label, unit, identity key and direction rule a path has."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Any
from collections.abc import Iterable, Mapping
from dataclasses import replace

from .model import Citation, FieldSpec, ItemKey, Path, Policy, Text

GENERIC_KEYS = ("id", "name", "key")
"""Identity keys tried, in order, for lists of mappings when no catalogue says otherwise."""

ANNOTATION_KEYS = ("cite", "note", "unconfirmed")
"""Keys that annotate a rule value rather than being part of it."""


def _compile(pattern: str) -> re.Pattern[str]:
    """`[*]` stands for any list item; any other `*` matches any characters, dots included."""
    parts = pattern.split("[*]")
    keys = [".*".join(re.escape(chunk) for chunk in part.split("*")) for part in parts]
    return re.compile(re.escape("[*]").join(keys))


def pattern_of(path: Path) -> str:
    """The catalogue pattern a concrete path falls under: list items become `[*]`."""
    out: list[str] = []
    for seg in path:
        if isinstance(seg, (ItemKey, int)):
            out.append("[*]")
        else:
            out.append(("." if out else "") + seg)
    return "".join(out)


_BUILT: dict[int, tuple[Policy, Catalog]] = {}


class Catalog:
    """Looks up field specs by path; an empty catalogue is generic mode."""

    def __init__(self, fields: Iterable[FieldSpec] = (), generic: bool = False,
                 sources: Mapping[str, Text] | None = None) -> None:
        self.fields = tuple(fields)
        self.generic = generic
        self.sources = dict(sources or {})
        self._exact = {f.pattern: f for f in self.fields if "*" not in f.pattern.replace("[*]", "")}
        self._wild = tuple((_compile(f.pattern), f) for f in self.fields
                           if f.pattern not in self._exact)
        self._lookup = lru_cache(maxsize=4096)(self._find)

    @property
    def fingerprint(self) -> str:
        """Identifies the catalogue's content (for caches of comparisons made under it)."""
        text = repr((self.generic, self.fields, sorted(self.sources.items())))
        return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:16]

    @classmethod
    def of(cls, policy: Policy) -> Catalog:
        """A policy's field catalogue, with the titles of every source it cites, built once per
        policy: a report asks for it about a thousand times, and a catalogue never changes."""
        hit = _BUILT.get(id(policy))
        if hit is not None and hit[0] is policy:  # the entry holds `policy`: ids cannot repeat
            return hit[1]
        if len(_BUILT) >= 64:
            _BUILT.clear()
        catalog = cls(policy.fields, sources=source_titles(policy))
        _BUILT[id(policy)] = (policy, catalog)
        return catalog

    def titled(self, citation: Citation | None) -> Citation | None:
        """The citation with its source's title, so that readers never see a source id."""
        if citation is None or citation.source not in self.sources:
            return citation
        return replace(citation, title=self.sources[citation.source])

    def spec(self, path: Path) -> FieldSpec | None:
        """The spec for `path`, exact patterns first, then the first wildcard that matches."""
        return self._lookup(pattern_of(path))

    def _find(self, pattern: str) -> FieldSpec | None:
        found = self._exact.get(pattern)
        if found is None:
            found = next((f for regex, f in self._wild if regex.fullmatch(pattern)), None)
        return found

    def identity_key(self, list_path: Path, items: list[Any]) -> str | None:
        """The key that identifies the items of a list of mappings, or None if it has none."""
        spec = self.spec(list_path)
        if not items:
            return spec.key if spec and spec.key else None
        if not all(isinstance(item, dict) for item in items):
            return None
        candidates = (spec.key,) if spec and spec.key else GENERIC_KEYS
        for key in candidates:
            values = [item.get(key) for item in items]
            if all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values) \
                    and len(set(map(str, values))) == len(values):
                return key
        return None

    def label(self, path: Path, lang: str = "en") -> str:
        """A human path: catalogue labels where known, item identities, raw keys otherwise."""
        parts: list[str] = []
        for i in range(len(path)):
            seg = path[i]
            spec = self.spec(path[: i + 1])
            if isinstance(seg, ItemKey):
                parts.append(_item_label(spec, seg, lang))
            elif isinstance(seg, int):
                parts.append(f"#{seg + 1}")
            else:
                parts.append(spec.label.get(lang) if spec else seg)
        return " › ".join(parts)


def _item_label(spec: FieldSpec | None, seg: ItemKey, lang: str) -> str:
    if spec is None:
        return seg.value
    return f"{spec.label.get(lang)}: {seg.value}" if spec.label.get(lang) else seg.value


def source_titles(policy: Policy) -> dict[str, Text]:
    """The title of every source of a policy: its bibliography, then its snapshots' lists."""
    titles = {source.id: source.title for source in policy.sources}
    for snapshot in policy.snapshots:
        for source in snapshot.meta.sources:
            titles.setdefault(source.id, source.title)
    return titles


def text_of(value: Any) -> Text:
    """A `Text` from a YAML value: a mapping with en/zh, or a plain string."""
    if isinstance(value, dict):
        return Text(str(value.get("en", "")), str(value.get("zh", "")))
    return Text(str(value or ""), "")


def parse_path(text: str) -> Path:
    """`a.b[id=x].c`, `a.b[x]` (any identity key), `a.b[3]` (a position) → a path."""
    out: list[Any] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == ".":
            i += 1
            continue
        if ch == "[":
            end = text.find("]", i)
            if end < 0:
                raise ValueError(f"unclosed '[' in path {text!r}")
            inner = text[i + 1:end]
            if inner.isdigit():
                out.append(int(inner))
            elif "=" in inner:
                key, _, value = inner.partition("=")
                out.append(ItemKey(key, value))
            else:
                out.append(ItemKey("*", inner))
            i = end + 1
            continue
        if ch == '"':
            end = i + 1
            chunk = []
            while end < n and text[end] != '"':
                if text[end] == "\\" and end + 1 < n:
                    end += 1
                chunk.append(text[end])
                end += 1
            out.append("".join(chunk))
            i = end + 1
            continue
        end = i
        while end < n and text[end] not in ".[":
            end += 1
        out.append(text[i:end])
        i = end
    if not out:
        raise ValueError("empty path")
    return tuple(out)


def concrete_path(data: Any, path: Path) -> Path:
    """`path` with each `[*=x]` item named by the identity key the data actually uses."""
    out: list[Any] = []
    node = data
    for seg in path:
        if isinstance(seg, ItemKey) and seg.key == "*" and isinstance(node, list):
            item = next((i for i in node if _matches(i, seg)), None)
            key = next((k for k in GENERIC_KEYS if isinstance(item, dict)
                        and str(item.get(k)) == seg.value), "")
            seg = ItemKey(key, seg.value)
        out.append(seg)
        found, node = lookup(node, (seg,)) if node is not None else (False, None)
        if not found:
            node = None
    return tuple(out)


def lookup(data: Any, path: Path) -> tuple[bool, Any]:
    """(found, value) at `path`; `[*=x]` items match any identity key equal to x."""
    node = data
    for seg in path:
        if isinstance(seg, ItemKey) and isinstance(node, list):
            node = next((item for item in node if _matches(item, seg)), _MISSING)
        elif isinstance(seg, int) and isinstance(node, list):
            node = node[seg] if seg < len(node) else _MISSING
        elif isinstance(seg, str) and isinstance(node, dict):
            node = node.get(seg, _MISSING)
        else:
            node = _MISSING
        if node is _MISSING:
            return False, None
    return True, node


_MISSING = object()


def _matches(item: Any, seg: ItemKey) -> bool:
    # Called for every item of every list a path goes through (thousands of times for one
    # report): written out rather than as `any(...)` over a generator, which costs twice as much.
    if isinstance(item, dict):
        value = seg.value
        for key in (GENERIC_KEYS if seg.key == "*" else (seg.key,)):
            found = item.get(key, _MISSING)
            if found is not _MISSING and (found if type(found) is str else str(found)) == value:
                return True
        return False
    return seg.key in ("", "*") and not isinstance(item, (dict, list)) and \
        (str(item).lower() if isinstance(item, bool) else str(item)) == seg.value
