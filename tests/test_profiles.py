"""The example profiles' expected verdicts, read from the sources, against the evaluator."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_tracker import api
from policy_tracker.profiles import Expectation, Profile, load_profiles

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples" / "green-card-profiles.yaml"
POLICY = api.load_policy("cn-permanent-residence", str(ROOT / "policies"))
PROFILES = load_profiles(str(EXAMPLES))
CASES = [(p, e) for p in PROFILES for e in p.expected]


def test_there_are_enough_examples_covering_every_national_route() -> None:
    assert len(PROFILES) >= 12
    routes = {e.route for _, e in CASES}
    conditions = api.conditions_of(POLICY)
    assert {r.route for r in conditions.routes} <= routes
    verdicts = {e.verdict for _, e in CASES}
    assert verdicts == {"meets", "does_not_meet", "cannot_tell", "absent"}


@pytest.mark.parametrize(("profile", "expected"), CASES,
                         ids=[f"{p.id}-{e.track or 'own'}-{e.route}-{e.as_of}" for p, e in CASES])
def test_expected_verdict(profile: Profile, expected: Expectation) -> None:
    result = api.check_eligibility(POLICY, profile, expected.as_of, expected.track,
                                   expected.include_drafts)
    route = result.route(expected.route)
    got = route.verdict.value if route else "absent"
    assert got == expected.verdict, (expected.source, route.reasons if route else None)
    if route is not None:
        assert route.proposed == expected.include_drafts


def constraints_table() -> str:
    """The docs table of which profile fact each rule value constrains, from the data."""
    rows = ["| route | rule value | test | profile fact |", "| --- | --- | --- | --- |"]
    rows += [f"| `{route}` | `{rule}` | `{op}` | `{fact}` |"
             for route, rule, op, fact in api.conditions_of(POLICY).constraints()]
    return "\n".join(rows) + "\n"


def test_docs_list_which_fact_each_rule_value_constrains() -> None:
    docs = (ROOT / "docs" / "profiles.md").read_text("utf-8")
    assert constraints_table() in docs, "regenerate the table of docs/profiles.md from the data"
