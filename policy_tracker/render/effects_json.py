"""The effects register as JSON (see `policy-tracker schema effects`)."""

from __future__ import annotations

from ..legal import EffectsRegister
from ..model import RenderOptions
from .json import dumps


def render_effects(register: EffectsRegister, options: RenderOptions) -> str:
    """The register's `to_dict()`, deterministic."""
    return dumps(register.to_dict())
