"""The field catalogue as a contract: known rule keys, typed values, required citations."""

from __future__ import annotations

import difflib
import re
from typing import Any

from .catalog import ANNOTATION_KEYS, GENERIC_KEYS, Catalog, pattern_of
from .errors import LoadError
from .i18n import message
from .model import Document, FieldSpec, ItemKey, Path, Position, format_path

SCALAR_TYPES = ("integer", "number", "money", "percentage", "duration", "date", "enum",
                "boolean", "text", "bilingual")
"""Types whose values are rule values (a citation is required on them when the policy says so)."""
OWN_CITATION_TYPES = ("integer", "number", "money", "percentage", "duration", "date", "enum",
                      "boolean")
"""Types whose values, when a citation is required, must carry their own `cite`."""
CONTAINER_TYPES = ("list", "group")
TYPES = SCALAR_TYPES + CONTAINER_TYPES

TIME_UNITS = ("hours", "days", "working days", "weeks", "months", "years")
DURATION_UNITS = TIME_UNITS + tuple(f"{unit} per {per}" for unit in TIME_UNITS
                                    for per in ("week", "month", "year"))
"""Units a `duration` may have: a length of time, or a length of time in each period."""
PERCENT_UNITS = ("", "percent", "%")
_CURRENCY = re.compile(r"[A-Z]{3}\Z")
_DATE = re.compile(r"\d{4}-\d\d-\d\d\Z")
WRAPPER_KEYS = ("value",) + ANNOTATION_KEYS
_LANGS = ("en", "zh")


def _at(doc: Document, path: Path, text: str) -> LoadError:
    pos = doc.source_map.locate(doc.data, path) or Position(0, 0)
    return LoadError(text, doc.name, pos.line, pos.col)


def check_fields(doc: Document, fields: tuple[FieldSpec, ...]) -> list[LoadError]:
    """Declarations of policy.yaml's catalogue that cannot be honoured (units, enum values)."""
    found: list[LoadError] = []
    first: dict[str, int] = {}
    for i, spec in enumerate(fields):
        where: Path = ("fields", i)
        name = repr(spec.pattern)
        if spec.pattern in first:
            line = (doc.source_map.locate(doc.data, ("fields", first[spec.pattern])) or
                    Position(0, 0)).line
            found.append(_at(doc, where + ("path",), message(
                "validate.field.duplicate", "en", field=name, line=line)))
            continue
        first[spec.pattern] = i
        unit = repr(spec.unit)
        if spec.type == "money" and not _CURRENCY.match(spec.unit):
            found.append(_at(doc, where + ("unit",) if spec.unit else where,
                             message("validate.field.currency", "en", field=name, unit=unit)))
        elif spec.type == "duration" and spec.unit not in DURATION_UNITS:
            found.append(_at(doc, where + ("unit",) if spec.unit else where, message(
                "validate.field.duration", "en", field=name, unit=unit,
                units=", ".join(TIME_UNITS))))
        elif spec.type == "percentage" and spec.unit not in PERCENT_UNITS:
            found.append(_at(doc, where + ("unit",), message(
                "validate.field.percentage", "en", field=name, unit=unit)))
        if spec.type == "enum" and not spec.values:
            found.append(_at(doc, where + ("type",), message(
                "validate.field.enum_values", "en", field=name)))
        elif spec.values and spec.type != "enum":
            found.append(_at(doc, where + ("values",), message(
                "validate.field.values_not_enum", "en", field=name, type=spec.type or "none")))
    return found


def check_values(doc: Document, catalog: Catalog, citations: str = "optional") -> list[LoadError]:
    """Every rule key known to the catalogue, every value of its field's type, citations."""
    rules = doc.data.get("rules") if isinstance(doc.data, dict) else None
    typed = any(f.type for f in catalog.fields)
    if not isinstance(rules, dict) or catalog.generic or not (
            typed or citations == "required" or any(f.citation for f in catalog.fields)):
        return []  # nothing declared to check: cost nothing
    walker = _Walker(doc, catalog, citations == "required")
    walker.mapping(rules, ("rules",), (), False, "", strict=typed)
    return walker.found


def _is_wrapper(node: Any) -> bool:
    return isinstance(node, dict) and "value" in node and all(k in WRAPPER_KEYS for k in node)


def _shown(data: Any, path: Path) -> str:
    """`path` for a reader: list items by their identity (`routes[id=investment]`)."""
    out: list[Any] = []
    node = data
    for seg in path:
        if isinstance(seg, int) and isinstance(node, list) and seg < len(node):
            node = node[seg]
            key = next((k for k in GENERIC_KEYS if isinstance(node, dict)
                        and isinstance(node.get(k), (str, int))), None)
            out.append(ItemKey(key, str(node[key])) if key else seg)
        else:
            node = node.get(seg) if isinstance(node, dict) and isinstance(seg, str) else None
            out.append(seg)
    return format_path(tuple(out))


def _got(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


class _Walker:
    """One pass over a snapshot's rules, collecting every problem."""

    def __init__(self, doc: Document, catalog: Catalog, cite_all: bool) -> None:
        self.doc, self.catalog, self.cite_all = doc, catalog, cite_all
        self.found: list[LoadError] = []
        children: dict[str, set[str]] = {}
        anywhere: set[str] = set()  # `*.title`: a key any mapping may have
        for spec in catalog.fields:
            head, _, last = spec.pattern.rpartition(".")
            if "*" in last or "[" in last:
                continue
            if head == "*":
                anywhere.add(last)
            else:
                children.setdefault(head, set()).add(last)
        self.children, self.anywhere = children, anywhere

    def mapping(self, node: dict[str, Any], path: Path, rule: Path, cited: bool,
                identity: str, strict: bool) -> None:
        """The keys of a group or list item: each known (when `strict`), each value checked."""
        for key, value in node.items():
            if key in ANNOTATION_KEYS or key == identity:
                continue
            spec = self.catalog.spec(rule + (key,))
            if spec is None:
                if strict:
                    self.found.append(self._unknown(key, path, rule))
                continue
            self.field(value, path + (key,), rule + (key,), spec, cited)

    def _unknown(self, key: str, path: Path, rule: Path) -> LoadError:
        known = sorted(self.children.get(pattern_of(rule), set()) | self.anywhere)
        near = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
        where = _shown(self.doc.data, path)
        if near:
            text = message("validate.unknown_key_hint", "en", name=repr(key), where=where,
                           hint=" or ".join(near))
        else:
            text = message("validate.unknown_key", "en", name=repr(key), where=where,
                           known=", ".join(known) or "none")
        return _at(self.doc, path + (key,), text)

    def field(self, node: Any, path: Path, rule: Path, spec: FieldSpec, cited: bool) -> None:
        """One catalogued value: unwrap it, check its type and citation, go inside."""
        own = isinstance(node, dict) and "cite" in node
        cited = cited or own
        value, vpath = node, path
        if _is_wrapper(node):
            value, vpath = node["value"], path + ("value",)
        kind = spec.type
        scalars = isinstance(value, list) and not all(isinstance(i, dict) for i in value)
        if kind in SCALAR_TYPES or not isinstance(value, (dict, list)) or scalars:
            # a number, date or choice is a claim of its own: its citation is its own; a text
            # (an item's title) may rest on the citation of the item it describes
            self._citation(path, spec, own if kind in OWN_CITATION_TYPES else cited)
        if not kind:  # untyped: its value is not checked, but typed fields inside it are
            if isinstance(value, dict):
                self.mapping(value, vpath, rule, cited, "", strict=False)
            elif isinstance(value, list):
                self._items(value, vpath, rule, spec, cited, strict=False)
            return
        if kind in SCALAR_TYPES and isinstance(value, dict) and kind != "bilingual":
            stray = [k for k in value if k not in WRAPPER_KEYS]
            near = difflib.get_close_matches(stray[0], WRAPPER_KEYS, n=1) if stray else []
            if near:
                self.found.append(_at(self.doc, path + (stray[0],), message(
                    "validate.unknown_value_key", "en", name=repr(stray[0]),
                    where=_shown(self.doc.data, path), hint=near[0])))
                return
        problem = self._type_problem(kind, value, spec, _shown(self.doc.data, path))
        if problem:
            self.found.append(_at(self.doc, vpath, problem))
            return
        if kind == "group":
            self.mapping(value, vpath, rule, cited, "", strict=True)
        elif kind == "list":
            self._items(value, vpath, rule, spec, cited, strict=True)

    def _items(self, items: list[Any], path: Path, rule: Path, spec: FieldSpec,
               cited: bool, strict: bool) -> None:
        for i, item in enumerate(items):
            item_spec = self.catalog.spec(rule + (i,))
            item_cited = cited or (isinstance(item, dict) and "cite" in item)
            if isinstance(item, dict) and not _is_wrapper(item) and (
                    item_spec is None or item_spec.type in ("", "group")):
                self.mapping(item, path + (i,), rule + (i,), item_cited, spec.key or "id",
                             strict and (item_spec is None or item_spec.type == "group"))
            elif item_spec is not None:
                self.field(item, path + (i,), rule + (i,), item_spec, cited)

    def _citation(self, path: Path, spec: FieldSpec, cited: bool) -> None:
        needed = spec.citation == "required" or (self.cite_all and spec.citation != "optional")
        if needed and not cited:
            self.found.append(_at(self.doc, path, message(
                "validate.citation_required", "en", where=_shown(self.doc.data, path))))

    def _type_problem(self, kind: str, value: Any, spec: FieldSpec, where: str) -> str:
        expected = message(f"validate.expect.{kind}", "en", unit=spec.unit,
                           values=", ".join(spec.values))
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        wrong = {
            "integer": not (isinstance(value, int) and not isinstance(value, bool)),
            "number": not number, "money": not number, "percentage": not number,
            "duration": not number,
            "date": not (isinstance(value, str) and _DATE.match(value)),
            "enum": value not in spec.values, "boolean": not isinstance(value, bool),
            "text": not isinstance(value, str),
            "bilingual": not _bilingual(value),
            "list": not isinstance(value, list), "group": not isinstance(value, dict),
        }[kind]
        if wrong:
            near = difflib.get_close_matches(str(value), spec.values, n=1) \
                if kind == "enum" and isinstance(value, str) else []
            if near:
                return message("validate.wrong_type_hint", "en", where=where, expected=expected,
                               got=_got(value), hint=near[0])
            return message("validate.wrong_type", "en", where=where, expected=expected,
                           got=_got(value))
        if kind in ("money", "duration") and value < 0:
            return message("validate.negative", "en", where=where, got=_got(value))
        if kind == "percentage" and not 0 <= value <= 100:
            return message("validate.out_of_range", "en", where=where, got=_got(value))
        return ""


def _bilingual(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    texts = {k: v for k, v in value.items() if k not in ANNOTATION_KEYS}
    return bool(texts) and all(k in _LANGS and isinstance(v, str) for k, v in texts.items())
