"""The report's overview, histories and rules in force as plain strings for either renderer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..i18n import message, plural
from ..model import Event, Source, Step
from ..reportmodel import HistorySeries, Report
from .report_svg import StepFigure, step_figure
from .report_words import say
from .reportkit import Link, cite, paren, snapshot_anchors, status_word, value_text


def overview_facts(report: Report, lang: str) -> tuple[tuple[str, str], ...]:
    """Label and text of each line of the overview."""
    c, cur = report.counts, report.current
    instruments = str(c.instruments)
    if c.proposals:
        instruments += message("report.of_which_drafts", lang, count=c.proposals)
    parts = message("summary.item_sep", lang).join(
        message("summary.count", lang, count=n, name=say(d.value, lang))
        for d, n in c.by_direction if n)
    changes = message("report.in_law", lang, count=c.changes) + \
        (say("colon", lang) + parts if parts else "")
    if c.proposed_changes:
        changes += message("report.proposed_more", lang, count=c.proposed_changes)
    current = str(cur.latest_snapshot or "—")
    if cur.latest_snapshot_id:
        current += paren(say("latest_instrument", lang) + say("colon", lang)
                         + cur.latest_snapshot_title.get(lang), lang)
    source = str(cur.latest_source) if cur.latest_source else say("none_recorded", lang)
    current += message("report.then", lang, text=say("latest_source", lang)
                       + say("colon", lang) + source)
    return ((say("jurisdiction", lang), report.policy.jurisdiction.get(lang)),
            (say("tracks", lang), say("list_sep", lang).join(
                t.title.get(lang) for t in report.tracks)),
            (say("period", lang), period(report, lang)),
            (say("n_instruments", lang), instruments), (say("n_changes", lang), changes),
            (say("current", lang), current))


def period(report: Report, lang: str) -> str:
    """`2010-01-01 to 2022-01-01`, from the filters when given, else from the events."""
    first = report.since or report.first
    last = report.until or report.last
    if first is None and last is None:
        return "—"
    return f"{first or '…'} {say('to', lang)} {last or '…'}" if lang == "en" else \
        f"{first or '…'}{say('to', lang)}{last or '…'}"


def legend(lang: str) -> tuple[tuple[str, str, str], ...]:
    """(kind, badge text, meaning) for each badge and mark the report uses."""
    rows = [(d, say(d, lang), say(f"legend_{d}", lang))
            for d in ("looser", "stricter", "neutral", "unknown")]
    rows.append(("unconfirmed", say("unconfirmed", lang), say("legend_unconfirmed", lang)))
    rows.append(("law", say("n_instruments", lang), say("legend_law", lang)))
    rows.append(("draft", say("draft", lang), say("legend_draft", lang)))
    return tuple(rows)


def mark_label(event: Event, number: int, track: str, lang: str) -> str:
    """What a timeline mark says to a screen reader and in its tooltip."""
    status = status_word(event.snapshot, lang)
    changes = plural("report.changes_count", len(event.changes), lang)
    if event.baseline:
        changes = say("starting", lang)
    return message("label.item_sep", lang).join(
        (f"{number}. {event.date}", track, event.title.get(lang), status, changes))


@dataclass(frozen=True)
class Row:
    """One line of a history table."""

    date: str
    value: str
    instrument: str
    anchor: str
    status: str
    citation: Link | None
    proposed: bool
    present: bool


@dataclass(frozen=True)
class HistoryView:
    """One numeric field's history: heading, chart and table."""

    anchor: str
    label: str
    track: str
    unit: str
    rows: tuple[Row, ...]
    figure: StepFigure | None
    description: str
    moved: bool


def history_views(report: Report, lang: str) -> list[HistoryView]:
    """Every history of the report; a chart only where the value moved or a draft proposed."""
    ids = snapshot_anchors(report.timeline.events)
    end = max([d for d in (report.last, report.as_of) if d is not None])
    out = []
    for n, series in enumerate(report.histories, 1):
        history = series.history
        first = min(report.since or report.first or history.steps[0].date, history.steps[0].date)
        rows = _rows(series, report.sources, ids, lang)
        moved = is_moving(series)
        figure = step_figure(history.steps, series.proposals, first, end) if moved else None
        label = history.label.get(lang)
        out.append(HistoryView(
            f"h-{n}", label, report.track_title(history.track).get(lang), history.unit,
            rows if moved else tuple(r for r in rows if r.present)[:1], figure,
            say("chart_desc", lang, label=label, first=str(first), last=str(end)), moved))
    return out


def is_moving(series: HistorySeries) -> bool:
    """A field that took more than one value once it first appeared, or that a draft touched."""
    steps = list(series.history.steps)
    while steps and not steps[0].present:
        steps.pop(0)
    return len(steps) > 1 or bool(series.proposals)


@dataclass(frozen=True)
class HistoryGroup:
    """One track's histories: the fields that moved, then those that never did."""

    track: str
    anchor: str
    moved: tuple[HistoryView, ...]
    steady: tuple[HistoryView, ...]


def history_groups(report: Report, lang: str) -> list[HistoryGroup]:
    """The histories by track, in the report's track order."""
    views = history_views(report, lang)
    out = []
    for n, track in enumerate(report.tracks, 1):
        title = track.title.get(lang)
        mine = [v for v, s in zip(views, report.histories) if s.history.track == track.id]
        if mine:
            out.append(HistoryGroup(title, f"ht-{n}", tuple(v for v in mine if v.moved),
                                    tuple(v for v in mine if not v.moved)))
    return out


def _rows(series: HistorySeries, sources: Sequence[Source], ids: dict[str, str],
          lang: str) -> tuple[Row, ...]:
    history = series.history
    steps = sorted([(s, False) for s in history.steps] + [(s, True) for s in series.proposals],
                   key=lambda pair: (pair[0].date, pair[1]))
    return tuple(_row(step, proposed, history.unit, sources, ids.get(step.snapshot, ""), lang)
                 for step, proposed in steps)


def _row(step: Step, proposed: bool, unit: str, sources: Sequence[Source], anchor: str,
         lang: str) -> Row:
    value = value_text(step.value, unit, lang) if step.present else say("absent", lang)
    status = message(f"legal.status.{step.status}", lang) if step.status else ""
    if proposed:
        status = f"{status}, {say('proposed', lang)}" if lang == "en" else \
            f"{status}，{say('proposed', lang)}"
    return Row(step.date.isoformat(), value, step.title.get(lang), anchor, status,
               cite(step.citation, sources, lang), proposed, step.present)
