"""The periods concerned by OpenFisca changes, as the CHANGELOG convention writes them."""

from __future__ import annotations

from ..i18n import message
from ..model import Period


def day(iso: str, lang: str = "en") -> str:
    """`2025-01-01` as `01/01/2025` (the CHANGELOG convention of OpenFisca packages); ISO in
    Chinese, where day-first dates are not read."""
    if lang == "zh":
        return iso
    year, month, dom = iso.split("-")
    return f"{dom}/{month}/{year}"


def period_text(period: Period, lang: str) -> str:
    """`from 01/01/2025`, or `01/01/2024 to 01/06/2026` when several dates are touched."""
    if period.start == period.end:
        return message("openfisca.period.one", lang, start=day(period.start, lang))
    return message("openfisca.period.range", lang, start=day(period.start, lang),
                   end=day(period.end, lang))


def periods_lines(periods: tuple[Period, ...], lang: str) -> list[str]:
    """The overall line, then one line per parameter (only when there are several)."""
    if not periods:
        return []
    lines = [message("openfisca.periods", lang, periods=period_text(periods[0], lang))]
    if len(periods) > 2:
        lines += ["  " + message("openfisca.period.parameter", lang, name=p.parameter,
                                 period=period_text(p, lang)) for p in periods[1:]]
    return lines
