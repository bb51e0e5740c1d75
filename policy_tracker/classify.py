"""The rule catalogue: each change gets a stable rule id, a direction, a severity, a sentence."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from collections.abc import Mapping

from .i18n import message
from .model import ChangeKind, Citation, Direction, FieldSpec, Severity, Text
from .text import format_value, is_editorial, wants_redline


@dataclass(frozen=True)
class Rule:
    """One entry of the rule catalogue."""

    id: str
    severity: Severity
    summary: str

    @property
    def en(self) -> str:
        """The English sentence template (`rule.<id>` in the message catalogue)."""
        return message(f"rule.{self.id}", "en")

    @property
    def zh(self) -> str:
        """The Chinese sentence template."""
        return message(f"rule.{self.id}", "zh")


_M, _m, _e = Severity.MAJOR, Severity.MINOR, Severity.EDITORIAL
RULES: dict[str, Rule] = {r.id: r for r in (
    Rule("threshold-raised", _M, 'A number the catalogue ranks was raised.'),
    Rule("threshold-lowered", _M, 'A number the catalogue ranks was lowered.'),
    Rule("limit-added", _M, 'A ranked number was set where there was none.'),
    Rule("limit-removed", _M, 'A ranked number was removed.'),
    Rule("route-added", _M, 'An item was added to a list where adding loosens the rules.'),
    Rule("route-removed", _M, 'An item was removed from a list where adding loosens the rules.'),
    Rule("requirement-added", _M, 'An item was added to a list where adding tightens the rules.'),
    Rule("requirement-removed", _M,
         'An item was removed from a list where adding tightens the rules.'),
    Rule("value-changed", _m, 'A value changed where the catalogue gives no direction.'),
    Rule("value-added", _m, 'A value or item was added where the catalogue gives no direction.'),
    Rule("value-removed", _m,
         'A value or item was removed where the catalogue gives no direction.'),
    Rule("type-changed", _m, 'A value changed its type (for example text became a number).'),
    Rule("text-edited", _m, 'A long text was reworded.'),
    Rule("editorial-edit", _e, 'Only whitespace, character width or letter case changed.'),
    Rule("citation-changed", _e, 'The value stayed; its citation changed.'),
    Rule("item-renamed", _m, "An item's identity changed, its content did not."),
    Rule("item-moved", _m, 'An item moved to another place in the rules, unchanged.'),
    Rule("items-reordered", _e, 'The order of an ordered list changed.'),
)}


@dataclass(frozen=True)
class Verdict:
    """The classification of one change."""

    rule: str
    direction: Direction
    severity: Severity


def _scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_DIRECTIONAL = {
    # field direction rule -> the rule ids that make the rules stricter, then looser
    "higher_is_stricter": (("threshold-raised", "limit-added"),
                           ("threshold-lowered", "limit-removed")),
    "higher_is_looser": (("threshold-lowered", "limit-added"),
                         ("threshold-raised", "limit-removed")),
    "adding_is_stricter": (("requirement-added",), ("requirement-removed",)),
    "adding_is_looser": (("route-removed",), ("route-added",)),
}


def _direction_of(rule: str, field_direction: str) -> Direction:
    stricter, looser = _DIRECTIONAL.get(field_direction, ((), ()))
    if rule in stricter:
        return Direction.STRICTER
    if rule in looser:
        return Direction.LOOSER
    if field_direction == "neutral" or RULES[rule].severity is Severity.EDITORIAL \
            or rule in ("text-edited", "item-renamed", "item-moved"):
        return Direction.NEUTRAL
    return Direction.UNKNOWN


def classify(kind: ChangeKind, old: Any, new: Any, spec: FieldSpec | None,
             list_spec: FieldSpec | None, overrides: Mapping[str, Severity]) -> Verdict:
    """Rule id, direction and severity of one change, from the catalogue's direction rules."""
    rule = _rule_id(kind, old, new, spec, list_spec)
    owner = list_spec if rule in ("route-added", "route-removed", "requirement-added",
                                  "requirement-removed") else spec
    direction = _direction_of(rule, owner.direction if owner else "unknown")
    severity = overrides.get(rule, RULES[rule].severity)
    return Verdict(rule, direction, severity)


def _rule_id(kind: ChangeKind, old: Any, new: Any, spec: FieldSpec | None,
             list_spec: FieldSpec | None) -> str:
    ranked = spec is not None and spec.direction in ("higher_is_stricter", "higher_is_looser")
    if kind is ChangeKind.RENAMED:
        return "item-renamed"
    if kind is ChangeKind.MOVED:
        return "item-moved"
    if kind is ChangeKind.REORDERED:
        return "items-reordered"
    if kind is ChangeKind.MODIFIED:
        if _number(old) and _number(new) and old != new:
            if ranked:
                return "threshold-raised" if new > old else "threshold-lowered"
            return "value-changed"
        if type(old) is not type(new) and _scalar(old) and _scalar(new):
            return "type-changed"
        if is_editorial(old, new):
            return "editorial-edit"
        if wants_redline(old, new):
            return "text-edited"
        return "value-changed"
    adding = kind is ChangeKind.ADDED
    value = new if adding else old
    if list_spec is not None and list_spec.direction in ("adding_is_looser", "adding_is_stricter"):
        family = "route" if list_spec.direction == "adding_is_looser" else "requirement"
        return f"{family}-{'added' if adding else 'removed'}"
    if ranked and _number(value):
        return "limit-added" if adding else "limit-removed"
    return "value-added" if adding else "value-removed"


def sentence(rule: str, label: Text, old: Any, new: Any, unit: str) -> Text:
    """The plain-language sentence of a change, in English and Chinese."""
    entry = RULES[rule]
    texts = {}
    for lang, template in (("en", entry.en), ("zh", entry.zh)):
        texts[lang] = template.format(label=label.get(lang),
                                      old=_show(old, unit, lang, rule),
                                      new=_show(new, unit, lang, rule))
    # Labels are shown as written: catalogue labels are already capitalised, and a raw key
    # or path (generic mode) must stay what the user can paste back into `--only`.
    return Text(texts["en"], texts["zh"])


def _show(value: Any, unit: str, lang: str, rule: str) -> str:
    if isinstance(value, Citation):
        return value.label(lang)
    if rule == "type-changed":
        kinds = {"str": ("text", "文本"), "int": ("whole number", "整数"),
                 "float": ("decimal number", "小数"), "bool": ("true/false", "布尔值"),
                 "NoneType": ("empty", "空值")}
        kind = kinds.get(type(value).__name__, (type(value).__name__,) * 2)
        shown = json.dumps(value, ensure_ascii=False)
        return f"{shown} ({kind[0]})" if lang == "en" else f"{shown}（{kind[1]}）"
    text = format_value(value, unit, lang)
    return text if len(text) <= 160 else text[:159] + "…"
