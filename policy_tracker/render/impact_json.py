"""Applicant impact and eligibility as JSON: one `to_dict()` of the model, deterministic."""

from __future__ import annotations

import json

from ..i18n import message
from ..impactmodel import Eligibility, Impact
from ..model import JSONValue, RenderOptions


def _dump(data: dict[str, JSONValue], options: RenderOptions) -> str:
    data["notice"] = message("common.not_legal_advice", options.lang)
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def render_eligibility(result: Eligibility, options: RenderOptions) -> str:
    """The JSON form of an eligibility result."""
    return _dump(result.to_dict(), options)


def render_impact(impact: Impact, options: RenderOptions) -> str:
    """The JSON form of an impact listing."""
    return _dump(impact.to_dict(), options)
