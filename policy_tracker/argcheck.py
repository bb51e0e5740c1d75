"""Arguments of the public API, checked at the boundary: one error class (`UsageError`, also a
TypeError and a ValueError) whose message names the function and the argument.

Rule data given to `compare` must be what a file could hold (README, "Python API"): dicts with
string keys, lists, strings, integers of at most 4,300 digits, floats, booleans and None,
nested at most 100 deep (as the loader allows) and without cycles. Anything else is refused
with the path where it was found, never compared by `==` or recursed into without limit.
NaN equals NaN for comparison purposes: a file compared with itself has no changes.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from .errors import UsageError

MAX_DEPTH = 100
"""Nesting allowed in rule data, as for files (`load.MAX_DEPTH`)."""
MAX_INT_DIGITS = 4300
_SCALARS = frozenset({str, int, float, bool, type(None)})
_KNOWN = _SCALARS | {dict, list}
_STR = frozenset({str})
NAN = float("nan")
"""The one NaN object that data is rewritten to hold, so that `==` on containers (which
tries identity first) and the comparison treat every NaN as equal to every other."""


def kind(value: Any) -> str:
    """A value's type, as a message names it."""
    return "None" if value is None else type(value).__name__


def expect(function: str, name: str, value: Any, types: type | tuple[type, ...],
           what: str) -> None:
    """Refuse `value` unless it is an instance of `types` (booleans are not integers)."""
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in (
            types if isinstance(types, tuple) else (types,))):
        raise UsageError(f"{function}: argument {name!r} must be {what}, not {kind(value)}")


def expect_text(function: str, name: str, value: Any, optional: bool = False) -> None:
    """A non-empty string (or None when `optional`)."""
    if optional and value is None:
        return
    expect(function, name, value, str, "a string" + (" or None" if optional else ""))
    if not value:
        raise UsageError(f"{function}: argument {name!r} is an empty string")


def expect_date(function: str, name: str, value: Any, optional: bool = False) -> None:
    """A `datetime.date` (a datetime is refused: its time would be silently dropped)."""
    if optional and value is None:
        return
    if type(value) is not dt.date:
        hint = " (parse text with api.parse_date)" if isinstance(value, str) else ""
        raise UsageError(f"{function}: argument {name!r} must be a datetime.date"
                         f"{' or None' if optional else ''}, not {kind(value)}{hint}")


def expect_names(function: str, name: str, value: Any) -> tuple[str, ...]:
    """An iterable of strings that is not itself a string (or None: every one)."""
    if value is None:
        return ()
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise UsageError(f"{function}: argument {name!r} must be a list of strings, "
                         f"not {kind(value)}")
    items = tuple(value)
    for item in items:
        expect_text(function, f"{name}[]", item)
    return items


def check_data(function: str, name: str, value: Any) -> bool:
    """Refuse rule data a file could not hold (see the module docstring); True when it holds
    a NaN. Iterative: no recursion limit is reached, whatever the nesting."""
    if type(value) is not dict:
        raise UsageError(f"{function}: argument {name!r} must be a dict of rule values, "
                         f"not {kind(value)}")
    has_nan = False
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        if len(path) >= MAX_DEPTH:
            _too_deep(function, name, value, path)
        if type(node) is dict:
            if not _STR.issuperset(map(type, node)):
                key = next(k for k in node if type(k) is not str)
                raise UsageError(f"{function}: argument {name!r} has a key of type {kind(key)} "
                                 f"({_short(repr(key))}) at {_where(path)}; keys must be "
                                 "strings, as in files")
            items: Any = node.items()
        else:
            items = enumerate(node)
        types = set(map(type, node.values() if type(node) is dict else node))
        if not _KNOWN.issuperset(types):
            key, bad = next((k, v) for k, v in items if type(v) not in _KNOWN)
            raise UsageError(f"{function}: argument {name!r} has a value of type {kind(bad)} "
                             f"at {_where(path + (key,))}; rule data holds dicts, lists, "
                             "strings, numbers, booleans and None")
        if float in types or int in types:
            has_nan |= _numbers(function, name, path, items)
            items = node.items() if type(node) is dict else enumerate(node)
        if dict in types or list in types:
            stack.extend((child, path + (key,)) for key, child in items
                         if type(child) is dict or type(child) is list)
    return has_nan


def _numbers(function: str, name: str, path: tuple[Any, ...], items: Any) -> bool:
    has_nan = False
    for key, item in items:
        if type(item) is float and item != item:
            has_nan = True
        elif type(item) is int and item.bit_length() > 14_000:
            try:
                str(item)
            except ValueError:
                raise UsageError(f"{function}: argument {name!r} has an integer of more than "
                                 f"{MAX_INT_DIGITS:,} digits at {_where(path + (key,))}; "
                                 "write it as text") from None
    return has_nan


def _too_deep(function: str, name: str, root: Any, path: tuple[Any, ...]) -> None:
    seen: dict[int, int] = {}
    node = root
    for depth in range(len(path) + 1):
        if id(node) in seen:
            first = path[:seen[id(node)]]
            raise UsageError(f"{function}: argument {name!r} is cyclic: {_where(path[:depth])} "
                             f"holds {_where(first)} again")
        seen[id(node)] = depth
        if depth < len(path):
            node = node[path[depth]]
    raise UsageError(f"{function}: argument {name!r} is nested more than {MAX_DEPTH} levels "
                     f"deep at {_where(path)}; files may nest {MAX_DEPTH}")


def _where(path: tuple[Any, ...]) -> str:
    if not path:
        return "the top level"
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return repr(_short(text))


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else f"{text[:limit // 2]}…{text[-limit // 2:]}"


def canonical_nan(value: Any) -> Any:
    """A copy of checked data in which every NaN is the one `NAN` object (depth is at most
    MAX_DEPTH here, so recursion is safe)."""
    if type(value) is dict:
        return {k: canonical_nan(v) for k, v in value.items()}
    if type(value) is list:
        return [canonical_nan(v) for v in value]
    if type(value) is float and math.isnan(value):
        return NAN
    return value
