"""HTML pages (the change report, a diff, a timeline) from autoescaping Jinja2 templates.

Data only ever reaches the page as template variables, so Jinja2 escapes all of it; links are
built here, and only for http(s) addresses and in-page anchors. Jinja2 is imported on first
use, so that `policy-tracker --help` does not pay for it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import re
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

from ..i18n import message
from ..legal import status_tag
from ..model import Diff, RenderOptions, Timeline
from ..reportmodel import Report
from .common import editorial_line, set_aside, summary
from .escape import display
from .report_effects import effects_columns, effects_heading, effects_rows, effects_summary
from .report_glance import brief, glance, substantive
from .report_rules import rules_views
from .report_svg import TimelineFigure, timeline_figure
from .report_views import history_groups, legend, mark_label, overview_facts
from .report_words import say
from .reportkit import (
    EventView,
    change_groups,
    event_views,
    notes_in,
    other_lang,
)

if TYPE_CHECKING:
    import jinja2


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("policy_tracker", "templates"), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, finalize=_visible, bytecode_cache=_bytecode_cache())
    environment.filters["nowrap_dates"] = _nowrap_dates
    return environment


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the user's cache folder: compiling them is most of the time
    a report takes to start. Jinja2 checks each entry against the template's source; a cache
    that cannot be read or written is skipped, never an error."""
    import jinja2

    from ..cachedir import default_cache_dir, owned_privately

    class QuietCache(jinja2.FileSystemBytecodeCache):
        """Jinja2's file cache, silent when the folder is not usable."""

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except (OSError, ValueError, EOFError):
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    folder = os.path.join(default_cache_dir(), f"templates-{jinja2.__version__}")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    # Compiled templates are code: never read from a folder someone else could write.
    if not stat.S_ISDIR(info.st_mode) or not owned_privately(info):
        return None
    return QuietCache(folder)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _nowrap_dates(value: Any) -> Any:
    """Text, escaped, with each ISO date kept on one line (a phone breaks them at hyphens)."""
    from markupsafe import Markup, escape

    text = str(escape(display(str(value))))
    return Markup(_ISO_DATE.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', text))


def _visible(value: Any) -> Any:
    """Control and bidirectional characters in data are shown, never obeyed."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return display(value)
    return value


def _page(template: str, lang: str, **context: Any) -> str:
    page = _environment().get_template(template)
    return page.render(lang=lang, other_lang=other_lang(lang), t=partial(say, lang=lang),
                       msg=partial(message, lang=lang), **context)


def _timeline_parts(timeline: Timeline, views: list[EventView], report: Report | None,
                    lang: str) -> dict[str, Any]:
    """The figure, the lane titles and, for each mark, its anchor, number and labels; and the
    same for the phone figure (360 wide, lane titles cut before their parenthesis)."""
    lanes = [[(i, e.date, e.is_law) for i, e in enumerate(timeline.events) if e.track == track]
             for track in timeline.tracks]
    names = [report.track_title(t).get(lang) if report else t for t in timeline.tracks]
    infos = []
    for index, event in enumerate(timeline.events):
        view = views[index]
        infos.append({"anchor": view.anchor, "number": view.number,
                      "label": mark_label(event, view.number, view.track, lang),
                      "tag": status_tag(event.snapshot, lang) if event.snapshot else "",
                      "title": view.title, "date": view.date, "track": view.track,
                      "is_law": view.is_law})

    def parts(width: float, short: bool) -> dict[str, Any]:
        figure: TimelineFigure = timeline_figure(lanes, width)
        shown = [_short_name(n) for n in names] if short else names
        marks = [(m, infos[m.index]) for m in sorted(figure.marks, key=lambda m: m.index)]
        return {"figure": figure, "lanes": list(zip(figure.lanes, shown)), "marks": marks}

    wide = parts(960.0, False)
    return {**wide, "narrow": parts(360.0, True)}


def _short_name(name: str) -> str:
    """A lane title for the phone figure: the part before a parenthesis, at most 40 chars."""
    for opening in (" (", "（"):
        name = name.split(opening, 1)[0] if opening in name[1:] else name
    return name if len(name) <= 40 else name[:39] + "…"


def render_report(report: Report, options: RenderOptions) -> str:
    """The whole change report as one self-contained HTML page."""
    lang = options.lang
    events = event_views(report.timeline.events, report.sources, report, lang)
    pairs = list(zip(report.timeline.events, events))
    title = report.policy.title.get(lang)
    other = report.policy.title.get(other_lang(lang))
    return _page(
        "report.html.j2", lang, title=title, other_title=other if other != title else "",
        policy_id=report.policy.id, description=report.policy.description.get(lang),
        notes=list(notes_in(report.policy.notes, lang)), overview=overview_facts(report, lang),
        legend=legend(lang), events=events, history_groups=history_groups(report, lang),
        rules=rules_views(report, lang), as_of=report.as_of.isoformat(),
        rules_heading=say("rules", lang, date=report.as_of.isoformat()),
        effects=effects_rows(report, lang), effects_heading=effects_heading(lang),
        effects_columns=effects_columns(lang), effects_summary=effects_summary(report, lang),
        glance=glance(report, events, lang), briefs=[brief(e, v, lang) for e, v in pairs],
        opened=[substantive(e) for e, _ in pairs],
        impact=_impact_view(report, lang),
        **_timeline_parts(report.timeline, events, report, lang))


def _impact_view(report: Report, lang: str) -> dict[str, Any] | None:
    """The "who is affected" section, when the report was asked for profiles."""
    if report.impact is None:
        return None
    from ..i18n import message
    from .impactwords import dates_line, footer, impact_lines

    return {"heading": message("impact.title_all", lang),
            "dates": dates_line(report.impact, lang),
            "none": message("impact.none", lang), "changes": impact_lines(report.impact, lang),
            "footer": footer(report.impact.last_verified, lang)}


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
    substantive, editorial = set_aside(diff.changes)
    return _page("diff.html.j2", lang, title=options.title or say("diff_title", lang),
                 old=diff.old, new=diff.new, groups=change_groups(substantive, (), lang),
                 editorial=change_groups(editorial, (), lang),
                 editorial_line=editorial_line(editorial, lang),
                 summary=summary(diff.changes, lang, len(diff.accepted)),
                 legend=[row for row in legend(lang) if row[0] not in ("law", "draft")])
