"""Changes between two OpenFisca parameter trees, in OpenFisca's terms.

Each dated value added, removed or corrected, each reference and metadata edit becomes one
`Change` with a sentence in English, Chinese and French (the catalogue's `openfisca.` keys), the
parameter's description as its label, its unit formatted, and the effective date it touches
(from which `Diff.periods()` gives the periods concerned). Pure: values in, a Diff out.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from .classify import RULES
from .i18n import message
from .model import (Change, ChangeKind, Diff, Direction, JSONValue, Path, Position, Severity,
                    Text)
from .openfisca import BRACKET_FIELDS
from .openfisca_model import DatedValue, Parameter, ParameterTree, Series

LANGS = ("en", "zh", "fr")
_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d\Z")
_UNIT_KEYS = ("unit", "threshold_unit", "rate_unit", "amount_unit", "type")


def _number(value: float, lang: str) -> str:
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.10f}".rstrip("0").rstrip(".")
    if lang == "fr":
        return text.replace(",", "\u202f").replace(".", ",")
    return text


def show(value: JSONValue, unit: str, lang: str) -> str:
    """A value with its unit: `11.65 EUR`, `6.8%`, `3 years`; null, true and false as written."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if not isinstance(value, (int, float)):
        return str(value)
    if unit == "/1":
        percent = round(value * 100, 10)
        return _number(percent, lang) + (" %" if lang == "fr" else "%")
    text = _number(value, lang)
    if unit.startswith("currency-"):
        return f"{text} {unit[len('currency-'):]}"
    if unit.startswith("currency_"):  # currency_next_year and the like: amounts of money
        unit = "currency"
    if unit in ("currency", "year", "month", "day", "hour"):
        word = message(f"openfisca.unit.{unit}", lang)
        return f"{text}{word}" if lang == "zh" and unit != "currency" else f"{text} {word}"
    return f"{text} {unit}" if unit else text


def _day(value: Any, lang: str) -> Any:
    """Dates as French readers write them (01/01/2025); ISO in English and Chinese."""
    if lang == "fr" and isinstance(value, str) and _ISO_DAY.match(value):
        return f"{value[8:10]}/{value[5:7]}/{value[:4]}"
    return value


def _texts(message_key: str, **values: Any) -> Text:
    """A message in every language; values that are Text are taken in each language."""
    out = {}
    for lang in LANGS:
        filled = {k: (v.get(lang) if isinstance(v, Text) else v(lang) if callable(v) else
                      _day(v, lang)) for k, v in values.items()}
        out[lang] = message(message_key, lang, **filled)
    return Text(out["en"], out["zh"], out["fr"])


class _Builder:
    """Builds the changes of one parameter present on both sides (or one side)."""

    def __init__(self, severities: Mapping[str, Severity]) -> None:
        self.severities = severities
        self.changes: list[Change] = []

    def add(self, parameter: Parameter, path: Path, kind: ChangeKind, rule: str, old: Any,
            new: Any, sentence: Text, effective: str = "", unit: str = "",
            old_position: Position | None = None,
            new_position: Position | None = None, before: Parameter | None = None) -> None:
        if before is not None:  # a metadata change: located in each side's file
            old_position = before.position(path) if old is not None else None
            new_position = parameter.position(path) if new is not None else None
        full = tuple(parameter.name.split(".")) + path
        fingerprint = hashlib.sha256(json.dumps(
            [rule, list(full), kind.value, old, new], sort_keys=True, ensure_ascii=False,
            default=str).encode("utf-8")).hexdigest()[:16]
        direction = Direction.NEUTRAL if rule in ("openfisca-reference-changed",
                                                  "openfisca-metadata-changed") \
            else Direction.UNKNOWN
        owner = before if before is not None and new is None else parameter
        position = Position(1, 1, owner.file) if owner.file else None
        self.changes.append(Change(
            path=full, kind=kind, old=old, new=new, rule=rule, direction=direction,
            severity=self.severities.get(rule, RULES[rule].severity), label=parameter.label,
            sentence=sentence, fingerprint=fingerprint, unit=unit,
            area=_texts("openfisca.area"), old_position=old_position,
            new_position=new_position or (None if old_position else position),
            parameter=parameter.name, effective=effective))


def _subject(parameter: Parameter, series: Series) -> Text:
    if series.bracket is None:
        return _texts("openfisca.subject", label=parameter.label, name=parameter.name)
    return _texts("openfisca.subject.bracket", label=parameter.label, name=parameter.name,
                  number=series.bracket + 1,
                  field=lambda lang: message(f"openfisca.field.{series.field}", lang))


def _series_path(series: Series, date: str = "") -> Path:
    head: Path = ("values",) if series.bracket is None else ("brackets", series.bracket,
                                                             series.field)
    return head + ((date,) if date else ())


def _span(series: Series) -> str:
    dates = [v.date for v in series.values]
    return f"{dates[0]}/{dates[-1]}" if len(dates) > 1 else (dates[0] if dates else "")


def _with_reference(sentence: Text, parameter: Parameter, date: str) -> Text:
    ref = parameter.reference_at(date)
    if ref is None or not ref.title:
        return sentence
    return _texts("openfisca.with_reference", sentence=sentence, reference=ref.title)


def _compare_series(b: _Builder, parameter: Parameter, old: Series, new: Series) -> None:
    unit = parameter.unit_of(new.field)
    subject = _subject(parameter, new)
    old_dates = {v.date: v for v in old.values}
    new_dates = {v.date: v for v in new.values}
    # Retroactive: dated before a value that both versions have (a removed one does not count).
    kept = set(old_dates) & set(new_dates)
    last_old = max(kept) if kept else ""
    for date in sorted(set(old_dates) | set(new_dates)):
        before, after = old_dates.get(date), new_dates.get(date)
        path = _series_path(new, date)
        if before is not None and after is not None:
            if before.value == after.value and type(before.value) is type(after.value) or \
                    _same_number(before.value, after.value):
                continue
            sentence = _texts("openfisca.value.corrected", subject=subject, date=date,
                              old=lambda lang, v=before.value: show(v, unit, lang),
                              new=lambda lang, v=after.value: show(v, unit, lang))
            b.add(parameter, path, ChangeKind.MODIFIED, "openfisca-value-corrected",
                  before.value, after.value, _with_reference(sentence, parameter, date), date,
                  unit, before.position, after.position)
        elif after is not None:
            _added_value(b, parameter, new, subject, after, last_old, unit)
        elif before is not None:
            sentence = _texts("openfisca.value.removed", subject=subject, date=date,
                              value=lambda lang, v=before.value: show(v, unit, lang))
            b.add(parameter, path, ChangeKind.REMOVED, "openfisca-value-removed", before.value,
                  None, sentence, date, unit, before.position)


def _same_number(a: Any, b: Any) -> bool:
    """0 and 0.0 are one value to OpenFisca: a rewrite of the number is no change."""
    numbers = (int, float)
    return isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) \
        and not isinstance(b, bool) and a == b


def _added_value(b: _Builder, parameter: Parameter, new: Series, subject: Text,
                 after: DatedValue, last_old: str, unit: str) -> None:
    date, value = after.date, after.value
    path = _series_path(new, date)

    def shown(lang: str) -> str:
        return show(value, unit, lang)

    if last_old and date < last_old:
        rule, key = "openfisca-value-retroactive", "openfisca.value.retroactive"
        sentence = _texts(key, subject=subject, date=date, value=shown)
    elif value is None:
        rule, sentence = "openfisca-value-ended", _texts("openfisca.value.end", subject=subject,
                                                         date=date)
    else:
        previous = _previous(new, date)
        if previous is None:
            rule = "openfisca-value-set"
            sentence = _texts("openfisca.value.first", subject=subject, date=date, value=shown)
        else:
            rule = _trend(previous.value, value)
            sentence = _texts("openfisca.value.next", subject=subject, date=date, value=shown,
                              previous=lambda lang: show(previous.value, unit, lang),
                              previous_date=previous.date)
    b.add(parameter, path, ChangeKind.ADDED, rule, None, value,
          _with_reference(sentence, parameter, date), date, unit, None, after.position)


def _previous(series: Series, date: str) -> DatedValue | None:
    found = None
    for item in series.values:
        if item.date < date:
            found = item
    return found


def _trend(old: Any, new: Any) -> str:
    numbers = (int, float)
    if isinstance(old, numbers) and isinstance(new, numbers) and not isinstance(old, bool) \
            and not isinstance(new, bool) and old != new:
        return "openfisca-value-raised" if new > old else "openfisca-value-lowered"
    return "openfisca-value-set"


def _whole(b: _Builder, parameter: Parameter, series: Series, added: bool,
           whole_parameter: bool) -> None:
    if not series.values:
        return
    unit = parameter.unit_of(series.field)
    key = ("openfisca.parameter." if whole_parameter else "openfisca.series.") + \
        ("added" if added else "removed") + ("_one" if len(series.values) == 1 else "")
    last = series.values[-1]
    sentence = _texts(key, subject=_subject(parameter, series), count=len(series.values),
                      start=series.values[0].date, end=last.date,
                      value=lambda lang: show(last.value, unit, lang))
    values = {v.date: v.value for v in series.values}
    rule = "openfisca-parameter-added" if added else "openfisca-parameter-removed"
    b.add(parameter, _series_path(series), ChangeKind.ADDED if added else ChangeKind.REMOVED,
          rule, None if added else values, values if added else None, sentence,
          _span(series), parameter.unit_of(series.field),
          None if added else series.values[0].position,
          series.values[0].position if added else None)


def _compare_references(b: _Builder, old: Parameter, new: Parameter) -> None:
    subject = _texts("openfisca.subject", label=new.label, name=new.name)
    before: dict[str, list[str]] = {}
    after: dict[str, list[str]] = {}
    for refs, table in ((old.references, before), (new.references, after)):
        for ref in refs:
            table.setdefault(ref.date, []).append(ref.title if ref.title == ref.href or not
                                                  ref.href else f"{ref.title} <{ref.href}>")
    for date in sorted(set(before) | set(after)):
        a, z = "; ".join(before.get(date, [])), "; ".join(after.get(date, []))
        if a == z:
            continue
        titles = {side: "; ".join(_title(t) for t in table.get(date, []))
                  for side, table in (("old", before), ("new", after))}
        when: Any = date or (lambda lang: message("openfisca.reference.undated", lang))
        path: Path = ("metadata", "reference") + ((date,) if date else ())
        if not a:
            sentence, kind = _texts("openfisca.reference.added", subject=subject, date=when,
                                    title=titles["new"]), ChangeKind.ADDED
        elif not z:
            sentence, kind = _texts("openfisca.reference.removed", subject=subject, date=when,
                                    title=titles["old"]), ChangeKind.REMOVED
        else:
            sentence, kind = _texts("openfisca.reference.changed", subject=subject, date=when,
                                    old=titles["old"], new=titles["new"]), ChangeKind.MODIFIED
        b.add(new, path, kind, "openfisca-reference-changed", a or None, z or None, sentence,
              before=old)


def _title(text: str) -> str:
    """A reference as a reader sees it: its title (the link stays in the change's values)."""
    return text.split(" <", 1)[0] if text.endswith(">") else text


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _compare_metadata(b: _Builder, old: Parameter, new: Parameter) -> None:
    subject = _texts("openfisca.subject", label=new.label, name=new.name)
    meta_old = dict(old.metadata, description=old.description)
    meta_new = dict(new.metadata, description=new.description)
    for key in sorted(set(meta_old) | set(meta_new)):
        if key == "reference":
            continue
        a, z = meta_old.get(key), meta_new.get(key)
        if a == z:
            continue
        rule = "openfisca-unit-changed" if key in _UNIT_KEYS else "openfisca-metadata-changed"
        path: Path = ("metadata", key) if key != "description" else ("description",)
        if isinstance(a, dict) and isinstance(z, (dict, type(None))) or \
                isinstance(z, dict) and a is None:
            a, z = a or {}, z or {}
            for date in sorted(set(a) | set(z)):
                if a.get(date) != z.get(date):
                    _meta_change(b, (old, new), subject, path + (date,), rule, key,
                                 a.get(date), z.get(date), date)
            continue
        _meta_change(b, (old, new), subject, path, rule, key, a, z, "")


def _meta_change(b: _Builder, sides: tuple[Parameter, Parameter], subject: Text, path: Path,
                 rule: str, key: str, old: Any, new: Any, date: str) -> None:
    def text(value: Any) -> str:
        return _short(value if isinstance(value, str) else json.dumps(
            value, ensure_ascii=False, default=str))
    shown = {"old": text(old) if old is not None else "", "new": text(new) if new is not None
             else ""}
    suffix = "date_" if date else ""
    if old is None:
        name, kind = "added", ChangeKind.ADDED
    elif new is None:
        name, kind = "removed", ChangeKind.REMOVED
    else:
        name = "moved" if key == "last_value_still_valid_on" else "changed"
        name, kind = (name if not date else "changed"), ChangeKind.MODIFIED
    extra = {"date": date} if date else {}
    sentence = _texts(f"openfisca.metadata.{suffix}{name}", subject=subject, property=key,
                      **shown, **extra)
    b.add(sides[1], path, kind, rule, old, new, sentence, before=sides[0])


def compare_parameters(b: _Builder, old: Parameter | None, new: Parameter | None) -> None:
    """The changes of one parameter (absent on one side: added or removed whole)."""
    if old is None or new is None:
        present = new or old
        assert present is not None
        for series in present.series:
            _whole(b, present, series, added=new is not None,
                   whole_parameter=series.bracket is None)
        return
    old_series = {(s.bracket, s.field): s for s in old.series}
    new_series = {(s.bracket, s.field): s for s in new.series}
    order = ("value",) + BRACKET_FIELDS
    for key in sorted(set(old_series) | set(new_series),
                      key=lambda k: (-1 if k[0] is None else k[0], order.index(k[1]))):
        a, z = old_series.get(key), new_series.get(key)
        if a is not None and z is not None:
            _compare_series(b, new, a, z)
        elif z is not None:
            _whole(b, new, z, added=True, whole_parameter=False)
        elif a is not None:
            _whole(b, old, a, added=False, whole_parameter=False)
    _compare_references(b, old, new)
    _compare_metadata(b, old, new)


def compare_trees(old: ParameterTree, new: ParameterTree,
                  severities: Mapping[str, Severity] | None = None) -> Diff:
    """Every change from one parameter tree to another, parameters in name order."""
    b = _Builder(severities or {})
    before = {p.name: p for p in old.parameters}
    after = {p.name: p for p in new.parameters}
    if len(before) == len(after) == 1 and set(before) != set(after):
        # Two single files compared with each other are one parameter, whatever their names.
        (only,) = after
        before = {only: next(iter(before.values()))}
    for name in sorted(set(before) | set(after)):
        compare_parameters(b, before.get(name), after.get(name))
    return Diff(old.name, new.name, tuple(b.changes))
