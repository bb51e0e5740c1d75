"""OpenFisca parameters read natively: detection, checks, change sentences, periods concerned,
reviews with a CHANGELOG entry and parameter histories, on fixtures written for these tests
(always present) and on the real OpenFisca-France versions beside the project (when present)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from gitrepo import commit, init_repo, replay_corpus
from policy_tracker.classify import RULES
from policy_tracker.diff import compare
from policy_tracker.errors import LoadError, ValidationError
from policy_tracker.load import parse_document
from policy_tracker.model import ChangeKind, Diff, periods_of
from policy_tracker.openfisca import kind_of, looks_like_openfisca, read_document
from policy_tracker.openfisca_diff import compare_trees, show
from policy_tracker.openfisca_sides import open_openfisca
from policy_tracker.openfisca_store import detect, read_tree, root_of
from policy_tracker.validate import _validator

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "openfisca"
OLD, NEW = DATA / "old" / "parameters", DATA / "new" / "parameters"
CORPUS = ROOT.parent / "shared" / "corpora" / "openfisca-france"
SMIC = "marche_travail.salaire_minimum.smic_b_horaire"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(),
                                  reason="the OpenFisca corpus is not beside the project")

Golden = Callable[[str, str], None]


def _doc(text: str, name: str = "x.yaml") -> Any:
    return parse_document(text.encode("utf-8"), name)


def _diff() -> Diff:
    return compare_trees(read_tree(str(OLD)), read_tree(str(NEW)))


# Reading and detection


def test_each_shape_is_recognised_as_openfisca_core_decides() -> None:
    assert kind_of({"values": {"2024-01-01": 1}}) == "parameter"
    assert kind_of({"2024-01-01": 1, "2025-01-01": 2}) == "parameter"
    assert kind_of({"brackets": [{"threshold": {"2024-01-01": 0}}]}) == "scale"
    assert kind_of({"description": "n", "a": {"values": {"2024-01-01": 1}}}) == "node"
    # Generic YAML that merely has a 'brackets' list or dates is not taken for parameters.
    assert not looks_like_openfisca({"rate": 0.05, "brackets": [{"id": "a", "threshold": 10}]})
    assert not looks_like_openfisca({"snapshot": {}, "rules": {"a": {"values": {}}}})
    assert not looks_like_openfisca({"title": "x", "values": [1, 2]})


def test_the_fixture_tree_reads_every_parameter_with_its_dotted_name() -> None:
    tree = read_tree(str(NEW))
    assert tree.problems == ()
    assert [p.name for p in tree.parameters] == [
        "impot_revenu.bareme", "impot_revenu.contribution", "impot_revenu.decote",
        "impot_revenu.taux_moyen", SMIC, "prestations.aides.duree_droits",
        "prestations.aides.eligible_dom", "prestations.aides.plafond",
        "prestations.aides.prime_activite_bonus", "prestations.aides.prime_rentree"]
    assert [(n.name, n.description) for n in tree.nodes] == [
        ("prestations", "Prestations sociales"), ("prestations.aides", "Aides forfaitaires")]
    types = {p.name: p.metadata.get("type") for p in tree.parameters if p.kind == "scale"}
    assert set(types.values()) == {"marginal_rate", "single_amount", "marginal_amount",
                                   "linear_average_rate"}
    smic = tree.parameter(SMIC)
    assert smic is not None and smic.label.fr == "SMIC horaire brut"
    assert smic.label.en == "Gross hourly minimum wage"
    assert [(r.date, r.title) for r in smic.references][-1] == ("2024-01-01",
                                                                 "Décret n° 2023-1216")
    rentree = tree.parameter("prestations.aides.prime_rentree")
    assert rentree is not None
    assert [(r.date, r.title) for r in rentree.references][-1] == (
        "", "Loi n° 2024-1 portant suppression de la prime")
    assert rentree.series[0].values[-1].value is None
    assert root_of(str(NEW / "impot_revenu" / "bareme.yaml")) == str(NEW)


def test_null_ends_a_parameter_and_expected_values_are_notes() -> None:
    tree = read_document(_doc("values:\n  2020-01-01: 3\n  2024-01-01: expected\n"
                              "  2025-01-01: {value: null}\n"), "p")
    assert [(v.date, v.value) for v in tree.parameters[0].series[0].values] == [
        ("2020-01-01", 3), ("2025-01-01", None)]


def test_numbered_children_and_yaml_1_1_numbers_read_as_openfisca_core_does(
        tmp_path: Path) -> None:
    (tmp_path / "parameters").mkdir()
    (tmp_path / "parameters" / "taux.yaml").write_text(
        "0:\n  values:\n    2020-01-01: 0.1\n1:\n  values:\n    2020-01-01: 500_000\n"
        "    2021-01-01: 1_000.5\n", "utf-8")
    tree = read_tree(str(tmp_path / "parameters"))
    assert tree.problems == ()
    assert [(p.name, [v.value for v in p.series[0].values]) for p in tree.parameters] == [
        ("taux.0", [0.1]), ("taux.1", [500000, 1000.5])]
    with pytest.raises(LoadError, match="keys must be plain strings"):
        parse_document(b"0: 1\n", "generic.yaml")  # everywhere else, as before


def test_detection_of_files_and_folders() -> None:
    assert detect(str(NEW)) and detect(str(NEW / "prestations" / "aides.yaml"))
    assert not detect(str(ROOT / "tests" / "data" / "sample"))
    assert not detect(str(ROOT / "tests" / "data" / "sample" / "example-residence"))


def test_format_in_forces_or_turns_off_the_reading(tmp_path: Path) -> None:
    assert open_openfisca(str(NEW), "generic") is None
    plain = tmp_path / "plain.yaml"
    plain.write_text("a: 1\n", "utf-8")
    assert open_openfisca(str(plain)) is None
    with pytest.raises(ValidationError) as caught:
        open_openfisca(str(plain), "openfisca")
    assert caught.value.problems[0].message.startswith("'plain.a' must be a mapping")


def test_a_name_defined_twice_in_a_folder_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "parameters").mkdir()
    (tmp_path / "parameters" / "a.yaml").write_text("b:\n  values:\n    2024-01-01: 1\n")
    (tmp_path / "parameters" / "a").mkdir()
    (tmp_path / "parameters" / "a" / "b.yaml").write_text("values:\n  2024-01-01: 2\n")
    problems = read_tree(str(tmp_path / "parameters")).problems
    assert [(p.where, p.message) for p in problems] == [
        (str(tmp_path / "parameters" / "a" / "b.yaml"),
         f"parameter 'a.b' is defined twice (also in {tmp_path / 'parameters' / 'a.yaml'})")]


def test_validate_reports_every_problem_of_a_tree_at_file_line_col(tmp_path: Path,
                                                                    run_cli: Any) -> None:
    tree = tmp_path / "parameters"
    shutil.copytree(NEW, tree)
    (tree / "impot_revenu" / "bareme.yaml").write_text(
        "brackets:\n- threshold:\n    2024-01-01: {value: 0, valeur: 1}\n  rate:\n"
        "    2024-02-30: 0.1\n", "utf-8")
    result = run_cli("validate", str(tree))
    name = tree / "impot_revenu" / "bareme.yaml"
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{name}:3:36: unexpected property 'valeur' in the value of "
        "'impot_revenu.bareme[0].threshold[2024-01-01]'; allowed: metadata, reference, unit, "
        "value",
        f"{name}:5:17: invalid date '2024-02-30' in 'impot_revenu.bareme[0].rate' (expected a "
        "real date written YYYY-MM-DD, such as 2017-01-15)",
        "error: 2 problems found"]
    assert run_cli("validate", str(NEW)).stdout == "ok: no problems found\n"


# Changes, sentences and periods


def test_every_kind_of_change_gets_its_rule() -> None:
    found = [(c.path_text, c.rule) for c in _diff().changes
             if c.rule.startswith(("openfisca-value", "openfisca-parameter"))]
    smic, bareme = SMIC + ".values", "impot_revenu.bareme.brackets"
    assert found == [
        (f"{bareme}[1].threshold.2024-01-01", "openfisca-value-raised"),
        (f"{bareme}[2].threshold.2024-01-01", "openfisca-value-raised"),
        (f"{bareme}[3].rate.2023-01-01", "openfisca-value-corrected"),
        (f"{bareme}[4].threshold", "openfisca-parameter-added"),
        (f"{bareme}[4].rate", "openfisca-parameter-added"),
        ("impot_revenu.contribution.brackets[1].amount.2023-01-01", "openfisca-value-corrected"),
        ("impot_revenu.decote.brackets[0].amount.2024-01-01", "openfisca-value-raised"),
        ("impot_revenu.taux_moyen.brackets[1].average_rate.2025-01-01",
         "openfisca-value-lowered"),
        (f"{smic}.2022-08-01", "openfisca-value-retroactive"),
        (f"{smic}.2023-01-01", "openfisca-value-corrected"),
        (f"{smic}.2024-01-01", "openfisca-value-raised"),
        (f"{smic}.2026-01-01", "openfisca-value-removed"),
        ("prestations.aides.ancienne_aide.values", "openfisca-parameter-removed"),
        ("prestations.aides.duree_droits.values.2024-07-01", "openfisca-value-raised"),
        ("prestations.aides.eligible_dom.values.2024-01-01", "openfisca-value-set"),
        ("prestations.aides.prime_activite_bonus.values", "openfisca-parameter-added"),
        ("prestations.aides.prime_rentree.values.2025-01-01", "openfisca-value-ended")]


def test_the_fixtures_cover_every_openfisca_rule() -> None:
    seen = {c.rule for c in _diff().changes}
    assert seen == {r for r in RULES if r.startswith("openfisca-")}


def test_the_sentences_of_the_issue() -> None:
    sentences = [c.sentence.en for c in _diff().changes]
    for expected in (
        "Gross hourly minimum wage (marche_travail.salaire_minimum.smic_b_horaire): 11.65 EUR "
        "from 2024-01-01 (was 11.52 EUR from 2023-05-01), Décret n° 2023-1216",
        "Bracket 3 of Income tax scale (impot_revenu.bareme), threshold: 28,797 EUR from "
        "2024-01-01 (was 27,478 EUR from 2023-01-01), Article 197 du Code général des impôts",
        "Gross hourly minimum wage (marche_travail.salaire_minimum.smic_b_horaire): value from "
        "2026-01-01 removed (was 12 EUR)",
        "Gross hourly minimum wage (marche_travail.salaire_minimum.smic_b_horaire): a value "
        "dated 2022-08-01 inserted before existing ones (retroactive): 11.07 EUR, Arrêté du 29 "
        "juillet 2022",
        "Prime de rentrée (prestations.aides.prime_rentree): end of the parameter from "
        "2025-01-01 (null), Loi n° 2024-1 portant suppression de la prime",
        "Gross hourly minimum wage (marche_travail.salaire_minimum.smic_b_horaire): reference "
        "added for 2024-01-01: Décret n° 2023-1216",
        "Gross hourly minimum wage (marche_travail.salaire_minimum.smic_b_horaire): "
        "last_value_still_valid_on moved from 2023-01-05 to 2025-02-17",
        "Gross hourly minimum wage (marche_travail.salaire_minimum.smic_b_horaire): the "
        "2023-01-01 value corrected from 11.27 EUR to 11.28 EUR, Décret n° 2022-1608"):
        assert expected in sentences


def test_units_are_formatted_per_language() -> None:
    assert show(0.068, "/1", "en") == "6.8%" and show(0.068, "/1", "fr") == "6,8 %"
    assert show(29315, "currency-EUR", "fr") == "29\u202f315 EUR"
    assert show(3, "year", "en") == "3 years" and show(3, "year", "zh") == "3年"
    assert show(11.5, "currency", "en") == "11.5 currency units"
    assert show(None, "/1", "en") == "null" and show(True, "", "en") == "true"


def test_a_bare_currency_unit_takes_the_code_given(tmp_path: Path, run_cli: Any) -> None:
    for side, value in (("old", 11.52), ("new", 11.65)):
        (tmp_path / f"{side}.yaml").write_text(
            f"description: Smic\nvalues:\n  2024-01-01: {value}\nmetadata:\n  unit: currency\n",
            "utf-8")
    args = ("diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"))
    assert "11.52 currency units to 11.65 currency units" in run_cli(*args).stdout
    assert "11.52 EUR to 11.65 EUR" in run_cli(*args, "--currency", "EUR").stdout
    refused = run_cli(*args, "--currency", "euro")
    assert refused.exit_code == 2 and "not an ISO 4217 code" in refused.stderr


def test_the_periods_concerned_are_the_earliest_and_latest_dates_touched() -> None:
    diff = _diff()
    touched: dict[str, list[str]] = {}
    for change in diff.changes:
        if change.rule in ("openfisca-reference-changed", "openfisca-metadata-changed",
                           "openfisca-unit-changed"):
            assert change.effective == ""  # notes about values, not values
            continue
        whole = change.new if change.kind is ChangeKind.ADDED else change.old
        dates = sorted(whole) if isinstance(whole, dict) else \
            [change.path_text.rsplit(".", 1)[-1]]
        touched.setdefault(change.parameter, []).extend(dates)
    every = [d for dates in touched.values() for d in dates]
    periods = diff.periods()
    assert (periods[0].parameter, periods[0].start, periods[0].end) == ("", min(every),
                                                                         max(every))
    assert {p.parameter: (p.start, p.end) for p in periods[1:]} == {
        name: (min(dates), max(dates)) for name, dates in touched.items()}
    assert periods_of(()) == ()


def test_a_generic_diff_of_the_same_files_is_unchanged() -> None:
    old = _doc((OLD / "impot_revenu" / "decote.yaml").read_text("utf-8"))
    new = _doc((NEW / "impot_revenu" / "decote.yaml").read_text("utf-8"))
    diff = compare(old.data, new.data)
    assert [c.path_text for c in diff.changes] == ["brackets[0].amount.2024-01-01"]
    assert "periods" not in diff.to_dict()


@pytest.mark.parametrize(("fmt", "lang", "name"), [
    ("text", "en", "diff.txt"), ("text", "fr", "diff.fr.txt"), ("markdown", "zh", "diff.zh.md"),
    ("markdown", "en", "diff.md"), ("json", "en", "diff.json")])
def test_diff_golden(fmt: str, lang: str, name: str, run_cli: Any, golden: Golden,
                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cli("diff", "tests/data/openfisca/old/parameters",
                     "tests/data/openfisca/new/parameters", "--format", fmt, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    golden(f"openfisca/{name}", result.stdout)


def test_the_json_diff_matches_its_schema(run_cli: Any) -> None:
    result = run_cli("diff", str(OLD), str(NEW), "--format", "json")
    errors = list(_validator("diff").iter_errors(json.loads(result.stdout)))
    assert errors == []


def test_diff_as_a_real_process_with_fail_on_and_format_in(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "policy_tracker", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=120,
                              env={"PYTHONPATH": str(ROOT), "NO_COLOR": "1", "PATH": ""})
    done = run("diff", str(OLD / "impot_revenu" / "decote.yaml"),
               str(NEW / "impot_revenu" / "decote.yaml"), "--fail-on", "major")
    assert done.returncode == 1
    assert "Bracket 1 of Décote forfaitaire (impot_revenu.decote), amount: 873 EUR from " \
           "2024-01-01 (was 833 EUR from 2023-01-01)" in done.stdout
    assert done.stdout.endswith("Periods concerned: from 01/01/2024\n")
    generic = run("diff", str(OLD / "impot_revenu" / "decote.yaml"),
                  str(NEW / "impot_revenu" / "decote.yaml"), "--format-in", "generic",
                  "--format", "json")
    assert '"path_text": "brackets[0].amount.2024-01-01"' in generic.stdout
    assert '"periods"' not in generic.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("values:\n  2024-01-01: {value: onze}\n", "utf-8")
    failed = run("diff", str(OLD / "impot_revenu" / "decote.yaml"), str(bad))
    assert failed.returncode == 2 and failed.stdout == ""
    assert failed.stderr == (f"error: {bad}:2:23: the value of 'bad' at 2024-01-01 must be a "
                             "number, true, false, null or a list (found str)\n")


def test_git_diff_driver_reads_parameters(run_cli: Any) -> None:
    rel = "parameters/impot_revenu/decote.yaml"
    old, new = str(OLD / "impot_revenu" / "decote.yaml"), str(NEW / "impot_revenu" / "decote.yaml")
    result = run_cli("git-diff-driver", rel, old, "a" * 40, "100644", new, "b" * 40, "100644")
    assert result.stdout.splitlines()[:3] == [
        f"policy-tracker diff a/{rel} b/{rel}", "OpenFisca parameters",
        "  + [direction unknown, major] Bracket 1 of Décote forfaitaire (impot_revenu.decote), "
        "amount: 873 EUR from 2024-01-01 (was 833 EUR from 2023-01-01)"]
    added = run_cli("git-diff-driver", rel, "/dev/null", "0" * 40, "100644", new, "b" * 40,
                    "100644")
    assert "Bracket 1 of Décote forfaitaire (impot_revenu.decote), threshold: added, 0 EUR " \
           "from 2023-01-01" in added.stdout


def test_severities_are_overridden_from_the_rule_catalogue(tmp_path: Path,
                                                           run_cli: Any) -> None:
    config = tmp_path / "severity.yaml"
    config.write_text("severity:\n  openfisca-value-corrected: minor\n", "utf-8")
    result = run_cli("diff", str(OLD), str(NEW), "--config", str(config), "--format", "json")
    corrected = [c for c in json.loads(result.stdout)["changes"]
                 if c["rule"] == "openfisca-value-corrected"]
    assert corrected and {c["severity"] for c in corrected} == {"minor"}
    assert "openfisca-value-retroactive" in run_cli("rules").stdout


# Reviews and histories from git


@pytest.fixture(scope="module")
def fixture_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The old fixture tree, then a commit that brings the new one."""
    repo = init_repo(tmp_path_factory.mktemp("openfisca-repo"))
    def files(top: Path) -> dict[str, str | bytes | None]:
        return {f"parameters/{p.relative_to(top).as_posix()}": p.read_bytes()
                for p in sorted(top.rglob("*.yaml"))}
    commit(repo, files(OLD), "parameters for 2023", date="2024-01-01T10:00:00+00:00")
    commit(repo, files(NEW), "parameters for 2024", date="2024-02-10T10:00:00+00:00")
    return repo


def _cli(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "policy_tracker", *args], cwd=repo,
                          env={"PYTHONPATH": str(ROOT), "NO_COLOR": "1", "PATH": "/usr/bin:/bin",
                               "POLICY_TRACKER_CACHE_DIR": str(repo / ".git" / "no-cache")},
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("fmt", "lang", "name"), [("markdown", "en", "review.md"),
                                                   ("markdown", "fr", "review.fr.md"),
                                                   ("json", "en", "review.json")])
def test_review_golden_with_a_changelog_entry(fixture_repo: Path, fmt: str, lang: str,
                                              name: str, golden: Golden) -> None:
    done = _cli(fixture_repo, "review", "--base", "HEAD~1", "--format", fmt, "--lang", lang)
    assert done.returncode == 0, done.stderr
    golden(f"openfisca/{name}", done.stdout)


def test_diff_of_ref_path_operands_reads_parameters(fixture_repo: Path) -> None:
    rel = "parameters/marche_travail/salaire_minimum/smic_b_horaire.yaml"
    done = _cli(fixture_repo, "diff", f"HEAD~1:{rel}", f"HEAD:{rel}", "--format", "json")
    assert done.returncode == 0, done.stderr
    changes = json.loads(done.stdout)["changes"]
    assert {c["parameter"] for c in changes} == {SMIC}
    assert json.loads(done.stdout)["periods"][0] == {"parameter": "", "start": "2022-08-01",
                                                     "end": "2026-01-01"}
    generic = _cli(fixture_repo, "diff", f"HEAD~1:{rel}", f"HEAD:{rel}", "--format-in",
                   "generic", "--format", "json")
    assert "periods" not in json.loads(generic.stdout)


def test_review_changelog_entry_names_periods_and_files(fixture_repo: Path) -> None:
    text = _cli(fixture_repo, "review", "--base", "HEAD~1", "--lang", "fr").stdout
    block = text.split("```markdown\n", 1)[1].split("```", 1)[0].splitlines()
    assert block[0] == "* Périodes concernées : du 01/01/2010 au 01/01/2026."
    assert block[1].startswith("* Zones impactées : `parameters/impot_revenu/bareme.yaml`")
    assert block[2] == "* Détails :"


@pytest.mark.parametrize(("fmt", "name"), [("text", "history.txt"), ("json", "history.json")])
def test_history_golden_shows_corrections_of_past_values(fixture_repo: Path, fmt: str,
                                                         name: str, golden: Golden) -> None:
    done = _cli(fixture_repo, "history", "parameters", "--openfisca", SMIC, "--format", fmt)
    assert done.returncode == 0, done.stderr
    golden(f"openfisca/{name}", done.stdout)
    if fmt == "text":
        assert "the 2023-01-01 value was corrected on 2024-02-10 from 11.27 EUR to 11.28 EUR" \
            in done.stdout


def test_history_of_a_scale_and_of_a_missing_parameter(fixture_repo: Path) -> None:
    done = _cli(fixture_repo, "history", "parameters/impot_revenu/bareme.yaml", "--openfisca",
                "impot_revenu.bareme", "--format", "markdown")
    assert "- brackets\\[3\\].rate: the 2023-01-01 value was corrected on 2024-02-10 " \
           "from 40% to 41%" in done.stdout
    french = _cli(fixture_repo, "history", "parameters", "--openfisca", SMIC, "--lang", "fr")
    assert "  la valeur du 01/01/2023 a été corrigée le 10/02/2024 de 11,27 EUR à 11,28 EUR " \
           "(" in french.stdout
    missing = _cli(fixture_repo, "history", "parameters", "--openfisca", "nope.x")
    assert missing.returncode == 2
    assert missing.stderr == "error: no OpenFisca parameter 'nope.x' under parameters at HEAD\n"
    wrong = _cli(fixture_repo, "history", "parameters", SMIC)
    assert wrong.returncode == 2 and wrong.stderr.startswith("error: ")


# The real OpenFisca-France versions (skipped when the corpus is absent)


def _corpus_pair(tmp_path: Path, folder: str, old: str, new: str) -> tuple[str, str]:
    """Two versions copied under openfisca_france/parameters/<their path>, so that the
    parameter gets its real dotted name."""
    import csv

    with open(CORPUS / folder / "manifest.csv", newline="", encoding="utf-8") as handle:
        rows = {r["seq"]: r["path"] for r in csv.DictReader(handle)}
    out = []
    for side, seq in (("old", old), ("new", new)):
        target = tmp_path / side / rows[seq]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / folder / f"{seq}.yaml", target)
        out.append(str(target.relative_to(tmp_path)))
    return out[0], out[1]


@needs_corpus
@pytest.mark.parametrize(("folder", "old", "new"), [
    ("smic__smic_b_horaire", "027", "030"), ("bareme_ir_depuis_1945__bareme", "040", "052"),
    ("deductible__taux", "020", "031"), ("aah__montant", "037", "038")])
def test_corpus_diff_golden(folder: str, old: str, new: str, tmp_path: Path, run_cli: Any,
                            golden: Golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    a, b = _corpus_pair(tmp_path, folder, old, new)
    result = run_cli("diff", a, b)
    assert result.exit_code == 0, result.stderr
    golden(f"openfisca/corpus-{folder}-{old}-{new}.txt", result.stdout)


@needs_corpus
def test_every_valid_corpus_version_reads_as_openfisca_core_would() -> None:
    found = {}
    for path in sorted(CORPUS.glob("*/*.yaml")):
        try:
            doc = parse_document(path.read_bytes(), str(path))
        except LoadError:
            continue  # invalid YAML upstream: covered by the generic corpus tests
        assert looks_like_openfisca(doc.data), path
        problems = read_document(doc, "p").problems
        if problems:
            found[f"{path.parent.name}/{path.name}"] = [str(p) for p in problems]
    # One version was committed with `last_review` beside `values`, a key openfisca-core's
    # Parameter refuses ("Unexpected property"): the same check here.
    bmaf = CORPUS / "bmaf__bmaf" / "009.yaml"
    assert found == {"bmaf__bmaf/009.yaml": [
        f"{bmaf}:593:14: unexpected property 'last_review' in parameter 'p'; allowed: "
        "description, documentation, metadata, reference, unit, values"]}


@needs_corpus
def test_corpus_history_golden(tmp_path: Path, golden: Golden) -> None:
    repo = tmp_path / "repo"
    replay_corpus(CORPUS / "smic__smic_b_horaire", repo)
    done = _cli(repo, "history", "openfisca_france/parameters", "--openfisca",
                "marche_travail.salaire_minimum.smic.smic_b_horaire")
    assert done.returncode == 0, done.stderr
    golden("openfisca/corpus-smic-history.txt", done.stdout)
    assert done.stdout.count("could not be read") == 5
