"""Timelines from git history: each commit that changed a policy file, compared with the last
revision of that file that loaded."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable
from typing import Any

from .catalog import Catalog
from .diff import compare
from .errors import LoadError, NotFoundError, ValidationError
from .history import iter_revisions, read_document_at
from .model import (Commit, Document, Event, Revision, RuleTree, SnapshotMeta, Text, Timeline,
                    Version)
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
    catalogs = _Catalogs(repo_dir, parse_range(rev_range).new if rev_range else "HEAD")
    last: dict[str, Version] = {}
    events: list[Event] = []
    # One file is one chain across its renames; in a folder each path is its own chain.
    chain = rel if is_policy_file(rel) else None
    for order, revision in enumerate(iter_revisions(repo_dir, rel, rev_range, progress,
                                                    use_cache, notes)):
        events.append(_event(revision, order, last, catalogs, chain or revision.path))
    events.sort(key=lambda e: (e.date, int(e.id.split("#")[1])))
    tracks = tuple(dict.fromkeys(e.track for e in events))
    return Timeline(rel or ".", Text(rel or ".", rel or "."), tracks, tuple(events))


def _event(revision: Revision, order: int, last: dict[str, Version],
           catalogs: _Catalogs, chain: str) -> Event:
    commit = Commit(revision.commit, revision.committed, revision.authored, revision.subject)
    base: dict[str, Any] = dict(id=f"{revision.commit[:12]}:{revision.path}#{order}",
                                track=revision.path, commit=commit,
                                file=f"{revision.commit[:12]}:{revision.path}")
    commit_day = revision.committed.date()
    previous = last.get(chain)
    prev_name = previous.name if previous else ""
    if revision.error is not None:
        return Event(date=commit_day, title=Text(revision.subject, revision.subject),
                     changes=(), error=str(revision.error), previous=prev_name, **base)
    if revision.document is None:
        catalog = catalogs.get(revision.path)
        gone = Version(f"{revision.commit[:12]}:(deleted)", RuleTree({}, {}))
        diff = compare(previous, gone, catalog) if previous else None
        last.pop(chain, None)
        return Event(date=commit_day, title=Text(revision.subject, revision.subject),
                     changes=diff.changes if diff else (), previous=prev_name, **base)
    version, meta, date = _version(revision, catalogs)
    diff = compare(previous, version, catalogs.get(revision.path)) if previous else None
    last[chain] = version
    title = meta.title if meta else Text(revision.subject, revision.subject)
    return Event(date=date or commit_day, title=title, changes=diff.changes if diff else (),
                 snapshot=meta, previous=prev_name, **base)


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
