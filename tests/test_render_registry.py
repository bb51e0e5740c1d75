"""The static renderer registry matches what the format modules define."""

from __future__ import annotations

import importlib
import pkgutil

import policy_tracker.render as render_package
from policy_tracker.render import REGISTRY

KINDS = ("diff", "timeline", "history", "report", "review", "parameter_history", "problems")


def test_registry_lists_exactly_the_render_functions_of_each_format() -> None:
    listed = {(fmt, kind, module) for fmt, kinds in REGISTRY.items()
              for kind, module in kinds.items()}
    for fmt, kind, module in listed:
        assert callable(getattr(importlib.import_module(f"policy_tracker.render.{module}"),
                                f"render_{kind}", None)), (fmt, kind, module)
    modules = {m for kinds in REGISTRY.values() for m in kinds.values()}
    for info in pkgutil.iter_modules(render_package.__path__):
        if info.name not in modules:
            continue
        loaded = importlib.import_module(f"policy_tracker.render.{info.name}")
        for kind in KINDS:
            if callable(getattr(loaded, f"render_{kind}", None)):
                assert any(m == info.name and k == kind for _, k, m in listed), (info.name, kind)
