"""The change report in Markdown: the HTML report's content, every piece of data inert text."""

from __future__ import annotations

import html

from ..model import RenderOptions
from ..reportmodel import Report
from .escape import md
from .report_effects import effects_columns, effects_heading, effects_rows, effects_summary
from .markdown import segments_md
from .report_rules import OutlineView, RulesView, rules_views
from .report_views import (
    HistoryView,
    history_groups,
    legend,
    overview_facts,
)
from .report_words import say
from .reportkit import ChangeView, EventView, Link, event_views, notes_in, other_lang, paren


def link(item: Link) -> str:
    """`[text](url)` for an http(s) address, plain escaped text otherwise."""
    if not item.url:
        return md(item.text)
    url = item.url.replace("(", "%28").replace(")", "%29")
    return f"[{md(item.text)}]({url})"


def render_report(report: Report, options: RenderOptions) -> str:
    """Overview, timeline list, instruments with their changes, histories, rules in force."""
    lang = options.lang
    events = event_views(report.timeline.events, report.sources, report, lang)
    lines = _head(report, lang)
    lines += [f"## {md(say('timeline', lang))}", ""]
    lines += [_timeline_item(e, lang) for e in events] or [md(say("no_events", lang))]
    lines += ["", f"## {md(say('instruments', lang))}", ""]
    for event in events:
        lines += _event(event, lang)
    lines += _effects(report, lang)
    lines += [f"## {md(say('histories', lang))}", ""]
    for group in history_groups(report, lang):
        lines += [f"### {md(group.track)}", ""]
        for history in group.moved:
            lines += _history(history, lang)
        if group.steady:
            lines += [f"#### {md(say('steady', lang))}", ""] + _steady(group.steady, lang)
    if not report.histories:
        lines += [md(say("no_histories", lang)), ""]
    lines += [f"## {md(say('rules', lang, date=report.as_of.isoformat()))}", ""]
    for rules in rules_views(report, lang):
        lines += _rules(rules, lang)
    if report.impact is not None:
        lines += _impact(report, lang)
    lines += ["---", "", f"_{md(say('footer', lang))}_"]
    return "\n".join(lines).rstrip("\n") + "\n"


def _head(report: Report, lang: str) -> list[str]:
    title = report.policy.title.get(lang)
    other = report.policy.title.get(other_lang(lang))
    lines = [f"# {md(title)}", ""]
    if other != title:
        lines += [md(other), ""]
    lines += [f"{md(say('report', lang))} · {md(report.policy.id)}", "",
              f"## {md(say('overview', lang))}", ""]
    if report.policy.description.get(lang):
        lines += [md(report.policy.description.get(lang)), ""]
    lines += _facts(overview_facts(report, lang), lang) + [""]
    lines += [md(note) + "\n" for note in notes_in(report.policy.notes, lang)]
    lines += [f"### {md(say('legend', lang))}", ""]
    lines += [f"- **{md(badge)}**{_colon(lang)}{md(meaning)}"
              for kind, badge, meaning in legend(lang) if kind not in ("law", "draft")]
    return lines + [""]


def _colon(lang: str) -> str:
    return md(say("colon", lang)) if lang == "zh" else ": "


def _facts(rows: tuple[tuple[str, str], ...], lang: str) -> list[str]:
    return [f"- **{md(label)}**{_colon(lang)}{md(text)}" for label, text in rows]


def _timeline_item(event: EventView, lang: str) -> str:
    # The status words of a draft already say it is not law.
    return (f"{event.number}. {md(event.date)} · {md(event.track)} · {md(event.title)}"
            f"{md(paren(event.status, lang))}")


def _event(event: EventView, lang: str) -> list[str]:
    lines = [f"### {event.number}. {md(event.title)}", ""]
    if event.other_title:
        lines += [md(event.other_title), ""]
    if not event.is_law:
        lines += [f"**{md(event.status)}**", ""]
    lines += _facts(event.facts, lang)
    if event.sources:
        sep = "；" if lang == "zh" else "; "
        lines.append(f"- **{md(say('sources', lang))}**{_colon(lang)}"
                     + sep.join(link(s) for s in event.sources))
    lines.append("")
    lines += [f"_{md(say('notes', lang))}_{_colon(lang)}{md(note)}\n" for note in event.notes]
    if event.context:
        lines += [f"_{md(event.context)}_", ""]
    for area, changes in event.groups:
        lines += [f"#### {md(area)}", ""]
        lines += [_change(c, lang) for c in changes]
        lines.append("")
    if not event.groups and not event.baseline and not event.editorial:
        lines += [md(say("no_changes", lang)), ""]
    if event.editorial:
        # GitHub shows a <details> block collapsed; the Markdown inside needs blank lines.
        lines += ["<details>", f"<summary>{html.escape(event.editorial_line)}</summary>", ""]
        for area, changes in event.editorial:
            lines += [f"#### {md(area)}", ""] + [_change(c, lang) for c in changes] + [""]
        lines += ["</details>", ""]
    return lines


def _change(change: ChangeView, lang: str) -> str:
    badge = f"**{md(change.badge)}** · {md(change.severity)}"
    if change.unconfirmed:
        badge += f" · _{md(say('unconfirmed', lang))}_"
    lines = [f"- {badge}{_colon(lang)}{md(change.sentence)}"]
    if change.redline:
        lines.append(f"  - {segments_md(change.redline)}")
    elif change.old or change.new:
        values = " → ".join(md(v) for v in (change.old, change.new) if v)
        lines.append(f"  - {values}")
    if change.citation is not None:
        lines.append(f"  - {md(say('citation', lang))}{_colon(lang)}{link(change.citation)}")
    return "\n".join(lines)


def _history(history: HistoryView, lang: str) -> list[str]:
    lines = [f"#### {md(history.label)}", "", _header(("date", "value", "instrument",
                                                        "citation"), lang)]
    for row in history.rows:
        value = md(row.value) + (f" _{md(say('proposed', lang))}_" if row.proposed else "")
        instrument = md(row.instrument + paren(row.status, lang))
        cited = link(row.citation) if row.citation else "—"
        lines.append(f"| {md(row.date)} | {value} | {instrument} | {cited} |")
    return lines + [""]


def _header(keys: tuple[str, ...], lang: str) -> str:
    return "| " + " | ".join(md(say(k, lang)) for k in keys) + " |\n" + \
        "| " + " | ".join("---" for _ in keys) + " |"


def _steady(views: tuple[HistoryView, ...], lang: str) -> list[str]:
    lines = [_header(("field", "value", "since", "instrument", "citation"), lang)]
    for view in views:
        for row in view.rows:
            cited = link(row.citation) if row.citation else "—"
            lines.append(f"| {md(view.label)} | {md(row.value)} | {md(row.date)} | "
                         f"{md(row.instrument)} | {cited} |")
    return lines + [""]


def _rules(rules: RulesView, lang: str) -> list[str]:
    lines = [f"### {md(rules.track)}", ""]
    if rules.combined:
        lines += [f"{md(say('combined', lang))}{_colon(lang).rstrip()}", ""]
        lines += [f"- {md(text)}" for text, _ in rules.combined] + [""]
    if rules.remark:
        lines += [f"_{md(rules.remark)}_", ""]
    lines += _outline(rules.outline, 0, lang)
    if rules.sources:
        lines += ["", f"#### {md(say('cited', lang))}", ""]
        lines += [f"{number}. {link(source)}" for number, _, source in rules.sources]
    return lines + [""]


def _outline(nodes: tuple[OutlineView, ...], depth: int, lang: str) -> list[str]:
    lines = []
    for node in nodes:
        text = f"{'  ' * depth}- **{md(node.label)}**"
        if node.value:
            text += f"{_colon(lang)}{md(node.value)}"
        if node.unconfirmed:
            text += f" _{md(say('unconfirmed', lang))}_"
        if node.ref is not None:
            article = f" {md(node.ref.article)}" if node.ref.article else ""
            ref = f"\\[{node.ref.number}\\]{article}"
            text += f"{md(say('lp', lang))}{ref}{md(say('rp', lang))}"
        if node.note:
            text += f" — {md(node.note)}"
        lines.append(text)
        lines += _outline(node.children, depth + 1, lang)
    return lines


def _effects(report: Report, lang: str) -> list[str]:
    lines = [f"## {md(effects_heading(lang))}", ""]
    summary = effects_summary(report, lang)
    if summary:
        lines += [md(summary), ""]
    rows = effects_rows(report, lang)
    if rows:
        lines.append("| " + " | ".join(md(c) for c in effects_columns(lang)) + " |")
        lines.append("|" + "---|" * len(effects_columns(lang)))
        lines += ["| " + " | ".join(md(cell).replace("|", "\\|") for cell in (
            r.date, r.effects, r.applied, r.by, r.affected, r.note)) + " |" for r in rows]
        lines.append("")
    return lines


def _impact(report: Report, lang: str) -> list[str]:
    """The "who is affected" section, when the report was asked for profiles."""
    from ..i18n import message
    from .impactwords import dates_line, footer, impact_lines

    impact = report.impact
    if impact is None:
        return []
    lines = [f"## {md(message('impact.title_all', lang))}", "",
             md(dates_line(impact, lang)), ""]
    for sentence, reasons in impact_lines(impact, lang):
        lines.append(f"- {md(sentence)}")
        lines += [f"  - {md(reason)}" for reason in reasons]
    if not impact.changes:
        lines.append(md(message("impact.none", lang)))
    lines.append("")
    lines += [f"{md(line)}  " for line in footer(impact.last_verified, lang)]
    return lines + [""]
