"""The fast schema check says exactly what jsonschema says: on every shipped file, every
invalid fixture and many generated variations of a valid snapshot and policy head."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_tracker.errors import LoadError
from policy_tracker.load import load_document
from policy_tracker.schemacheck import is_valid
from policy_tracker.validate import schema_text

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("policy", "snapshot", "diff", "timeline")


def _schema(kind: str) -> dict[str, Any]:
    return json.loads(schema_text(kind))  # type: ignore[no-any-return]


def _reference(data: Any, kind: str) -> bool:
    return not any(jsonschema.Draft202012Validator(_schema(kind)).iter_errors(data))


def _documents() -> list[Any]:
    found = []
    for folder in (ROOT / "policies", ROOT / "tests" / "data"):
        for path in sorted(folder.rglob("*.yaml")):
            try:
                found.append(load_document(str(path)).data)
            except LoadError:
                continue
    return found


DOCS = _documents()


@pytest.mark.parametrize("kind", KINDS)
def test_agrees_with_jsonschema_on_every_shipped_file(kind: str) -> None:
    schema = _schema(kind)
    verdicts = [is_valid(doc, schema) for doc in DOCS]
    assert None not in verdicts, "the schema uses a keyword the fast check does not know"
    assert verdicts == [_reference(doc, kind) for doc in DOCS]
    if kind in ("policy", "snapshot"):
        assert True in verdicts and False in verdicts


def _snapshot() -> Any:
    path = next((ROOT / "policies" / "cn-permanent-residence" / "national").glob("2019*.yaml"))
    return load_document(str(path)).data


def _head() -> Any:
    return load_document(str(ROOT / "policies" / "cn-permanent-residence" /
                              "policy.yaml")).data


ODD = st.one_of(st.none(), st.booleans(), st.integers(-2, 3), st.floats(0, 2, width=16),
                st.sampled_from(["", "x", "2020-01-01", "in_force", "https://a.example/",
                                 "draft", "national"]),
                st.just([]), st.just({}), st.just({"en": "x"}), st.just({"en": "x", "zh": "y"}),
                st.just(["x"]))


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out.extend(_paths(value, path + (key,)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.extend(_paths(value, path + (i,)))
    return out


def _mutate(doc: Any, data: st.DataObject) -> Any:
    doc = copy.deepcopy(doc)
    paths = [p for p in _paths(doc) if p and len(p) <= 4]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        parent = doc
        try:
            for part in path[:-1]:
                parent = parent[part]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = data.draw(ODD)
        except (KeyError, IndexError, TypeError):
            continue
    if data.draw(st.booleans()) and isinstance(doc, dict):
        doc[data.draw(st.sampled_from(["extra", "snapshot", "rules", "policy"]))] = \
            data.draw(ODD)
    return doc


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_agrees_with_jsonschema_on_broken_snapshots(data: st.DataObject) -> None:
    doc = _mutate(_snapshot(), data)
    assert is_valid(doc, _schema("snapshot")) == _reference(doc, "snapshot")


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_agrees_with_jsonschema_on_broken_policy_heads(data: st.DataObject) -> None:
    doc = _mutate(_head(), data)
    assert is_valid(doc, _schema("policy")) == _reference(doc, "policy")


def test_an_unknown_keyword_defers_to_jsonschema() -> None:
    assert is_valid({"a": "xy"}, {"properties": {"a": {"maxLength": 1}}}) is None
    assert is_valid(1.0, {"type": "integer"}) is True
    assert is_valid(True, {"type": "integer"}) is False
    assert is_valid(1, {"enum": [True]}) is False
