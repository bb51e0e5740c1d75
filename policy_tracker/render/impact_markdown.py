"""Applicant impact and eligibility as Markdown."""

from __future__ import annotations

from ..i18n import message
from ..impactmodel import Eligibility, Impact
from ..model import RenderOptions
from .escape import md as md_inline
from .impactwords import (change_text, dates_line, eligibility_title, footer, impact_title,
                          rules_line, reason_text,
                          verdict_word)


def render_eligibility(result: Eligibility, options: RenderOptions) -> str:
    """Every route's verdict for one profile on one date, with its reasons."""
    lang = options.lang
    lines = [f"# {md_inline(eligibility_title(result, lang))}", "",
             md_inline(rules_line(result, lang))]
    if result.proposed:
        lines += ["", f"**{md_inline(message('impact.proposed', lang))}**"]
    for route in result.routes:
        lines += ["", f"## {md_inline(route.title.get(lang) or route.route)}: "
                      f"{md_inline(verdict_word(route.verdict, lang))}", ""]
        lines.extend(f"- {md_inline(reason_text(r, lang))}" for r in route.reasons)
    lines += ["", "---", ""]
    lines.extend(f"{md_inline(line)}  " for line in footer(result.last_verified, lang))
    return "\n".join(lines).rstrip() + "\n"


def render_impact(impact: Impact, options: RenderOptions) -> str:
    """The profiles whose verdict changes, when and why."""
    lang = options.lang
    lines = [f"# {md_inline(impact_title(impact, lang))}", "",
             md_inline(dates_line(impact, lang)), ""]
    if not impact.changes:
        lines.append(md_inline(message("impact.none", lang)))
    for change in impact.changes:
        lines.append(f"- {md_inline(change_text(change, lang))}")
        lines.extend(f"  - {md_inline(reason_text(r, lang))}" for r in change.reasons)
    lines += ["", "---", ""]
    lines.extend(f"{md_inline(line)}  " for line in footer(impact.last_verified, lang))
    return "\n".join(lines).rstrip() + "\n"
