"""Pull-request review: every policy file changed between two refs, validated and compared."""

from __future__ import annotations

import contextlib
import posixpath
from collections.abc import Iterable, Mapping

from .catalog import Catalog
from .diff import compare
from .errors import LoadError, NotFoundError, PolicyTrackerError
from .filters import Filters, filter_diff
from .i18n import message
from .history import changed_files, files_at, open_repo, read_document_at, resolve_commit
from .model import (Document, FileChange, FileReview, Review, RuleTree, Severity, Source,
                    Version)
from .fieldcheck import check_fields
from .rules import split_rules
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
    changes = changed_files(top, base_sha, head_sha, paths)
    for change in changes:
        files.append(_review_file(top, base_sha, head_sha, change, filters or Filters(),
                                  severities, use_cache, currency))
    files.extend(_affected(top, head_sha, changes))
    return Review(base_sha, head_sha, base, head, tuple(files))


def _affected(top: str, head: str, changes: tuple[FileChange, ...]) -> list[FileReview]:
    """Unchanged snapshots of a policy whose policy.yaml changed, re-checked at the head:
    only those that no longer validate are listed, with status `affected`."""
    changed = {c.new_path for c in changes}
    out = []
    for change in changes:
        if posixpath.basename(change.new_path) != POLICY_FILE:
            continue
        folder = posixpath.dirname(change.new_path)
        for path in files_at(top, head, folder):
            if path in changed or posixpath.dirname(posixpath.dirname(path)) != folder:
                continue
            problems: list[PolicyTrackerError] = []
            with contextlib.suppress(LoadError, NotFoundError):  # collected in `problems`
                _version_at(top, head, path, problems)
            if problems:
                out.append(FileReview("affected", path, path, None, tuple(problems),
                                      message("validate.review.affected_note", "en",
                                              file=change.new_path)))
    return out


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
    if new is not None and new[0] is None:  # no rules that could be compared
        return FileReview(change.status, change.old_path, change.new_path, None,
                          tuple(problems))
    absent = Version(f"{base[:12]}:(absent)", RuleTree({}, {}))
    old_version, old_catalog = (old[0] or absent, old[1]) if old else (absent,
                                                                       Catalog(generic=True))
    new_version, new_catalog = (Version(f"{head[:12]}:(absent)", RuleTree({}, {})),
                                Catalog(generic=True))
    if new is not None and new[0] is not None:
        new_version, new_catalog = new[0], new[1]
    catalog = new_catalog if not new_catalog.generic else old_catalog
    diff = filter_diff(compare(old_version, new_version, catalog, severities), filters)
    # A head that does not validate still shows the changes that could be computed.
    return FileReview(change.status, change.old_path, change.new_path, diff, tuple(problems))


def _version_at(top: str, commit: str, path: str, problems: list[PolicyTrackerError],
                use_cache: bool = True) -> tuple[Version | None, Catalog]:
    """The file at `commit` as a diff side (None: it has no rules to compare); problems are
    collected, not raised."""
    try:
        doc = read_document_at(top, commit, path, use_cache)
    except LoadError as exc:
        problems.append(exc)
        raise
    name = f"{commit[:12]}:{path}"
    doc = Document(name, doc.data, doc.source_map)
    if isinstance(doc.data, dict) and "policy" in doc.data and \
            posixpath.basename(path) == POLICY_FILE:
        found = check_schema(doc, "policy")
        problems.extend(found or check_fields(doc, build_policy(doc).fields))
    if not (isinstance(doc.data, dict) and "snapshot" in doc.data):
        return Version(name, RuleTree(doc.data, {}), ((doc, ()),)), Catalog(generic=True)
    catalog, sources, citations = _catalog_at(top, commit, path, problems, use_cache)
    found = check_schema(doc, "snapshot")
    if found:
        problems.extend(found)
        rules = doc.data.get("rules")
        if isinstance(rules, dict):  # the rules can still be compared
            return Version(name, split_rules(rules, catalog), ((doc, ("rules",)),)), catalog
        return None, catalog
    snap = build_snapshot(doc, "", sources, catalog)
    known = {s.id for s in sources} | {s.id for s in snap.meta.sources}
    problems.extend(check_snapshot(doc, snap, posixpath.basename(path), catalog, known,
                                   citations))
    return Version(name, snap.tree, ((doc, ("rules",)),)), catalog


def _catalog_at(top: str, commit: str, path: str, problems: list[PolicyTrackerError],
                use_cache: bool = True) -> tuple[Catalog, tuple[Source, ...], str]:
    """The catalogue, sources and citation rule of the policy a snapshot belongs to."""
    head_path = posixpath.join(posixpath.dirname(posixpath.dirname(path)), POLICY_FILE)
    try:
        head_doc = read_document_at(top, commit, head_path, use_cache)
    except NotFoundError:
        return Catalog(generic=True), (), "optional"
    except LoadError as exc:
        problems.append(exc)
        return Catalog(generic=True), (), "optional"
    found = check_schema(head_doc, "policy")
    if found:
        problems.extend(found)
        return Catalog(generic=True), (), "optional"
    policy = build_policy(head_doc)
    return Catalog.of(policy), policy.sources, policy.citations

