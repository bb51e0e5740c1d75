"""Markdown for documents and pull requests: every piece of data escaped as inert text."""

from __future__ import annotations

from ..model import Change, Diff, RenderOptions
from .common import by_area, summary, word
from .escape import md


def redline_md(change: Change) -> str:
    """A redline as Markdown: deletions struck through, insertions in bold."""
    out = []
    for op, text in change.redline:
        if not text.strip():
            out.append(md(text) if op == "=" else "")
        elif op == "=":
            out.append(md(text))
        elif op == "-":
            out.append(f"~~{md(text.strip())}~~ ")
        else:
            out.append(f"**{md(text.strip())}** ")
    return "".join(out).strip()


def change_item(change: Change, options: RenderOptions) -> str:
    """One change as a Markdown list item with its direction and citation."""
    lang = options.lang
    badge = f"**{word(change.direction.value, lang)}** · {word(change.severity.value, lang)}"
    if change.unconfirmed:
        badge += f" · _{word('unconfirmed', lang)}_"
    line = f"- {badge}: {md(change.sentence.get(lang))}"
    if change.citation is not None:
        line += f" ({word('citation', lang)}: {md(change.citation.label())})"
    if change.redline:
        line += f"\n  - {redline_md(change)}"
    return line


def render_diff(diff: Diff, options: RenderOptions) -> str:
    """A heading, the summary, and the changes grouped by area."""
    lang = options.lang
    title = options.title or ("Changes" if lang == "en" else "变化")
    lines = [f"## {md(title)}", "", f"`{_code(diff.old)}` → `{_code(diff.new)}`", "",
             summary(diff.changes, lang, len(diff.accepted)), ""]
    for area, changes in by_area(diff.changes, lang):
        lines += [f"### {md(area)}", ""]
        lines += [change_item(c, options) for c in changes]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _code(text: str) -> str:
    from .escape import display
    return display(text).replace("`", "'")
