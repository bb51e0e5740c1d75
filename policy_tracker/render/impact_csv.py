"""Applicant impact and eligibility as CSV: one row per route or per change of verdict."""

from __future__ import annotations

from ..i18n import message
from ..impactmodel import Eligibility, Impact
from ..model import RenderOptions
from .csv import table
from .impactwords import reason_text

IMPACT_COLUMNS = ("profile", "track", "route", "old_date", "new_date", "old", "new",
                  "instrument", "proposed", "reasons", "notice", "last_verified")
ELIGIBILITY_COLUMNS = ("profile", "track", "as_of", "route", "verdict", "proposed", "reasons",
                       "notice", "last_verified")


def render_eligibility(result: Eligibility, options: RenderOptions) -> str:
    """One row per route."""
    lang = options.lang
    notice = message("common.not_legal_advice", lang)
    rows = [[result.profile, result.track, result.as_of.isoformat(), r.route, r.verdict.value,
             r.proposed, "\n".join(reason_text(x, lang) for x in r.reasons), notice,
             result.last_verified] for r in result.routes]
    return table(ELIGIBILITY_COLUMNS, rows)


def render_impact(impact: Impact, options: RenderOptions) -> str:
    """One row per change of verdict."""
    lang = options.lang
    notice = message("common.not_legal_advice", lang)
    rows = [[c.profile, c.track, c.route, c.old_date.isoformat(), c.new_date.isoformat(),
             c.old.value if c.old else "absent", c.new.value if c.new else "absent",
             c.instrument, c.proposed, "\n".join(reason_text(x, lang) for x in c.reasons),
             notice, impact.last_verified] for c in impact.changes]
    return table(IMPACT_COLUMNS, rows)
