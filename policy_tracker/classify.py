"""The rule catalogue: each change gets a stable rule id, a direction, a severity, a sentence."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from collections.abc import Mapping

from .model import ChangeKind, Citation, Direction, FieldSpec, Severity, Text
from .text import format_value, is_editorial, wants_redline


@dataclass(frozen=True)
class Rule:
    """One entry of the rule catalogue."""

    id: str
    severity: Severity
    summary: str
    en: str
    zh: str


_M, _m, _e = Severity.MAJOR, Severity.MINOR, Severity.EDITORIAL
RULES: dict[str, Rule] = {r.id: r for r in (
    Rule("threshold-raised", _M, "A number the catalogue ranks was raised.",
         "{label} raised from {old} to {new}.", "{label}由{old}提高至{new}。"),
    Rule("threshold-lowered", _M, "A number the catalogue ranks was lowered.",
         "{label} lowered from {old} to {new}.", "{label}由{old}降低至{new}。"),
    Rule("limit-added", _M, "A ranked number was set where there was none.",
         "{label} introduced: {new}.", "新设{label}：{new}。"),
    Rule("limit-removed", _M, "A ranked number was removed.",
         "{label} ({old}) removed.", "取消{label}（{old}）。"),
    Rule("route-added", _M, "An item was added to a list where adding loosens the rules.",
         "{label} added: {new}.", "新增{label}：{new}。"),
    Rule("route-removed", _M, "An item was removed from a list where adding loosens the rules.",
         "{label} removed: {old}.", "删除{label}：{old}。"),
    Rule("requirement-added", _M, "An item was added to a list where adding tightens the rules.",
         "{label} added: {new}.", "新增{label}：{new}。"),
    Rule("requirement-removed", _M, "An item was removed from a list where adding tightens the "
         "rules.", "{label} removed: {old}.", "删除{label}：{old}。"),
    Rule("value-changed", _m, "A value changed where the catalogue gives no direction.",
         "{label} changed from {old} to {new}.", "{label}由{old}改为{new}。"),
    Rule("value-added", _m, "A value or item was added where the catalogue gives no direction.",
         "{label} added: {new}.", "新增{label}：{new}。"),
    Rule("value-removed", _m, "A value or item was removed where the catalogue gives no "
         "direction.", "{label} removed: {old}.", "删除{label}：{old}。"),
    Rule("type-changed", _m, "A value changed its type (for example text became a number).",
         "{label} changed from {old} to {new}.", "{label}由{old}改为{new}。"),
    Rule("text-edited", _m, "A long text was reworded.",
         "{label} reworded.", "{label}措辞修改。"),
    Rule("editorial-edit", _e, "Only whitespace, character width or letter case changed.",
         "{label}: editorial change only ({old} → {new}).",
         "{label}：仅文字格式修改（{old} → {new}）。"),
    Rule("citation-changed", _e, "The value stayed; its citation changed.",
         "Citation for {label} changed from {old} to {new}.", "{label}的依据由{old}改为{new}。"),
    Rule("item-renamed", _m, "An item's identity changed, its content did not.",
         "{label} renamed from {old} to {new}.", "{label}由{old}更名为{new}。"),
    Rule("item-moved", _m, "An item moved to another place in the rules, unchanged.",
         "{label} moved from {old} to {new}.", "{label}由{old}移至{new}。"),
    Rule("items-reordered", _e, "The order of an ordered list changed.",
         "{label} reordered.", "{label}顺序调整。"),
    # OpenFisca parameters (sentences: the `openfisca.` keys of the message catalogues).
    Rule("openfisca-value-raised", _M, "OpenFisca: a new dated value is higher than the one "
         "before it.", "{label}: {new} from {date} (was {old}).",
         "{label}：自{date}起为{new}（原为{old}）。"),
    Rule("openfisca-value-lowered", _M, "OpenFisca: a new dated value is lower than the one "
         "before it.", "{label}: {new} from {date} (was {old}).",
         "{label}：自{date}起为{new}（原为{old}）。"),
    Rule("openfisca-value-set", _M, "OpenFisca: a new dated value that is not a higher or lower "
         "number.", "{label}: {new} from {date}.", "{label}：自{date}起为{new}。"),
    Rule("openfisca-value-ended", _M, "OpenFisca: a dated null ends the parameter.",
         "{label}: end of the parameter from {date}.", "{label}：自{date}起终止。"),
    Rule("openfisca-value-retroactive", _M, "OpenFisca: a value dated before existing ones was "
         "inserted.", "{label}: a value dated {date} inserted (retroactive).",
         "{label}：插入{date}起的取值（追溯）。"),
    Rule("openfisca-value-corrected", _M, "OpenFisca: the value of an existing date was "
         "corrected.", "{label}: the {date} value corrected from {old} to {new}.",
         "{label}：{date}起的取值由{old}更正为{new}。"),
    Rule("openfisca-value-removed", _M, "OpenFisca: a dated value was removed.",
         "{label}: value from {date} removed.", "{label}：删除{date}起的取值。"),
    Rule("openfisca-parameter-added", _M, "OpenFisca: a parameter, or a bracket's column, was "
         "added.", "{label}: added.", "{label}：新增。"),
    Rule("openfisca-parameter-removed", _M, "OpenFisca: a parameter, or a bracket's column, was "
         "removed.", "{label}: removed.", "{label}：删除。"),
    Rule("openfisca-unit-changed", _M, "OpenFisca: the unit or scale type changed.",
         "{label}: unit changed from {old} to {new}.", "{label}：单位由{old}改为{new}。"),
    Rule("openfisca-reference-changed", _e, "OpenFisca: a legal reference was added, removed or "
         "changed.", "{label}: reference changed.", "{label}：依据变更。"),
    Rule("openfisca-metadata-changed", _e, "OpenFisca: metadata or the description changed, not "
         "the values.", "{label}: {property} changed.", "{label}：{property}变更。"),
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
    return Text(texts["en"][:1].upper() + texts["en"][1:], texts["zh"])


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
