"""The rule catalogue: each change gets a stable rule id, a direction, a severity, a sentence."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from collections.abc import Mapping

from .i18n import message
from .model import ChangeKind, Citation, Direction, FieldSpec, Path, Severity, Text
from .text import format_value, is_editorial, is_text_value, short, wants_redline


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
    Rule("authority-changed", _M, 'Who acts changed: an authority, issuer or body.'),
    Rule("editorial-edit", _e, 'Only whitespace, character width or letter case changed.'),
    Rule("citation-changed", _e, 'The value stayed; its citation changed.'),
    Rule("item-renamed", _m, "An item's identity changed, its content did not."),
    Rule("item-moved", _m, 'An item moved to another place in the rules, unchanged.'),
    Rule("item-replaced", _m, 'One item removed and another added in its place, in a list '
         'where adding has no direction.'),
    Rule("items-reordered", _e, 'The order of an ordered list changed.'),
    # OpenFisca parameters (sentences: the `openfisca.` keys of the message catalogues).
    Rule('openfisca-value-raised', _M, 'OpenFisca: a new dated value is higher than the one '
         'before it.'),
    Rule('openfisca-value-lowered', _M, 'OpenFisca: a new dated value is lower than the one '
         'before it.'),
    Rule('openfisca-value-set', _M, 'OpenFisca: a new dated value that is not a higher or lower '
         'number.'),
    Rule('openfisca-value-ended', _M, 'OpenFisca: a dated null ends the parameter.'),
    Rule('openfisca-value-retroactive', _M, 'OpenFisca: a value dated before existing ones was '
         'inserted.'),
    Rule('openfisca-value-corrected', _M, 'OpenFisca: the value of an existing date was '
         'corrected.'),
    Rule('openfisca-value-removed', _M, 'OpenFisca: a dated value was removed.'),
    Rule('openfisca-parameter-added', _M, "OpenFisca: a parameter, or a bracket's column, was "
         'added.'),
    Rule('openfisca-parameter-removed', _M, "OpenFisca: a parameter, or a bracket's column, was "
         'removed.'),
    Rule('openfisca-unit-changed', _M, 'OpenFisca: the unit or scale type changed.'),
    Rule('openfisca-reference-changed', _e, 'OpenFisca: a legal reference was added, removed or '
         'changed.'),
    Rule('openfisca-metadata-changed', _e, 'OpenFisca: metadata or the description changed, '
         'not the values.'),
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
            or rule in ("text-edited", "authority-changed", "item-renamed", "item-moved"):
        return Direction.NEUTRAL
    return Direction.UNKNOWN


ACTOR_KEYS = frozenset({"authority", "authorities", "issuer", "issuers", "body", "bodies",
                        "agency", "department", "approver", "organ"})
"""Keys whose value names who acts: a change of text there is a change of authority."""


def is_actor(path: Path) -> bool:
    """Does the path name who acts? Its nearest key (language and item parts aside) is, or
    ends in, an actor word: `authority`, `approving_authority`, `issuing-body`."""
    keys = [seg for seg in path if isinstance(seg, str) and seg not in ("en", "zh")]
    return bool(keys) and re.split(r"[_\-\s]", keys[-1].lower())[-1] in ACTOR_KEYS


def classify(kind: ChangeKind, old: Any, new: Any, spec: FieldSpec | None,
             list_spec: FieldSpec | None, overrides: Mapping[str, Severity],
             path: Path = ()) -> Verdict:
    """Rule id, direction and severity of one change, from the catalogue's direction rules."""
    rule = _rule_id(kind, old, new, spec, list_spec)
    if rule in ("text-edited", "value-changed", "editorial-edit") and is_actor(path) \
            and _texts(old, new) and not is_editorial(old, new):
        rule = "authority-changed"
    owner = list_spec if rule in ("route-added", "route-removed", "requirement-added",
                                  "requirement-removed") else spec
    direction = _direction_of(rule, owner.direction if owner else "unknown")
    severity = overrides.get(rule, RULES[rule].severity)
    return Verdict(rule, direction, severity)


def _texts(old: Any, new: Any) -> bool:
    return all(isinstance(v, str) or is_text_value(v) for v in (old, new))


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
    texts = {}
    for lang in ("en", "zh"):
        limit = 400 if rule == "authority-changed" else 160
        texts[lang] = _tidy(message(f"rule.{rule}", lang, label=label.get(lang),
                                    old=_show(old, unit, lang, rule, limit),
                                    new=_show(new, unit, lang, rule, limit)))
    # Labels are shown as written: catalogue labels are already capitalised, and a raw key
    # or path (generic mode) must stay what the user can paste back into `--only`.
    return Text(texts["en"], texts["zh"])


def citation_sentence(label: Text, old: Citation, new: Citation, value: Any,
                      unit: str) -> Text:
    """A change of citation alone: confirmed, put in doubt, or cited elsewhere; the value
    (when it is one value) is quoted, so that the reader sees it did not change."""
    if (old.source, old.article) == (new.source, new.article):
        case = "confirmed" if old.unconfirmed else "doubted"
    else:
        case = "changed"
    shown = _scalar(value) and value is not None or is_text_value(value)
    key = f"citation.{case}" + ("_value" if shown else "")
    texts = {lang: _tidy(message(key, lang, label=label.get(lang), old=old.label(lang),
                                 new=new.label(lang),
                                 value=short(format_value(value, unit, lang), 80)))
             for lang in ("en", "zh")}
    return Text(texts["en"], texts["zh"])


def _tidy(text: str) -> str:
    """One ellipsis, never followed by a full stop."""
    return text.replace("….", "…").replace("…。", "…")


def _show(value: Any, unit: str, lang: str, rule: str, limit: int = 160) -> str:
    if isinstance(value, Citation):
        return value.label(lang)
    if rule == "type-changed":
        kind = type(value).__name__.replace("NoneType", "null")
        shown = json.dumps(value, ensure_ascii=False)
        return message("value.typed", lang, value=shown, kind=message(f"value.kind.{kind}", lang))
    return short(format_value(value, unit, lang), limit)
