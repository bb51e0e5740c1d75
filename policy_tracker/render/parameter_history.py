"""One OpenFisca parameter over time, as text: its values at a ref, then its git history."""

from __future__ import annotations

from ..i18n import message
from ..model import JSONValue, RenderOptions
from ..openfisca_diff import show
from ..openfisca_model import ParameterHistory, ValueEvent
from .escape import display
from .periods import day
from .text import aligned


def value_text(history: ParameterHistory, series: str, value: JSONValue, lang: str) -> str:
    """A value with its series' unit."""
    return show(value, history.unit(series), lang)


def event_sentence(history: ParameterHistory, event: ValueEvent, lang: str) -> str:
    """"the 2023-01-01 value was corrected on 2023-02-10 from 11.27 to 11.28 (1a2b3c4d5e6f)"."""
    values = {"date": _day(event.date, lang), "when": _day(event.committed[:10], lang),
              "commit": event.commit[:12]}
    if event.kind == "first":
        return message("openfisca.history.first", lang, count=event.new, when=values["when"],
                       commit=values["commit"])
    if event.kind == "invalid":
        return message("openfisca.history.invalid", lang, when=values["when"],
                       commit=values["commit"], error=event.error)
    if event.kind == "corrected":
        text = message("openfisca.history.corrected", lang, **values,
                       old=value_text(history, event.series, event.old, lang),
                       new=value_text(history, event.series, event.new, lang))
    else:
        shown = event.new if event.kind == "introduced" else event.old
        text = message(f"openfisca.history.{event.kind}", lang, **values,
                       value=value_text(history, event.series, shown, lang))
    return text if event.series == "value" else f"{event.series}: {text}"


def _day(iso: str, lang: str) -> str:
    """French readers' dates (01/01/2025) in French; ISO otherwise."""
    return day(iso, lang) if lang == "fr" and iso else iso


def title(history: ParameterHistory, lang: str) -> str:
    """The heading: label, dotted name and ref."""
    subject = message("openfisca.subject", lang, label=history.label.get(lang),
                      name=history.name)
    return message("openfisca.history.title", lang, subject=subject, ref=history.ref)


def render_parameter_history(history: ParameterHistory, options: RenderOptions) -> str:
    """An aligned table of the values at the ref, then one line per change in git history."""
    lang = options.lang
    scale = history.kind == "scale"
    rows = [(["series"] if scale else []) + ["date", "value", "reference"]]
    for row in history.values:
        rows.append(([row.series] if scale else []) + [
            row.date, value_text(history, row.series, row.value, lang), row.reference])
    lines = [display(title(history, lang)), display(history.file), ""] + aligned(rows)
    lines += ["", display(message("openfisca.history.changes", lang))]
    lines += [f"  {display(event_sentence(history, e, lang))}" for e in history.events] or \
        [f"  {display(message('openfisca.history.no_changes', lang))}"]
    return "\n".join(lines) + "\n"
