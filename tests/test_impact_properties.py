"""Properties of the evaluator: far above every threshold is "meets"; a missing fact a route
needs is never "meets"; the verdict never depends on facts the route does not read."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from policy_tracker import api
from policy_tracker.eligibility import evaluate
from policy_tracker.impactmodel import Verdict
from policy_tracker.model import Text
from policy_tracker.profiles import Profile

ROOT = Path(__file__).resolve().parent.parent
POLICY = api.load_policy("cn-permanent-residence", str(ROOT / "policies"))
CONDITIONS = api.conditions_of(POLICY)
GENERAL = {"abides_by_chinese_law": True, "good_health": True, "has_criminal_record": False}

# For each route, the least a person needs to meet it, and the dates and track to try.
ROUTES: dict[str, tuple[dict[str, Any], tuple[str, ...], str]] = {
    "investment": ({"investment": {"amount_usd": 500000, "category": "western-region",
                                   "years_stable": 3, "tax_record_good": True}},
                   ("2005-01-01", "2016-01-01", "2024-01-01"), "national"),
    "employment": ({"employment": {"post": "associate-senior-title",
                                   "employer_type": "key-university", "years": 4,
                                   "residence_years_in_period": 3, "tax_record_good": True}},
                   ("2005-01-01", "2020-01-01"), "national"),
    "spouse": ({"family": {"relation": "spouse", "sponsor_status": "chinese-citizen",
                           "marriage_years": 5},
                "residence": {"continuous_years": 5, "months_per_year": 9,
                              "stable_livelihood_and_residence": True}},
               ("2005-01-01", "2024-01-01"), "national"),
    "elderly-dependants": ({"age": 60, "family": {"relation": "parent", "sponsor_in_china": True,
                                                  "direct_relatives_abroad": False},
                            "residence": {"continuous_years": 5, "months_per_year": 9,
                                          "stable_livelihood_and_residence": True}},
                           ("2005-01-01", "2024-01-01"), "national"),
    "salary-and-tax": ({"employment": {"years": 4, "months_per_year_in_china": 6,
                                       "salary_multiple_of_local_average_wage": 6,
                                       "iit_percent_of_salary_standard": 20}},
                       ("2019-08-01", "2024-01-01"), "national"),
    "foreign-chinese-key-regions": ({"foreign_chinese": True, "employment": {
        "in_key_region": True, "years": 4, "months_per_year_in_china": 6}},
        ("2020-01-01",), "national"),
    "tianjin-market-salary": ({"employment": {"years": 4, "months_per_year_in_china": 6,
                                              "annual_salary_cny": 400001,
                                              "annual_iit_cny": 80001,
                                              "employer_recommendation": True},
                               "residence": {"stable_livelihood_and_residence": True}},
                              ("2018-01-01",), "tianjin"),
}
CAPS = {"months_per_year": 12, "months_per_year_in_china": 12}


def _leaves(facts: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, value in facts.items():
        name = f"{prefix}{key}"
        out += _leaves(value, name + ".") if isinstance(value, dict) else [name]
    return out


def _raise(facts: dict[str, Any], margin: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in facts.items():
        if isinstance(value, dict):
            out[key] = _raise(value, margin)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = min(value + margin, CAPS.get(key, value + margin))
        else:
            out[key] = value
    return out


def _drop(facts: dict[str, Any], name: str) -> dict[str, Any]:
    out = copy.deepcopy(facts)
    node = out
    parts = name.split(".")
    for part in parts[:-1]:
        node = node[part]
    del node[parts[-1]]
    return out


def _verdict(facts: dict[str, Any], route: str, day: str, track: str) -> Verdict:
    profile = Profile("p", Text(), facts)
    result = evaluate(POLICY, CONDITIONS, profile, dt.date.fromisoformat(day), track)
    found = result.route(route)
    assert found is not None, (route, day)
    return found.verdict


@settings(max_examples=60, deadline=None)
@given(route=st.sampled_from(sorted(ROUTES)), margin=st.integers(0, 10_000_000),
       pick=st.integers(0, 10))
def test_far_above_every_threshold_meets(route: str, margin: int, pick: int) -> None:
    facts, days, track = ROUTES[route]
    day = days[pick % len(days)]
    assert _verdict({**GENERAL, **_raise(facts, margin)}, route, day, track) is Verdict.MEETS


@settings(max_examples=80, deadline=None)
@given(route=st.sampled_from(sorted(ROUTES)), pick=st.integers(0, 100),
       margin=st.integers(0, 1000))
def test_a_missing_fact_is_never_meets(route: str, pick: int, margin: int) -> None:
    facts, days, track = ROUTES[route]
    full = {**GENERAL, **_raise(facts, margin)}
    names = _leaves(full)
    name = names[pick % len(names)]
    if route == "investment" and name == "investment.category" and margin:
        return  # a large enough investment qualifies anywhere in China: no tier needed
    verdict = _verdict(_drop(full, name), route, days[pick % len(days)], track)
    assert verdict is not Verdict.MEETS, (route, name)


@settings(max_examples=40, deadline=None)
@given(route=st.sampled_from(sorted(ROUTES)), noise=st.dictionaries(
    st.sampled_from(["region", "foreign_chinese", "contribution_recognised"]),
    st.booleans(), max_size=2))
def test_facts_a_route_does_not_read_change_nothing(route: str, noise: dict[str, Any]) -> None:
    facts, days, track = ROUTES[route]
    extra = {k: v for k, v in noise.items() if k not in _leaves(facts) and k != "region"}
    base = _verdict({**GENERAL, **facts}, route, days[0], track)
    noisy = _verdict({**GENERAL, **facts, **extra}, route, days[0], track)
    assert base is noisy is Verdict.MEETS
