"""OpenFisca parameters as values: dated values, series, parameters, trees and histories."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .errors import LoadError
from .model import JSONValue, Path, Position, Text


@dataclass(frozen=True)
class DatedValue:
    """One value of a parameter, in force from `date` (ISO) until the next one."""

    date: str
    value: JSONValue
    position: Position | None = None


@dataclass(frozen=True)
class Reference:
    """A legal reference: for a date (or for the whole parameter when `date` is empty)."""

    date: str
    title: str
    href: str = ""


@dataclass(frozen=True)
class Series:
    """The dated values of a parameter, or of one field of one bracket of a scale."""

    field: str
    bracket: int | None
    values: tuple[DatedValue, ...]

    def at(self, date: str) -> DatedValue | None:
        """The value in force on `date` (the latest dated on or before it)."""
        found = None
        for item in self.values:
            if item.date <= date:
                found = item
        return found

    def get(self, date: str) -> DatedValue | None:
        """The value dated exactly `date`."""
        return next((v for v in self.values if v.date == date), None)


@dataclass(frozen=True)
class Parameter:
    """A parameter or a scale, named by its dotted path from the root of the tree."""

    name: str
    kind: str
    description: str
    metadata: dict[str, JSONValue]
    series: tuple[Series, ...]
    references: tuple[Reference, ...]
    file: str = ""
    positions: dict[str, Position] = field(default_factory=dict)
    currency: str = ""
    """The ISO 4217 code a bare `currency` unit stands for (given by the user; "" unknown)."""
    """Where the description and each metadata entry (and its dates) were written, by path
    text such as `metadata.reference.2024-01-01`."""

    def position(self, path: Path) -> Position | None:
        """Where the entry at `path` (below the parameter) was written, or the nearest
        enclosing entry that has a position."""
        for end in range(len(path), 0, -1):
            found = self.positions.get(".".join(map(str, path[:end])))
            if found is not None:
                return found
        return None

    @property
    def label(self) -> Text:
        """The description (French in OpenFisca's packages) and `label_en` where given."""
        english = self.metadata.get("label_en")
        en = english if isinstance(english, str) and english else ""
        return Text(en or self.description or self.name, en or self.description or self.name,
                    self.description or en or self.name)

    def unit_of(self, field: str) -> str:
        """The unit of a series: `unit`, or a scale's `threshold_unit`, `rate_unit`, …"""
        key = "unit" if field == "value" else f"{field}_unit"
        unit = self.metadata.get(key)
        if not unit and field == "average_rate":
            unit = self.metadata.get("rate_unit")
        if not isinstance(unit, str):
            return ""
        if self.currency and (unit == "currency" or unit.startswith("currency_")):
            return f"currency-{self.currency}"
        return unit

    def reference_at(self, date: str) -> Reference | None:
        """The reference dated on or before `date` (the latest), or an undated one."""
        found = None
        for ref in self.references:
            if not ref.date or ref.date <= date:
                found = ref
        return found


@dataclass(frozen=True)
class Node:
    """A node of the tree: a folder (its `index.yaml`) or a file holding children."""

    name: str
    description: str
    file: str = ""


@dataclass(frozen=True)
class ParameterTree:
    """Every parameter and node read from a file or folder, with the problems found."""

    name: str
    parameters: tuple[Parameter, ...]
    nodes: tuple[Node, ...] = ()
    problems: tuple[LoadError, ...] = ()

    def parameter(self, name: str) -> Parameter | None:
        """The parameter called `name`, if any."""
        return next((p for p in self.parameters if p.name == name), None)

    def with_currency(self, code: str) -> ParameterTree:
        """The tree with a bare `currency` unit read as `code` (EUR for OpenFisca-France)."""
        if not code:
            return self
        return replace(self, parameters=tuple(replace(p, currency=code)
                                              for p in self.parameters))


@dataclass(frozen=True)
class ValueRow:
    """One dated value as it stands at the ref, with the reference in force then."""

    series: str
    date: str
    value: JSONValue
    reference: str = ""

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form."""
        return {"series": self.series, "date": self.date, "value": self.value,
                "reference": self.reference}


@dataclass(frozen=True)
class ValueEvent:
    """A commit that introduced, corrected or removed a dated value (or could not be read)."""

    kind: str
    series: str
    date: str
    old: JSONValue
    new: JSONValue
    commit: str
    committed: str
    subject: str
    error: str = ""

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form."""
        return {"kind": self.kind, "series": self.series, "date": self.date, "old": self.old,
                "new": self.new, "commit": self.commit, "committed": self.committed,
                "subject": self.subject, "error": self.error or None}


@dataclass(frozen=True)
class ParameterHistory:
    """A parameter's values at a ref and the history of each value across commits."""

    name: str
    label: Text
    kind: str
    units: tuple[tuple[str, str], ...]
    file: str
    ref: str
    values: tuple[ValueRow, ...]
    events: tuple[ValueEvent, ...]

    def unit(self, series: str) -> str:
        """The unit of a series (`value`, or a scale's `threshold`, `rate`, …)."""
        field = series.rsplit(".", 1)[-1]
        return next((u for name, u in self.units if name == field), "")

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form."""
        return {"name": self.name, "label": self.label.to_dict(), "kind": self.kind,
                "units": dict(self.units), "file": self.file, "ref": self.ref,
                "values": [v.to_dict() for v in self.values],
                "events": [e.to_dict() for e in self.events]}


def series_name(field: str, bracket: int | None) -> str:
    """`value`, or `brackets[2].threshold` (0-based, as openfisca-core names brackets)."""
    return field if bracket is None else f"brackets[{bracket}].{field}"
