"""A content-addressed cache of parsed documents, so a history is parsed once per blob.

An entry is keyed by the git blob id (the sha of the exact bytes) and by `LOADER_VERSION`,
and holds `{"data": ..., "marks": SourceMap.flatten(data)}` as JSON, which reads back far
faster than YAML parses; the marks are decoded only when a position is first looked up.
Only documents that parsed are stored. The cache is an
optimisation: it may be deleted at any time, unreadable or corrupt entries are ignored (and
rewritten), and a failure to write one never fails a run.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .model import Change, Document, SourceMap, change_from_dict

LOADER_VERSION = "1"
"""Bump whenever `load.parse_document` could return something else for the same bytes."""

CACHE_ENV = "POLICY_TRACKER_CACHE_DIR"
_BLOB = re.compile(r"(?:[0-9a-f]{40}|[0-9a-f]{64})\Z")
_DECODER = json.JSONDecoder()
_DATA_KEY = '{"data":'
_MARKS_KEY = ',"marks":'


def default_cache_dir() -> str:
    """`$POLICY_TRACKER_CACHE_DIR`, else `$XDG_CACHE_HOME/policy-tracker`, else ~/.cache."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return explicit
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    base = xdg if os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "policy-tracker")


def _loader_key() -> str:
    # The two YAML back-ends differ on a few hostile inputs, so they never share entries.
    backend = "pure" if os.environ.get("POLICY_TRACKER_YAML") == "pure" else "auto"
    return f"v{LOADER_VERSION}-{backend}"


@dataclass(frozen=True)
class DocumentCache:
    """Parsed documents by blob id, under `directory`; does nothing when not `enabled`."""

    directory: str
    enabled: bool = True

    @classmethod
    def default(cls, enabled: bool = True) -> DocumentCache:
        """The cache in the user's cache directory (`enabled=False` for `--no-cache`)."""
        return cls(default_cache_dir(), enabled)

    def entry_path(self, blob: str) -> str | None:
        """Where the entry for `blob` lives; None for an id that is not a full blob id."""
        if not _BLOB.match(blob):
            return None
        return os.path.join(self.directory, _loader_key(), blob[:2], blob[2:] + ".json")

    def get(self, blob: str, name: str) -> Document | None:
        """The cached document for `blob`, named `name`; None when absent or unusable."""
        path = self.entry_path(blob) if self.enabled else None
        if path is None:
            return None
        try:
            with open(path, "rb") as handle:
                text = handle.read().decode("ascii")
            # The data is decoded now; the marks (often larger) only when a position is asked.
            data, end = _decode(text, len(_DATA_KEY))
        except (OSError, ValueError, RecursionError):
            return None
        if not (text.startswith(_DATA_KEY) and text.startswith(_MARKS_KEY, end)
                and text.endswith("}") and isinstance(data, dict)):
            return None
        return Document(name, data, SourceMap.from_flat(_LazyMarks(text, end + len(_MARKS_KEY))))

    def put(self, blob: str, document: Document) -> None:
        """Store a freshly parsed document; errors are swallowed (the cache is optional)."""
        path = self.entry_path(blob) if self.enabled else None
        if path is None or not isinstance(document.data, dict):
            return
        try:
            marks = document.source_map.flatten(document.data)
            # Data first, compact separators: `get` relies on this exact layout.
            text = json.dumps({"data": document.data, "marks": marks}, separators=(",", ":"))
            _write_atomically(path, text.encode("ascii"))
        except (OSError, ValueError, TypeError, RecursionError):
            return


def _decode(text: str, start: int) -> tuple[Any, int]:
    """One JSON value from `start`; the collector is paused, as in `load`: the decoder makes
    many objects and no cycles, and collections triggered midway only cost time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _DECODER.raw_decode(text, start)
    finally:
        if was_enabled:
            gc.enable()


class _LazyMarks(Mapping[str, Any]):
    """The flat marks of a cache entry, decoded on first use (an empty map if damaged)."""

    __slots__ = ("_marks", "_start", "_text")

    def __init__(self, text: str, start: int) -> None:
        self._text = text
        self._start = start
        self._marks: dict[str, Any] | None = None

    def _load(self) -> dict[str, Any]:
        if self._marks is None:
            try:
                marks, _ = _decode(self._text, self._start)
            except (ValueError, RecursionError):
                marks = None
            # A damaged entry must cost positions, never crash a renderer later.
            well_formed = isinstance(marks, dict) and all(
                type(v) is list and len(v) == 2 for v in marks.values())
            self._marks = marks if well_formed else {}
            self._text = ""
        return self._marks

    def __getitem__(self, key: str) -> Any:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def _write_atomically(path: str, data: bytes) -> None:
    """Temp file in the same folder, then os.replace: readers see the old entry or the new."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


DIFF_VERSION = "1"
"""Bump whenever `diff.compare` could explain the same two versions differently."""


@dataclass(frozen=True)
class DiffCache:
    """The changes between two blobs under one catalogue, so a history is compared once."""

    directory: str
    enabled: bool = True

    @classmethod
    def default(cls, enabled: bool = True) -> DiffCache:
        """The cache in the user's cache directory (`enabled=False` for `--no-cache`)."""
        return cls(default_cache_dir(), enabled)

    def entry_path(self, *parts: str) -> str | None:
        """Where the changes for this key live (every part of the comparison is in the key)."""
        if not self.enabled:
            return None
        key = hashlib.sha256("\x1f".join((DIFF_VERSION, _loader_key()) + parts)
                             .encode("utf-8", "surrogateescape")).hexdigest()
        return os.path.join(self.directory, f"diff-v{DIFF_VERSION}", key[:2], key[2:] + ".json")

    def has(self, *parts: str) -> bool:
        """Whether an entry exists (a read may still find it unusable)."""
        path = self.entry_path(*parts)
        return path is not None and os.path.isfile(path)

    def get(self, *parts: str) -> tuple[Change, ...] | None:
        """The cached changes, or None when absent or unusable."""
        items = self.get_json(*parts)
        try:
            return None if items is None else tuple(change_from_dict(item) for item in items)
        except (ValueError, KeyError, TypeError):
            return None

    def put(self, changes: tuple[Change, ...], *parts: str) -> None:
        """Store the changes; errors are swallowed (the cache is optional)."""
        self.put_json([c.to_dict() for c in changes], *parts)

    def get_json(self, *parts: str) -> Any:
        """A cached JSON value, or None when absent or unusable."""
        path = self.entry_path(*parts)
        if path is None:
            return None
        try:
            with open(path, "rb") as handle:
                return json.loads(handle.read().decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            return None

    def put_json(self, value: Any, *parts: str) -> None:
        """Store a JSON value; errors are swallowed (the cache is optional)."""
        path = self.entry_path(*parts)
        if path is None:
            return
        try:
            text = json.dumps(value, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
            _write_atomically(path, text.encode("ascii"))
        except (OSError, ValueError, TypeError, RecursionError):
            return
