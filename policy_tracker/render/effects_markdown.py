"""The effects register as a Markdown table."""

from __future__ import annotations

from ..i18n import message
from ..legal import EffectsRegister
from ..model import RenderOptions
from .effects_rows import cells, count_line, header
from .escape import md


def render_effects(register: EffectsRegister, options: RenderOptions) -> str:
    """A heading, what the table holds, the table and the count."""
    lang = options.lang
    lines = [f"# {md(message('effects.title', lang))}: {md(register.title.get(lang))}"
             if lang == "en" else
             f"# {md(message('effects.title', lang))}：{md(register.title.get(lang))}", "",
             md(message("effects.intro", lang)), "",
             md(message("effects.drafts_left_out", lang)), ""]
    if register.effects:
        names = header(lang)
        lines.append("| " + " | ".join(md(n) for n in names) + " |")
        lines.append("|" + "---|" * len(names))
        for effect in register.effects:
            lines.append("| " + " | ".join(_cell(c) for c in cells(effect, lang)) + " |")
        lines.append("")
    lines.append(md(count_line(register, lang)))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return md(text).replace("|", "\\|").replace("\n", " ")
