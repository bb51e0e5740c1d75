"""The effects register as plain text: one block per effect."""

from __future__ import annotations

from ..i18n import message
from ..legal import EffectsRegister
from ..model import RenderOptions
from .common import colon_of
from .effects_rows import COLUMNS, cells, count_line, header
from .escape import display


def render_effects(register: EffectsRegister, options: RenderOptions) -> str:
    """Every effect with its fields labelled, then the count."""
    lang = options.lang
    title = register.title.get(lang)
    lines = [display(f"{message('effects.title', lang)}{colon_of(lang)}{title}"),
             display(message("effects.drafts_left_out", lang))]
    names = header(lang)
    for effect in register.effects:
        lines.append("")
        row = cells(effect, lang)
        lines.append(display(f"{row[0]}  {row[3]}  {row[2]}"))
        lines += [display(f"  {name}{colon_of(lang)}{value}")
                  for name, key, value in zip(names, COLUMNS, row)
                  if value and key not in ("date", "type", "provision")]
    lines += ["", count_line(register, lang)]
    return "\n".join(lines) + "\n"
