"""Hostile YAML: every file is refused with one located error, or loads exactly as written.

Each case runs the tool as a limited subprocess with both parsers (libyaml when present, and
the pure-Python one), and checks that no file was written or changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from .builders import (
    TERMINAL_PAYLOAD,
    alias_bomb,
    deep_block_mappings,
    deep_block_sequences,
    deep_flow,
    long_line,
    many_keys,
    quoted,
    write,
)
from .cases import OK, diff_refused, minimal_policy
from .harness import (
    BIDI,
    Run,
    assert_error,
    assert_finished,
    assert_ok,
    raw_controls,
    sentinels,
    tree_state,
)

Tool = Callable[..., Run]
MiB = 1024 * 1024


# --- language tags ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    'a: !!python/object/apply:os.system ["touch PWNED_apply"]\n',
    "a: !!python/name:os.system\n",
    'a: !<tag:yaml.org,2002:python/object/apply:os.system> ["touch PWNED_verbatim"]\n',
    '%TAG !p! tag:yaml.org,2002:python/\n---\na: !p!object/apply:os.system ["touch PWNED_tag"]\n',
    "a: !!set {x: null}\n",
    "a: !Ref other\n",
], ids=["apply", "name", "verbatim", "tag-directive", "set", "local-tag"])
def test_language_tags_are_refused_and_never_run(text: str, backend: str, tool: Tool,
                                                 workdir: Path, outdir: Path,
                                                 home: Path) -> None:
    diff_refused(tool, workdir, outdir, backend, text.encode(), message="explicit tags")
    assert sentinels(workdir, outdir, home) == []


# --- aliases ----------------------------------------------------------------------------------

def test_alias_bomb_is_refused_before_it_expands(backend: str, tool: Tool, workdir: Path,
                                                 outdir: Path) -> None:
    # 9 levels of 9: about 387 million leaves once expanded, from 400 bytes.
    diff_refused(tool, workdir, outdir, backend, alias_bomb(9, 9), message="aliases")


@pytest.mark.parametrize("text", ["a: &x [*x]\n", "a: &x\n  - b: *x\n"],
                         ids=["flow", "block"])
def test_recursive_aliases_are_refused(text: str, backend: str, tool: Tool, workdir: Path,
                                       outdir: Path) -> None:
    diff_refused(tool, workdir, outdir, backend, text.encode(), message="aliases")


def test_alias_to_an_anchored_key_is_refused(backend: str, tool: Tool, workdir: Path,
                                             outdir: Path) -> None:
    diff_refused(tool, workdir, outdir, backend, b"&x a: *x\n")


# --- duplicate and merge keys -----------------------------------------------------------------

@pytest.mark.parametrize(("text", "at"), [
    ("a: 1\nb: 2\na: 3\n", "3:1"),
    ('x:\n  "k": 1\n  k: 2\n', "3:3"),
    ("x: {a: 1, 'a': 2}\n", "1:11"),
], ids=["top", "quoted-and-plain", "flow"])
def test_duplicate_keys_are_refused_naming_both_lines(text: str, at: str, backend: str,
                                                      tool: Tool, workdir: Path,
                                                      outdir: Path) -> None:
    first = "1" if text.startswith(("a", "x: {")) else "2"
    line = diff_refused(tool, workdir, outdir, backend, text.encode(),
                        message=f"duplicate key .*line {first}")
    assert line.startswith(f"error: hostile.yaml:{at}: ")


@pytest.mark.parametrize("text", [
    "base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n",
    "c:\n  <<: {x: 1}\n  x: 2\n",
], ids=["with-alias", "inline"])
def test_merge_keys_are_refused(text: str, backend: str, tool: Tool, workdir: Path,
                                outdir: Path) -> None:
    line = diff_refused(tool, workdir, outdir, backend, text.encode(), message="merge keys")
    assert ":3:3: " in line or ":2:3: " in line


@pytest.mark.parametrize("text", [
    "1: one\ntrue: yes\n", "0: zero\noff: no\n", "null: a\n~: b\n", "1: a\n'1': b\n",
    "1.0: a\n1: b\n",
], ids=["1-true", "0-off", "null-tilde", "int-and-text", "float-and-int"])
def test_keys_that_collide_after_typing_are_refused(text: str, backend: str, tool: Tool,
                                                    workdir: Path, outdir: Path) -> None:
    diff_refused(tool, workdir, outdir, backend, text.encode())


def test_quoted_look_alike_keys_stay_distinct(backend: str, tool: Tool, workdir: Path) -> None:
    write(workdir / "old.yaml", OK)
    write(workdir / "new.yaml", '"1": a\n"true": b\n"0": c\n"off": d\n"no": e\n')
    run = tool("diff", "old.yaml", "new.yaml", "--format", "json", cwd=workdir, yaml=backend)
    assert_ok(run)
    added = {c["path_text"]: c["new"] for c in json.loads(run.stdout)["changes"]
             if c["kind"] == "added"}
    assert added == {"1": "a", "true": "b", "0": "c", "off": "d", "no": "e"}


# --- YAML 1.1 typing --------------------------------------------------------------------------

AS_WRITTEN = {"norway": "no", "switch": "on", "octal": "012", "sexagesimal": "1:20",
              "version": "1.10"}


def test_yaml11_look_alikes_stay_as_written_in_show(backend: str, tool: Tool,
                                                    tmp_path: Path) -> None:
    root = minimal_policy(tmp_path / "pol", "norway: no\nswitch: on\noctal: 012\n"
                                            "sexagesimal: 1:20\nquoted: '1.10'\n")
    before = tree_state(root)
    shown = tool("--policies", str(root), "show", "--as-of", "2021-01-01", cwd=tmp_path,
                 yaml=backend)
    assert_ok(shown)
    # Read back by a YAML 1.1 reader, the output must still say what the file said.
    rules = yaml.safe_load(shown.stdout)
    assert rules == {"norway": "no", "switch": "on", "octal": "012", "sexagesimal": "1:20",
                     "quoted": "1.10"}
    as_json = tool("--policies", str(root), "show", "--as-of", "2021-01-01", "--format",
                   "json", cwd=tmp_path, yaml=backend)
    assert_ok(as_json)
    assert json.loads(as_json.stdout)["rules"] == rules
    assert tree_state(root) == before


def test_yaml11_look_alikes_stay_as_written_in_diff_json(backend: str, tool: Tool,
                                                         workdir: Path) -> None:
    write(workdir / "old.yaml", "".join(f"{k}: x\n" for k in AS_WRITTEN if k != "version"))
    write(workdir / "new.yaml", "norway: no\nswitch: on\noctal: 012\nsexagesimal: 1:20\n")
    run = tool("diff", "old.yaml", "new.yaml", "--format", "json", cwd=workdir, yaml=backend)
    assert_ok(run)
    new = {c["path_text"]: c["new"] for c in json.loads(run.stdout)["changes"]}
    assert new == {k: v for k, v in AS_WRITTEN.items() if k != "version"}


def test_1_10_is_the_number_1_1_as_documented(backend: str, tool: Tool,
                                              workdir: Path) -> None:
    """YAML 1.2 core typing, the documented decision (docs/format.md): `1.10` is the number
    1.1 in any YAML 1.2 reader, and real policy data writes amounts such as `902.70`. Where a
    value is text (ids, versions, document numbers) the snapshot schema asks for a string, so
    `document_number: 1.10` is refused with "quote it" (tests/data/invalid)."""
    write(workdir / "v110.yaml", "version: 1.10\n")
    write(workdir / "v11.yaml", "version: 1.1\n")
    write(workdir / "quoted.yaml", "version: '1.10'\n")
    run = tool("diff", "v110.yaml", "v11.yaml", "--format", "json", cwd=workdir, yaml=backend)
    assert_ok(run)
    assert json.loads(run.stdout)["changes"] == []
    run = tool("diff", "quoted.yaml", "v11.yaml", "--format", "json", cwd=workdir, yaml=backend)
    assert_ok(run)
    changes = json.loads(run.stdout)["changes"]
    assert [(c["old"], c["new"], c["rule"]) for c in changes] == [("1.10", 1.1, "type-changed")]


# --- dates ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "at"), [
    ("d: 2024-02-30\n", "1:4"), ("d: 2024-13-01\n", "1:4"),
    ("d: [2023-02-29]\n", "1:5"), ("d:\n  x: 0000-01-01\n", "2:6"),
], ids=["feb-30", "month-13", "not-a-leap-year", "year-0"])
def test_invalid_dates_are_refused_with_their_position(text: str, at: str, backend: str,
                                                       tool: Tool, workdir: Path,
                                                       outdir: Path) -> None:
    line = diff_refused(tool, workdir, outdir, backend, text.encode(), message="invalid date")
    assert line.startswith(f"error: hostile.yaml:{at}: ")


# --- nesting ----------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    deep_flow(10_000), deep_flow(10_000, mapping=True), deep_block_sequences(10_000),
    deep_block_mappings(1_000),
], ids=["flow-lists", "flow-mappings", "block-lists", "block-mappings"])
def test_deep_nesting_is_refused_with_a_position(data: bytes, backend: str, tool: Tool,
                                                 workdir: Path, outdir: Path) -> None:
    diff_refused(tool, workdir, outdir, backend, data, message="nesting|depth")


def test_ten_thousand_levels_of_block_mappings_are_refused(backend: str, tool: Tool,
                                                          workdir: Path, outdir: Path) -> None:
    # Indentation makes this 50 MB: over the size cap, refused before it is parsed.
    diff_refused(tool, workdir, outdir, backend, deep_block_mappings(10_000), positioned=False,
                 message="larger than")


def test_ten_thousand_levels_of_block_mappings_under_a_raised_cap(backend: str, tool: Tool,
                                                                  workdir: Path,
                                                                  outdir: Path) -> None:
    # Both size caps raised (the general one, and the pure parser's where it has its own), so
    # that the nesting limit is what refuses the file.
    raised = str(64 * MiB)
    diff_refused(tool, workdir, outdir, backend, deep_block_mappings(10_000),
                 message="nesting|depth", env={"POLICY_TRACKER_MAX_BYTES": raised,
                                               "POLICY_TRACKER_MAX_BYTES_PURE": raised})


# --- size -------------------------------------------------------------------------------------

def test_a_file_over_the_size_cap_is_refused_before_parsing(backend: str, tool: Tool,
                                                            workdir: Path,
                                                            outdir: Path) -> None:
    diff_refused(tool, workdir, outdir, backend, long_line(16 * MiB + 1), positioned=False,
                 message="larger than the 16777216-byte limit")


def test_a_file_just_under_the_cap_loads_in_time_or_is_refused_cleanly(
        backend: str, tool: Tool, workdir: Path) -> None:
    write(workdir / "big.yaml", many_keys(15 * 1000 * 1000))
    before = tree_state(workdir)
    run = tool("validate", "big.yaml", cwd=workdir, yaml=backend)
    assert_finished(run)
    assert run.returncode in (0, 2, 3), run.describe()
    if run.returncode == 0:
        assert run.out == "ok: no problems found\n"
    else:
        assert run.err.splitlines()[-1].startswith("error: "), run.describe()
        assert len(run.err.splitlines()) <= 2, run.describe()
    assert tree_state(workdir) == before


# --- encodings and characters -----------------------------------------------------------------

@pytest.mark.parametrize(("data", "at"), [
    (b"a: 1\nb: caf\xe9\n", "2:7"), (b"a: \xc0\xaf\n", "1:4"), (b"a: \xed\xa0\x80\n", "1:4"),
    (b"a: 1\nb: \xe4\xb8", "2:4"),
], ids=["latin-1", "overlong", "encoded-surrogate", "truncated"])
def test_bytes_that_are_not_utf8_are_refused_with_their_position(
        data: bytes, at: str, backend: str, tool: Tool, workdir: Path, outdir: Path) -> None:
    line = diff_refused(tool, workdir, outdir, backend, data, message="UTF-8")
    assert line.startswith(f"error: hostile.yaml:{at}: ")


@pytest.mark.parametrize(("char", "shape"), [
    ("\x85", "hidden-key"), ("\u2028", "hidden-key"), ("\u2029", "hidden-key"),
    ("\u2028", "in-quotes"),
], ids=["NEL", "LS", "PS", "LS-in-quotes"])
def test_line_breaks_editors_do_not_show_are_refused(char: str, shape: str, backend: str,
                                                    tool: Tool, workdir: Path,
                                                    outdir: Path) -> None:
    text = f"admin: deny{char}admin: allow\n" if shape == "hidden-key" else f'a: "x{char}y"\n'
    line = diff_refused(tool, workdir, outdir, backend, text.encode())
    column = 12 if shape == "hidden-key" else 6
    assert line.startswith(f"error: hostile.yaml:1:{column}: "), line


@pytest.mark.parametrize("text", [
    'a: "x \\udfff"\n', 'a: "\\ud83d\\ude00"\n', 'a: ["\\U0000d800"]\n',
], ids=["low", "escaped-pair", "long-escape"])
def test_lone_surrogates_are_refused(text: str, backend: str, tool: Tool, workdir: Path,
                                     outdir: Path) -> None:
    diff_refused(tool, workdir, outdir, backend, text.encode())


def test_a_lone_surrogate_in_a_key_is_refused(backend: str, tool: Tool, workdir: Path,
                                              outdir: Path) -> None:
    diff_refused(tool, workdir, outdir, backend, b'"\\ud800": x\n')


@pytest.mark.parametrize("data", [b"a: 1\nb: x\x1b[31m\n", "a: \u202eb\n".encode()],
                         ids=["raw-ESC", "raw-RLO"])
def test_raw_control_and_bidi_characters_are_refused(data: bytes, backend: str, tool: Tool,
                                                     workdir: Path, outdir: Path) -> None:
    diff_refused(tool, workdir, outdir, backend, data)


def _escaped_controls(workdir: Path) -> None:
    write(workdir / "old.yaml", OK)
    write(workdir / "new.yaml", f"{quoted('key ' + TERMINAL_PAYLOAD)}: "
                                f"{quoted('value ' + TERMINAL_PAYLOAD)}\n")


@pytest.mark.parametrize("fmt", ["text", "markdown", "csv", "html"])
def test_escaped_controls_load_and_every_sink_shows_them_escaped(
        fmt: str, backend: str, tool: Tool, workdir: Path) -> None:
    _escaped_controls(workdir)
    run = tool("diff", "old.yaml", "new.yaml", "--format", fmt, cwd=workdir, yaml=backend)
    assert_ok(run)
    # The Markdown renderer itself puts a word joiner (U+2060) after @, # and ':' so data
    # cannot mention, cross-link or auto-link; any U+2060 in the data is shown as \u2060.
    found = raw_controls(run.out) - ({"U+2060"} if fmt == "markdown" else set())
    assert found == set(), run.out
    assert "\\x1b" in run.out or "\\u001b" in run.out  # the data arrived, made visible


def test_escaped_controls_stay_escaped_in_json(backend: str, tool: Tool,
                                               workdir: Path) -> None:
    _escaped_controls(workdir)
    run = tool("diff", "old.yaml", "new.yaml", "--format", "json", cwd=workdir, yaml=backend)
    assert_ok(run)
    data = json.loads(run.stdout)
    assert any(c["new"] == "value " + TERMINAL_PAYLOAD for c in data["changes"])
    assert raw_controls(run.out) == set()


def test_escaped_controls_stay_escaped_in_show(backend: str, tool: Tool,
                                               tmp_path: Path) -> None:
    root = minimal_policy(tmp_path / "pol", f"a: {quoted(TERMINAL_PAYLOAD)}\n")
    run = tool("--policies", str(root), "show", "--as-of", "2021-01-01", cwd=tmp_path,
               yaml=backend)
    assert_ok(run)
    assert not BIDI.search(run.out) and raw_controls(run.out) == set(), run.out


# --- documents --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "message"), [
    ("", "empty"), ("# only a comment\n", "empty"), ("---\n", "mapping"),
    ("...\n", "node content"), ("- a\n", "mapping"),
], ids=["empty", "comment", "document-start", "document-end", "list"])
def test_empty_or_non_mapping_documents_are_refused(text: str, message: str, backend: str,
                                                    tool: Tool, workdir: Path,
                                                    outdir: Path) -> None:
    diff_refused(tool, workdir, outdir, backend, text.encode(), message=message)


@pytest.mark.parametrize("text", ["---\na: 1\n...\n---\nb: 2\n", "a: 1\n---\n"],
                         ids=["two", "empty-second"])
def test_several_documents_in_one_file_are_refused(text: str, backend: str, tool: Tool,
                                                   workdir: Path, outdir: Path) -> None:
    diff_refused(tool, workdir, outdir, backend, text.encode(), message="more than one")


@pytest.mark.parametrize("data", [
    "a: 1\n".encode("utf-16"), b"\xfe\xff" + "a: 1\n".encode("utf-16-be"),
    "a: 1\n".encode("utf-32"),
], ids=["utf-16-bom", "utf-16-be-bom", "utf-32-bom"])
def test_utf16_and_utf32_are_refused(data: bytes, backend: str, tool: Tool, workdir: Path,
                                     outdir: Path) -> None:
    diff_refused(tool, workdir, outdir, backend, data)


def test_a_utf8_byte_order_mark_is_accepted(backend: str, tool: Tool, workdir: Path) -> None:
    write(workdir / "bom.yaml", b"\xef\xbb\xbfa: 1\n")
    write(workdir / "ok.yaml", OK)
    run = tool("diff", "bom.yaml", "ok.yaml", "--exit-code", cwd=workdir, yaml=backend)
    assert_ok(run)


# --- numbers ----------------------------------------------------------------------------------

def test_a_float_out_of_range_is_refused_or_rendered(backend: str, tool: Tool,
                                                     workdir: Path) -> None:
    write(workdir / "old.yaml", OK)
    write(workdir / "inf.yaml", "a: 1e400\n")
    run = tool("diff", "old.yaml", "inf.yaml", "--format", "json", cwd=workdir, yaml=backend)
    assert_finished(run)
    if run.returncode == 2:
        assert_error(run, 2, where="inf.yaml", positioned=True)
    else:
        assert_ok(run)
        json.loads(run.stdout)


def test_an_integer_too_long_to_convert_is_refused(backend: str, tool: Tool, workdir: Path,
                                                   outdir: Path) -> None:
    diff_refused(tool, workdir, outdir, backend, b"a: 1" + b"0" * 5000 + b"\n")
