"""GitHub Actions workflow commands: an annotation at each changed line, errors for problems."""

from __future__ import annotations

from ..errors import PolicyTrackerError
from ..model import Change, RenderOptions, Review
from .escape import display


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(level: str, path: str, line: int, col: int, title: str, message: str) -> str:
    where = f"file={_property(display(path))}"
    if line:
        where += f",line={line}" + (f",col={col}" if col else "")
    return f"::{level} {where},title={_property(display(title))}::{_data(display(message))}"


def _change(path: str, change: Change, lang: str) -> str:
    pos = change.new_position or change.old_position
    title = f"{change.direction.value} · {change.severity.value} · {change.rule}"
    return _annotation("warning" if change.direction.value == "stricter" else "notice", path,
                       pos.line if pos else 0, pos.col if pos else 0, title,
                       change.sentence.get(lang))


def render_review(review: Review, options: RenderOptions) -> str:
    """One workflow command per change and per problem (the summary is the Markdown format)."""
    lines = []
    for item in review.files:
        for problem in item.problems:
            lines.append(_annotation("error", item.path, problem.line, problem.col,
                                     "policy-tracker validate", problem.message))
        for change in item.diff.changes if item.diff else ():
            lines.append(_change(item.path, change, options.lang))
    return "\n".join(lines) + ("\n" if lines else "")


def render_problems(problems: tuple[PolicyTrackerError, ...], options: RenderOptions) -> str:
    """One error annotation per validation problem, at its line."""
    return "".join(_annotation("error", p.where or "<input>", p.line, p.col,
                               "policy-tracker validate", p.message) + "\n" for p in problems)
