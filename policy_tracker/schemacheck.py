"""A fast yes/no answer to "is this document valid against our JSON Schema?".

Importing jsonschema and building its validator is a good part of what a short command
costs, and almost every file it checks is valid. So a document is first checked here, by a
small interpreter of the keywords our schemas use, with jsonschema's semantics (Draft 2020-12,
formats not asserted); only when this says "invalid", or meets a keyword it does not know, does
`validate.check_schema` ask jsonschema, which finds and words every problem. A test checks that
both agree on every shipped file, every invalid fixture and many generated variations.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description",
                         "default", "examples", "format", "deprecated", "readOnly",
                         "writeOnly"})


class Unsupported(Exception):
    """The schema uses a keyword this checker does not interpret."""


def is_valid(instance: Any, schema: Mapping[str, Any]) -> bool | None:
    """True or False as jsonschema would say; None when the schema is beyond this checker."""
    try:
        return _valid(instance, schema, schema)
    except Unsupported:
        return None


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _is_type(value: Any, name: str) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if isinstance(value, bool):
        return False
    if name == "number":
        return isinstance(value, (int, float))
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    raise Unsupported(f"type {name}")


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: booleans are not numbers; 1 and 1.0 are equal."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return False
    return bool(type(a) is type(b) or (_is_type(a, "number") and _is_type(b, "number"))) \
        and a == b


def _resolve(ref: str, root: Mapping[str, Any]) -> Mapping[str, Any]:
    if not ref.startswith("#/"):
        raise Unsupported(f"$ref {ref}")
    node: Any = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or part not in node:
            raise Unsupported(f"$ref {ref}")
        node = node[part]
    if not isinstance(node, (Mapping, bool)):
        raise Unsupported(f"$ref {ref}")
    return node  # type: ignore[return-value]


def _valid(value: Any, schema: Any, root: Mapping[str, Any]) -> bool:
    if schema is True:
        return True
    if schema is False:
        return False
    if not isinstance(schema, Mapping):
        raise Unsupported("schema is not an object")
    for key, rule in schema.items():
        if key in ANNOTATIONS:
            continue
        check = _KEYWORDS.get(key)
        if check is None:
            raise Unsupported(key)
        if not check(value, rule, schema, root):
            return False
    return True


def _type(value: Any, rule: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    names = [rule] if isinstance(rule, str) else list(rule)
    return any(_is_type(value, name) for name in names)


def _properties(value: Any, rule: Any, schema: Mapping[str, Any],
                root: Mapping[str, Any]) -> bool:
    if not isinstance(value, dict):
        return True
    return all(_valid(value[k], sub, root) for k, sub in rule.items() if k in value)


def _additional(value: Any, rule: Any, schema: Mapping[str, Any],
                root: Mapping[str, Any]) -> bool:
    if not isinstance(value, dict):
        return True
    if "patternProperties" in schema:
        raise Unsupported("patternProperties")
    known = schema.get("properties", {})
    return all(_valid(v, rule, root) for k, v in value.items() if k not in known)


def _required(value: Any, rule: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    return not isinstance(value, dict) or all(k in value for k in rule)


def _items(value: Any, rule: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    if not isinstance(value, list):
        return True
    start = len(schema.get("prefixItems", ()))
    return all(_valid(item, rule, root) for item in value[start:])


def _prefix_items(value: Any, rule: Any, schema: Mapping[str, Any],
                  root: Mapping[str, Any]) -> bool:
    if not isinstance(value, list):
        return True
    return all(_valid(item, sub, root) for item, sub in zip(value, rule))


def _size(kind: str, most: bool) -> Any:
    def check(value: Any, rule: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
        if not _is_type(value, kind):
            return True
        return bool(len(value) <= rule if most else len(value) >= rule)
    return check


def _min_length(value: Any, rule: Any, schema: Mapping[str, Any],
                root: Mapping[str, Any]) -> bool:
    return not isinstance(value, str) or len(value) >= rule


def _enum(value: Any, rule: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    return any(_equal(value, option) for option in rule)


def _const(value: Any, rule: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    return _equal(value, rule)


def _pattern(value: Any, rule: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    return not isinstance(value, str) or _regex(rule).search(value) is not None


def _minimum(value: Any, rule: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    return not _is_type(value, "number") or bool(value >= rule)


def _maximum(value: Any, rule: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    return not _is_type(value, "number") or bool(value <= rule)


def _one_of(value: Any, rule: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    return sum(1 for sub in rule if _valid(value, sub, root)) == 1


def _any_of(value: Any, rule: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    return any(_valid(value, sub, root) for sub in rule)


def _all_of(value: Any, rule: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    return all(_valid(value, sub, root) for sub in rule)


def _not(value: Any, rule: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    return not _valid(value, rule, root)


def _ref(value: Any, rule: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    return _valid(value, _resolve(rule, root), root)


def _property_names(value: Any, rule: Any, schema: Mapping[str, Any],
                    root: Mapping[str, Any]) -> bool:
    return not isinstance(value, dict) or all(_valid(k, rule, root) for k in value)


def _unique(value: Any, rule: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    if not rule or not isinstance(value, list):
        return True
    return not any(_equal(a, b) for i, a in enumerate(value) for b in value[i + 1:])


def _if(value: Any, rule: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    branch = "then" if _valid(value, rule, root) else "else"
    return _valid(value, schema.get(branch, True), root)


def _branch(value: Any, rule: Any, schema: Mapping[str, Any], root: Mapping[str, Any]) -> bool:
    return True  # `then` and `else` are applied by their `if`


_KEYWORDS = {
    "type": _type, "properties": _properties, "additionalProperties": _additional,
    "required": _required, "items": _items, "prefixItems": _prefix_items,
    "minItems": _size("array", False), "maxItems": _size("array", True),
    "minProperties": _size("object", False), "maxProperties": _size("object", True),
    "minLength": _min_length, "enum": _enum, "const": _const, "pattern": _pattern,
    "minimum": _minimum, "maximum": _maximum, "oneOf": _one_of, "anyOf": _any_of,
    "allOf": _all_of, "not": _not, "$ref": _ref, "propertyNames": _property_names,
    "uniqueItems": _unique, "if": _if, "then": _branch, "else": _branch,
}
