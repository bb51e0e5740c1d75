"""Pull-request review: every policy file changed between two refs, validated and compared."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping

from .catalog import Catalog
from .diff import compare
from .errors import LoadError, NotFoundError, PolicyTrackerError
from .filters import Filters, filter_diff
from .history import changed_files, open_repo, read_document_at, resolve_commit
from .model import (Document, FileChange, FileReview, Review, RuleTree, Severity, Source,
                    Version)
from .openfisca_review import review_openfisca_file
from .validate import build_policy, build_snapshot, check_schema, check_snapshot

POLICY_FILE = "policy.yaml"


def review_changes(repo_dir: str, base: str, head: str = "HEAD", paths: Iterable[str] = (),
                   filters: Filters | None = None,
                   severities: Mapping[str, Severity] | None = None,
                   use_cache: bool = True, currency: str = "") -> Review:
    """Validate the head side of every changed policy file and compare it with the base
    (`use_cache=False`: parse every blob, trusting no cache; see README, "The cache")."""
    with open_repo(repo_dir) as repo:
        base_sha, head_sha = resolve_commit(repo, base), resolve_commit(repo, head)
        top = str(repo.working_tree_dir or repo_dir)
    files = []
    for change in changed_files(top, base_sha, head_sha, paths):
        files.append(_review_file(top, base_sha, head_sha, change, filters or Filters(),
                                  severities, use_cache, currency))
    return Review(base_sha, head_sha, base, head, tuple(files))


def _review_file(top: str, base: str, head: str, change: FileChange, filters: Filters,
                 severities: Mapping[str, Severity] | None, use_cache: bool,
                 currency: str = "") -> FileReview:
    openfisca = review_openfisca_file(top, base, head, change, filters, severities,
                                      currency=currency)
    if openfisca is not None:
        return openfisca
    old = new = None
    problems: list[PolicyTrackerError] = []
    try:
        if change.old_path:
            old = _version_at(top, base, change.old_path, [], use_cache)
        if change.new_path:
            new = _version_at(top, head, change.new_path, problems, use_cache)
    except (LoadError, NotFoundError) as exc:
        return FileReview(change.status, change.old_path, change.new_path, None, (exc,),
                          "could not be read")
    if new is not None and problems:
        return FileReview(change.status, change.old_path, change.new_path, None,
                          tuple(problems))
    old_version, old_catalog = old if old else (Version(f"{base[:12]}:(absent)",
                                                        RuleTree({}, {})), Catalog(generic=True))
    new_version, new_catalog = new if new else (Version(f"{head[:12]}:(absent)",
                                                        RuleTree({}, {})), Catalog(generic=True))
    catalog = new_catalog if not new_catalog.generic else old_catalog
    diff = filter_diff(compare(old_version, new_version, catalog, severities), filters)
    return FileReview(change.status, change.old_path, change.new_path, diff)


def _version_at(top: str, commit: str, path: str, problems: list[PolicyTrackerError],
                use_cache: bool = True) -> tuple[Version, Catalog]:
    """The file at `commit` as a diff side; snapshot problems are collected, not raised."""
    try:
        doc = read_document_at(top, commit, path, use_cache)
    except LoadError as exc:
        problems.append(exc)
        raise
    name = f"{commit[:12]}:{path}"
    doc = Document(name, doc.data, doc.source_map)
    if not (isinstance(doc.data, dict) and "snapshot" in doc.data):
        return Version(name, RuleTree(doc.data, {}), ((doc, ()),)), Catalog(generic=True)
    catalog, sources = _catalog_at(top, commit, path, problems, use_cache)
    found = check_schema(doc, "snapshot")
    if found:
        problems.extend(found)
        return Version(name, RuleTree({}, {})), catalog
    snap = build_snapshot(doc, "", sources, catalog)
    known = {s.id for s in sources} | {s.id for s in snap.meta.sources}
    problems.extend(check_snapshot(doc, snap, posixpath.basename(path), catalog, known))
    return Version(name, snap.tree, ((doc, ("rules",)),)), catalog


def _catalog_at(top: str, commit: str, path: str, problems: list[PolicyTrackerError],
                use_cache: bool = True) -> tuple[Catalog, tuple[Source, ...]]:
    head_path = posixpath.join(posixpath.dirname(posixpath.dirname(path)), POLICY_FILE)
    try:
        head_doc = read_document_at(top, commit, head_path, use_cache)
    except NotFoundError:
        return Catalog(generic=True), ()
    except LoadError as exc:
        problems.append(exc)
        return Catalog(generic=True), ()
    found = check_schema(head_doc, "policy")
    if found:
        problems.extend(found)
        return Catalog(generic=True), ()
    policy = build_policy(head_doc)
    return Catalog.of(policy), policy.sources

