"""Sentences of applicant impact, shared by its text, Markdown, CSV and report renderers."""

from __future__ import annotations

import math

from ..i18n import message
from ..impactmodel import Eligibility, Impact, ImpactChange, Reason, RuleRef, Verdict
from ..model import JSONValue

MARKS = {Verdict.MEETS: "✓", Verdict.DOES_NOT_MEET: "✗", Verdict.CANNOT_TELL: "?"}
UNIT_WORDS = {"USD": ("USD {v}", "{v}美元"), "CNY": ("CNY {v}", "{v}元"),
              "years": ("{v} years", "{v}年"),
              "months per year": ("{v} months a year", "每年{v}个月"),
              "age": ("age {v}", "{v}周岁"), "times": ("{v}×", "{v}倍"),
              "percent": ("{v}%", "{v}%")}


def verdict_word(verdict: Verdict | None, lang: str) -> str:
    """meets / does not meet / cannot tell (or "route not in the rules")."""
    return message(f"impact.verdict.{verdict.value if verdict else 'absent'}", lang)


def value_text(value: JSONValue, lang: str, unit: str = "") -> str:
    """A fact or rule value for a reader: thousands separators, yes/no, lists joined."""
    if isinstance(value, bool):
        return message("impact.yes" if value else "impact.no", lang)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (int, float)):
        text = f"{value:,}" if isinstance(value, int) or value != int(value) else f"{int(value):,}"
        if unit in UNIT_WORDS:
            return UNIT_WORDS[unit][0 if lang != "zh" else 1].format(v=text)
        return text
    if isinstance(value, list):
        return ("、" if lang == "zh" else ", ").join(value_text(v, lang) for v in value)
    return "" if value is None else str(value)


def fact_label(name: str, lang: str) -> str:
    """The reader's words for a profile fact."""
    try:
        return message(f"impact.fact.{name}", lang)
    except KeyError:
        return name


def rule_text(rule: RuleRef | None, lang: str) -> str:
    """The rule's label with where it comes from: instrument and citation."""
    if rule is None:
        return ""
    label = rule.label.get(lang) or rule.label.en
    source = []
    if rule.instrument_title.get(lang) or rule.instrument:
        source.append(rule.instrument_title.get(lang) or rule.instrument_title.en
                      or rule.instrument)
    if rule.citation:
        source.append(rule.citation.label(lang))
    sep = "；" if lang == "zh" else "; "
    return f"{label}{sep}{sep.join(source)}" if source else label


def reason_text(reason: Reason, lang: str) -> str:
    """One deciding condition as a sentence, marked ✓, ✗ or ?."""
    rule = reason.rule
    values = {"fact": fact_label(reason.fact, lang),
              "value": value_text(reason.fact_value, lang, rule.unit if rule else ""),
              "rule": rule_text(rule, lang),
              "required": value_text(rule.value if rule and reason.literal is None
                                     else reason.literal, lang, rule.unit if rule else "")}
    if reason.kind == "compare":
        negate = reason.verdict is Verdict.DOES_NOT_MEET
        values["op"] = message(f"impact.op.{'not.' if negate else ''}{reason.op}", lang)
        key = "impact.reason.literal" if reason.literal is not None or rule is None \
            or rule.value is None else "impact.reason.compare"
        text = message(key, lang, **values)
    else:
        text = message(f"impact.reason.{reason.kind}", lang, **values)
    return f"{MARKS[reason.verdict]} {text}"


def footer(last_verified: str, lang: str) -> list[str]:
    """The lines every output ends with: not legal advice, the data's last verified date."""
    lines = [message("common.not_legal_advice", lang), message("impact.scope", lang)]
    if last_verified:
        lines.append(message("impact.last_verified", lang, date=last_verified))
    return lines


def eligibility_title(result: Eligibility, lang: str) -> str:
    """"Eligibility of <profile> on <date> (<track>)"."""
    return message("impact.eligibility.title", lang,
                   profile=result.profile_title.get(lang) or result.profile,
                   date=result.as_of.isoformat(),
                   track=result.track_title.get(lang) or result.track)


def impact_title(impact: Impact, lang: str) -> str:
    """The heading of an impact listing."""
    if impact.track:
        return message("impact.title", lang, track=impact.track_title.get(lang) or impact.track)
    return message("impact.title_all", lang)


def change_text(change: ImpactChange, lang: str) -> str:
    """"<profile> meets the route "<route>" from <date> (<instrument>); before: <old>."."""
    instrument = change.instrument_title.get(lang) or change.instrument_title.en
    proposed = paren(message("impact.proposed", lang), lang) if change.proposed else ""
    key = "impact.change" if change.new is not None else "impact.change.gone"
    return message(key, lang,
                   profile=change.profile_title.get(lang) or change.profile,
                   verdict=verdict_word(change.new, lang),
                   route=change.route_title.get(lang) or change.route,
                   date=change.new_date.isoformat(),
                   instrument=message("impact.change.instrument", lang,
                                      instrument=instrument) if instrument else "",
                   old=verdict_word(change.old, lang)) + proposed


def paren(text: str, lang: str) -> str:
    """Text in parentheses, full-width in Chinese."""
    return f"（{text}）" if lang == "zh" else f" ({text})"


def impact_lines(impact: Impact, lang: str) -> list[tuple[str, list[str]]]:
    """Each change of verdict as a sentence with its reasons (for the report section)."""
    return [(change_text(c, lang), [reason_text(r, lang) for r in c.reasons])
            for c in impact.changes]


def joined(items: list[str], lang: str) -> str:
    """Items of a list in running text: 、 in Chinese, commas otherwise."""
    return ("、" if lang == "zh" else ", ").join(items)


def rules_line(result: Eligibility, lang: str) -> str:
    """"Rules in force: <instrument titles>"."""
    titles = [t.get(lang) or t.en for t in result.snapshot_titles] or list(result.snapshots)
    return message("impact.eligibility.rules", lang, snapshots=joined(titles, lang))


def dates_line(impact: Impact, lang: str) -> str:
    """"Versions compared: <dates>"."""
    return message("impact.dates", lang, dates=joined([d.isoformat() for d in impact.dates],
                                                        lang))
