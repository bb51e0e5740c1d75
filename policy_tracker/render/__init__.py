"""Renderers: a registry from format name to module; each module renders values to a string.

A format module defines any of `render_diff(diff, options)`, `render_timeline(timeline,
options)`, `render_history(history, options)`, … returning `str`. `--format` choices for a
command are the formats that define its function.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

_MODULES: dict[str, tuple[str, ...]] = {
    "text": ("text",), "markdown": ("markdown", "report_markdown", "review_markdown"), "json": ("json",),
    "jsonl": ("jsonl",), "csv": ("csv",), "html": ("html",), "timelinejs": ("timelinejs",),
    "ics": ("ics",), "github": ("github",),
}


def formats_for(kind: str) -> tuple[str, ...]:
    """The format names that can render `kind` (diff, timeline, history, …)."""
    return tuple(name for name in _MODULES if _renderer(name, kind) is not None)


def _renderer(name: str, kind: str) -> Callable[..., str] | None:
    for module_name in _MODULES[name]:
        try:
            module = importlib.import_module(f"{__name__}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{module_name}":
                raise
            continue
        found = getattr(module, f"render_{kind}", None)
        if callable(found):
            return found  # type: ignore[no-any-return]
    return None


def render(kind: str, fmt: str, value: Any, options: Any) -> str:
    """Render `value` (a Diff, Timeline, …) in format `fmt`."""
    renderer = _renderer(fmt, kind)
    if renderer is None:
        raise ValueError(f"no {fmt} renderer for {kind}")
    return renderer(value, options)
