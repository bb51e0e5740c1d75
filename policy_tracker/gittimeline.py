"""Timelines from git history: each commit that changed a policy file, compared with the last
revision of that file that loaded."""

from __future__ import annotations

import gc
import posixpath
from collections.abc import Callable
from typing import Any

from .cache import DiffCache
from .catalog import Catalog
from .diff import compare
from .errors import LoadError, NotFoundError, ValidationError
from .history import iter_revisions, read_document_at
from .model import (Change, Commit, Document, Event, Revision, RuleTree, SnapshotMeta, Text,
                    Timeline, Version)
from .refs import is_policy_file, parse_range, repo_path
from .rules import split_rules
from .validate import build_meta, build_policy, check_schema

Progress = Callable[[int, int], None]


def build_git_timeline(repo_dir: str, path: str, rev_range: str | None = None,
                       use_cache: bool = True, progress: Progress | None = None,
                       notes: Callable[[str], None] | None = None) -> Timeline:
    """The timeline of a file or folder from its commits, oldest first.

    A snapshot that declares an effective date is placed at that date (its commit date is
    kept beside it); other files are placed at their commit date. A revision that does not
    load is an event with its error; the next good one is compared with the last good one.
    """
    rel = repo_path(path)
    # One file is one chain across its renames; in a folder each path is its own chain.
    chain = rel if is_policy_file(rel) else None
    steps = _Steps(repo_dir, _Catalogs(repo_dir, parse_range(rev_range).new if rev_range
                                       else "HEAD"), DiffCache.default(enabled=use_cache), chain)
    events: list[Event] = []
    # The events pile up millions of objects: without the cyclic collector pausing, its full
    # passes over them would grow with the length of the history. A comparison does leave a
    # few cycles (DeepDiff's result tree): collecting the young generations after each
    # revision frees them and never walks the events already kept.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for order, revision in enumerate(iter_revisions(repo_dir, rel, rev_range, progress,
                                                        use_cache, notes, steps.wanted)):
            events.append(steps.event(revision, order, chain or revision.path))
            gc.collect(1)
    finally:
        if collecting:
            gc.enable()
    events.sort(key=lambda e: (e.date, int(e.id.split("#")[1])))
    tracks = tuple(dict.fromkeys(e.track for e in events))
    return Timeline(rel or ".", Text(rel or ".", rel or "."), tracks, tuple(events))


class _Steps:
    """Turns revisions into events, remembering the last good version of each chain."""

    def __init__(self, repo_dir: str, catalogs: _Catalogs, diffs: DiffCache,
                 chain: str | None) -> None:
        self.repo_dir, self.catalogs, self.diffs, self.chain = repo_dir, catalogs, diffs, chain
        self.last: dict[str, tuple[_Side, str]] = {}

    def wanted(self, commit: str, path: str, blob: str) -> bool:
        """Whether a blob must be read: not when its summary and its comparison with the
        previous revision are both in the cache (it is read later if a comparison needs it)."""
        if not self.diffs.has("meta", blob):
            return True
        previous = self.last.get(self.chain or path)
        if previous is None:
            return False
        name = f"{commit[:12]}:{path}"
        return not self.diffs.has(*self._key(previous, (name, blob), self.catalogs.get(path)))

    @staticmethod
    def _key(previous: tuple[_Side, str], current: tuple[str, str],
             catalog: Catalog) -> tuple[str, ...]:
        return (previous[1], current[1], previous[0].name, current[0], catalog.fingerprint)

    def _side_of(self, revision: Revision, catalog: Catalog) -> tuple[_Side, SnapshotMeta | None]:
        """The revision's side and summary, from its document or (when skipped) the cache."""
        name = f"{revision.commit[:12]}:{revision.path}"
        if revision.skipped:
            head = self.diffs.get_json("meta", revision.blob)
            meta = build_meta(Document(name, {"snapshot": head}), ()) if head else None
            loader = _Loader(self.repo_dir, revision.commit, revision.path, name)
            return _Side(name, None, catalog, meta is not None, loader), meta
        side, meta = _side(revision, catalog)
        data = side.document.data if side.document else None
        self.diffs.put_json(data.get("snapshot") if meta and isinstance(data, dict) else None,
                            "meta", revision.blob)
        return side, meta

    def event(self, revision: Revision, order: int, chain: str) -> Event:
        commit = Commit(revision.commit, revision.committed, revision.authored,
                        revision.subject)
        base: dict[str, Any] = dict(id=f"{revision.commit[:12]}:{revision.path}#{order}",
                                    track=revision.path, commit=commit,
                                    file=f"{revision.commit[:12]}:{revision.path}")
        commit_day = revision.committed.date()
        previous = self.last.get(chain)
        prev_name = previous[0].name if previous else ""
        subject = Text(revision.subject, revision.subject)
        if revision.error is not None:
            return Event(date=commit_day, title=subject, changes=(), error=str(revision.error),
                         previous=prev_name, **base)
        catalog = self.catalogs.get(revision.path)
        if revision.document is None and not revision.skipped:
            gone = _Side(f"{revision.commit[:12]}:(deleted)", None, catalog, False)
            changes = self._changes(previous, (gone, ""), catalog)
            self.last.pop(chain, None)
            return Event(date=commit_day, title=subject, changes=changes, previous=prev_name,
                         **base)
        side, meta = self._side_of(revision, catalog)
        changes = self._changes(previous, (side, revision.blob), catalog)
        self.last[chain] = (side, revision.blob)
        date = meta.dates.effective if meta else None
        return Event(date=date or commit_day, title=meta.title if meta else subject,
                     changes=changes, snapshot=meta, previous=prev_name, **base)

    def _changes(self, previous: tuple[_Side, str] | None, current: tuple[_Side, str],
                 catalog: Catalog) -> tuple[Change, ...]:
        """The changes from the last good version, read from the diff cache when both sides
        are blobs it has seen under the same catalogue."""
        if previous is None:
            return ()
        (old, old_blob), (new, new_blob) = previous, current
        key = self._key(previous, (new.name, new_blob), catalog)
        cacheable = bool(old_blob and new_blob)
        cached = self.diffs.get(*key) if cacheable else None
        if cached is not None:
            return cached
        changes = compare(old.version(), new.version(), catalog).changes
        if cacheable:
            self.diffs.put(changes, *key)
        return changes


class _Side:
    """One side of a comparison, whose rule tree is only built if a comparison needs it (a
    comparison read from the cache does not)."""

    def __init__(self, name: str, document: Document | None, catalog: Catalog,
                 snapshot: bool, loader: Callable[[], Document] | None = None) -> None:
        self.name, self.document, self.catalog, self.snapshot = name, document, catalog, snapshot
        self.loader = loader
        self._version: Version | None = None

    def version(self) -> Version:
        if self._version is None:
            doc = self.document or (self.loader() if self.loader else None)
            if doc is None:
                self._version = Version(self.name, RuleTree({}, {}))
            elif self.snapshot:
                tree = split_rules(doc.data["rules"], self.catalog)
                self._version = Version(self.name, tree, ((doc, ("rules",)),))
            else:
                self._version = Version(self.name, RuleTree(doc.data, {}), ((doc, ()),))
        return self._version


class _Loader:
    """Reads a skipped revision's document when a comparison turns out to need it."""

    def __init__(self, repo_dir: str, commit: str, path: str, name: str) -> None:
        self.repo_dir, self.commit, self.path, self.name = repo_dir, commit, path, name

    def __call__(self) -> Document:
        doc = read_document_at(self.repo_dir, self.commit, self.path)
        return Document(self.name, doc.data, doc.source_map)


def _side(revision: Revision, catalog: Catalog) -> tuple[_Side, SnapshotMeta | None]:
    doc = revision.document
    assert doc is not None
    name = f"{revision.commit[:12]}:{revision.path}"
    doc = Document(name, doc.data, doc.source_map)
    data = doc.data
    if isinstance(data, dict) and "snapshot" in data and "rules" in data and \
            not check_schema(doc, "snapshot"):
        return _Side(name, doc, catalog, True), build_meta(doc, ())
    return _Side(name, doc, catalog, False), None


class _Catalogs:
    """The field catalogue of each policy folder, read once from the newest commit."""

    def __init__(self, repo_dir: str, ref: str) -> None:
        self.repo_dir, self.ref = repo_dir, ref
        self.found: dict[str, Catalog] = {}

    def get(self, path: str) -> Catalog:
        head = posixpath.join(posixpath.dirname(posixpath.dirname(path)), "policy.yaml")
        if head not in self.found:
            self.found[head] = self._read(head)
        return self.found[head]

    def _read(self, head: str) -> Catalog:
        try:
            doc = read_document_at(self.repo_dir, self.ref, head)
        except (LoadError, NotFoundError, ValidationError):
            return Catalog(generic=True)
        if check_schema(doc, "policy"):
            return Catalog(generic=True)
        return Catalog.of(build_policy(doc))
