"""Eligibility and impact: golden outputs, CLI behaviour, the evaluator's three-valued logic."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from collections.abc import Callable
from typing import Any

import pytest

from policy_tracker import api
from policy_tracker.conditions import AllOf, AnyOf, Compare, Conditions, Operand, RouteConditions
from policy_tracker.eligibility import evaluate
from policy_tracker.impactmodel import Verdict
from policy_tracker.model import Text
from policy_tracker.profiles import Profile

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = str(ROOT / "docs" / "examples" / "green-card-profiles.yaml")
POLICY = api.load_policy("cn-permanent-residence", str(ROOT / "policies"))
BASE_FACTS = {"abides_by_chinese_law": True, "good_health": True, "has_criminal_record": False}


FORMATS = [("text", "en", "txt"), ("text", "zh", "zh.txt"), ("markdown", "en", "md"),
           ("json", "en", "json"), ("csv", "en", "csv")]


@pytest.mark.parametrize(("fmt", "lang", "ext"), FORMATS)
def test_impact_across_history(fmt: str, lang: str, ext: str, run_cli: Callable[..., Any],
                               golden: Callable[[str, str], None]) -> None:
    result = run_cli("impact", "--profiles", EXAMPLES, "--format", fmt, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    golden(f"impact/across-history.{ext}", result.stdout)


def test_impact_with_drafts_marks_proposed(run_cli: Callable[..., Any],
                                           golden: Callable[[str, str], None]) -> None:
    result = run_cli("impact", "--profiles", EXAMPLES, "--from", "2019-01-01", "--to",
                     "2021-01-01", "--include-drafts", "--format", "json")
    assert result.exit_code == 0, result.stderr
    golden("impact/2019-2021-drafts.json", result.stdout)
    changes = json.loads(result.stdout)["changes"]
    drafted = [c for c in changes if c["new_date"] == "2020-02-27"]
    assert drafted and all(c["proposed"] for c in drafted)
    assert not any(c["proposed"] for c in changes if c["new_date"] != "2020-02-27")


def test_impact_names_the_route_that_did_not_exist_before(run_cli: Callable[..., Any]) -> None:
    result = run_cli("impact", "--profiles", EXAMPLES, "--from", "2018-01-01", "--to",
                     "2020-01-01")
    line = next(x for x in result.stdout.splitlines()
                if x.startswith("Employee earning 6 times") and "Salary and tax" in x)
    assert line == ("Employee earning 6 times the local average wage, 4 years in China meets "
                    "the route \u201cSalary and tax (market-based)\u201d from 2020-01-01 (NIA 12 "
                    "immigration and exit-entry facilitation measures); before: route not in "
                    "the rules.")
    assert "An aid to reading the rules, not legal advice." in result.stdout
    assert "Data last verified: 2026-12-02." in result.stdout


@pytest.mark.parametrize(("fmt", "lang", "ext"), FORMATS)
def test_eligibility_of_one_person(fmt: str, lang: str, ext: str, run_cli: Callable[..., Any],
                                   golden: Callable[[str, str], None]) -> None:
    result = run_cli("eligibility", "--profile", EXAMPLES, "--id", "key-laboratory-researcher",
                     "--as-of", "2016-01-01", "--format", fmt, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    golden(f"impact/eligibility-researcher-2016.{ext}", result.stdout)


def test_eligibility_on_a_draft_is_marked_proposed(run_cli: Callable[..., Any]) -> None:
    result = run_cli("eligibility", "--profile", EXAMPLES, "--id", "salary-earner-at-threshold",
                     "--as-of", "2020-03-01", "--include-drafts", "--format", "json")
    data = json.loads(result.stdout)
    assert data["proposed"] is True
    assert {r["route"]: r["verdict"] for r in data["routes"]}["salary-and-tax"] == "cannot_tell"
    assert data["not_legal_advice"] is True and data["last_verified"] == "2026-12-02"


@pytest.mark.parametrize(("args", "message"), [
    (("eligibility", "--profile", EXAMPLES, "--as-of", "2020-01-01"),
     "error: {file}: the file has 24 profiles; choose one with --id"),
    (("eligibility", "--profile", EXAMPLES, "--id", "nobody"),
     "error: {file}: no profile 'nobody'"),
    (("impact", "--profiles", EXAMPLES, "--from", "2019-01-01"),
     "error: --from and --to go together"),
    (("impact", "--profiles", EXAMPLES, "--from", "2020-01-01", "--to", "2019-01-01"),
     "error: --from must be before --to"),
    (("impact", "--profiles", EXAMPLES, "--from", "2019-01-01", "--to", "2020-01-01",
      "--across-history"), "error: choose --from/--to or --across-history"),
    (("impact", "--profiles", "missing.yaml"), "error: missing.yaml"),
    (("eligibility", "--profile", EXAMPLES, "--id", "child-eighteen", "--as-of", "2001-01-01"),
     "error: cn-permanent-residence: no rules of track 'national' are in force on 2001-01-01"),
])
def test_bad_input_is_one_error_line(args: tuple[str, ...], message: str,
                                     run_cli: Callable[..., Any]) -> None:
    result = run_cli(*args)
    assert result.exit_code in (2, 3)
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(message.format(file=EXAMPLES)), result.stderr
    assert result.stdout == ""


def test_an_invalid_profile_file_names_file_line_and_column(tmp_path: Path,
                                                            run_cli: Callable[..., Any]) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("profile:\n  id: a\n  facts: {age: -3}\n", "utf-8")
    result = run_cli("eligibility", "--profile", str(bad))
    assert result.exit_code == 2
    assert result.stderr == f"error: {bad}:3:16: profile.facts.age: -3 is less than the " \
                            "minimum of 0\n"


def test_commands_in_a_subprocess(run_process: Callable[..., Any], tmp_path: Path) -> None:
    out = tmp_path / "impact.md"
    done = run_process("impact", "--profiles", EXAMPLES, "--format", "markdown", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text("utf-8") == (ROOT / "tests/golden/impact/across-history.md").read_text(
        "utf-8")
    done = run_process("eligibility", "--profile", EXAMPLES, "--id",
                       "key-laboratory-researcher", "--as-of", "2016-01-01")
    assert done.stdout == (ROOT / "tests/golden/impact/eligibility-researcher-2016.txt"
                           ).read_text("utf-8")
    bad = run_process("impact", "--profiles", str(tmp_path / "none.yaml"))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert len(bad.stderr.splitlines()) == 1


def _conditions(test: Any) -> Conditions:
    return Conditions("cn-permanent-residence", (), (RouteConditions("spouse", test),))


def _spouse(profile: Profile, test: Any, day: str = "2010-01-01") -> Any:
    result = evaluate(POLICY, _conditions(test), profile, dt.date.fromisoformat(day))
    route = result.route("spouse")
    assert route is not None
    return route


def _cmp(fact: str, op: str, kind: str, ref: Any) -> Compare:
    return Compare(Operand("fact", fact), op, Operand(kind, ref))


PERSON = Profile("p", Text(), {"age": 40, "family": {"marriage_years": 6}})


@pytest.mark.parametrize(("test", "verdict"), [
    (AllOf((_cmp("age", ">=", "value", 18), _cmp("age", "<", "value", 18))), "does_not_meet"),
    (AllOf((_cmp("age", ">=", "value", 18), _cmp("missing", "==", "value", 1))), "cannot_tell"),
    (AllOf((_cmp("age", "<", "value", 18), _cmp("missing", "==", "value", 1))), "does_not_meet"),
    (AnyOf((_cmp("age", "<", "value", 18), _cmp("missing", "==", "value", 1))), "cannot_tell"),
    (AnyOf((_cmp("age", ">=", "value", 18), _cmp("missing", "==", "value", 1))), "cannot_tell"),
])
def test_three_valued_logic(test: Any, verdict: str) -> None:
    # The spouse route reads thresholds the test does not check, so "meets" is never possible
    # here: the guard against unchecked rules turns it into "cannot tell".
    assert _spouse(PERSON, test).verdict.value == verdict


def test_unchecked_thresholds_keep_a_route_from_meeting() -> None:
    route = _spouse(PERSON, _cmp("family.marriage_years", ">=", "rule", "min_marriage_years"))
    assert route.verdict is Verdict.CANNOT_TELL
    kinds = {(r.kind, r.rule.path if r.rule else "") for r in route.reasons}
    assert ("unchecked_rule", "eligibility.routes[id=spouse].min_months_in_china_per_year") \
        in kinds


def test_a_route_without_conditions_cannot_be_told() -> None:
    result = evaluate(POLICY, Conditions("cn-permanent-residence", (), ()), PERSON,
                      dt.date(2010, 1, 1))
    assert {r.verdict for r in result.routes} == {Verdict.CANNOT_TELL}
    assert {r.reasons[0].kind for r in result.routes} == {"no_conditions"}


def test_an_unconfirmed_rule_value_cannot_be_told() -> None:
    conditions = api.conditions_of(POLICY)
    profile = Profile("s", Text(), {**BASE_FACTS, "family": {
        "relation": "spouse", "sponsor_status": "chinese-citizen", "marriage_years": 9},
        "residence": {"continuous_years": 9, "months_per_year": 12,
                      "stable_livelihood_and_residence": True}})
    law = evaluate(POLICY, conditions, profile, dt.date(2020, 1, 1))
    draft = evaluate(POLICY, conditions, profile, dt.date(2020, 3, 1), include_drafts=True)
    assert law.route("spouse").verdict is Verdict.MEETS  # type: ignore[union-attr]
    spouse = draft.route("spouse")
    assert spouse is not None and spouse.verdict is Verdict.CANNOT_TELL and spouse.proposed
    assert "unconfirmed_rule" in {r.kind for r in spouse.reasons}


def test_reasons_name_rule_value_instrument_and_citation() -> None:
    conditions = api.conditions_of(POLICY)
    profile = Profile("i", Text(), {**BASE_FACTS, "investment": {
        "amount_usd": 500000, "category": "western-region", "years_stable": 3,
        "tax_record_good": True}})
    route = evaluate(POLICY, conditions, profile, dt.date(2016, 1, 1)).route("investment")
    assert route is not None and route.verdict is Verdict.MEETS
    amount = next(r for r in route.reasons if r.fact == "investment.amount_usd")
    assert amount.rule is not None
    assert (amount.rule.value, amount.rule.unit, amount.rule.instrument) == \
        (500000, "USD", "2004-measures")
    assert amount.rule.citation is not None
    assert (amount.rule.citation.source, amount.rule.citation.article) == \
        ("order74-en-a", "Art. 7(2)")


def test_report_has_a_who_is_affected_section(run_cli: Callable[..., Any], tmp_path: Path,
                                              golden: Callable[[str, str], None]) -> None:
    result = run_cli("report", "--profiles", EXAMPLES, "--format", "markdown", "-o", "-",
                     "--as-of", "2024-01-01", "--track", "national")
    assert result.exit_code == 0, result.stderr
    section = result.stdout[result.stdout.index("## Who is affected"):]
    golden("impact/report-section.md", section)
    page = tmp_path / "report.html"
    result = run_cli("report", "--profiles", EXAMPLES, "--as-of", "2024-01-01", "--lang", "zh",
                     "-o", str(page))
    assert result.exit_code == 0, result.stderr
    html = page.read_text("utf-8")
    assert '<section id="impact" aria-labelledby="impact-h">' in html
    assert "自2015-06-08起符合" in html and "本输出仅为理解规则的辅助，不构成法律意见。" in html


def test_report_without_profiles_has_no_such_section(run_cli: Callable[..., Any]) -> None:
    result = run_cli("report", "--format", "markdown", "-o", "-", "--as-of", "2024-01-01")
    assert "Who is affected" not in result.stdout


@pytest.mark.parametrize("kind", ["profile", "conditions"])
def test_schemas_are_published(kind: str, run_cli: Callable[..., Any]) -> None:
    result = run_cli("schema", kind)
    assert json.loads(result.stdout)["$id"].endswith(f"/{kind}.schema.json")


def test_validate_checks_the_routes_a_conditions_file_names(tmp_path: Path, sample_dir: str,
                                                            run_cli: Callable[..., Any]) -> None:
    import shutil

    folder = tmp_path / "example-residence"
    shutil.copytree(Path(sample_dir) / "example-residence", folder)
    (folder / "conditions.yaml").write_text(
        "conditions:\n  policy: example-residence\nroutes:\n  - route: nowhere\n"
        "    test: {fact: age, op: \">=\", value: 1}\n", "utf-8")
    result = run_cli("--policies", str(tmp_path), "validate")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{folder / 'conditions.yaml'}:4:12: route 'nowhere' is in no snapshot of the policy")


def test_a_policy_without_conditions_says_so(sample_dir: str,
                                             run_cli: Callable[..., Any]) -> None:
    result = run_cli("--policies", sample_dir, "eligibility", "--profile", EXAMPLES, "--id",
                     "child-seventeen", "--as-of", "2020-01-01")
    assert result.exit_code == 2
    assert result.stderr == ("error: example-residence: this policy records no route "
                             "conditions (conditions.yaml)\n")


def test_control_characters_in_a_profile_are_shown_not_sent(tmp_path: Path,
                                                            run_cli: Callable[..., Any]) -> None:
    hostile = tmp_path / "p.yaml"
    hostile.write_text('profile:\n  id: x\n  title: {en: "Eve\\x1b[31m <b>*x*</b>"}\n'
                       "  facts: {age: 17}\n", "utf-8")
    text = run_cli("eligibility", "--profile", str(hostile), "--as-of", "2020-01-01").stdout
    assert "\x1b" not in text and "Eve\\x1b[31m <b>*x*</b>" in text
    markdown = run_cli("eligibility", "--profile", str(hostile), "--as-of", "2020-01-01",
                       "--format", "markdown").stdout
    assert "<b>" not in markdown and "\\<b\\>" in markdown  # escaped as GFM needs
