"""YAML output of resolved rules (the serializer lives with the loader)."""

from __future__ import annotations

from ..load import dump_yaml
from ..model import RenderOptions
from ..rules import Resolved
from .listing import banner, resolved_data


def render_resolved(resolved: Resolved, options: RenderOptions) -> str:
    """A banner naming the snapshots combined, then the rule values."""
    lines = "".join(f"# {line}\n" for line in banner(resolved, options.lang))
    return lines + dump_yaml(resolved_data(resolved)["rules"])
