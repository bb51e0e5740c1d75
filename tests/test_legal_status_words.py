"""Every output agrees with the data on each instrument's legal status: the words
"superseded" and 已被取代 appear only where the data records that an instrument itself was
repealed or replaced, and a draft is never said to be in force or to take effect."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from policy_tracker.render import formats_for
from policy_tracker.store import bundled_root, load_policy

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = str(ROOT / "policies")
POLICY = "cn-permanent-residence"
WORDS = re.compile(r"supersed|已被取代", re.IGNORECASE)


def _outputs(run_cli: Any) -> dict[str, str]:
    """The text of every command and format that can name an instrument's status."""
    calls: dict[str, tuple[str, ...]] = {
        "list": ("list",), "list-json": ("list", "--format", "json"),
        "show": ("show", "--as-of", "2021-01-01"),
        "show-json": ("show", "--as-of", "2021-01-01", "--format", "json"),
        "show-drafts": ("show", "--as-of", "2021-01-01", "--include-drafts"),
        "show-shanghai": ("show", "--as-of", "2024-01-01", "--track", "shanghai"),
    }
    for lang in ("en", "zh"):
        for fmt in formats_for("timeline"):
            calls[f"timeline-{fmt}-{lang}"] = ("timeline", "--include-drafts", "--format", fmt,
                                               "--lang", lang)
        for fmt in ("json", "jsonl", "csv", "timelinejs", "ics", "markdown"):
            calls[f"export-{fmt}-{lang}"] = ("export", "--format", fmt, "--lang", lang)
        for fmt in formats_for("effects"):
            calls[f"effects-{fmt}-{lang}"] = ("effects", "--format", fmt, "--lang", lang)
        for fmt in ("html", "markdown"):
            calls[f"report-{fmt}-{lang}"] = ("report", "--format", fmt, "--lang", lang,
                                             "--as-of", "2026-12-02", "-o", "-")
        calls[f"diff-draft-{lang}"] = ("diff", f"{POLICY}@2019-09-01", f"{POLICY}@2020-03-01",
                                       "--include-drafts", "--lang", lang)
    out = {}
    for name, args in calls.items():
        result = run_cli("--policies", BUNDLED, *args)
        assert result.exit_code == 0, (name, result.stderr)
        out[name] = result.stdout
    return out


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    from click.testing import CliRunner

    from policy_tracker.cli import cli

    def run_cli(*args: str) -> Any:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return _outputs(run_cli)


def test_the_bundled_data_records_no_replaced_instrument() -> None:
    policy = load_policy(str(Path(bundled_root()) / POLICY))
    assert not [s.meta.id for s in policy.snapshots if s.meta.status.ended]


def test_no_output_calls_an_instrument_superseded(outputs: dict[str, str]) -> None:
    found = {name: WORDS.findall(text) for name, text in outputs.items() if WORDS.search(text)}
    assert found == {}


def test_the_walk_covers_every_format(outputs: dict[str, str]) -> None:
    for fmt in formats_for("timeline") + formats_for("effects"):
        assert any(fmt in name for name in outputs), fmt
    assert len(outputs) >= 40


def test_a_draft_is_proposed_and_never_takes_effect(outputs: dict[str, str]) -> None:
    assert "with drafts counted (PROPOSED, not law)" in outputs["show-drafts"]
    assert "2020-draft-regulation: Regulations of the PRC on the Administration of Permanent " \
        "Residence of Foreigners (Draft for Comment) [proposed (draft, never law); published " \
        "2020-02-27; comments until 2020-03-27]" in outputs["show-drafts"]
    draft_line = next(line for line in outputs["list"].splitlines() if "2020-draft" in line)
    assert "in force" not in draft_line and "effect" not in draft_line
    for lang, word in (("en", "Proposed (draft, not law): "),
                       ("zh", "拟议（征求意见稿，并非法律）：")):
        changes = [line for line in outputs[f"diff-draft-{lang}"].splitlines()
                   if re.match(r"\s+[-+~>^] \[", line)]  # change lines, not their content lines
        assert changes and all(word in line for line in changes)
        for fmt in formats_for("timeline"):
            text = outputs[f"timeline-{fmt}-{lang}"].replace("\\", "")
            assert word.rstrip(": ：") in text, (fmt, lang)


def test_status_words_agree_across_outputs(outputs: dict[str, str]) -> None:
    """The Exit and Entry Administration Law is in force (现行有效) in every output."""
    assert "[in force; version of 2013-07-01, followed by the version of 2015-06-08]" \
        in outputs["list"]
    assert '"status": "in_force"' in outputs["list-json"]
    for lang, word in (("en", "in force"), ("zh", "现行有效")):
        for name in (f"report-html-{lang}", f"report-markdown-{lang}",
                     f"timeline-markdown-{lang}"):
            assert word in outputs[name], name
