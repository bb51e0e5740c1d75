"""Git's text, handled without git: refs, ranges, `REF:path` operands, paths, raw diffs.

Pure rules with no git access, so they can be tested exhaustively and used by the CLI
before GitPython is imported. A ref is an allowlisted name or hex id with optional `~N` /
`^N` suffixes; everything else git would accept (reflogs, peels, `:path`, options) is refused.
The fixed git command lines, and the parsing of git's raw (`-z --raw`) output, are here too;
paths stay surrogate-escaped text, as GitPython gives them.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from .errors import BadRefError, InputError
from .model import ChangeKind, FileChange
from .visible import INVISIBLE_CLASS

POLICY_SUFFIXES = (".yaml", ".yml", ".json")
MAX_REF_LENGTH = 256

_HEX = re.compile(r"(?:[0-9a-fA-F]{4,40}|[0-9a-fA-F]{64})\Z")
_NULL = re.compile(r"(?:0{40}|0{64})\Z")
# ASCII only, and none of git's revision syntax: `$`, `(`, quotes, `{`, `\`, `*` never pass.
_NAME_CHARS = re.compile(r"[A-Za-z0-9._/+@#=,-]+\Z")
_SUFFIX = re.compile(r"(?:[~^][0-9]{0,6})*\Z")
_DRIVE = re.compile(r"[A-Za-z]:[\\/]")


@dataclass(frozen=True)
class RevRange:
    """Commits after `old` up to `new`; `old` is "" for the whole history of `new`.

    With `merge_base`, the lower bound is the merge base of `old` and `new` (`A...B`).
    """

    old: str
    new: str
    merge_base: bool = False


def _refuse(ref: str, why: str) -> BadRefError:
    return BadRefError(f"refused ref {ref!r}: {why}")


def _check_syntax(ref: str) -> None:
    """The forbidden forms, each with its own explanation."""
    if not ref:
        raise BadRefError("empty ref: name a branch, tag or commit")
    if len(ref) > MAX_REF_LENGTH:
        raise _refuse(ref[:40] + "...", f"longer than {MAX_REF_LENGTH} characters")
    if "\0" in ref:
        raise _refuse(ref, "contains a NUL character")
    if ref.startswith("-"):
        raise _refuse(ref, "starts with '-' (it would be read as an option)")
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in ref):
        raise _refuse(ref, "contains control characters")
    if any(ch.isspace() for ch in ref):
        raise _refuse(ref, "contains whitespace")
    if ".." in ref:
        raise _refuse(ref, "contains '..': give a range (A..B) where a range is asked for")
    if "@{" in ref:
        raise _refuse(ref, "reflog forms (@{...}) depend on one machine's history: "
                           "name a branch, tag or commit")
    if ":" in ref:
        raise _refuse(ref, "contains ':' (REF:path names a file, not a commit)")
    if "^{" in ref:
        raise _refuse(ref, "peel forms (^{...}) are not accepted: name the commit")


def _check_name(ref: str, name: str) -> None:
    """The name part follows git check-ref-format, with a narrower (ASCII) alphabet."""
    if not _NAME_CHARS.match(name):
        raise _refuse(ref, "only ASCII letters, digits and . _ / + @ # = , - are accepted "
                           "in ref names")
    if name == "@":
        raise _refuse(ref, "'@' is shorthand git accepts but this tool does not: use HEAD")
    if name.endswith((".", "/")) or name.startswith("/") or "//" in name:
        raise _refuse(ref, "not a valid ref name (empty part, or ends with '.' or '/')")
    for part in name.split("/"):
        if part.startswith(".") or part.endswith(".lock"):
            raise _refuse(ref, "no part of a ref name may start with '.' or end with '.lock'")


def split_ref(ref: str) -> tuple[str, str]:
    """The name or hex id, and the `~N`/`^N` suffix (may be "")."""
    cut = min((i for i in (ref.find("~"), ref.find("^")) if i >= 0), default=len(ref))
    return ref[:cut], ref[cut:]


def check_ref(ref: str) -> str:
    """`ref` unchanged if it is a plain ref with optional `~N`/`^N`; BadRefError otherwise."""
    _check_syntax(ref)
    name, suffix = split_ref(ref)
    if not name:
        raise _refuse(ref, "starts with '~' or '^': name a branch, tag or commit first")
    if not _SUFFIX.match(suffix):
        raise _refuse(ref, "only ~N and ^N may follow a name (N a number)")
    _check_name(ref, name)
    return ref


def is_hex(name: str) -> bool:
    """Whether `name` could be an abbreviated or full commit id."""
    return bool(_HEX.match(name))


def is_null(name: str) -> bool:
    """Whether `name` is the all-zeros id git uses for "no commit"."""
    return bool(_NULL.match(name))


def parse_range(text: str) -> RevRange:
    """`A..B`, `A...B` (from the merge base), `A..`, `..B` (missing side = HEAD) or `A`."""
    if text.startswith("-"):
        raise _refuse(text, "starts with '-' (it would be read as an option)")
    sep = "..." if "..." in text else ".." if ".." in text else ""
    if not sep:
        return RevRange("", check_ref(text))
    old, _, new = text.partition(sep)
    if not old and not new:
        raise BadRefError(f"refused range {text!r}: name at least one side")
    if ".." in old or ".." in new:
        raise BadRefError(f"refused range {text!r}: only A..B or A...B")
    return RevRange(check_ref(old or "HEAD"), check_ref(new or "HEAD"), sep == "...")


def parse_operand(text: str) -> tuple[str, str] | None:
    """(ref, path) for a `REF:path` operand; None for anything that is a path on disk.

    An existing file or folder always wins, and so do absolute, `./`, `../` and Windows drive
    paths (`C:\\x.yaml`). The ref part must pass `check_ref`.
    """
    if ":" not in text or os.path.exists(text):
        return None
    if text.startswith(("/", "./", "../", "\\", "~")) or _DRIVE.match(text):
        return None
    if os.name == "nt" and len(text) > 1 and text[1] == ":" and text[0].isalpha():
        return None
    ref, _, path = text.partition(":")
    if not ref:
        raise BadRefError(f"refused operand {text!r}: ':path' reads git's index; "
                          "name a commit, as in HEAD:path")
    if not path:
        raise BadRefError(f"refused operand {text!r}: name a file after ':'")
    try:
        check_ref(ref)
    except BadRefError as exc:
        raise BadRefError(f"{exc.message} (if you meant a file, it does not exist)") from None
    return ref, path


def repo_path(path: str) -> str:
    """`path` relative to the top of the repository, normalised; "" for the top itself."""
    if "\0" in path:
        raise InputError(f"path {escape_path(path)!r} contains a NUL character")
    norm = posixpath.normpath(path.replace(os.sep, "/")) if path else "."
    if norm.startswith(("/", "../")) or norm == "..":
        raise InputError(f"path {escape_path(path)!r} must be inside the repository, "
                         "relative to its top folder")
    return "" if norm == "." else norm


def is_policy_file(path: str) -> bool:
    """Whether a path names a YAML or JSON file."""
    return path.lower().endswith(POLICY_SUFFIXES)


_INVISIBLE = re.compile(f"[\t\n{INVISIBLE_CLASS}]")


def escape_path(path: str) -> str:
    """A path as text that can be printed: undecodable bytes as \\xNN, controls escaped."""
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no undecodable byte produces
        raw = path.encode("utf-8", "backslashreplace")
    text = raw.decode("utf-8", "backslashreplace")
    return _INVISIBLE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


# What git is asked, always the same way. Users' environments may switch pathspec magic off
# or globbing on; ours is always literal. No --follow (it follows copies too: renames are
# followed by `history` itself); the log is spooled and read backwards.
# GIT_ALLOW_PROTOCOL names no real transport: a partial clone cannot fetch what it lacks
# (a lazy fetch would write to the repository), so a missing blob is reported instead.
GIT_ENV = {"GIT_LITERAL_PATHSPECS": "0", "GIT_GLOB_PATHSPECS": "0",
           "GIT_NOGLOB_PATHSPECS": "0", "GIT_ICASE_PATHSPECS": "0",
           "GIT_ALLOW_PROTOCOL": "policy-tracker-reads-only"}
LOG_OPTIONS = ("-z", "--raw", "--no-abbrev", "-M", "--topo-order", "--root",
               "--diff-merges=first-parent", "--no-color", "--no-show-signature",
               "--no-relative", "--format=%H %P%x00%cI%x00%aI%x00%s")
DIFF_OPTIONS = ("-r", "-z", "--raw", "--no-abbrev", "-M", "--no-relative")
NULL_ID = "0" * 40


def pathspecs(rels: Iterable[str]) -> list[str]:
    """Literal, top-relative pathspecs: none can start with '-' or match by pattern."""
    return [f":(top,literal){rel}" for rel in rels if rel]


def log_args(new: str, excluded: Iterable[str], rel: str) -> list[str]:
    """`git log` arguments for the history of `rel` up to `new`, without `excluded`'s:
    each commit's id and parents, committer and author dates, subject and raw changes."""
    return [*LOG_OPTIONS, new, *(f"^{commit}" for commit in excluded), "--", *pathspecs([rel])]


Entry = tuple[str, str, str, str, str, str]
"""One changed file in git's raw diff form: status letter, old path, path, new mode, old
blob, new blob. A removed file has mode 000000 and the null blob."""


def raw_fields(stream: IO[bytes]) -> Iterator[bytes]:
    """NUL-separated fields of `-z` output, read in chunks."""
    rest = b""
    while chunk := stream.read(1 << 16):
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def raw_entry(header: bytes, fields: Iterator[bytes]) -> Entry:
    """`:old_mode new_mode old_blob new_blob STATUS` then one path, or two for a rename."""
    _, mode, old_blob, blob, status = header.lstrip(b"\n:").decode("ascii").split(" ")
    old = next(fields).decode("utf-8", "surrogateescape")
    new = next(fields).decode("utf-8", "surrogateescape") if status[0] in "RC" else old
    return status[0], old, new, mode, old_blob, blob


def raw_entries(output: bytes) -> list[Entry]:
    """The entries of `git diff-tree -z --raw` output."""
    fields = iter(output.split(b"\0"))
    return [raw_entry(f, fields) for f in fields if f.lstrip(b"\n").startswith(b":")]


def policy_change(entry: Entry) -> Entry | None:
    """The entry seen through policy files only: a rename to or from another type of file
    is an addition or a removal; other files are dropped."""
    status, old, new, mode, old_blob, blob = entry
    if status in "RC" and not is_policy_file(old):
        status, old, old_blob = "A", "", NULL_ID
    if is_policy_file(new):
        return status, old, new, mode, old_blob, blob
    if status in "RC" and is_policy_file(old):
        return "D", old, old, "000000", old_blob, NULL_ID
    return None


def file_change(entry: Entry) -> FileChange:
    """A policy file's raw entry as the model's FileChange (a copy counts as modified)."""
    status, old, new, _, old_blob, blob = entry
    if status == "A":
        return FileChange(ChangeKind.ADDED.value, "", new, "", blob)
    if status == "D":
        return FileChange(ChangeKind.REMOVED.value, old, "", old_blob, "")
    kind = ChangeKind.RENAMED if status == "R" else ChangeKind.MODIFIED
    return FileChange(kind.value, old, new, old_blob, blob)


def subject_of(message: str | bytes) -> str:
    """A commit's subject as `git log %s` shows it: the first paragraph on one line."""
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return " ".join(text.strip().split("\n\n", 1)[0].split())
