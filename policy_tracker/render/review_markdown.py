"""A pull-request comment: sticky marker, summary table, details per file, within GitHub's limit."""

from __future__ import annotations

from ..i18n import message, plural
from ..model import Change, FileReview, RenderOptions, Review
from .common import summary, word
from .changelog import changelog_block
from .escape import code_span, display, md
from .markdown import change_item, change_items

MARKER = "<!-- policy-tracker-review -->"
MAX_CHARS = 60_000
MAX_BYTES = 65_000
_JSON = "policy-tracker review --format json"


def _code(text: str, in_table: bool = False) -> str:
    """Inline code that data cannot close (a fence longer than any backtick run inside) nor
    use to spoof the comment's marker; in a table, pipes are escaped (GFM splits cells on
    them even inside code)."""
    text = display(text).replace("<!--", "<!\u2060--")
    if in_table:
        text = text.replace("|", "\\|")
    fence = "`" * (_runs(text) + 1)
    return f"{fence} {text} {fence}"


def _runs(text: str) -> int:
    best = current = 0
    for ch in text:
        current = current + 1 if ch == "`" else 0
        best = max(best, current)
    return best


def _row(item: FileReview, lang: str) -> str:
    changes = item.diff.changes if item.diff else ()
    counts = [sum(1 for c in changes if name in (c.direction.value, c.severity.value))
              for name in ("looser", "stricter", "major")]
    status = message("validate.review.affected", lang) if item.status == "affected" else \
        item.status
    cells = [_code(item.path, in_table=True), word(item.status, lang) if item.status in (
        "added", "removed", "renamed", "modified") else md(status), str(len(changes)),
        *map(str, counts), str(len(item.problems))]
    return "| " + " | ".join(cells) + " |"


def _details(item: FileReview, options: RenderOptions) -> str:
    lang = options.lang
    lines = []
    if item.problems:
        lines += [f"**{md(message('review.problems', lang))}**", ""]
        lines += [f"- {_code(p.location() or item.path)} {md(p.message)}" for p in item.problems]
        lines.append("")
    if item.note:
        lines += [f"_{md(item.note)}_", ""]
    if item.diff:
        if item.status == "renamed":
            lines += [f"{_code(item.old_path)} → {_code(item.new_path)}", ""]
        lines += change_items(list(item.diff.changes), options, _with_fingerprint)
    head = f"{display(item.path)}: " + (summary(item.diff.changes, lang, len(item.diff.accepted))
                                         if item.diff else
                                         plural("review.problem_count", len(item.problems), lang))
    if item.diff and item.problems:
        head += " · " + plural("review.problem_count", len(item.problems), lang)
    body = "\n".join(lines).strip() or word("no_changes", lang)
    return f"<details><summary>{md(head)}</summary>\n\n{body}\n\n</details>\n"


def _with_fingerprint(change: Change, options: RenderOptions) -> str:
    """A change item ending with its fingerprint, which a reviewer copies into an accept file."""
    first, newline, rest = change_item(change, options).partition("\n")
    label = message("validate.review.fingerprint", options.lang)
    return f"{first} · {label} {_code(change.fingerprint)}{newline}{rest}"


def render_review(review: Review, options: RenderOptions) -> str:
    """The comment body: never longer than GitHub accepts; what is cut is said."""
    lang = options.lang
    changes = review.changes()
    problems = sum(len(f.problems) for f in review.files)
    more = f" · {plural('review.problem_count', problems, lang)}" if problems else ""
    head = [MARKER, f"## {md(message('review.title', lang))}", "",
            f"{_code(review.base_ref)} ({review.base[:12]}) → {_code(review.head_ref)} "
            f"({review.head[:12]})", "", md(summary(changes, lang)) + more, ""]
    if not review.files:
        head.append(md(message("review.no_files", lang)))
        return "\n".join(head) + "\n"
    block = changelog_block(review, lang)  # first: it is what a maintainer pastes
    if block:
        head += [block]
    columns = [message(f"review.column.{name}", lang) for name in (
        "file", "status", "changes", "looser", "stricter", "major", "problems")]
    out = "\n".join(head + ["| " + " | ".join(columns) + " |",
                            "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]) + "\n"
    rows_left_out = 0
    for item in review.files:
        row = _row(item, lang) + "\n"
        if rows_left_out or _too_long(out + row, reserve=8_000):
            rows_left_out += 1
        else:
            out += row
    if rows_left_out:
        out += f"\n_{md(plural('review.rows_left_out', rows_left_out, lang))}_\n"
    out += "\n"

    left_out = 0
    for item in review.files:
        section = _details(item, options) + "\n"
        if left_out or _too_long(out + section):
            left_out += 1
            continue
        out += section
    if left_out:
        out += f"_{plural('review.truncated', left_out, lang, command=code_span(_JSON))}_\n"
    return out


def _too_long(text: str, reserve: int = 0) -> bool:
    """Over budget, keeping room for the closing note (and `reserve` for what must follow)."""
    return len(text) > MAX_CHARS - 400 - reserve or \
        len(text.encode("utf-8")) > MAX_BYTES - 800 - reserve
