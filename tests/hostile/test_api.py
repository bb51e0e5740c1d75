"""The Python API given wrong arguments: one documented error class naming the argument.

Every case of a class runs in one limited subprocess (time and memory), so that a recursion
into 100,000-deep data or a loop over a cyclic one would be caught as a failure, not hang the
suite. A bounded fuzz then throws generated values at every entry point in process.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policy_tracker import api
from policy_tracker.diff import compare
from policy_tracker.errors import PolicyTrackerError, UsageError

from .harness import SAMPLE, Run, assert_finished

Command = Callable[..., Run]

# Each case: (argument the message must name, expression raising UsageError). `P` is the
# sample policy, `deep` a 100,000-deep dict, `cyclic` a dict holding itself.
CASES = {
    "compare-none": ("old", "compare(None, {})"),
    "compare-int": ("new", "compare({}, 5)"),
    "compare-string": ("old", "compare('a: 1', {})"),
    "compare-set": ("old", "compare({'a': {1, 2}}, {'a': {1, 2}})"),
    "compare-tuple": ("new", "compare({}, {'a': (1, 2)})"),
    "compare-date": ("old", "compare({'a': dt.date(2020, 1, 1)}, {'a': dt.date(2020, 1, 1)})"),
    "compare-object": ("old", "compare({'a': object()}, {'a': 1})"),
    "compare-int-key": ("old", "compare({1: 'a'}, {1: 'a'})"),
    "compare-nested-int-key": ("new", "compare({}, {'a': [{None: 1}]})"),
    "compare-cyclic": ("old", "compare(cyclic, {})"),
    "compare-cyclic-list": ("new", "compare({}, {'a': loop})"),
    "compare-deep": ("old", "compare(deep, {})"),
    "compare-huge-int": ("new", "compare({'a': 1}, {'a': 10 ** 5000})"),
    "compare-catalog": ("catalog", "compare({}, {}, 'catalogue')"),
    "compare-severities": ("severities", "compare({}, {}, None, {'value-changed': 'major'})"),
    "resolve-policy": ("policy", "api.resolve(None, dt.date(2020, 1, 1))"),
    "resolve-string-date": ("as_of", "api.resolve(P, '2020-01-01')"),
    "resolve-datetime": ("as_of", "api.resolve(P, dt.datetime(2020, 1, 1))"),
    "resolve-track": ("track", "api.resolve(P, dt.date(2020, 1, 1), 7)"),
    "resolve-drafts": ("include_drafts", "api.resolve(P, dt.date(2020, 1, 1), 'national', 'no')"),
    "timeline-tracks-string": ("tracks", "api.build_timeline(P, 'national')"),
    "timeline-since": ("since", "api.build_timeline(P, None, 20200101)"),
    "history-path": ("path", "api.field_history(P, None)"),
    "compare-tracks-date": ("as_of", "api.compare_tracks(P, 'national', 'coastal', None)"),
    "parse-date": ("text", "api.parse_date(20200101)"),
    "load-policy": ("policy", "api.load_policy(5)"),
    "load-policies-dir": ("policies_dir", "api.load_policies(b'policies')"),
    "check-paths-string": ("paths", "api.check_paths('policies')"),
    "version-of": ("snapshot", "api.version_of({})"),
    "catalog-of": ("policy", "api.catalog_of('example-residence')"),
    "filter-diff": ("filters", "api.filter_diff(compare({}, {}), {'only': ['a']})"),
    "diff-sides": ("old", "api.diff_sides({}, {})"),
}

RUNNER = """
import datetime as dt, json, sys
from policy_tracker import api, compare, UsageError
P = api.load_policy("example-residence", sys.argv[1])
deep = {}
node = deep
for _ in range(100_000):
    node["a"] = {}
    node = node["a"]
cyclic = {"a": {"b": 1}}
cyclic["a"]["c"] = cyclic
loop = []
loop.append([loop])
results = {}
for name, expression in json.loads(sys.argv[2]).items():
    try:
        eval(expression)
        results[name] = ["returned", ""]
    except UsageError as exc:
        ok = isinstance(exc, TypeError) and isinstance(exc, ValueError)
        results[name] = ["UsageError" if ok else "UsageError only", str(exc)]
    except BaseException as exc:
        results[name] = [type(exc).__name__, str(exc)[:300]]
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    from .harness import run_command
    home = tmp_path_factory.mktemp("home")
    expressions = {name: expression for name, (_, expression) in CASES.items()}
    run = run_command([sys.executable, "-c", RUNNER, str(SAMPLE), json.dumps(expressions)],
                      cwd=home, home=home, timeout=30)
    assert_finished(run)
    assert run.returncode == 0, run.describe()
    found: dict[str, list[str]] = json.loads(run.out)
    return found


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_wrong_argument_is_a_usage_error_naming_it(case: str,
                                                     outcomes: dict[str, list[str]]) -> None:
    argument, _ = CASES[case]
    kind, message = outcomes[case]
    assert kind == "UsageError", (case, kind, message)
    function = message.split(":", 1)[0]
    assert f"argument {argument!r}" in message and function.isidentifier(), message
    assert "\n" not in message and len(message) < 400, message


def test_nan_equals_nan_and_a_document_equals_itself() -> None:
    nan = float("nan")
    data = {"a": nan, "b": [nan, {"c": nan}], "d": [{"id": "x", "v": nan}]}
    twin = json.loads(json.dumps(data))  # other NaN objects
    assert compare(data, twin).changes == ()
    assert compare(data, data).changes == ()
    changed = compare({"a": nan, "x": 1}, {"a": float("nan"), "x": 2})
    assert [c.path_text for c in changed.changes] == ["x"]
    assert math.isnan(compare({"a": nan}, {"a": 1}).changes[0].old)


def test_data_from_the_loader_is_not_checked_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    import policy_tracker.diff as diff_module
    calls: list[str] = []
    real = diff_module.check_data
    monkeypatch.setattr(diff_module, "check_data",
                        lambda *a: calls.append(a[1]) or real(*a))  # type: ignore[func-returns-value]
    policy = api.load_policy("example-residence", str(SAMPLE))
    old = api.version_of_resolved(api.resolve(policy, dt.date(2012, 1, 1)))
    new = api.version_of_resolved(api.resolve(policy, dt.date(2021, 1, 1)))
    assert compare(old, new, api.catalog_of(policy)).changes
    assert calls == []
    compare({"a": 1}, old)
    assert calls == ["old"]


# --- bounded fuzzing of the entry points ------------------------------------------------------

keys = st.one_of(st.text(max_size=3), st.integers(), st.none(), st.booleans(), st.floats())
leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=4),
                   st.binary(max_size=3), st.dates(), st.builds(pow, st.just(10), st.just(5000)),
                   st.frozensets(st.integers(), max_size=2), st.tuples(st.integers()))
values = st.recursive(leaves, lambda children: st.one_of(
    st.lists(children, max_size=3), st.dictionaries(keys, children, max_size=3)),
    max_leaves=12)
FUZZ = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(values, values)
def test_compare_returns_a_diff_or_raises_usage_error(a: Any, b: Any) -> None:
    try:
        diff = compare(a, b)
    except UsageError as exc:
        assert "argument 'old'" in str(exc) or "argument 'new'" in str(exc)
        return
    assert isinstance(diff.changes, tuple)
    assert compare(a, a).changes == ()


POLICY = api.load_policy("example-residence", str(SAMPLE))
anything = st.one_of(values, st.just(POLICY), st.dates(), st.datetimes(),
                     st.sampled_from(["national", "coastal", "2020-01-01", "all", ""]))


@FUZZ
@given(st.sampled_from(["resolve", "build_timeline", "field_history", "compare_tracks",
                        "parse_date", "load_policy", "check_paths", "version_of",
                        "catalog_of", "filter_diff", "diff_sides", "load_snapshot"]),
       st.lists(anything, max_size=4))
def test_api_functions_raise_only_documented_errors(name: str, args: list[Any]) -> None:
    function = getattr(api, name)
    if name in ("load_policy", "check_paths", "load_snapshot"):
        args = [a for a in args if not isinstance(a, str)] or [5]  # never read real files
    try:
        function(*args)
    except TypeError as exc:
        # Only Python's own complaint about the number of arguments passes unchecked.
        assert isinstance(exc, UsageError) or "positional argument" in str(exc), exc
    except PolicyTrackerError:
        pass
