"""The cache of parsed documents and of comparisons, so a history is parsed and compared once.

Two SQLite databases in the cache directory (created 0700): `documents.sqlite3` (the parse of
each blob: its data and the flat marks of `SourceMap.flatten`) and `comparisons.sqlite3` (the
changes between two blobs under one catalogue, as the JSON text a timeline writes, and each
snapshot's summary). Every entry is self-checking: its row is found by a hash of its kind and
key, and carries the format version of the code that made it and a BLAKE2b digest of kind,
inputs (the blob ids and every other part of the key), version and payload, so it can only
stand for the inputs it was made from; the payload is zlib-compressed (comparisons with a
preset dictionary), read with a size cap and decompressed with a cap. An entry that fails any
check is ignored, counted (`stats`, shown by `--debug`) and rewritten; a database that is not
a regular file or not a database, or of an older layout, is replaced. The cache is an
optimisation: it may be deleted at any time and a failure to read or write it never fails a
run.

Trust: an entry can only stand in for the work its digest names. Whoever can write the cache
directory can still make a blob seem to say something else (the digest detects damage, not
forgery): `--no-cache` is for runs whose cache comes from storage others can write.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import re
import sqlite3
import stat
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from .cachedir import default_cache_dir
from .jsontext import dumps_indented
from .model import Change, Document, SourceMap, change_from_dict
from .visible import escape_json

LOADER_VERSION = "1"
"""Bump whenever `load.parse_document` could return something else for the same bytes."""
DIFF_VERSION = "1"
"""Bump whenever `diff.compare` could explain the same two versions differently."""
FORMAT_VERSION = "3"
"""The layout of the databases and entries."""

MAX_ENTRY = 64 * 1024 * 1024
"""No entry is read (compressed) or inflated (decompressed) beyond this many bytes."""
_BLOB = re.compile(r"(?:[0-9a-f]{40}|[0-9a-f]{64})\Z")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# NaN and Infinity are not JSON: an entry holding them is damaged (or forged), never data.
_DECODER = json.JSONDecoder(parse_constant=_no_constant)
_DATA_KEY = '{"data":'
_MARKS_KEY = ',"marks":'
_BATCH = 2000

stats: Counter[str] = Counter()
"""Entries ignored and failures, by reason, since the process started (shown by --debug)."""


def _loader_key() -> str:
    # The two YAML back-ends differ on a few hostile inputs, so they never share entries.
    backend = "pure" if os.environ.get("POLICY_TRACKER_YAML") == "pure" else "auto"
    return f"v{LOADER_VERSION}-{backend}"


def _digest(kind: str, inputs: str, version: str, payload: bytes) -> bytes:
    head = "\x1f".join((kind, inputs, version)).encode("utf-8", "surrogateescape")
    return hashlib.blake2b(head + b"\x1e" + payload, digest_size=16).digest()


def _entry_id(kind: str, key: str) -> int:
    """The row of an entry: 64 bits of a hash of its kind and key (SQLite's own row id, so
    the table needs no second index; a collision only costs a miss: the digest binds the
    entry to its inputs)."""
    found = hashlib.blake2b(f"{kind}\x1f{key}".encode("utf-8", "surrogateescape"),
                            digest_size=8).digest()
    return int.from_bytes(found, "big", signed=True)


_WAIT = 0.5
"""Seconds to wait for another process's write lock before giving the cache up: it is only a
speed-up, and a run must never wait on another one."""


# Compact rows of a rowid table, so entries of a few kilobytes share pages (in format 2's
# table WITHOUT ROWID each spilled into overflow pages of its own, mostly empty). The id is
# the row id; what an entry was made from (its inputs: blob ids, names, catalogue) is not
# stored but sealed into its digest, so an entry read for other inputs fails its digest.
_LAYOUT = ("CREATE TABLE entries (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, version TEXT NOT "
           "NULL, digest BLOB NOT NULL, payload BLOB NOT NULL)")


class Store:
    """One SQLite file of self-checking entries; opened on first use, never raising.

    Payloads are deflated at `level`, with `zdict` as zlib's preset dictionary (the words
    every entry of the kind repeats: small entries compress about twice as well with it)."""

    def __init__(self, directory: str, name: str, version: str, enabled: bool = True,
                 level: int = 6, zdict: bytes = b"") -> None:
        self.directory, self.path = directory, os.path.join(directory, name)
        self.version, self.enabled, self.level = version, enabled, level
        self.zdict = zdict
        self._db: sqlite3.Connection | None = None
        self._pending = 0

    def _open(self) -> sqlite3.Connection | None:
        if self._db is not None or not self.enabled:
            return self._db
        try:
            self._db = self._connect()
        except (OSError, sqlite3.Error):
            stats["database unusable"] += 1
            self.enabled = False
        return self._db

    def _connect(self) -> sqlite3.Connection:
        if not os.path.isdir(self.directory):
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            os.chmod(self.directory, 0o700)
        try:
            info = os.lstat(self.path)
        except FileNotFoundError:
            info = None
        if info is not None and not stat.S_ISREG(info.st_mode):
            stats["database not a regular file (replaced)"] += 1
            os.unlink(self.path)  # a link, FIFO or device is never opened
        try:
            return self._prepare(sqlite3.connect(self.path, timeout=_WAIT, isolation_level=None))
        except sqlite3.DatabaseError:  # not a database ("file is not a database"): start again
            stats["database damaged (replaced)"] += 1
            os.unlink(self.path)
            return self._prepare(sqlite3.connect(self.path, timeout=_WAIT, isolation_level=None))

    @staticmethod
    def _prepare(db: sqlite3.Connection) -> sqlite3.Connection:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            found = db.execute("SELECT sql FROM sqlite_master WHERE name = 'entries'"
                               ).fetchone()
            if found is not None and found[0] != _LAYOUT:
                db.execute("DROP TABLE entries")  # an older layout: its entries are stale
                found = None
            if found is None:
                db.execute(_LAYOUT)
        except BaseException:
            db.close()
            raise
        return db

    def get(self, kind: str, key: str, inputs: str) -> bytes | None:
        """The data of an entry that passes every check, else None."""
        db = self._open()
        if db is None:
            return None
        try:
            row = db.execute("SELECT version, digest, CASE WHEN length(payload) <= ? THEN "
                             "payload END FROM entries WHERE id = ?",
                             (MAX_ENTRY, _entry_id(kind, key))).fetchone()
        except sqlite3.Error as exc:
            stats["database unreadable"] += 1
            self._give_up_if_busy(exc)
            return None
        if row is None:
            return None
        version, digest, payload = row
        if not isinstance(payload, bytes) or not isinstance(version, str):
            stats["entry too large or malformed"] += 1
        elif version != self.version:
            stats["entry made by another version"] += 1
        elif digest != _digest(kind, inputs, version, payload):
            stats["entry fails its digest (damaged, or made from other inputs)"] += 1
        else:
            try:
                inflater = zlib.decompressobj(zdict=self.zdict) if self.zdict \
                    else zlib.decompressobj()
                data = inflater.decompress(payload, MAX_ENTRY)
                if inflater.unconsumed_tail or not inflater.eof:
                    raise ValueError("inflates beyond the cap or truncated")
                return data
            except (zlib.error, ValueError):
                stats["entry does not inflate"] += 1
        return None

    def put(self, kind: str, key: str, inputs: str, data: bytes) -> None:
        """Store an entry (replacing any); failures are counted, never raised."""
        db = self._open()
        if db is None or len(data) > MAX_ENTRY:
            return
        deflater = zlib.compressobj(self.level, zdict=self.zdict) if self.zdict \
            else zlib.compressobj(self.level)
        payload = deflater.compress(data) + deflater.flush()
        if len(payload) > MAX_ENTRY:
            return
        try:
            if not self._pending:
                db.execute("BEGIN")
            db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)",
                       (_entry_id(kind, key), kind, self.version,
                        _digest(kind, inputs, self.version, payload), payload))
            self._pending += 1
            if self._pending >= _BATCH:
                self.commit()
        except sqlite3.Error as exc:
            stats["cache write failed"] += 1
            self._rollback()
            self._give_up_if_busy(exc)

    def _give_up_if_busy(self, exc: sqlite3.Error) -> None:
        """Another process holds the database: use no cache for the rest of this run rather
        than wait on each entry."""
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            stats["database busy (cache off for this run)"] += 1
            self.close()
            self.enabled = False

    def commit(self) -> None:
        """Make the pending entries durable (they are visible to this process already)."""
        if self._db is not None and self._pending:
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error:
                stats["cache write failed"] += 1
                self._rollback()
            self._pending = 0

    def _rollback(self) -> None:
        self._pending = 0
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")

    def close(self) -> None:
        """Commit and close the database."""
        self.commit()
        db, self._db = self._db, None
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()


class DocumentCache:
    """Parsed documents by blob id, under `directory`; does nothing when not `enabled`."""

    def __init__(self, directory: str, enabled: bool = True) -> None:
        self.directory, self.enabled = directory, enabled
        # Stored, not deflated (level 0): a hit must stay far cheaper than a parse, and
        # documents are cached only for `diff REF:path` and `review`, never for a history.
        self.store = Store(directory, "documents.sqlite3",
                           f"f{FORMAT_VERSION}-{_loader_key()}", enabled, level=0)

    @classmethod
    def default(cls, enabled: bool = True) -> DocumentCache:
        """The cache in the user's cache directory (`enabled=False` for `--no-cache`)."""
        return cls(default_cache_dir(), enabled)

    def get(self, blob: str, name: str) -> Document | None:
        """The cached document for `blob`, named `name`; None when absent or unusable."""
        if not self.enabled or not _BLOB.match(blob):
            return None
        raw = self.store.get("document", blob, blob)
        if raw is None:
            return None
        try:
            text = raw.decode("ascii")
            # The data is decoded now; the marks (often larger) only when a position is asked.
            data, end = _decode(text, len(_DATA_KEY))
        except (ValueError, RecursionError):
            stats["entry does not decode"] += 1
            return None
        if not (text.startswith(_DATA_KEY) and text.startswith(_MARKS_KEY, end)
                and text.endswith("}") and isinstance(data, dict)):
            stats["entry does not decode"] += 1
            return None
        return Document(name, data, SourceMap.from_flat(_LazyMarks(text, end + len(_MARKS_KEY))))

    def put(self, blob: str, document: Document) -> None:
        """Store a freshly parsed document; errors are swallowed (the cache is optional)."""
        if not self.enabled or not _BLOB.match(blob) or not isinstance(document.data, dict):
            return
        try:
            marks = document.source_map.flatten(document.data)
            # Data first, compact separators: `get` relies on this exact layout.
            text = json.dumps({"data": document.data, "marks": marks}, separators=(",", ":"),
                              allow_nan=False)
        except (ValueError, TypeError, RecursionError):
            return
        self.store.put("document", blob, blob, text.encode("ascii"))

    def commit(self) -> None:
        """Make what was put durable, keeping the database open."""
        self.store.commit()

    def close(self) -> None:
        """Write what is pending and close the database."""
        self.store.close()

    def __enter__(self) -> DocumentCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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


_SEEN_BYTES = 16 << 20
_SEEN_ENTRIES = 50_000


class DiffCache:
    """The changes between two blobs under one catalogue, so a history is compared once.

    Changes are stored as the JSON text a timeline writes for them (`changes_json`): a warm
    run copies that text into its output instead of rebuilding and encoding each change."""

    def __init__(self, directory: str, enabled: bool = True) -> None:
        self.directory, self.enabled = directory, enabled
        self.store = Store(directory, "comparisons.sqlite3",
                           f"f{FORMAT_VERSION}-{_loader_key()}-d{DIFF_VERSION}", enabled,
                           zdict=_ZDICT)
        self._seen: dict[tuple[str, ...], str] = {}
        self._seen_bytes = 0

    @classmethod
    def default(cls, enabled: bool = True) -> DiffCache:
        """The cache in the user's cache directory (`enabled=False` for `--no-cache`)."""
        return cls(default_cache_dir(), enabled)

    @staticmethod
    def _key(parts: tuple[str, ...]) -> tuple[str, str, str]:
        inputs = "\x1f".join(parts)
        kind = parts[0] if parts and parts[0] == "meta" else "changes"
        return kind, inputs, inputs

    def _text(self, parts: tuple[str, ...]) -> str | None:
        if not self.enabled:
            return None
        if parts in self._seen:
            text = self._seen.pop(parts)
            self._seen_bytes -= len(text)
            return text
        raw = self.store.get(*self._key(parts))
        if raw is None:
            return None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            stats["entry does not decode"] += 1
            return None

    def has(self, *parts: str) -> bool:
        """Whether an entry exists (kept for the `get` that usually follows)."""
        text = self._text(parts)
        if text is not None and self._seen_bytes + len(text) <= _SEEN_BYTES:
            # Every file of a commit is asked about before any is compared: the entries
            # wait for their `get` (up to a bound; beyond it, `get` reads them again).
            if len(self._seen) >= _SEEN_ENTRIES:
                self._seen.clear()
                self._seen_bytes = 0
            if parts not in self._seen:
                self._seen_bytes += len(text)
                self._seen[parts] = text
        return text is not None

    def get(self, *parts: str) -> tuple[Change, ...] | None:
        """The cached changes, or None when absent or unusable."""
        text = self._text(parts)
        try:
            return None if text is None else changes_from_json(text)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
            stats["entry does not decode"] += 1
            return None

    def get_text(self, *parts: str) -> str | None:
        """The cached changes as `changes_json` wrote them, or None when absent or unusable
        (not JSON, or not a list of objects with every field of a change)."""
        text = self._text(parts)
        if text is None:
            return None
        try:
            items = _decode(text, 0)[0]
        except (ValueError, RecursionError):
            items = None
        if type(items) is not list or not all(
                type(item) is dict and item.keys() >= _CHANGE_FIELDS for item in items):
            stats["entry does not decode"] += 1
            return None
        return text

    def put(self, changes: tuple[Change, ...], *parts: str) -> str | None:
        """Store the changes (errors are swallowed: the cache is optional); their text, or
        None when the cache is off."""
        if not self.enabled:
            return None
        text = changes_json(changes)
        self.put_text(text, *parts)
        return text

    def put_text(self, text: str, *parts: str) -> None:
        """Store changes already written by `changes_json`."""
        if self.enabled:
            self.store.put(*self._key(parts), text.encode("utf-8"))

    def get_json(self, *parts: str) -> Any:
        """A cached JSON value, or None when absent or unusable."""
        text = self._text(parts)
        if text is None:
            return None
        if text == "[null]":  # the summary of every file that is not a snapshot
            return [None]
        try:
            return _DECODER.decode(text)
        except (ValueError, RecursionError):
            stats["entry does not decode"] += 1
            return None

    def put_json(self, value: Any, *parts: str) -> None:
        """Store a JSON value; errors are swallowed (the cache is optional)."""
        if not self.enabled:
            return
        try:
            text = json.dumps(value, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
        except (ValueError, TypeError, RecursionError):
            return
        self.store.put(*self._key(parts), text.encode("ascii"))

    def close(self) -> None:
        """Write what is pending and close the database."""
        self.store.close()


# zlib's preset dictionary for comparisons: what every `changes_json` text repeats, laid out
# as in it (the commonest last, nearest the data), with the words of OpenFisca parameters.
# Part of the format: changing it needs a new FORMAT_VERSION.
_ZDICT_CHANGE = """  {
    "area": {
      "en": "%(area)s",
      "zh": "%(area)s"
    },
    "citation": null,
    "direction": "unknown",
    "fingerprint": "",
    "kind": "%(kind)s",
    "label": {
      "en": "%(area)s",
      "zh": "%(area)s"
    },
    "new": null,
    "new_position": {
      "col": 1,
      "file": "",
      "line": 1
    },
    "old": {
      "%(date)s": {
        "value": 0
      }
    },
    "old_position": null,
    "path": [
      "%(area)s"
    ],
    "path_text": "%(area)s",
    "redline": [],
    "redline_zh": [],
    "rule": "value-%(kind)s",
    "sentence": {
      "en": "%(area)s %(kind)s: ",
      "zh": "\u5220\u9664%(area)s\uff1a"
    },
    "severity": "minor",
    "unconfirmed": false,
    "unit": ""
  },
"""
_ZDICT = ('"title": "", "href": "https://www.legifrance.gouv.fr/", "reference", "unit": '
          '"currency", "documentation", "short_label", "last_value_still_valid_on", '
          '"/parameters/' + "".join(_ZDICT_CHANGE % {"area": area, "kind": kind, "date": date}
                                    for area, kind, date in (
                                        ("description", "modified", "2020-01-01"),
                                        ("metadata", "added", "2021-01-01"),
                                        ("values", "removed", "2022-01-01")))
          ).encode("utf-8")

_CHANGE_FIELDS = frozenset(("fingerprint", "path", "path_text", "label", "area", "kind", "rule",
                            "direction", "severity", "old", "new", "unit", "sentence",
                            "citation", "unconfirmed", "old_position", "new_position",
                            "redline", "redline_zh"))


def changes_json(changes: tuple[Change, ...]) -> str:
    """Changes as a JSON timeline writes them (`dumps_indented`, invisible characters
    escaped), at the top level: nested, each line after the first takes the indent."""
    return escape_json(dumps_indented([change.to_dict() for change in changes]))


def changes_from_json(text: str) -> tuple[Change, ...]:
    """The changes back from `changes_json` text (ValueError if it holds no list)."""
    items = _decode(text, 0)[0]
    if type(items) is not list:
        raise ValueError("not a list of changes")
    return tuple(change_from_dict(item) for item in items)
