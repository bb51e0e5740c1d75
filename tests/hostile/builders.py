"""Hostile inputs built on the fly in `tmp_path`: nothing huge or binary is committed."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from gitrepo import commit, git, init_repo

from .harness import SAMPLE

HTML_PAYLOAD = ('<script>PWN(1)</script><img src=x onerror=PWN(2)>'
                '<a href="javascript:PWN(3)">x</a><style>*{background:url(PWN4)}</style>'
                '" onmouseover="PWN(5)\' onfocus=\'PWN(6)<svg onload=PWN(7)>'
                '<iframe src=PWN8></iframe></title></textarea><!--PWN9--> {{7*7}} ')
MARKDOWN_PAYLOAD = ("@octocat @org/team ![t](https://evil.example/t.png) "
                    "<img src=https://evil.example/p.png> [click](https://evil.example/x) "
                    "<a href=https://evil.example>a</a> ``` ` <!-- policy-tracker-review --> "
                    "<details> | pipe #1 <!-- ")
TERMINAL_PAYLOAD = ("\x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \x1b]0;PWNED title\x07 "
                    "\x07bell \x1b[2J\x1b[31mred\x1b[0m \rCR \x9b31m \u202eevil\u202c "
                    "\u2066iso\u2069 \u200bzw ")
MARKER = "<!-- policy-tracker-review -->"


def write(path: Path, data: bytes | str) -> Path:
    """Write bytes (or UTF-8 text) to `path`, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def quoted(text: str) -> str:
    """A YAML double-quoted scalar holding `text` exactly, every special character escaped."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or 0x7F <= code <= 0x9F or code > 0x7E:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


# --- YAML -------------------------------------------------------------------------------------

def alias_bomb(levels: int = 9, width: int = 9) -> bytes:
    """The "billion laughs": each level repeats the previous one `width` times."""
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return ("\n".join(lines) + "\n").encode()


def deep_flow(levels: int, mapping: bool = False) -> bytes:
    """`a: [[[...]]]` or `a: {b: {b: ...}}`, `levels` deep."""
    if mapping:
        return ("a: " + "{b: " * levels + "1" + "}" * levels + "\n").encode()
    return ("a: " + "[" * levels + "]" * levels + "\n").encode()


@lru_cache(maxsize=2)
def deep_block_mappings(levels: int) -> bytes:
    """Block mappings nested `levels` deep, one space of indentation per level."""
    return ("".join(" " * i + "k:\n" for i in range(levels)) + " " * levels + "k: 1\n").encode()


def deep_block_sequences(levels: int) -> bytes:
    """Compact block sequences (`- - - 1`) nested `levels` deep on one line."""
    return ("a:\n" + "- " * levels + "1\n").encode()


@lru_cache(maxsize=1)
def many_keys(size: int) -> bytes:
    """A flat mapping of short entries, about `size` bytes."""
    line = "key{:09d}: value number {:09d}\n"
    count = size // len(line.format(0, 0))
    return "".join(line.format(i, i) for i in range(count)).encode()


def long_line(size: int) -> bytes:
    """One key whose value is a single line of about `size` bytes."""
    return b"a: " + b"x" * (size - 4) + b"\n"


# --- policies ---------------------------------------------------------------------------------

_TEXT_KEYS = {"en", "zh", "document_number", "article", "publisher", "jurisdiction", "authority",
              "name", "note"}


def _rewrite(node: Any, change: Callable[[str], str], key: str = "") -> Any:
    if isinstance(node, dict):
        return {k: _rewrite(v, change, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_rewrite(v, change, key) for v in node]
    if isinstance(node, str) and (key in _TEXT_KEYS or key == "requirements"):
        return change(node)
    return node


def _dump(data: Any) -> str:
    def dates(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: dates(v) for k, v in value.items()}
        if isinstance(value, list):
            return [dates(v) for v in value]
        return value.isoformat() if isinstance(value, dt.date) else value
    return yaml.safe_dump(dates(data), sort_keys=False, allow_unicode=False, width=1000)


def hostile_policy(root: Path, payload: str) -> Path:
    """The sample policy under `root`, every text field prefixed with `payload`."""
    source = SAMPLE / "example-residence"
    target = root / "example-residence"
    shutil.copytree(source, target)
    for path in sorted(target.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        path.write_text(_dump(_rewrite(data, lambda text: payload + text)), "utf-8")
    return root


# --- git --------------------------------------------------------------------------------------

def two_commit_repo(path: Path, old: str = "a: 1\nb: 2\n", new: str = "a: 1\nb: 3\n",
                    name: str = "p.yaml") -> Path:
    """A repository with `name` at branch `base`, then changed on `main`."""
    repo = init_repo(path)
    commit(repo, {name: old}, "first")
    git(repo, "branch", "base")
    commit(repo, {name: new}, "second", date="2024-02-01T12:00:00+00:00")
    return repo


def add_index_entry(repo: Path, mode: str, blob: str, rel: str) -> None:
    """Stage a raw tree entry (a link or a submodule) without touching the work tree."""
    git(repo, "update-index", "--add", "--cacheinfo", f"{mode},{blob},{rel}")
