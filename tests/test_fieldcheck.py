"""The typed field catalogue: one test per type, one invalid file per message, whole-policy
validation (every problem, sorted; what a changed file affects) and its output formats."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from policy_tracker.store import bundled_root, check_policy

HERE = Path(__file__).resolve().parent
TYPED = HERE / "data" / "invalid" / "typed"
TYPED_CASES = sorted(str(p.relative_to(TYPED)) for p in TYPED.glob("*/*.yaml"))

HEAD = """policy:
  id: t
  title: {{en: T, zh: T}}
  jurisdiction: X
  description: {{en: T}}
  citations: {citations}
tracks:
  - {{id: national, title: {{en: National, zh: 全国}}}}
fields:
  - {{path: x, {decl}, label: {{en: X, zh: X}}}}
sources:
  - {{id: act, title: {{en: Act, zh: 法}}, url: "https://example.org"}}
"""
SNAPSHOT = """snapshot:
  id: s
  title: {{en: S, zh: S}}
  dates: {{effective: 2020-01-01}}
  status: in_force
  sources: [act]
rules:
  x: {value}
"""

# type and its declaration, a value it accepts, a value it refuses, the message for that one
TYPES = [
    ("integer", "type: integer", "3", "3.5", "rules.x must be a whole number, not 3.5"),
    ("number", "type: number, unit: times", "2.5", "'2.5'", "rules.x must be a number, not '2.5'"),
    ("money", "type: money, unit: USD", "1500000", '"1.5 million"',
     "rules.x must be an amount in USD (a number such as 1500000), not '1.5 million'"),
    ("percentage", "type: percentage, unit: percent", "12.5", "101",
     "rules.x must be from 0 to 100, not 101"),
    ("duration", "type: duration, unit: months per year", "6", "-1",
     "rules.x must not be negative, not -1"),
    ("date", "type: date", "2020-02-29", "2020/02/29",
     "rules.x must be a date (YYYY-MM-DD), not '2020/02/29'"),
    ("enum", "type: enum, values: [open, closed]", "open", "shut",
     "rules.x must be one of: open, closed, not 'shut'"),
    ("boolean", "type: boolean", "false", "'no'", "rules.x must be true or false, not 'no'"),
    ("text", "type: text", "hello", "12", "rules.x must be a text, not 12"),
    ("bilingual", "type: bilingual", "{en: Hello, zh: 你好}", "{en: Hello, fr: Bonjour}",
     "rules.x must be a text in English and Chinese ({en: …, zh: …}), not a mapping"),
    ("list", "type: list", "[a, b]", "a", "rules.x must be a list, not 'a'"),
    ("group", "type: group", "{}", "[a]", "rules.x must be a mapping of fields, not a list"),
]


def _policy(tmp_path: Path, decl: str, value: str, citations: str = "optional") -> Path:
    folder = tmp_path / "t"
    (folder / "national").mkdir(parents=True)
    (folder / "policy.yaml").write_text(HEAD.format(decl=decl, citations=citations), "utf-8")
    (folder / "national" / "2020-01-01.yaml").write_text(SNAPSHOT.format(value=value), "utf-8")
    return folder


def _shown(path: Path) -> str:
    """How the CLI names a file: relative to the current folder when it is under it."""
    full, here = os.path.abspath(path), os.getcwd()
    return os.path.relpath(full, here) if full.startswith(here + os.sep) else str(path)


def _messages(folder: Path) -> list[str]:
    return [p.message for p in check_policy(str(folder)).problems]


@pytest.mark.parametrize(("kind", "decl", "good", "bad", "expected"), TYPES,
                         ids=[t[0] for t in TYPES])
def test_each_type_accepts_its_values_and_refuses_others(tmp_path: Path, kind: str, decl: str,
                                                        good: str, bad: str,
                                                        expected: str) -> None:
    assert _messages(_policy(tmp_path / "good", decl, good)) == []
    assert _messages(_policy(tmp_path / "bad", decl, bad)) == [expected]


def test_a_wrapped_value_is_checked_and_its_citation_counts(tmp_path: Path) -> None:
    good = "{value: 3, cite: {source: act, article: Art. 1}}"
    assert _messages(_policy(tmp_path / "a", "type: integer", good, "required")) == []
    bad = "{value: three, cite: {source: act, article: Art. 1}}"
    assert _messages(_policy(tmp_path / "b", "type: integer", bad, "required")) == [
        "rules.x must be a whole number, not 'three'"]


def test_a_policy_can_require_a_citation_on_every_value(tmp_path: Path) -> None:
    assert _messages(_policy(tmp_path / "a", "type: integer", "3", "required")) == [
        "rules.x has no citation; this policy requires one for every rule value "
        "(cite: {source, article} on the value; a text may rest on its item's)"]
    # a field may opt out of the policy's rule
    assert _messages(_policy(tmp_path / "b", "type: integer, citation: optional", "3",
                             "required")) == []


def test_a_number_needs_its_own_citation_and_a_title_may_rest_on_its_items(
        tmp_path: Path) -> None:
    decl = ("type: list, key: id, label: {en: X, zh: X}}\n"
            "  - {path: \"x[*]\", type: group, label: {en: I, zh: I}}\n"
            "  - {path: \"x[*].title\", type: bilingual, label: {en: T, zh: T}}\n"
            "  - {path: \"x[*].years\", type: duration, unit: years")
    item = "[{id: a, title: {en: A, zh: A}, years: 3, cite: {source: act, article: Art. 1}}]"
    assert _messages(_policy(tmp_path, decl, item, "required")) == [
        "rules.x[id=a].years has no citation; this policy requires one for every rule value "
        "(cite: {source, article} on the value; a text may rest on its item's)"]


@pytest.mark.parametrize("name", TYPED_CASES)
def test_typed_invalid_file_gives_one_located_error(name: str, run_cli: Any) -> None:
    path = TYPED / name
    head = path.read_text("utf-8").split("\n")[:2]
    expected, at = head[0].split(": ", 1)[1], head[1].split(": ", 1)[1]
    result = run_cli("validate", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"{_shown(path)}:{at}: {expected}",
                                          "error: 1 problem found"]


def test_every_typed_message_has_its_own_file() -> None:
    messages = [(TYPED / n).read_text("utf-8").split("\n")[0] for n in TYPED_CASES]
    assert len(messages) == len(set(messages)) == 8


def test_the_typed_policy_reports_all_its_files_in_order(run_cli: Any) -> None:
    result = run_cli("validate", str(TYPED))
    lines = result.stderr.splitlines()
    assert result.exit_code == 2 and lines[-1] == "error: 8 problems found"
    assert lines[:-1] == sorted(lines[:-1], key=lambda line: line.split(":")[0])


def test_bundled_policy_is_typed_and_requires_citations() -> None:
    checked = check_policy(str(Path(bundled_root()) / "cn-permanent-residence"))
    assert checked.problems == ()
    assert checked.policy is not None and checked.policy.citations == "required"
    assert [f.pattern for f in checked.policy.fields if not f.type] == []


@pytest.fixture
def green_card(tmp_path: Path) -> Path:
    target = tmp_path / "cn-permanent-residence"
    shutil.copytree(Path(bundled_root()) / "cn-permanent-residence", target)
    return target


CARD = "national/2023-12-01-id-card.yaml"
MISTAKES = {
    "ten": ("validity_years_18_and_over: {value: 10,", "validity_years_18_and_over: {value: ten,",
            "rules.card.validity_years_18_and_over must be a number of years, not 'ten'"),
    "million": ("min_paid_in_capital_usd: {value: 500000, cite: {source: order74-en-a, article: "
                "Art. 7(1)}}", "min_paid_in_capital_usd: {value: \"1.5 million\", cite: "
                "{source: order74-en-a, article: Art. 7(1)}}",
                "min_paid_in_capital_usd must be an amount in USD (a number such as 1500000), "
                "not '1.5 million'"),
    "no-cite": ("validity_years_18_and_over: {value: 10, cite: {source: order74-en-b, article: "
                "Art. 21}}", "validity_years_18_and_over: 10",
                "rules.card.validity_years_18_and_over has no citation"),
    "misspelled": ("validity_years_18_and_over:", "validty_years_18_and_over:",
                   "unknown rule key 'validty_years_18_and_over' in rules.card; did you mean "
                   "validity_years_18_and_over or validity_years_under_18?"),
    "titel": ("        title: {en: Direct investment", "        titel: {en: Direct investment",
              "unknown rule key 'titel' in rules.eligibility.routes[id=investment]; did you mean "
              "title?"),
    "valu": ("validity_years_18_and_over: {value: 10, cite: {source: order74-en-b, article: "
             "Art. 21}}", "validity_years_18_and_over: {valu: 5}",
             "unknown key 'valu' in the value of rules.card.validity_years_18_and_over"),
}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_a_maintainers_mistake_in_the_bundled_data_is_refused(case: str, green_card: Path,
                                                              run_cli: Any) -> None:
    old, new, expected = MISTAKES[case]
    path = green_card / CARD
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    for target in (green_card, path):  # the folder, and the file as pre-commit passes it
        result = run_cli("validate", str(target))
        assert result.exit_code == 2
        assert any(expected in line and line.startswith(f"{path}:")
                   for line in result.stderr.splitlines()), result.stderr


def test_a_renamed_source_is_found_from_policy_yaml_alone(green_card: Path,
                                                         run_cli: Any) -> None:
    head = green_card / "policy.yaml"
    head.write_text(head.read_text("utf-8").replace("  - id: order74-en-b\n",
                                                    "  - id: order74-en-bb\n"), "utf-8")
    whole = run_cli("validate", str(green_card))
    alone = run_cli("validate", str(head))
    assert alone.exit_code == whole.exit_code == 2
    assert alone.stderr == whole.stderr
    assert "citation names unknown source 'order74-en-b'" in alone.stderr
    # a regional snapshot brings its own track only: the national files are not its problems
    regional = run_cli("validate", str(green_card / "shanghai" / "2015-07-01-mps-measures.yaml"))
    assert regional.exit_code == 0, regional.stderr


def test_a_national_snapshot_brings_the_overlays_laid_on_it(green_card: Path,
                                                           run_cli: Any) -> None:
    national = green_card / "national" / "2013-07-01-exit-entry-law.yaml"
    text = national.read_text("utf-8")
    overlay = green_card / "shanghai" / "2015-07-01-mps-measures.yaml"
    overlay.write_text(overlay.read_text("utf-8").replace("\nrules:\n", "\nrules:\n  colour: x\n"),
                       "utf-8")
    result = run_cli("validate", str(national))
    assert national.read_text("utf-8") == text
    assert f"{overlay}:" in result.stderr and "unknown rule key 'colour' in rules" in result.stderr
    assert run_cli("validate", str(national.parent)).stderr == result.stderr  # a track's folder


def test_a_broken_policy_yaml_does_not_hide_the_snapshots(green_card: Path,
                                                         run_cli: Any) -> None:
    head = green_card / "policy.yaml"
    head.write_text(head.read_text("utf-8").replace("  jurisdiction:", "  jurisdictio:", 1),
                    "utf-8")
    card = green_card / CARD
    card.write_text(card.read_text("utf-8").replace("status: in_force", "status: inforce", 1),
                    "utf-8")
    lines = run_cli("validate", str(green_card)).stderr.splitlines()
    assert len(lines) == 4 and lines[-1] == "error: 3 problems found"
    assert lines[0].startswith(f"{card}:") and "snapshot.status must be one of" in lines[0]
    assert lines[1] == f"{head}:3:1: policy is missing 'jurisdiction'"
    assert lines[2].startswith(f"{head}:") and "unknown key 'jurisdictio'" in lines[2]


def test_json_and_github_formats(run_cli: Any) -> None:
    path = TYPED / "wrong-type" / "2020-01-01-ten.yaml"
    result = run_cli("validate", "--format", "json", str(path))
    assert result.exit_code == 2 and result.stderr == ""
    assert json.loads(result.stdout) == {"ok": False, "count": 1, "problems": [{
        "file": _shown(path), "line": 11, "column": 29,
        "message": "rules.card.validity_years must be a number of years, not 'ten'"}]}
    result = run_cli("validate", "--format", "github", str(path))
    assert result.exit_code == 2
    assert result.stdout == (f"::error file={_shown(path)},line=11,col=29,"
                             "title=policy-tracker validate::"
                             "rules.card.validity_years must be a number of years, not 'ten'\n")
    ok = run_cli("validate", "--format", "json", str(HERE / "data" / "sample"))
    assert ok.exit_code == 0 and json.loads(ok.stdout) == {"ok": True, "count": 0,
                                                           "problems": []}


def test_validate_formats_as_a_real_process(run_process: Any) -> None:
    path = TYPED / "enum-hint" / "2020-01-01-enum.yaml"
    done = run_process("validate", "--format", "github", str(path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stdout == (f"::error file={_shown(path)},line=12,col=13,"
                           "title=policy-tracker validate::"
                           "rules.card.status must be one of: issued, suspended, not 'isued'; "
                           "did you mean issued?\n")


def test_json_output_matches_its_published_schema(run_cli: Any) -> None:
    import jsonschema

    schema = json.loads(run_cli("schema", "problems").stdout)
    for target in (TYPED, HERE / "data" / "sample"):
        output = json.loads(run_cli("validate", "--format", "json", str(target)).stdout)
        jsonschema.Draft202012Validator(schema).validate(output)
        assert output["count"] == len(output["problems"]) == (8 if target == TYPED else 0)
