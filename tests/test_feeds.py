"""The Atom feed (RFC 4287, checked by feedparser) and the digest of recent changes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from collections.abc import Callable
from typing import Any

import pytest

feedparser = pytest.importorskip("feedparser", reason="feedparser is in the test extra")

ATOM = "{http://www.w3.org/2005/Atom}"
ROOT = Path(__file__).resolve().parent.parent


def _feed(run_cli: Callable[..., Any], *args: str) -> str:
    result = run_cli("export", "--format", "atom", *args)
    assert result.exit_code == 0, result.stderr
    return str(result.stdout)


@pytest.mark.parametrize(("args", "name"), [(("--include-drafts",), "all.atom"),
                                            (("--track", "national", "--lang", "zh"),
                                             "national.zh.atom"),
                                            (("--track", "shanghai",), "shanghai.atom")])
def test_atom_golden(args: tuple[str, ...], name: str, run_cli: Callable[..., Any],
                     golden: Callable[[str, str], None]) -> None:
    golden(f"feeds/{name}", _feed(run_cli, *args))


@pytest.mark.parametrize("args", [(), ("--include-drafts",), ("--track", "national", "--lang",
                                                               "zh"), ("--track", "tianjin",)])
def test_feedparser_reads_a_well_formed_atom_feed(args: tuple[str, ...],
                                                  run_cli: Callable[..., Any]) -> None:
    parsed = feedparser.parse(_feed(run_cli, *args))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    ids = [e.id for e in parsed.entries]
    assert ids and len(ids) == len(set(ids))
    assert all(i.startswith("tag:policy-tracker,2026:cn-permanent-residence/") for i in ids)
    for entry in parsed.entries:
        assert entry.updated_parsed is not None and entry.title and entry.content[0].value


def test_entries_carry_change_sentences_and_drafts_are_proposed(
        run_cli: Callable[..., Any]) -> None:
    parsed = feedparser.parse(_feed(run_cli, "--include-drafts"))
    by_id = {e.id.rsplit("/", 1)[1]: e for e in parsed.entries}
    nia = by_id["2019-nia-measures"]
    assert "<li>Route added: Salary and tax (market-based).</li>" in nia.content[0].value
    assert nia.updated.startswith("2019-08-01")
    draft = by_id["2020-draft-regulation"]
    assert draft.title.startswith("[Proposed] ")
    assert "proposed" in [t.term for t in draft.tags]
    assert "a draft has no effective date" in draft.summary
    assert all("proposed" not in [t.term for t in e.tags] for k, e in by_id.items()
               if k != "2020-draft-regulation")


def test_ids_are_stable_across_filters(run_cli: Callable[..., Any]) -> None:
    every = {e.id for e in feedparser.parse(_feed(run_cli, "--include-drafts")).entries}
    national = {e.id for e in feedparser.parse(_feed(run_cli, "--track", "national")).entries}
    assert national < every
    root = ET.fromstring(_feed(run_cli, "--track", "national").encode("utf-8"))
    assert root.findtext(f"{ATOM}id") == "tag:policy-tracker,2026:cn-permanent-residence/national"
    assert root.findtext(f"{ATOM}updated") == "2023-12-01T00:00:00Z"


def test_atom_text_escapes_markup_and_control_characters(tmp_path: Path,
                                                          run_cli: Callable[..., Any]) -> None:
    import shutil

    sample = tmp_path / "policies"
    shutil.copytree(ROOT / "tests" / "data" / "sample", sample)
    result = run_cli("--policies", str(sample), "export", "--format", "atom")
    assert result.exit_code == 0, result.stderr
    parsed = feedparser.parse(result.stdout)
    assert parsed.bozo == 0 and parsed.entries


@pytest.mark.parametrize(("args", "name"), [
    (("--since", "2019-01-01"), "since-2019.md"),
    (("--since", "2016-01-01", "--track", "beijing", "--format", "text"), "beijing-2016.txt"),
    (("--since", "2023-01-01", "--lang", "zh"), "since-2023.zh.md"),
    (("--since", "2024-01-01",), "since-2024.md"),
])
def test_digest_golden(args: tuple[str, ...], name: str, run_cli: Callable[..., Any],
                       golden: Callable[[str, str], None]) -> None:
    result = run_cli("digest", *args)
    assert result.exit_code == 0, result.stderr
    golden(f"feeds/digest-{name}", result.stdout)


def test_digest_counts_recorded_dates_after_the_date(run_cli: Callable[..., Any]) -> None:
    # The 2023 card was announced on 2023-09-15 and took effect on 2023-12-01.
    text = run_cli("digest", "--since", "2023-10-01", "--format", "text").stdout
    assert "2023-12-01  2023 Foreign Permanent Resident ID Card" in text
    assert "(takes effect 2023-12-01)" in text
    none = run_cli("digest", "--since", "2023-12-01", "--format", "text").stdout
    assert "Nothing has changed since 2023-12-01." in none


def test_digest_needs_a_valid_date(run_cli: Callable[..., Any]) -> None:
    result = run_cli("digest", "--since", "last week")
    assert result.exit_code == 2
    assert result.stderr == "error: invalid --since date 'last week' (expected YYYY-MM-DD)\n"


def test_feed_and_digest_in_a_subprocess(run_process: Callable[..., Any],
                                         tmp_path: Path) -> None:
    out = tmp_path / "feed.atom"
    done = run_process("export", "--format", "atom", "--include-drafts", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text("utf-8") == (ROOT / "tests/golden/feeds/all.atom").read_text("utf-8")
    done = run_process("digest", "--since", "2019-01-01")
    assert done.stdout == (ROOT / "tests/golden/feeds/digest-since-2019.md").read_text("utf-8")
