"""Hostile data in every sink: HTML, pull-request Markdown, CSV, terminals, comment size."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from gitrepo import commit, git, init_repo

from .builders import (
    HTML_PAYLOAD,
    MARKDOWN_PAYLOAD,
    MARKER,
    TERMINAL_PAYLOAD,
    quoted,
    write,
)
from .harness import SAMPLE, Run, assert_ok, raw_controls, tree_state
from .markup import (
    Page,
    csv_hazards,
    html_hazards,
    markdown_hazards,
    read_text,
    table_cells,
    template_vocabulary,
)

Tool = Callable[..., Run]
REVIEW_COLUMNS = 7
GITHUB_LIMIT = 65_536


# --- HTML -------------------------------------------------------------------------------------

_VOCABULARIES: dict[tuple[str, ...], set[tuple[str, str]]] = {}


def _vocabulary(tool: Tool, tmp_path: Path, *args: str) -> set[tuple[str, str]]:
    """What the tool's templates, and a benign run of the same command, can contain."""
    if args not in _VOCABULARIES:
        benign = tmp_path / "benign.html"
        assert_ok(tool("--policies", str(SAMPLE), *args, "-o", str(benign), cwd=tmp_path))
        _VOCABULARIES[args] = template_vocabulary() | Page(read_text(benign)).pairs
    return _VOCABULARIES[args]


def test_html_diff_renders_data_as_text(backend: str, tool: Tool, workdir: Path,
                                        tmp_path: Path) -> None:
    write(workdir / "old.yaml", f"{quoted(HTML_PAYLOAD + 'key')}: {quoted('old')}\n"
                                f"link: {quoted('https://example.org/')}\n")
    write(workdir / "new.yaml", f"{quoted(HTML_PAYLOAD + 'key')}: {quoted(HTML_PAYLOAD)}\n"
                                f"link: {quoted('javascript:PWN(10)')}\n"
                                f"{quoted('<b>added' + HTML_PAYLOAD)}: 1\n")
    out = tmp_path / "diff.html"
    run = tool("diff", "old.yaml", "new.yaml", "--format", "html", "-o", str(out), cwd=workdir,
               yaml=backend)
    assert_ok(run)
    allowed = _vocabulary(tool, tmp_path, "diff", "example-residence@2012-01-01",
                          "example-residence@2021-01-01", "--format", "html")
    assert html_hazards(read_text(out), allowed, "PWN") == []
    assert "{{7*7}}" in read_text(out)  # never evaluated as a template


def test_html_report_renders_data_as_text(backend: str, tool: Tool, tmp_path: Path,
                                          policy_with: Callable[[str], Path]) -> None:
    root = policy_with(HTML_PAYLOAD)
    before = tree_state(root)
    out = tmp_path / "report.html"
    run = tool("--policies", str(root), "report", "-o", str(out), cwd=tmp_path, yaml=backend)
    assert_ok(run)
    allowed = _vocabulary(tool, tmp_path, "report")
    assert html_hazards(read_text(out), allowed, "PWN") == []
    assert tree_state(root) == before


# --- Markdown in pull requests ----------------------------------------------------------------

def _review_repo(path: Path, files: dict[str, str], message: str = "edit") -> Path:
    repo = init_repo(path)
    commit(repo, {"keep.yaml": "a: 1\n"}, "base")
    git(repo, "branch", "base")
    commit(repo, files, message)
    return repo


MD_FILE = (f"a: {quoted(MARKDOWN_PAYLOAD)}\n{quoted(MARKDOWN_PAYLOAD + 'key')}: 1\n"
           f"{quoted(MARKER)}: {quoted(MARKER)}\n"
           f"b: {quoted('x' + chr(10) + '```' + chr(10) + '<!-- ' + chr(10) + '# heading')}\n")


def test_pull_request_comment_keeps_data_inert(backend: str, tool: Tool,
                                               tmp_path: Path) -> None:
    repo = _review_repo(tmp_path / "repo", {"policies/p.yaml": MD_FILE})
    summary = tmp_path / "summary.md"
    run = tool("review", "--base", "base", "--format", "github", "--summary", str(summary),
               cwd=repo, yaml=backend)
    assert_ok(run)
    comment = read_text(summary)
    assert markdown_hazards(comment, MARKER, REVIEW_COLUMNS) == []
    assert "octocat" in comment  # the data is there, as text
    markdown = tool("review", "--base", "base", cwd=repo, yaml=backend)
    assert_ok(markdown)
    assert markdown.out == comment


def test_github_annotations_cannot_be_split_by_data(backend: str, tool: Tool,
                                                    tmp_path: Path) -> None:
    value = "x\n::error file=evil.yaml::PWNED\r\n::add-mask::secret %0A::warning::PWNED"
    repo = _review_repo(tmp_path / "repo", {"policies/p.yaml": f"a: {quoted(value)}\n"})
    run = tool("review", "--base", "base", "--format", "github", cwd=repo, yaml=backend)
    assert_ok(run)
    # One change, so one workflow command: the data's newlines and '::' start no other.
    (line,) = run.out.splitlines()
    assert line.startswith("::notice file=policies/p.yaml,")
    assert "\r" not in run.out and "%250A::warning" in line  # a literal %0A stays literal


def test_markdown_diff_keeps_data_inert(backend: str, tool: Tool, workdir: Path) -> None:
    write(workdir / "old.yaml", "a: 1\n")
    write(workdir / "new.yaml", MD_FILE)
    run = tool("diff", "old.yaml", "new.yaml", "--format", "markdown", cwd=workdir,
               yaml=backend)
    assert_ok(run)
    assert markdown_hazards(run.out) == []


def test_the_sticky_marker_cannot_be_spoofed_by_a_path(backend: str, tool: Tool,
                                                       tmp_path: Path) -> None:
    repo = _review_repo(tmp_path / "repo", {f"policies/{MARKER}.yaml": "a: 2\n"})
    run = tool("review", "--base", "base", cwd=repo, yaml=backend)
    assert_ok(run)
    assert markdown_hazards(run.out, MARKER, REVIEW_COLUMNS) == []


def test_the_review_table_survives_pipes_and_markup_in_paths(backend: str, tool: Tool,
                                                             tmp_path: Path) -> None:
    name = "policies/a | <img src=x> @octocat ![i](x) `b`.yaml"
    repo = _review_repo(tmp_path / "repo", {name: "a: 2\n"})
    run = tool("review", "--base", "base", cwd=repo, yaml=backend)
    assert_ok(run)
    rows = [line for line in run.out.splitlines() if line.startswith("| `")]
    assert rows and all(len(table_cells(row)) == REVIEW_COLUMNS for row in rows), rows
    assert markdown_hazards(run.out, MARKER, REVIEW_COLUMNS) == []


# --- CSV --------------------------------------------------------------------------------------

FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1",
            '=HYPERLINK("https://evil.example","x")', "-", "=", "+"]


def test_csv_diff_cells_are_never_formulas(backend: str, tool: Tool, workdir: Path) -> None:
    write(workdir / "=1+1.yaml", "neg: 1\nfloat: 1.5\n"
          + "".join(f"k{i}: old\n" for i in range(len(FORMULAS))))
    write(workdir / "new.yaml", "neg: -5\nfloat: -1.5\n"
          + "".join(f"k{i}: {quoted(v)}\n" for i, v in enumerate(FORMULAS))
          + "".join(f"{quoted(v + 'key')}: {quoted(v)}\n" for v in FORMULAS))
    run = tool("diff", "=1+1.yaml", "new.yaml", "--format", "csv", cwd=workdir, yaml=backend)
    assert_ok(run)
    problems, rows = csv_hazards(run.stdout.decode("utf-8"))
    assert problems == []
    header = rows[0]
    by_path = {row[header.index("path")]: row for row in rows[1:]}
    assert by_path["neg"][header.index("new")] == "-5"  # real numbers stay numbers
    assert by_path["float"][header.index("new")] == "-1.5"
    for i, value in enumerate(FORMULAS):  # the text survives, made inert
        assert value.strip("\t\r") in by_path[f"k{i}"][header.index("new")]


def test_csv_export_cells_are_never_formulas(backend: str, tool: Tool, tmp_path: Path,
                                            policy_with: Callable[[str], Path]) -> None:
    root = policy_with("=cmd|' /C calc'!A0 ")
    run = tool("--policies", str(root), "export", "--format", "csv", cwd=tmp_path,
               yaml=backend)
    assert_ok(run)
    problems, rows = csv_hazards(run.stdout.decode("utf-8"))
    assert problems == [] and len(rows) > 1
    assert any("=cmd|" in cell for row in rows for cell in row)


# --- terminals --------------------------------------------------------------------------------

TERMINAL_COMMANDS = [
    ("timeline",), ("list",), ("history", "example-residence", "card.validity_years"),
    ("compare", "--track", "coastal", "--as-of", "2017-01-01"),
    ("diff", "example-residence@2012-01-01", "example-residence@2021-01-01"),
    ("report", "-o", "{out}"),
]


@pytest.mark.parametrize("args", TERMINAL_COMMANDS, ids=[a[0] for a in TERMINAL_COMMANDS])
def test_text_output_shows_terminal_sequences_escaped(args: tuple[str, ...], backend: str,
                                                      tool: Tool, tmp_path: Path,
                                                      policy_with: Callable[[str], Path]) -> None:
    root = policy_with(TERMINAL_PAYLOAD)
    before = tree_state(root)
    args = tuple(a.replace("{out}", str(tmp_path / "report.html")) for a in args)
    run = tool("--policies", str(root), *args, cwd=tmp_path, yaml=backend)
    assert_ok(run)
    assert raw_controls(run.out) == set(), run.out
    assert "\\x1b" in run.out or "\\u001b" in run.out
    assert tree_state(root) == before


def test_git_text_output_shows_terminal_sequences_escaped(backend: str, tool: Tool,
                                                          tmp_path: Path) -> None:
    name = "policies/p\x1b]0;retitled\x07.yaml"
    repo = _review_repo(tmp_path / "repo", {name: f"a: {quoted(TERMINAL_PAYLOAD)}\n"},
                        message="subject " + TERMINAL_PAYLOAD)
    commit(repo, {name: "a: 2\n"}, "again " + TERMINAL_PAYLOAD)
    # Markdown puts a word joiner (U+2060) after @, # and ':' itself, to keep data inert.
    for args, joiner in ((("timeline", "--git", "policies", "--no-cache"), False),
                         (("timeline", "--git", "policies", "--format", "markdown"), True),
                         (("review", "--base", "base", "--format", "github"), False),
                         (("review", "--base", "base"), True)):
        run = tool(*args, cwd=repo, yaml=backend)
        assert_ok(run)
        found = raw_controls(run.out + run.err) - ({"U+2060"} if joiner else set())
        assert found == set(), (args, run.out)


# --- comment size -----------------------------------------------------------------------------

def _within_limit(comment: str) -> None:
    assert len(comment.encode("utf-8")) < GITHUB_LIMIT and len(comment) < GITHUB_LIMIT
    assert "_Truncated" in comment
    assert comment.count("<details>") == comment.count("</details>")
    assert comment.count("```") % 2 == 0


def test_a_comment_with_a_huge_file_diff_is_truncated_with_a_note(backend: str, tool: Tool,
                                                                  tmp_path: Path) -> None:
    old = "".join(f"k{i}: {quoted(chr(0x4E00 + i % 500) * 40)}\n" for i in range(3000))
    new = "".join(f"k{i}: {quoted(chr(0x4E01 + i % 500) * 40 + '@x <b>')}\n"
                  for i in range(3000))
    repo = init_repo(tmp_path / "repo")
    commit(repo, {"one.yaml": old}, "base")
    git(repo, "branch", "base")
    commit(repo, {"one.yaml": new}, "everything")
    run = tool("review", "--base", "base", cwd=repo, yaml=backend)
    assert_ok(run)
    _within_limit(run.out)


def test_a_comment_with_very_many_files_stays_under_the_limit(backend: str, tool: Tool,
                                                              tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    commit(repo, {"keep.yaml": "a: 1\n"}, "base")
    git(repo, "branch", "base")
    folder = "政" * 80
    files = {f"policies/{folder}/{chr(0x4E00 + i) * 80}.yaml": "a: 2\n" for i in range(150)}
    commit(repo, files, "many files")
    run = tool("review", "--base", "base", cwd=repo, yaml=backend)
    assert_ok(run)
    _within_limit(run.out)
