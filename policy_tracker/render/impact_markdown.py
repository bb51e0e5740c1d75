"""Applicant impact and eligibility as Markdown."""

from __future__ import annotations

from ..i18n import message
from ..impactmodel import Eligibility, Impact
from ..model import RenderOptions
from .escape import md as md_inline
from .impactwords import (change_text, eligibility_title, footer, impact_title, reason_text,
                          verdict_word)


def render_eligibility(result: Eligibility, options: RenderOptions) -> str:
    """Every route's verdict for one profile on one date, with its reasons."""
    lang = options.lang
    lines = [f"# {md_inline(eligibility_title(result, lang))}", "",
             md_inline(message("impact.eligibility.rules", lang,
                               snapshots=", ".join(result.snapshots)))]
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
    dates = ", ".join(d.isoformat() for d in impact.dates)
    lines = [f"# {md_inline(impact_title(impact, lang))}", "",
             md_inline(message("impact.dates", lang, dates=dates)), ""]
    if not impact.changes:
        lines.append(md_inline(message("impact.none", lang)))
    for change in impact.changes:
        lines.append(f"- {md_inline(change_text(change, lang))}")
        lines.extend(f"  - {md_inline(reason_text(r, lang))}" for r in change.reasons)
    lines += ["", "---", ""]
    lines.extend(f"{md_inline(line)}  " for line in footer(impact.last_verified, lang))
    return "\n".join(lines).rstrip() + "\n"
