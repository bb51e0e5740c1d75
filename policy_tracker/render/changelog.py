"""A ready-to-paste CHANGELOG entry for OpenFisca parameter changes (periods, files, details)."""

from __future__ import annotations

from ..i18n import message
from ..model import Review, periods_of
from .escape import display
from .periods import period_text

MAX_DETAILS = 40
MAX_FILES = 20


def _fence(lines: list[str]) -> str:
    """A code fence longer than any backtick run in the entry (data cannot close it)."""
    best = current = 0
    for ch in "\n".join(lines):
        current = current + 1 if ch == "`" else 0
        best = max(best, current)
    return "`" * max(3, best + 1)


def changelog_lines(review: Review, lang: str) -> list[str]:
    """The CHANGELOG entry of a review's OpenFisca changes, as the lines of the entry."""
    changes = [c for c in review.changes() if c.parameter]
    if not changes:
        return []
    periods = periods_of(tuple(changes))
    head = message("openfisca.changelog.periods", lang, period=period_text(periods[0], lang)) \
        if periods else message("openfisca.changelog.none", lang)
    files = sorted({f.path for f in review.files if f.diff and any(c.parameter for c in
                                                                   f.diff.changes)})
    named = [f"`{display(f)}`" for f in files[:MAX_FILES]]
    if len(files) > MAX_FILES:
        named.append(f"… (+{len(files) - MAX_FILES})")
    lines = [f"* {head}",
             "* " + message("openfisca.changelog.areas", lang, files=", ".join(named)),
             "* " + message("openfisca.changelog.details", lang)]
    # Values first (what the entry is for), then references and metadata; each in file order.
    shown = sorted(changes, key=lambda c: not c.effective)[:MAX_DETAILS]
    lines += [f"  - {display(c.sentence.get(lang))}." for c in shown]
    if len(changes) > len(shown):
        lines.append(f"  - … (+{len(changes) - len(shown)})")
    return lines


def changelog_block(review: Review, lang: str) -> str:
    """The entry in a fenced block under a heading, or "" when no OpenFisca change is found."""
    lines = changelog_lines(review, lang)
    if not lines:
        return ""
    fence = _fence(lines)
    return "\n".join([f"### {message('openfisca.changelog.title', lang)}", "",
                      f"{fence}markdown", *lines, fence, ""]) + "\n"
