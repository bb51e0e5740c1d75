"""Properties of compare(): x vs x is empty, a vs b mirrors b vs a, key order never matters."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_tracker.diff import compare
from policy_tracker.model import ChangeKind

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=False, allow_infinity=False, width=32),
                    st.text(max_size=12))
keys = st.sampled_from(["id", "a", "b", "__c", "name", "value", "x y", "ü", "2020-01-01"])


def _items(children: Any) -> Any:
    """Lists of mappings with unique ids, like rule items."""
    return st.lists(st.dictionaries(keys.filter(lambda k: k != "id"), children, max_size=3),
                    max_size=4).map(lambda items: [dict(i, id=f"r{n}") for n, i in enumerate(items)])


trees = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4),
    _items(children)), max_leaves=25)
documents = st.dictionaries(keys, trees, max_size=5)

MIRROR = {ChangeKind.ADDED: ChangeKind.REMOVED, ChangeKind.REMOVED: ChangeKind.ADDED,
          ChangeKind.MODIFIED: ChangeKind.MODIFIED, ChangeKind.REORDERED: ChangeKind.REORDERED}

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(documents)
def test_a_document_against_itself_has_no_changes(doc: dict[str, Any]) -> None:
    assert compare(doc, doc).changes == ()


@SETTINGS
@given(documents, documents)
def test_comparisons_mirror_each_other(a: dict[str, Any], b: dict[str, Any]) -> None:
    forward = compare(a, b)
    backward = compare(b, a)
    simple = all(c.kind in MIRROR for c in forward.changes + backward.changes)
    if not simple:  # renames and moves pair differently in each direction; count is enough
        assert bool(forward.changes) == bool(backward.changes)
        return
    there = sorted((c.path_text, MIRROR[c.kind].value, repr(c.new), repr(c.old))
                   for c in forward.changes)
    back = sorted((c.path_text, c.kind.value, repr(c.old), repr(c.new)) for c in backward.changes)
    assert there == back


@SETTINGS
@given(documents, documents)
def test_changes_exist_exactly_when_documents_differ(a: dict[str, Any], b: dict[str, Any]) -> None:
    same = repr(_canonical(a)) == repr(_canonical(b))
    assert (compare(a, b).changes == ()) == same


@SETTINGS
@given(documents, documents)
def test_fingerprints_do_not_depend_on_key_order(a: dict[str, Any], b: dict[str, Any]) -> None:
    first = sorted(c.fingerprint for c in compare(a, b).changes)
    again = sorted(c.fingerprint for c in compare(_reversed(a), _reversed(b)).changes)
    assert first == again


def _reversed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _reversed(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed(v) for v in value]
    return value


def _canonical(value: Any) -> Any:
    """Sorted keys; keyed and scalar lists as sets, as the diff reads them."""
    if isinstance(value, dict):
        return ("dict", sorted((k, _canonical(v)) for k, v in value.items()))
    if isinstance(value, list):
        texts = [repr(_canonical(v)) for v in value]
        ids = [v.get("id") for v in value if isinstance(v, dict)]
        if value and len(ids) == len(value) and len(set(map(str, ids))) == len(ids):
            return ("list", sorted(texts))
        scalar = all(not isinstance(v, (dict, list)) for v in value)
        if scalar and len(set(map(_text, value))) == len(value):
            return ("list", sorted((_text(v), repr(v)) for v in value))
        return ("list", texts)
    return (type(value).__name__, value)


def _text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
