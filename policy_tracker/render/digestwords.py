"""The lines of a digest, shared by its text and Markdown renderers."""

from __future__ import annotations

from ..i18n import message
from ..impactmodel import Digest, DigestItem
from ..model import Severity
from .common import summary, with_track
from .escape import display, md


def digest_lines(digest: Digest, lang: str, markdown: bool) -> list[str]:
    """Every line of the digest; Markdown escapes data and uses headings and lists."""
    esc = md if markdown else display
    title = message("digest.title", lang, date=digest.since.isoformat(),
                    policy=digest.title.get(lang) or digest.policy)
    lines = [f"# {esc(title)}" if markdown else title, ""]
    if not digest.items:
        lines.append(esc(message("digest.none", lang, date=digest.since.isoformat())))
    for item in digest.items:
        lines += _item(item, digest, lang, markdown)
    lines.append(esc(message("common.not_legal_advice", lang)))
    return lines


def _item(item: DigestItem, digest: Digest, lang: str, markdown: bool) -> list[str]:
    esc = md if markdown else display
    event = item.event
    title = with_track(event.title.get(lang) or event.title.en,
                       digest.track_title(event.track, lang), lang)
    if not event.is_law:  # a draft has no effective date: its date is its publication
        when = message("digest.published", lang, date=item.date.isoformat()) + \
            ("；" if lang == "zh" else "; ") + message("digest.proposed", lang)
    elif item.reason == "effective":
        when = message("digest.effective", lang, date=item.date.isoformat())
    else:
        when = message("digest.recorded", lang, date=item.date.isoformat(),
                       effective=event.date.isoformat())
    head = f"{item.date.isoformat()}  {title} ({when})" if lang != "zh" else \
        f"{item.date.isoformat()}  {title}（{when}）"
    lines = [f"## {esc(head)}" if markdown else head]
    shown = [c for c in event.changes if c.severity is not Severity.EDITORIAL]
    if markdown:
        lines.append("")
    lines.append(esc(summary(event.changes, lang)) if event.changes else "")
    lines += [f"- {esc(c.sentence.get(lang) or c.sentence.en)}" if markdown
              else f"  - {display(c.sentence.get(lang) or c.sentence.en)}" for c in shown]
    lines.append("")
    return [line for i, line in enumerate(lines) if line or i == len(lines) - 1]
