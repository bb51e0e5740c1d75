"""OpenFisca parameters read natively: parameters, scales and nodes as frozen values.

The shapes and checks follow openfisca-core's `parameters` package: a parameter has `values`
(a map from a `YYYY-MM-DD` date to `{value: X}` or `X`; `null` ends the parameter), a scale
has `brackets` (each with dated `threshold` and `rate`, `amount`, `average_rate` or `base`),
a node is a folder (with an optional `index.yaml`) or a file of children; the keys allowed at
each level are openfisca-core's. Pure: documents in, values and problems out.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from collections.abc import Iterable, Iterator

from .errors import LoadError
from .model import Document, Path, Position
from .openfisca_model import (DatedValue, Node, Parameter, ParameterTree, Reference,
                              Series)

COMMON_KEYS = ("description", "documentation", "metadata", "reference", "unit")
PARAMETER_KEYS = COMMON_KEYS + ("values",)
SCALE_KEYS = COMMON_KEYS + ("brackets",)
VALUE_KEYS = ("metadata", "reference", "unit", "value")
BRACKET_FIELDS = ("threshold", "rate", "amount", "average_rate", "base")
BRACKET_KEYS = BRACKET_FIELDS + ("description", "documentation", "metadata")
_DATE = re.compile(r"\d{4}-\d\d-\d\d\Z")
_YAML11_NUMBER = re.compile(r"[-+]?[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?\Z")


def is_date(text: Any) -> bool:
    """`YYYY-MM-DD` and a real calendar date."""
    if not isinstance(text, str) or not _DATE.match(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _dated_map(data: Any) -> bool:
    return isinstance(data, dict) and bool(data) and all(_DATE.match(str(k)) for k in data)


def kind_of(data: Any) -> str:
    """`parameter`, `scale`, `node` or "" (not OpenFisca's shape), as openfisca-core decides."""
    if not isinstance(data, dict):
        return ""
    if "values" in data:
        return "parameter" if isinstance(data["values"], dict) else ""
    if "brackets" in data:
        brackets = data["brackets"]
        ok = isinstance(brackets, list) and all(
            isinstance(b, dict) and any(f in b and isinstance(b[f], dict) for f in
                                        BRACKET_FIELDS) for b in brackets)
        return "scale" if ok else ""
    if _dated_map(data):
        return "parameter"
    # Lazily: a large generic file is told apart at its first child that is not a parameter.
    children = (v for k, v in data.items() if k not in COMMON_KEYS)
    first = next(children, None)
    if first is not None and kind_of(first) and all(kind_of(child) for child in children):
        return "node"
    return ""


def looks_like_openfisca(data: Any) -> bool:
    """Whether a file's data has OpenFisca's shape (a parameter, a scale or a node of them)."""
    return bool(kind_of(data)) and not (isinstance(data, dict) and set(data) >= {"snapshot",
                                                                              "rules"})


class _Reader:
    """Reads one document, collecting problems with their `file:line:col`."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[LoadError] = []
        self.parameters: list[Parameter] = []
        self.nodes: list[Node] = []

    def problem(self, path: Path, message: str) -> None:
        pos = self.doc.source_map.locate(self.doc.data, path)
        line, col = (pos.line, pos.col) if pos else (1, 1)
        self.problems.append(LoadError(message, self.doc.name, line, col))

    def position(self, path: Path) -> Position | None:
        pos = self.doc.source_map.locate(self.doc.data, path, exact=True)
        return Position(pos.line, pos.col, self.doc.name) if pos else None

    def keys(self, data: dict[str, Any], path: Path, allowed: tuple[str, ...], what: str,
             name: str) -> None:
        for key in data:
            if key not in allowed:
                self.problem(path + (key,), f"unexpected property {key!r} in {what} "
                                            f"{name!r}; allowed: {', '.join(allowed)}")

    def read(self, data: Any, path: Path, name: str) -> None:
        kind = kind_of(data)
        if kind == "parameter":
            self.parameter(data, path, name)
        elif kind == "scale":
            self.scale(data, path, name)
        elif isinstance(data, dict) and data:
            self.node(data, path, name)
        else:
            self.problem(path, f"{name!r} must be a mapping: a parameter (values), a scale "
                               "(brackets) or a node of them")

    def node(self, data: dict[str, Any], path: Path, name: str) -> None:
        self.meta(data, path, name)
        description = data.get("description")
        self.nodes.append(Node(name, description if isinstance(description, str) else "",
                               self.doc.name))
        for key, child in data.items():
            if key in COMMON_KEYS:
                continue
            if "." in key or not key:
                self.problem(path + (key,), f"child name {key!r} must not be empty nor "
                                            "contain a dot")
                continue
            self.read(child, path + (key,), f"{name}.{key}" if name else key)

    def meta(self, data: dict[str, Any], path: Path, name: str) -> dict[str, Any]:
        metadata = data.get("metadata", {})
        if not isinstance(metadata, dict):
            self.problem(path + ("metadata",), f"'metadata' of {name!r} must be a mapping")
            return {}
        out = dict(metadata)
        for key in ("unit", "reference"):  # openfisca-core's backward compatibility
            if data.get(key) is not None:
                out[key] = data[key]
        description = data.get("description")
        if description is not None and not isinstance(description, str):
            self.problem(path + ("description",), f"'description' of {name!r} must be text")
        return out

    def positions(self, data: dict[str, Any], path: Path) -> dict[str, Position]:
        """Positions of the description and of metadata entries and their dated items."""
        out: dict[str, Position] = {}
        metadata = data.get("metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        keys: list[Path] = [("description",)] + [("metadata", k) for k in metadata]
        for steps in keys:
            where = self.position(path + steps)
            if where is not None:
                out[".".join(map(str, steps))] = where
            value = metadata.get(steps[-1]) if len(steps) == 2 else None
            if isinstance(value, dict):
                for date in value:
                    where = self.position(path + steps + (date,))
                    if where is not None:
                        out[".".join(map(str, steps + (date,)))] = where
        return out

    def parameter(self, data: dict[str, Any], path: Path, name: str) -> None:
        if "values" in data:
            self.keys(data, path, PARAMETER_KEYS, "parameter", name)
            metadata, values_path = self.meta(data, path, name), path + ("values",)
            description, values = data.get("description"), data["values"]
        else:
            metadata, values_path, description, values = {}, path, None, data
        if not values:
            self.problem(values_path, f"'values' of {name!r} is empty")
        series = Series("value", None, tuple(self.values(values, values_path, name)))
        self.parameters.append(Parameter(
            name, "parameter", description if isinstance(description, str) else "", metadata,
            (series,), tuple(self.references(metadata, path, name)), self.doc.name,
            self.positions(data, path) if "values" in data else {}))

    def values(self, values: dict[str, Any], path: Path, name: str) -> Iterator[DatedValue]:
        for date in sorted(values):
            info, here = values[date], path + (date,)
            if not is_date(date):
                self.problem(here, f"invalid date {date!r} in {name!r} (expected a real "
                                   "date written YYYY-MM-DD, such as 2017-01-15)")
                continue
            if info == "expected" or isinstance(info, dict) and info.get("expected"):
                continue  # openfisca-core ignores expected values: they are notes
            if isinstance(info, dict):
                self.keys(info, here, VALUE_KEYS, "the value of", f"{name}[{date}]")
                if "value" not in info:
                    self.problem(here, f"missing 'value' for {name!r} at {date}")
                    continue
                value, where = info["value"], here + ("value",)
            else:
                value, where = info, here
            if isinstance(value, str) and _YAML11_NUMBER.match(value):
                # openfisca-core reads YAML 1.1, where `500_000` is a number (this project's
                # loader reads YAML 1.2, where it is text): read it as openfisca-core does.
                cleaned = value.replace("_", "")
                value = float(cleaned) if "." in cleaned else int(cleaned)
            if isinstance(value, (str, dict)):
                self.problem(where, f"the value of {name!r} at {date} must be a number, true, "
                                    f"false, null or a list (found {type(value).__name__})")
                continue
            yield DatedValue(date, value, self.position(where))

    def scale(self, data: dict[str, Any], path: Path, name: str) -> None:
        self.keys(data, path, SCALE_KEYS, "scale", name)
        metadata = self.meta(data, path, name)
        series: list[Series] = []
        for index, bracket in enumerate(data["brackets"]):
            here = path + ("brackets", index)
            self.keys(bracket, here, BRACKET_KEYS, "bracket", f"{name}[{index}]")
            for column in BRACKET_FIELDS:
                if column not in bracket:
                    continue
                raw, where = bracket[column], here + (column,)
                if isinstance(raw, dict) and "values" in raw:
                    raw, where = raw["values"], where + ("values",)
                if not _dated_map(raw):
                    self.problem(where, f"'{column}' of bracket {index} of {name!r} must map "
                                        "dates (YYYY-MM-DD) to values")
                    continue
                label = f"{name}[{index}].{column}"
                series.append(Series(column, index, tuple(self.values(raw, where, label))))
        description = data.get("description")
        self.parameters.append(Parameter(
            name, "scale", description if isinstance(description, str) else "", metadata,
            tuple(series), tuple(self.references(metadata, path, name)), self.doc.name,
            self.positions(data, path)))

    def references(self, metadata: dict[str, Any], path: Path, name: str) -> Iterator[Reference]:
        raw = metadata.get("reference")
        if raw is None:
            return
        if isinstance(raw, dict) and all(is_date(k) for k in raw):
            for date in sorted(raw):
                yield from _references(date, raw[date])
        else:
            yield from _references("", raw)


def _references(date: str, raw: Any) -> Iterator[Reference]:
    items = raw if isinstance(raw, list) else [raw]
    for item in items:
        if isinstance(item, dict):
            title, href = item.get("title"), item.get("href")
            yield Reference(date, str(title or href or ""), str(href or ""))
        elif item is not None:
            text = str(item)
            yield Reference(date, text, text if text.startswith(("http://", "https://")) else "")


def read_document(doc: Document, name: str, index: bool = False) -> ParameterTree:
    """One file as parameters: `name` is its dotted name; an `index.yaml` describes a node."""
    reader = _Reader(doc)
    data = doc.data
    if index:
        if isinstance(data, dict):
            reader.keys(data, (), COMMON_KEYS, "node index", name or ".")
            description = data.get("description")
            reader.meta(data, (), name)
            reader.nodes.append(Node(name, description if isinstance(description, str) else "",
                                     doc.name))
    else:
        reader.read(data, (), name)
    return ParameterTree(name, tuple(reader.parameters), tuple(reader.nodes),
                         tuple(reader.problems))


def merge_trees(name: str, trees: Iterable[ParameterTree]) -> ParameterTree:
    """Trees read from the files of a folder, as one tree sorted by parameter name."""
    parameters: dict[str, Parameter] = {}
    nodes: list[Node] = []
    problems: list[LoadError] = []
    for tree in trees:
        nodes.extend(tree.nodes)
        problems.extend(tree.problems)
        for parameter in tree.parameters:
            if parameter.name in parameters:
                problems.append(LoadError(f"parameter {parameter.name!r} is defined twice "
                                          f"(also in {parameters[parameter.name].file})",
                                          parameter.file, 1, 1))
                continue
            parameters[parameter.name] = parameter
    return ParameterTree(name, tuple(sorted(parameters.values(), key=lambda p: p.name)),
                         tuple(sorted(nodes, key=lambda n: n.name)), tuple(problems))
