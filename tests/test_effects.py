"""The effects register: golden files per format and language, its schema, the CLI in process
and as a subprocess, effects from an instrument's own status, and no draft among them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from policy_tracker.api import build_effects
from policy_tracker.model import RenderOptions, Text
from policy_tracker.render import formats_for, render
from policy_tracker.store import load_policy
from policy_tracker.validate import schema_text

SAMPLE = Path(__file__).resolve().parent / "data" / "sample"
POLICY = SAMPLE / "example-residence"
EXT = {"text": "txt", "markdown": "md", "csv": "csv", "json": "json"}


def test_effects_formats_are_registered() -> None:
    assert sorted(formats_for("effects")) == ["csv", "json", "markdown", "text"]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", sorted(EXT))
def test_effects_golden(fmt: str, lang: str, run_cli: Any,
                        golden: Callable[[str, str], None]) -> None:
    result = run_cli("--policies", str(SAMPLE), "effects", "--format", fmt, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    golden(f"effects/sample.{lang}.{EXT[fmt]}", result.stdout)


def test_effects_json_is_to_dict_and_valid() -> None:
    register = build_effects(load_policy(str(POLICY)))
    text = render("effects", "json", register, RenderOptions())
    data = json.loads(text)
    assert data == json.loads(json.dumps(register.to_dict()))
    jsonschema.Draft202012Validator(json.loads(schema_text("effects"))).validate(data)
    assert (data["count"], data["unapplied"]) == (11, 1)


def test_schema_command_prints_the_effects_schema(run_cli: Any) -> None:
    result = run_cli("schema", "effects")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$id"].endswith("/effects.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)


def test_bundled_register_is_valid_and_has_no_draft(run_cli: Any) -> None:
    result = run_cli("effects", "cn-permanent-residence", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.Draft202012Validator(json.loads(schema_text("effects"))).validate(data)
    assert all(e["by_snapshot"] != "2020-draft-regulation" for e in data["effects"])
    unapplied = [e for e in data["effects"] if not e["applied"]]
    assert [(e["track"], e["type"], e["date"]) for e in unapplied] == [
        ("shanghai", "substituted", "2023-05-01"), ("guangdong", "applied_to_region", None),
        ("", "applied_to_region", None)]


def test_register_rows_from_the_sample() -> None:
    register = build_effects(load_policy(str(POLICY)))
    rows = [(e.date.isoformat() if e.date else "", e.track, e.type, e.origin, e.path)
            for e in register.effects]
    assert rows[0] == ("2010-01-01", "national", "repealed", "declared", "")
    assert ("2016-04-01", "coastal", "applied_to_region", "snapshot",
            "eligibility.max_age") in rows
    assert ("2015-06-01", "national", "substituted", "snapshot",
            "eligibility.routes[id=investment].min_investment") in rows
    # a change of citation or spelling is not an effect of the law; a draft has none
    assert not any(e.by_snapshot == "2022-draft" for e in register.effects)
    assert [e.date for e in register.effects] == sorted(e.date for e in register.effects
                                                        if e.date)


def test_track_filter(run_cli: Any) -> None:
    result = run_cli("--policies", str(SAMPLE), "effects", "--track", "coastal",
                     "--format", "csv")
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + 3
    assert all(",coastal," in line for line in lines[1:])


def test_unknown_track_is_one_error_line(run_cli: Any) -> None:
    result = run_cli("--policies", str(SAMPLE), "effects", "--track", "inland")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == ("error: example-residence: unknown track 'inland'; tracks: "
                             "national, coastal\n")


def test_repealed_and_expired_instruments_appear(tmp_path: Path) -> None:
    folder = tmp_path / "example-residence"
    shutil.copytree(POLICY, folder)
    act = folder / "national" / "2010-01-01-act.yaml"
    act.write_text(act.read_text("utf-8").replace(
        "  status: amended\n",
        "  status: repealed\n  repeal: {by: {en: Example Card Regulation, zh: 示例证件规定}, "
        "provision: Art. 9, date: 2020-03-01}\n"), "utf-8")
    pilot = folder / "coastal" / "2016-04-01-pilot.yaml"
    pilot.write_text(pilot.read_text("utf-8").replace(
        "    effective: 2016-04-01\n  status: pilot\n",
        "    effective: 2016-04-01\n    expires: 2019-04-01\n  status: expired\n"), "utf-8")
    register = build_effects(load_policy(str(folder)))
    ended = [(e.date.isoformat() if e.date else "", e.type, e.affected.en, e.by.en,
              e.by_provision, e.provision.zh)
             for e in register.effects if e.origin == "status"]
    assert ended == [
        ("2019-04-01", "expired", "Coastal Talent Pilot", "", "", "整个文件"),
        ("2020-03-01", "repealed", "Example Residence Act", "Example Card Regulation", "Art. 9",
         "整个文件")]


def test_subprocess_writes_the_register_atomically(tmp_path: Path,
                                                   run_process: Any) -> None:
    out = tmp_path / "effects.md"
    done = run_process("--policies", str(SAMPLE), "effects", "--format", "markdown",
                          "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text("utf-8").startswith("# Effects register: Example long-term residence\n")


def test_words_have_both_languages() -> None:
    register = build_effects(load_policy(str(POLICY)))
    for effect in register.effects:
        for text in (effect.affected, effect.by):
            assert isinstance(text, Text)
            assert text.en and text.zh, effect
