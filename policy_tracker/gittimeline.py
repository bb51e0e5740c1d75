"""Timelines from git history: each commit that changed a policy file, compared with the last
revision of that file that loaded."""

from __future__ import annotations

import datetime as dt
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
from .validate import build_policy, build_snapshot, check_schema

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
    steps = _Steps(_Catalogs(repo_dir, parse_range(rev_range).new if rev_range else "HEAD"),
                   DiffCache.default(enabled=use_cache))
    events: list[Event] = []
    # One file is one chain across its renames; in a folder each path is its own chain.
    chain = rel if is_policy_file(rel) else None
    for order, revision in enumerate(iter_revisions(repo_dir, rel, rev_range, progress,
                                                    use_cache, notes)):
        events.append(steps.event(revision, order, chain or revision.path))
    events.sort(key=lambda e: (e.date, int(e.id.split("#")[1])))
    tracks = tuple(dict.fromkeys(e.track for e in events))
    return Timeline(rel or ".", Text(rel or ".", rel or "."), tracks, tuple(events))


class _Steps:
    """Turns revisions into events, remembering the last good version of each chain."""

    def __init__(self, catalogs: _Catalogs, diffs: DiffCache) -> None:
        self.catalogs, self.diffs = catalogs, diffs
        self.last: dict[str, tuple[Version, str]] = {}

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
        if revision.document is None:
            gone = Version(f"{revision.commit[:12]}:(deleted)", RuleTree({}, {}))
            changes = self._changes(previous, (gone, ""), catalog)
            self.last.pop(chain, None)
            return Event(date=commit_day, title=subject, changes=changes, previous=prev_name,
                         **base)
        version, meta, date = _version(revision, self.catalogs)
        changes = self._changes(previous, (version, revision.blob), catalog)
        self.last[chain] = (version, revision.blob)
        return Event(date=date or commit_day, title=meta.title if meta else subject,
                     changes=changes, snapshot=meta, previous=prev_name, **base)

    def _changes(self, previous: tuple[Version, str] | None, current: tuple[Version, str],
                 catalog: Catalog) -> tuple[Change, ...]:
        """The changes from the last good version, read from the diff cache when both sides
        are blobs it has seen under the same catalogue."""
        if previous is None:
            return ()
        (old, old_blob), (new, new_blob) = previous, current
        key = (old_blob, new_blob, old.name, new.name, catalog.fingerprint)
        cacheable = bool(old_blob and new_blob)
        cached = self.diffs.get(*key) if cacheable else None
        if cached is not None:
            return cached
        changes = compare(old, new, catalog).changes
        if cacheable:
            self.diffs.put(changes, *key)
        return changes


def _version(revision: Revision,
             catalogs: _Catalogs) -> tuple[Version, SnapshotMeta | None, dt.date | None]:
    doc = revision.document
    assert doc is not None
    name = f"{revision.commit[:12]}:{revision.path}"
    doc = Document(name, doc.data, doc.source_map)
    data = doc.data
    if isinstance(data, dict) and "snapshot" in data and "rules" in data and \
            not check_schema(doc, "snapshot"):
        catalog = catalogs.get(revision.path)
        snap = build_snapshot(doc, "", (), catalog)
        return Version(name, snap.tree, ((doc, ("rules",)),)), snap.meta, snap.effective
    return Version(name, RuleTree(data, {}), ((doc, ()),)), None, None


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
        return Catalog(build_policy(doc).fields)
