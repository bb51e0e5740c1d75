"""Applicant impact and eligibility as plain text."""

from __future__ import annotations

from ..i18n import message
from ..impactmodel import Eligibility, Impact
from ..model import RenderOptions
from .escape import display
from .impactwords import (change_text, dates_line, eligibility_title, footer, impact_title,
                          rules_line,
                          reason_text, verdict_word)


def render_eligibility(result: Eligibility, options: RenderOptions) -> str:
    """Every route's verdict for one profile on one date, with its reasons."""
    lang = options.lang
    lines = [eligibility_title(result, lang),
             rules_line(result, lang)]
    if result.proposed:
        lines.append(message("impact.proposed", lang))
    for route in result.routes:
        lines.append("")
        lines.append(message("impact.eligibility.route", lang,
                             route=route.title.get(lang) or route.route,
                             verdict=verdict_word(route.verdict, lang)))
        lines.extend(f"  {reason_text(r, lang)}" for r in route.reasons)
    lines.append("")
    lines.extend(footer(result.last_verified, lang))
    return "\n".join(display(line) for line in lines) + "\n"


def render_impact(impact: Impact, options: RenderOptions) -> str:
    """The profiles whose verdict changes, when and why."""
    lang = options.lang
    lines = [impact_title(impact, lang),
             dates_line(impact, lang),
             ""]
    if not impact.changes:
        lines.append(message("impact.none", lang))
    for change in impact.changes:
        lines.append(change_text(change, lang))
        lines.extend(f"  {reason_text(r, lang)}" for r in change.reasons)
    lines.append("")
    lines.extend(footer(impact.last_verified, lang))
    return "\n".join(display(line) for line in lines) + "\n"



