"""Indented JSON, the text `json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False,
allow_nan=False)` gives, made several times faster.

Python's encoder uses its C speed-up only without `indent`; with it, every value goes through
a pure-Python generator. Here strings are escaped by the C function the encoder itself uses,
and containers are joined recursively. Anything this does not handle as `json` would (keys
that are not strings, values that are not plain JSON types) is handed to `json.dumps`, so the
text is always the same (a test holds it to that).
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring
from typing import Any

_INDENTS = ["\n" + "  " * depth for depth in range(64)]


def dumps_indented(value: Any, depth: int = 0) -> str:
    """`value` as indented JSON text, its lines after the first indented by `depth` levels
    (as it reads nested `depth` levels down in a larger document)."""
    kind = type(value)
    if kind is str:
        return str(encode_basestring(value))
    if kind is dict:
        if not value:
            return "{}"
        if depth + 1 >= len(_INDENTS):
            return _fallback(value, depth)
        inner = _INDENTS[depth + 1]
        parts = []
        for key in sorted(value):
            if type(key) is not str:
                return _fallback(value, depth)
            parts.append(encode_basestring(key) + ": " + dumps_indented(value[key], depth + 1))
        return "{" + inner + ("," + inner).join(parts) + _INDENTS[depth] + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        if depth + 1 >= len(_INDENTS):
            return _fallback(value, depth)
        inner = _INDENTS[depth + 1]
        return "[" + inner + ("," + inner).join(
            [dumps_indented(item, depth + 1) for item in value]) + _INDENTS[depth] + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    return _fallback(value, depth)


def _fallback(value: Any, depth: int) -> str:
    """What `json.dumps` makes of anything unusual (or its error), at `depth`."""
    text = json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    return text.replace("\n", "\n" + "  " * depth) if depth else text
