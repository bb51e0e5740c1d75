"""Readers that check rendered output the way its consumer would read it."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

from .harness import ROOT

TEMPLATES = ROOT / "policy_tracker" / "templates"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\x00")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcdoc", "style",
                  "background", "poster", "data"}


class Page(HTMLParser):
    """Elements, attributes, comments and text of an HTML page, as a browser would split them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.pairs: set[tuple[str, str]] = set()
        self.attributes: list[tuple[str, str, str]] = []
        self.comments: list[str] = []
        self.text: list[tuple[str, str]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.pairs.add((tag, ""))
        for name, value in attrs:
            self.pairs.add((tag, name))
            self.attributes.append((tag, name, value or ""))

    handle_startendtag = handle_starttag

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_data(self, data: str) -> None:
        self.text.append((self.lasttag, data))


def template_vocabulary() -> set[tuple[str, str]]:
    """Every (element, attribute) the tool's own templates can write."""
    found: set[tuple[str, str]] = set()
    for path in sorted(TEMPLATES.glob("*.j2")):
        text = re.sub(r"{#.*?#}|{%.*?%}", "", path.read_text("utf-8"), flags=re.DOTALL)
        for level in range(1, 7):  # headings are written as <h{{ level }}>
            variant = re.sub(r"<(/?)h{{.*?}}", rf"<\1h{level}", text)
            found |= Page(re.sub(r"{{.*?}}", "x", variant, flags=re.DOTALL)).pairs
    return found


def html_hazards(html: str, allowed: set[tuple[str, str]], marker: str) -> list[str]:
    """What in the page came from the data as markup rather than as text."""
    page = Page(html)
    problems = [f"element or attribute from the data: {pair}"
                for pair in sorted(page.pairs - allowed)]
    for tag, name, value in page.attributes:
        if name.startswith("on"):
            problems.append(f"event handler {tag}[{name}]")
        if name in URL_ATTRIBUTES and (marker in value or "javascript:" in value.lower()):
            problems.append(f"data in {tag}[{name}]: {value[:60]!r}")
    problems += [f"comment from the data: {c[:40]!r}" for c in page.comments if marker in c]
    problems += [f"data inside <{tag}>: {text[:40]!r}" for tag, text in page.text
                 if tag in ("script", "style") and marker in text]
    if not any(marker in text for _, text in page.text):
        problems.append("the payload never reached the page as text (vacuous test)")
    return problems


def _without_code_spans(line: str) -> str:
    """A Markdown line with its inline code spans (inert text) removed, per CommonMark."""
    out, i = [], 0
    while i < len(line):
        if line[i] == "`" and (i == 0 or line[i - 1] != "\\"):
            run = len(line[i:]) - len(line[i:].lstrip("`"))
            close = re.compile(rf"(?<!`){'`' * run}(?!`)")
            end = close.search(line, i + run)
            if end:
                i = end.end()
                continue
            out.append(line[i:i + run])
            i += run
            continue
        out.append(line[i])
        i += 1
    return "".join(out)


TOOL_TAGS = re.compile(r"</?(?:details|summary)>")


def table_cells(line: str) -> list[str]:
    """The cells of a GFM table row: unescaped pipes split cells, even inside code spans."""
    return re.split(r"(?<!\\)\|", line.strip())[1:-1]


def markdown_hazards(body: str, marker: str = "", columns: int = 0) -> list[str]:
    """Markup, mentions, links, images, fences or HTML that came from the data."""
    problems = []
    if marker:
        if not body.startswith(marker + "\n") or body.count(marker) != 1:
            problems.append(f"the marker {marker!r} appears {body.count(marker)} times")
        body = body[len(marker):]
    for number, line in enumerate(body.splitlines(), 1):
        if columns and line.startswith("|") and len(table_cells(line)) != columns:
            problems.append(f"line {number}: table row split into {len(table_cells(line))} "
                            f"cells: {line[:80]!r}")
        if line.lstrip().startswith(("```", "~~~")):
            problems.append(f"line {number}: a code fence from the data")
        text = TOOL_TAGS.sub("", _without_code_spans(line))
        # A backslash-escaped `<` is text (CommonMark); an escaped backslash before it is not.
        for pattern, what in ((r"(?:^|[^\\])(?:\\\\)*<[A-Za-z!/?]", "raw HTML"),
                              (r"(?<!\\)\]\(", "a link"),
                              (r"(?<![\w\\])@[A-Za-z0-9]", "a mention"),
                              (r"(?<![\w\\])#[0-9]", "an issue link"),
                              (r"https?://", "an autolink")):
            if re.search(pattern, text):
                problems.append(f"line {number}: {what}: {line[:100]!r}")
    return problems


def csv_hazards(text: str) -> tuple[list[str], list[list[str]]]:
    """Cells a spreadsheet would evaluate (a formula start that is not a number); the rows."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    problems = []
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_START):
                try:
                    float(cell)
                except ValueError:
                    problems.append(f"formula cell {cell[:40]!r}")
    return problems, rows


def read_text(path: Path) -> str:
    """A file as strict UTF-8."""
    return path.read_bytes().decode("utf-8")
