"""The effects register as rows of words, shared by its text, Markdown and CSV renderers."""

from __future__ import annotations

from ..i18n import message
from ..legal import Effect, EffectsRegister

COLUMNS = ("date", "affected", "provision", "type", "by", "by_provision", "applied", "note")


def header(lang: str) -> list[str]:
    """The column names in `lang`."""
    return [message(f"effects.col.{name}", lang) for name in COLUMNS]


def cells(effect: Effect, lang: str) -> list[str]:
    """One effect as words, in `COLUMNS` order."""
    applied = message("effects.applied.yes" if effect.applied else "effects.applied.no", lang)
    kind = message(f"effects.type.{effect.type}", lang)
    if effect.unconfirmed:
        doubt = message("effects.unconfirmed", lang)
        kind += f"（{doubt}）" if lang == "zh" else f" ({doubt})"
    return [effect.date.isoformat() if effect.date else message("effects.undated", lang),
            effect.affected.get(lang), effect.provision.get(lang), kind, effect.by.get(lang),
            effect.by_provision, applied, effect.note.get(lang)]


def count_line(register: EffectsRegister, lang: str) -> str:
    """"82 effects, 1 not applied" (or that there are none)."""
    if not register.effects:
        return message("effects.none", lang)
    return message("effects.count", lang, count=len(register.effects),
                   unapplied=register.unapplied())
