"""The rules in force as the report shows them: an outline whose citations point to a numbered
list of sources, so that long source titles are written once per track, not once per line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..legal import dates_words
from ..model import Citation, Source, article_words
from ..reportmodel import OutlineNode, Report, RulesInForce
from .report_words import say
from .reportkit import Link, http_url, note_in, snapshot_anchors, status_word, value_text


@dataclass(frozen=True)
class Ref:
    """A citation in the outline: the number of its source in the list, and the article."""

    number: int
    article: str
    anchor: str


@dataclass(frozen=True)
class OutlineView:
    """One line of the rules in force."""

    label: str
    value: str
    ref: Ref | None
    unconfirmed: bool
    note: str
    children: tuple[OutlineView, ...]


@dataclass(frozen=True)
class RulesView:
    """One track's rules in force: which instruments, a remark, the outline, its sources."""

    track: str
    combined: tuple[tuple[str, str], ...]
    remark: str
    outline: tuple[OutlineView, ...]
    sources: tuple[tuple[int, str, Link], ...]


class _Numbering:
    """Numbers sources in the order the outline first cites them."""

    def __init__(self, prefix: str, pool: Sequence[Source], lang: str) -> None:
        self.prefix, self.pool, self.lang = prefix, pool, lang
        self.numbers: dict[str, int] = {}

    def ref(self, citation: Citation | None) -> Ref | None:
        """The citation as a numbered reference (its source numbered on first use)."""
        if citation is None:
            return None
        number = self.numbers.setdefault(citation.source, len(self.numbers) + 1)
        article = article_words(citation.article, self.lang) or citation.article
        return Ref(number, article, f"{self.prefix}-{number}")

    def listing(self) -> tuple[tuple[int, str, Link], ...]:
        """(number, anchor, source) for every source cited, in number order."""
        out = []
        for source_id, number in self.numbers.items():
            source = next((s for s in self.pool if s.id == source_id), None)
            link = Link(source.title.get(self.lang) or source.id, http_url(source.url)) \
                if source else Link(source_id)
            out.append((number, f"{self.prefix}-{number}", link))
        return tuple(out)


def rules_views(report: Report, lang: str) -> list[RulesView]:
    """The rules in force of every track in the report."""
    ids = snapshot_anchors(report.timeline.events)
    return [_rules_view(r, n, ids, report, lang) for n, r in enumerate(report.rules, 1)]


def _rules_view(rules: RulesInForce, n: int, ids: dict[str, str], report: Report,
                lang: str) -> RulesView:
    base = report.track_title(rules.relative_to).get(lang) if rules.relative_to else ""
    if not rules.snapshots:
        remark = say("no_rules", lang)
    elif rules.relative_to and not rules.outline:
        remark = say("same_as", lang, base=base)
    elif rules.relative_to:
        remark = say("differences", lang, base=base)
    else:
        remark = ""
    combined = tuple((_instrument(m.title.get(lang), m.document_number, dates_words(m, lang),
                                  status_word(m, lang), lang),
                      ids.get(m.id, "")) for m in rules.snapshots)
    pool = tuple(report.sources) + tuple(s for m in rules.snapshots for s in m.sources)
    numbering = _Numbering(f"rs-{n}", pool, lang)
    outline = outline_views(rules.outline, numbering, lang)
    return RulesView(rules.track.title.get(lang), combined, remark, outline,
                     numbering.listing())


def _instrument(title: str, number: str, dates: str, status: str, lang: str) -> str:
    if lang == "zh":
        return f"{title}" + (f"（{number}）" if number else "") + f"，{dates}，{status}"
    return f"{title}" + (f" ({number})" if number else "") + f", {dates}, {status}"


def outline_views(nodes: Iterable[OutlineNode], numbering: _Numbering,
                  lang: str) -> tuple[OutlineView, ...]:
    """The outline with labels, values and numbered citations in `lang`."""
    out = []
    for node in nodes:
        ref = numbering.ref(node.citation)
        value = "" if node.is_group else value_text(node.value, node.unit, lang)
        doubt = node.unconfirmed or bool(node.citation and node.citation.unconfirmed)
        out.append(OutlineView(node.label.get(lang), value, ref, doubt, note_in(node.note, lang),
                               outline_views(node.children, numbering, lang)))
    return tuple(out)
