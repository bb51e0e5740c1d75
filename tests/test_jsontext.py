"""Indented JSON made fast is still exactly the text `json.dumps` gives."""

from __future__ import annotations

import enum
import json
import random
from typing import Any

import pytest

from policy_tracker.jsontext import dumps_indented

STRINGS = ["", "plain", "caf\u00e9", "\u4e2d\u6587", "quote \" and \\ slash /", "\n\t\r\x00",
           "\x1b[2J", "\u202e\u200b\u2028", "\ud800 lone", "emoji \U0001f600", "</script>"]


def _random_value(rng: random.Random, depth: int) -> Any:
    pick = rng.randrange(12 if depth < 6 else 8)
    if pick == 0:
        return rng.choice(STRINGS)
    if pick == 1:
        return rng.choice([0, -1, 7, 10**30, -(2**63)])
    if pick == 2:
        return rng.choice([0.0, -0.0, 1.1e-5, 1e300, 3.14159, 2.5])
    if pick == 3:
        return rng.choice([True, False, None])
    if pick < 8:
        return rng.choice(STRINGS) + str(rng.randrange(100))
    if pick < 10:
        return {rng.choice(STRINGS) + str(rng.randrange(5)): _random_value(rng, depth + 1)
                for _ in range(rng.randrange(5))}
    items = [_random_value(rng, depth + 1) for _ in range(rng.randrange(5))]
    return tuple(items) if pick == 10 else items


def _expected(value: Any, depth: int = 0) -> str:
    text = json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    return text.replace("\n", "\n" + "  " * depth)


@pytest.mark.parametrize("seed", range(40))
def test_the_text_is_json_dumps_text(seed: int) -> None:
    rng = random.Random(seed)
    value = {"root": _random_value(rng, 0), "more": [_random_value(rng, 0) for _ in range(5)]}
    for depth in (0, 1, 2, 5):
        assert dumps_indented(value, depth) == _expected(value, depth)


class Colour(str, enum.Enum):
    RED = "red"


@pytest.mark.parametrize("value", [
    {}, [], (), {"a": {}}, {"b": [], "a": [[]]}, {1: "x", 2: "y"}, {"k": {1.5: 1, 2: 2, True: 0}},
    {"e": Colour.RED}, [Colour.RED], {"deep": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]},
    ["x" * 10] * 40])
def test_unusual_values_too(value: Any) -> None:
    assert dumps_indented(value) == _expected(value)
    assert dumps_indented(value, 3) == _expected(value, 3)


def test_deeper_than_the_prepared_indents() -> None:
    value: Any = 1
    for _ in range(120):
        value = {"a": [value]}
    assert dumps_indented(value, 1) == _expected(value, 1)


@pytest.mark.parametrize("value", [float("nan"), {"a": float("inf")}, [object()], {"s": {1, 2}}])
def test_what_json_refuses_is_refused(value: Any) -> None:
    with pytest.raises((ValueError, TypeError)):
        dumps_indented(value)
