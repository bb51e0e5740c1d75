"""One OpenFisca parameter over time, as Markdown: a table of values, then its git history."""

from __future__ import annotations

from ..i18n import message
from ..model import RenderOptions
from ..openfisca_model import ParameterHistory
from .escape import md
from .parameter_history import event_sentence, title, value_text


def render_parameter_history(history: ParameterHistory, options: RenderOptions) -> str:
    """A heading, the table of values at the ref, then the list of changes across commits."""
    lang = options.lang
    scale = history.kind == "scale"
    head = (["series"] if scale else []) + ["date", "value", "reference"]
    lines = [f"## {md(title(history, lang))}", "", "| " + " | ".join(head) + " |",
             "|" + " --- |" * len(head)]
    for row in history.values:
        cells = ([row.series] if scale else []) + [
            row.date, value_text(history, row.series, row.value, lang), row.reference]
        lines.append("| " + " | ".join(md(c).replace("|", "\\|") for c in cells) + " |")
    lines += ["", f"### {md(message('openfisca.history.changes', lang))}", ""]
    lines += [f"- {md(event_sentence(history, e, lang))}" for e in history.events] or \
        [md(message("openfisca.history.no_changes", lang))]
    return "\n".join(lines) + "\n"
