"""Renderers: a registry from format name to the module that renders each kind of value.

A format module defines `render_<kind>(value, options) -> str` for the kinds listed here
(diff, timeline, history, report, review, effects, parameter_history,
problems). `--format` choices for a command are the formats
that list its kind; the table is static so that `--help` imports no renderer (a test checks
that it matches the modules).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

REGISTRY: dict[str, dict[str, str]] = {
    "text": {"diff": "text", "timeline": "text", "history": "text", "effects": "effects_text",
             "problems": "text", "parameter_history": "parameter_history",
             "eligibility": "impact_text", "impact": "impact_text", "digest": "digest_text"},
    "markdown": {"diff": "markdown", "timeline": "markdown", "history": "markdown",
                 "report": "report_markdown", "review": "review_markdown",
                 "effects": "effects_markdown", "parameter_history": "parameter_history_md",
                 "eligibility": "impact_markdown", "impact": "impact_markdown",
                 "digest": "digest_markdown"},
    "json": {"diff": "json", "timeline": "json", "history": "json", "review": "json",
             "effects": "effects_json", "problems": "json", "parameter_history": "json",
             "eligibility": "impact_json", "impact": "impact_json"},
    "jsonl": {"timeline": "jsonl", "history": "jsonl"},
    "csv": {"diff": "csv", "timeline": "csv", "history": "csv", "effects": "effects_csv",
            "eligibility": "impact_csv", "impact": "impact_csv"},
    "html": {"diff": "html", "timeline": "html", "report": "html"},
    "timelinejs": {"timeline": "timelinejs"},
    "ics": {"timeline": "ics"},
    "atom": {"timeline": "atom"},
    "github": {"review": "github", "problems": "github"},
}


def formats_for(kind: str) -> tuple[str, ...]:
    """The format names that can render `kind` (diff, timeline, history, report, review)."""
    return tuple(name for name, kinds in REGISTRY.items() if kind in kinds)


def renderer(fmt: str, kind: str) -> Callable[..., str]:
    """The function that renders `kind` in format `fmt`."""
    module = importlib.import_module(f"{__name__}.{REGISTRY[fmt][kind]}")
    found: Callable[..., str] = getattr(module, f"render_{kind}")
    return found


# How each format writes the first colon of a line that would start with `::` (a workflow
# command in a CI log): an HTML character reference, a Markdown backslash escape (both read as
# the colon), else the `\x3a` of the escaping policy. `github` writes commands on purpose.
_COLON = {"html": "&#58;", "markdown": "\\:", "github": ""}


def render(kind: str, fmt: str, value: Any, options: Any) -> str:
    """Render `value` (a Diff, Timeline, …) in format `fmt`."""
    from ..visible import guard_line_starts

    text = renderer(fmt, kind)(value, options)
    colon = _COLON.get(fmt, "\\x3a")
    return guard_line_starts(text, colon) if colon else text
