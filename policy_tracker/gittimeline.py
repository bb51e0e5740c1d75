"""Timelines from git history: each commit that changed a policy file, compared with the last
revision of that file that loaded."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import pickle
import posixpath
from collections.abc import Callable, Iterator
from typing import Any

from .cache import DiffCache, DocumentCache, changes_from_json
from .catalog import Catalog
from .diff import compare
from .errors import LoadError, NotFoundError, ValidationError
from .history import BlobReader, iter_revisions, load_blob, tree_files
from .model import (Change, Commit, Document, Event, Revision, RuleTree, SnapshotMeta, Text,
                    Timeline, Version)
from .refs import is_policy_file, parse_range, repo_path
from .rules import split_rules
from .validate import build_meta, build_policy, check_schema

Progress = Callable[[int, int], None]
Step = tuple[Event, "str | None"]
"""An event and, when at hand, the JSON text of its changes (`cache.changes_json`); when
the text came from the cache, the event's own changes are left empty (see `full_event`)."""


def build_git_timeline(repo_dir: str, path: str, rev_range: str | None = None,
                       use_cache: bool = True, progress: Progress | None = None,
                       notes: Callable[[str], None] | None = None) -> Timeline:
    """The timeline of a file or folder from its commits (see `iter_git_events`), its events
    in the documented order: by date (a snapshot's effective date, else the commit date),
    then in commit order."""
    rel = repo_path(path)
    events = sorted(iter_git_events(repo_dir, rel, rev_range, use_cache, progress, notes),
                    key=event_order)
    return git_timeline_head(rel, tuple(dict.fromkeys(e.track for e in events)), tuple(events))


def git_timeline_head(rel: str, tracks: tuple[str, ...],
                      events: tuple[Event, ...] = ()) -> Timeline:
    """The timeline of `rel` with these tracks and events (none, for a streamed output)."""
    return Timeline(rel or ".", Text(rel or ".", rel or "."), tracks, events)


def event_order(event: Event) -> tuple[dt.date, int]:
    """The documented order of a git timeline's events: date, then commit order."""
    return event.date, int(event.id.rsplit("#", 1)[1])


def iter_git_events(repo_dir: str, path: str, rev_range: str | None = None,
                    use_cache: bool = True, progress: Progress | None = None,
                    notes: Callable[[str], None] | None = None) -> Iterator[Event]:
    """One event per revision of a file or folder, in commit order (oldest first).

    A snapshot that declares an effective date is placed at that date (its commit date is
    kept beside it); other files are placed at their commit date. A revision that does not
    load is an event with its error; the next good one is compared with the last good one.
    With a range (`A..B`), each file's first revision in it is compared with the file as it
    stood in that commit's parent; a file that did not exist there is compared with nothing
    ("added in this range"), so every rule it has is an addition.
    """
    for event, text in iter_git_steps(repo_dir, path, rev_range, use_cache, progress, notes):
        yield full_event(event, text)


def full_event(event: Event, text: str | None) -> Event:
    """The event with its changes, decoded from `text` when they were left out."""
    if text is None or event.changes or text == "[]":
        return event
    return dataclasses.replace(event, changes=changes_from_json(text))


def iter_git_steps(repo_dir: str, path: str, rev_range: str | None = None,
                   use_cache: bool = True, progress: Progress | None = None,
                   notes: Callable[[str], None] | None = None) -> Iterator[Step]:
    """`iter_git_events`, each event with the JSON text of its changes when it is at hand
    (cached comparisons are never decoded here: a JSON output copies their text)."""
    rel = repo_path(path)
    # One file is one chain across its renames; in a folder each path is its own chain.
    chain = rel if is_policy_file(rel) else None
    ranged = bool(rev_range and parse_range(rev_range).old)
    catalogs = _Catalogs(repo_dir, parse_range(rev_range).new if rev_range else "HEAD")
    steps = _Steps(repo_dir, catalogs, DiffCache.default(enabled=use_cache), chain, ranged)
    try:
        # Parsed documents are not cached here: once a revision's summary and comparison are,
        # its document is never needed again (a new commit costs one parse of its parent).
        for order, revision in enumerate(iter_revisions(repo_dir, rel, rev_range, progress,
                                                        False, notes, steps.wanted)):
            yield steps.event(revision, order, chain or revision.path)
    finally:
        steps.diffs.close()
        catalogs.close()


ABSENT = "(added in this range)"
NO_BLOB = "0" * 40


class _Steps:
    """Turns revisions into events, remembering the last good version of each chain."""

    def __init__(self, repo_dir: str, catalogs: _Catalogs, diffs: DiffCache,
                 chain: str | None, ranged: bool) -> None:
        self.repo_dir, self.catalogs, self.diffs, self.chain = repo_dir, catalogs, diffs, chain
        self.ranged = ranged
        self.last: dict[str, tuple[_Side, str]] = {}
        self.fingerprints: dict[int, tuple[Catalog, str]] = {}

    def _kept(self, side: _Side) -> _Side:
        """A side as it waits for the next revision of its chain: packed in a folder, which
        keeps one per file (one file keeps one, ready for the next comparison)."""
        return side if self.chain else side.pack()

    def _previous(self, chain: str, path: str) -> tuple[_Side, str] | None:
        """The last good version of the chain; in a range, nothing yet means "absent"."""
        found = self.last.get(chain)
        if found is None and self.ranged:
            return _Side(ABSENT, None, self.catalogs.get(path), False), NO_BLOB
        return found

    def wanted(self, commit: str, path: str, blob: str,
               parent: tuple[str, str, str] | None = None) -> bool:
        """Whether a blob must be read: not when its summary and its comparison with the
        previous revision (or, for a file's first one, with its parent's version) are both
        in the cache (it is read later if a comparison needs it)."""
        if not self.diffs.has("meta", blob):
            return True
        previous = self.last.get(self.chain or path)
        if previous is None and parent is not None:
            previous = (self._parent_side(*parent, self.catalogs.get(parent[1])), parent[2])
        elif previous is None:
            previous = self._previous(self.chain or path, path)
        if previous is None:
            return False
        name = f"{commit[:12]}:{path}"
        return not self.diffs.has(*self._key(previous, (name, blob), self.catalogs.get(path)))

    def _parent_side(self, commit: str, path: str, blob: str, catalog: Catalog) -> _Side:
        """A parent's version not read yet: read only if a comparison needs it."""
        name = f"{commit[:12]}:{path}"
        return _Side(name, None, catalog, None, _Loader(self.catalogs, blob, name))

    def _key(self, previous: tuple[_Side, str], current: tuple[str, str],
             catalog: Catalog) -> tuple[str, ...]:
        # A catalogue's fingerprint hashes its whole content: once per catalogue, not per key.
        found = self.fingerprints.get(id(catalog))
        if found is None or found[0] is not catalog:
            found = self.fingerprints[id(catalog)] = (catalog, catalog.fingerprint)
        return (previous[1], current[1], previous[0].name, current[0], found[1])

    def _side_of(self, revision: Revision, catalog: Catalog) -> tuple[_Side, SnapshotMeta | None]:
        """The revision's side and summary, from its document or (when skipped) the cache."""
        name = f"{revision.commit[:12]}:{revision.path}"
        if revision.skipped:
            # A one-item list: [null] (not a snapshot) is an entry, unlike a missing one.
            found = self.diffs.get_json("meta", revision.blob)
            head = found[0] if isinstance(found, list) and len(found) == 1 else None
            meta = build_meta(Document(name, {"snapshot": head}), ()) \
                if isinstance(head, dict) else None
            loader = _Loader(self.catalogs, revision.blob, name)
            return _Side(name, None, catalog, meta is not None, loader), meta
        side, meta = _side(revision, catalog)
        data = side.document.data if side.document else None
        self.diffs.put_json([data.get("snapshot") if meta and isinstance(data, dict) else None],
                            "meta", revision.blob)
        return side, meta

    def event(self, revision: Revision, order: int, chain: str) -> Step:
        commit = Commit(revision.commit, revision.committed, revision.authored,
                        revision.subject)
        base: dict[str, Any] = dict(id=f"{revision.commit[:12]}:{revision.path}#{order}",
                                    track=revision.path, commit=commit,
                                    file=f"{revision.commit[:12]}:{revision.path}")
        commit_day = revision.committed.date()
        previous = self.last.get(chain)
        if previous is None and revision.parent_document is not None:
            parent = Revision(revision.parent, revision.committed, revision.authored, "",
                              revision.parent_path, revision.parent_blob,
                              revision.parent_document)
            previous = (_side(parent, self.catalogs.get(revision.parent_path))[0],
                        revision.parent_blob)
        elif previous is None and revision.parent and (revision.skipped or not revision.blob):
            previous = (self._parent_side(revision.parent, revision.parent_path,
                                          revision.parent_blob,
                                          self.catalogs.get(revision.parent_path)),
                        revision.parent_blob)
        elif previous is None and not revision.parent:
            previous = self._previous(chain, revision.path)
        prev_name = previous[0].name if previous else ""
        subject = Text(revision.subject, revision.subject)
        if revision.error is not None:
            if previous is not None and previous[1] != NO_BLOB:
                # The next good one compares with it.
                self.last.setdefault(chain, (self._kept(previous[0]), previous[1]))
            return Event(date=commit_day, title=subject, changes=(), error=str(revision.error),
                         previous=prev_name, **base), None
        catalog = self.catalogs.get(revision.path)
        if revision.document is None and not revision.skipped:
            gone = _Side(f"{revision.commit[:12]}:(deleted)", None, catalog, False)
            try:
                changes, text = self._changes(previous, (gone, ""), catalog)
            except LoadError:  # its state before the range, read only now, does not load
                (changes, text), prev_name = ((), None), ""
            self.last.pop(chain, None)
            return Event(date=commit_day, title=subject, changes=changes, previous=prev_name,
                         **base), text
        side, meta = self._side_of(revision, catalog)
        changes, text = self._changes(previous, (side, revision.blob), catalog)
        self.last[chain] = (self._kept(side), revision.blob)
        date = meta.dates.effective if meta else None
        return Event(date=date or commit_day, title=meta.title if meta else subject,
                     changes=changes, snapshot=meta, previous=prev_name, **base), text

    def _changes(self, previous: tuple[_Side, str] | None, current: tuple[_Side, str],
                 catalog: Catalog) -> tuple[tuple[Change, ...], str | None]:
        """The changes from the last good version, and their JSON text when at hand: from
        the diff cache (then only the text), else compared (and the text made for the cache)."""
        if previous is None:
            return (), None
        (old, old_blob), (new, new_blob) = previous, current
        key = self._key(previous, (new.name, new_blob), catalog)
        # A deletion is cacheable too (its key names the deleting commit): otherwise a warm
        # run reads the deleted file's last version again to compare it with nothing.
        cacheable = bool(old_blob)
        text = self.diffs.get_text(*key) if cacheable else None
        if text is not None:
            return (), text
        changes = compare(old.version(), new.version(), catalog).changes
        return changes, self.diffs.put(changes, *key) if cacheable else None


class _Side:
    """One side of a comparison, whose rule tree is only built if a comparison needs it (a
    comparison read from the cache does not)."""

    def __init__(self, name: str, document: Document | None, catalog: Catalog,
                 snapshot: bool | None, loader: Callable[[], Document] | None = None) -> None:
        # snapshot None: not known until the document is read (a parent's version).
        self.name, self.document, self.catalog, self.snapshot = name, document, catalog, snapshot
        self.loader = loader
        self.packed = b""
        self._version: Version | None = None

    def pack(self) -> _Side:
        """Keep the document pickled until a comparison needs it again: a parsed file and
        its positions take about seven times the memory of their pickle, and a folder's
        history keeps the last version of every file."""
        if self.document is not None:
            self.packed = pickle.dumps(self.document, protocol=pickle.HIGHEST_PROTOCOL)
            self.document = self._version = None
        return self

    def _unpack(self) -> Document:
        was_enabled = gc.isenabled()
        gc.disable()  # as in `load`: many containers, no cycles
        try:
            document: Document = pickle.loads(self.packed)  # noqa: S301 - pickled just above
        finally:
            if was_enabled:
                gc.enable()
        self.packed = b""
        return document

    def version(self) -> Version:
        if self._version is None:
            doc = self.document or (self._unpack() if self.packed else None) or \
                (self.loader() if self.loader else None)
            if self.snapshot is None and doc is not None:
                self.snapshot = _is_snapshot(doc)
            if doc is None:
                self._version = Version(self.name, RuleTree({}, {}))
            elif self.snapshot:
                tree = split_rules(doc.data["rules"], self.catalog)
                self._version = Version(self.name, tree, ((doc, ("rules",)),))
            else:
                self._version = Version(self.name, RuleTree(doc.data, {}), ((doc, ()),))
        return self._version


class _Loader:
    """Reads a skipped revision's document when a comparison turns out to need it: by blob
    id, through the catalogues' `cat-file` (opening the repository for each one cost about
    50 ms, and a warm run over a long history meets thousands)."""

    def __init__(self, catalogs: _Catalogs, blob: str, name: str) -> None:
        self.catalogs, self.blob, self.name = catalogs, blob, name

    def __call__(self) -> Document:
        return self.catalogs.read_blob(self.blob, self.name)


def _is_snapshot(doc: Document) -> bool:
    data = doc.data
    return isinstance(data, dict) and "snapshot" in data and "rules" in data and \
        not check_schema(doc, "snapshot")


def _side(revision: Revision, catalog: Catalog) -> tuple[_Side, SnapshotMeta | None]:
    doc = revision.document
    assert doc is not None
    name = f"{revision.commit[:12]}:{revision.path}"
    doc = Document(name, doc.data, doc.source_map)
    if _is_snapshot(doc):
        return _Side(name, doc, catalog, True), build_meta(doc, ())
    return _Side(name, doc, catalog, False), None


class _Catalogs:
    """The field catalogue of each policy folder, as it is at the newest commit: every
    `policy.yaml` listed by one `git ls-tree`, each read and built once per blob id."""

    def __init__(self, repo_dir: str, ref: str) -> None:
        self.repo_dir, self.ref = repo_dir, ref
        self.heads: dict[str, tuple[str, str]] | None = None
        self.reader: BlobReader | None = None
        self.found: dict[str, Catalog] = {}
        self.by_blob: dict[str, Catalog] = {}
        self.by_path: dict[str, Catalog] = {}  # asked several times for each revision

    def get(self, path: str) -> Catalog:
        found = self.by_path.get(path)
        if found is None:
            head = posixpath.join(posixpath.dirname(posixpath.dirname(path)), "policy.yaml")
            if head not in self.found:
                self.found[head] = self._read(head)
            found = self.by_path[path] = self.found[head]
        return found

    def _start(self) -> tuple[dict[str, tuple[str, str]], BlobReader]:
        if self.heads is None or self.reader is None:
            git_dir, self.heads = tree_files(self.repo_dir, self.ref, "policy.yaml")
            self.reader = BlobReader(git_dir)
        return self.heads, self.reader

    def read_blob(self, blob: str, name: str) -> Document:
        """A policy file's blob, parsed (a regular file, as every revision read before)."""
        return load_blob(self._start()[1], "100644", blob, name,
                         DocumentCache("", enabled=False))

    def _read(self, head: str) -> Catalog:
        self._start()
        if self.heads is None or head not in self.heads or self.reader is None:
            return Catalog(generic=True)
        mode, blob = self.heads[head]
        if blob not in self.by_blob:
            self.by_blob[blob] = self._build(mode, blob, f"{self.ref}:{head}", self.reader)
        return self.by_blob[blob]

    @staticmethod
    def _build(mode: str, blob: str, name: str, reader: BlobReader) -> Catalog:
        try:
            doc = load_blob(reader, mode, blob, name, DocumentCache("", enabled=False))
        except (LoadError, NotFoundError, ValidationError):
            return Catalog(generic=True)
        if check_schema(doc, "policy"):
            return Catalog(generic=True)
        return Catalog.of(build_policy(doc))

    def close(self) -> None:
        """Stop the git process that read the catalogues."""
        if self.reader is not None:
            self.reader.close()
            self.reader.errors.close()
