"""HTML pages (the change report, a diff, a timeline) from autoescaping Jinja2 templates.

Data only ever reaches the page as template variables, so Jinja2 escapes all of it; links are
built here, and only for http(s) addresses and in-page anchors. Jinja2 is imported on first
use, so that `policy-tracker --help` does not pay for it.
"""

from __future__ import annotations

from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

from ..legal import status_tag
from ..model import Diff, Event, RenderOptions, Timeline
from ..reportmodel import Report
from .common import summary
from .escape import display
from .report_effects import effects_columns, effects_heading, effects_rows, effects_summary
from .report_rules import rules_views
from .report_svg import TimelineFigure, timeline_figure
from .report_views import history_groups, legend, mark_label, overview_facts
from .report_words import say
from .reportkit import EventView, change_groups, event_views, other_lang

if TYPE_CHECKING:
    import jinja2


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("policy_tracker", "templates"), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, finalize=_visible)


def _visible(value: Any) -> Any:
    """Control and bidirectional characters in data are shown, never obeyed."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return display(value)
    return value


def _page(template: str, lang: str, **context: Any) -> str:
    page = _environment().get_template(template)
    return page.render(lang=lang, other_lang=other_lang(lang), t=partial(say, lang=lang),
                       **context)


def _timeline_parts(timeline: Timeline, views: list[EventView], report: Report | None,
                    lang: str) -> dict[str, Any]:
    """The figure, the lane titles and, for each mark, its anchor, number and labels."""
    lanes = [[(i, e.date, e.is_law) for i, e in enumerate(timeline.events) if e.track == track]
             for track in timeline.tracks]
    figure: TimelineFigure = timeline_figure(lanes)
    names = [report.track_title(t).get(lang) if report else t for t in timeline.tracks]
    marks = []
    for mark in sorted(figure.marks, key=lambda m: m.index):
        event: Event = timeline.events[mark.index]
        view = views[mark.index]
        marks.append((mark, {"anchor": view.anchor, "number": view.number,
                             "label": mark_label(event, view.number, view.track, lang),
                             "tag": status_tag(event.snapshot, lang) if event.snapshot else "",
                             "title": view.title, "date": view.date, "track": view.track,
                             "is_law": view.is_law}))
    return {"figure": figure, "lanes": list(zip(figure.lanes, names)), "marks": marks}


def render_report(report: Report, options: RenderOptions) -> str:
    """The whole change report as one self-contained HTML page."""
    lang = options.lang
    events = event_views(report.timeline.events, report.sources, report, lang)
    title = report.policy.title.get(lang)
    other = report.policy.title.get(other_lang(lang))
    return _page(
        "report.html.j2", lang, title=title, other_title=other if other != title else "",
        policy_id=report.policy.id, description=report.policy.description.get(lang),
        notes=[n.get(lang) for n in report.policy.notes], overview=overview_facts(report, lang),
        legend=legend(lang), events=events, history_groups=history_groups(report, lang),
        rules=rules_views(report, lang), as_of=report.as_of.isoformat(),
        rules_heading=say("rules", lang, date=report.as_of.isoformat()),
        effects=effects_rows(report, lang), effects_heading=effects_heading(lang),
        effects_columns=effects_columns(lang), effects_summary=effects_summary(report, lang),
        **_timeline_parts(report.timeline, events, report, lang))


def render_timeline(timeline: Timeline, options: RenderOptions) -> str:
    """A timeline as an HTML page: the figure, then one section per event."""
    lang = options.lang
    events = event_views(timeline.events, (), None, lang)
    return _page("timeline.html.j2", lang, title=options.title or timeline.title.get(lang),
                 policy_id=timeline.policy, events=events,
                 legend=legend(lang), **_timeline_parts(timeline, events, None, lang))


def render_diff(diff: Diff, options: RenderOptions) -> str:
    """A diff as an HTML page: the summary, then the changes grouped by area."""
    lang = options.lang
    return _page("diff.html.j2", lang, title=options.title or say("diff_title", lang),
                 old=diff.old, new=diff.new, groups=change_groups(diff.changes, (), lang),
                 summary=summary(diff.changes, lang, len(diff.accepted)),
                 legend=[row for row in legend(lang) if row[0] not in ("law", "draft")])
