"""Command-line operands: a file, `POLICY[/TRACK]@DATE`, a snapshot id or `REF:path`.

Each becomes a `Side` of a comparison (the rules and the catalogue that explains them); the
façade (`api`) names these operations, this module does them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .argcheck import expect, expect_date, expect_text
from .catalog import Catalog
from .errors import InputError, NotFoundError, ValidationError
from .load import load_document
from .model import Document, Policy, RuleTree, Snapshot, Source, Version
from .refs import parse_operand
from .rules import Resolved, rules_as_of
from .store import POLICY_FILE, list_policy_ids, policies_root, policy_folder
from .store import load_policy as load_policy_folder
from .validate import build_policy, build_snapshot, check_schema

if TYPE_CHECKING:  # OpenFisca's model is imported only by the commands that read it
    from .openfisca_model import ParameterTree

DEFAULT_POLICY = "cn-permanent-residence"


def parse_date(text: str, what: str = "date") -> dt.date:
    """An ISO date (`2016-01-01`) or `today`; anything else is an InputError."""
    expect("parse_date", "text", text, str, "a string (YYYY-MM-DD or 'today')")
    if text == "today":
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"invalid {what} {text!r} (expected YYYY-MM-DD)") from None


def load_policy(policy: str | None = None, policies_dir: str | None = None) -> Policy:
    """Load a policy by id (or folder path) from the policies in use, validated."""
    expect_text("load_policy", "policy", policy, optional=True)
    expect_text("load_policy", "policies_dir", policies_dir, optional=True)
    root = policies_root(policies_dir)
    return load_policy_folder(policy_folder(root, policy or default_policy(root)))


def default_policy(root: str) -> str:
    """The policy commands use when none is named: the only one, or the Green Card data."""
    ids = list_policy_ids(root)
    if len(ids) == 1:
        return ids[0]
    if DEFAULT_POLICY in ids:
        return DEFAULT_POLICY
    raise InputError(f"name a policy; policies: {', '.join(ids) or 'none'}", root)


def catalog_of(policy: Policy) -> Catalog:
    """The field catalogue of a policy."""
    expect("catalog_of", "policy", policy, Policy, "a Policy (api.load_policy)")
    return Catalog.of(policy)


def version_of(snapshot: Snapshot) -> Version:
    """A snapshot as one side of a comparison."""
    expect("version_of", "snapshot", snapshot, Snapshot, "a Snapshot")
    return Version(snapshot.document.name, snapshot.tree, ((snapshot.document, ("rules",)),))


def version_of_resolved(resolved: Resolved, name: str = "") -> Version:
    """Resolved rules (overlays applied) as one side of a comparison."""
    expect("version_of_resolved", "resolved", resolved, Resolved, "resolved rules (api.resolve)")
    expect("version_of_resolved", "name", name, str, "a string")
    label = name or f"{resolved.policy.id}/{resolved.track}@{resolved.as_of}"
    return Version(label, resolved.tree,
                   tuple((s.document, ("rules",)) for s in resolved.snapshots))


def resolve(policy: Policy, as_of: dt.date, track: str = "national",
            include_drafts: bool = False) -> Resolved:
    """The rules in force on a date (drafts only if asked), overlays applied."""
    expect("resolve", "policy", policy, Policy, "a Policy (api.load_policy)")
    expect_text("resolve", "track", track)
    expect("resolve", "include_drafts", include_drafts, bool, "True or False")
    expect_date("resolve", "as_of", as_of)
    return rules_as_of(policy, as_of, track, include_drafts)


@dataclass(frozen=True)
class Side:
    """A parsed diff operand: the version and the catalogue that explains it."""

    version: Version
    catalog: Catalog
    proposed: bool = False
    """A draft (or an announcement) counts on this side: its changes are proposed, not law."""
    openfisca: ParameterTree | None = None
    """OpenFisca parameters, when the operand is read as a parameter tree."""


_AT = re.compile(r"(?P<policy>[A-Za-z0-9][A-Za-z0-9._-]*)(?:/(?P<track>[A-Za-z0-9._-]+))?"
                 r"@(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2}|today)\Z")


def open_operand(text: str, policies_dir: str | None = None, track: str = "national",
                 include_drafts: bool = False, git_dir: str | None = None,
                 format_in: str = "auto", currency: str = "") -> Side:
    """`FILE`, `POLICY[/TRACK]@DATE`, `[POLICY/]SNAPSHOT-ID` or `REF:path`; `format_in` is
    `auto` (OpenFisca parameters when the file or folder has their shape), `openfisca` or
    `generic`."""
    expect_text("open_operand", "text", text)
    expect_text("open_operand", "track", track)
    expect("open_operand", "include_drafts", include_drafts, bool, "True or False")
    from . import openfisca_sides

    if os.path.isfile(text):
        opened = openfisca_sides.open_file(text, format_in)
        if isinstance(opened, Document):
            return side_of_document(opened, _policy_head_near(text))
        tree: ParameterTree | None = opened
    else:
        tree = openfisca_sides.open_openfisca(text, format_in, git_dir)
    if tree is not None:
        tree = tree.with_currency(currency)
        return Side(Version(tree.name, RuleTree({}, {})), Catalog(generic=True), openfisca=tree)
    if os.path.exists(text):
        return side_of_file(text)
    match = _AT.match(text)
    if match:
        policy = load_policy(match.group("policy"), policies_dir)
        resolved = resolve(policy, parse_date(match.group("date")),
                           match.group("track") or track, include_drafts)
        return Side(version_of_resolved(resolved, text), catalog_of(policy),
                    any(not s.meta.status.is_law for s in resolved.snapshots))
    ref_path = parse_operand(text)
    if ref_path is not None:
        from .history import read_document_at  # here: GitPython is slow to import

        doc = read_document_at(git_dir or ".", ref_path[0], ref_path[1])
        return side_of_document(doc, _policy_head_near(ref_path[1]))
    found = _find_snapshot(text, policies_dir)
    if found is not None:
        return found
    raise NotFoundError("no such file, POLICY@DATE, snapshot id or REF:path", text)


def _find_snapshot(text: str, policies_dir: str | None) -> Side | None:
    root = policies_root(policies_dir)
    policy_id, _, snap_id = text.rpartition("/")
    for pid in ([policy_id] if policy_id else list_policy_ids(root)):
        policy = load_policy(pid, policies_dir)
        for snap in policy.snapshots:
            if snap.meta.id == snap_id:
                return Side(version_of(snap), catalog_of(policy), not snap.meta.status.is_law)
    return None


def _policy_head_near(path: str) -> str | None:
    """policy.yaml two folders up from a snapshot file, if there is one."""
    head = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(path))), POLICY_FILE)
    return head if os.path.isfile(head) else None


def side_of_file(path: str) -> Side:
    """A file operand: a snapshot of a policy (with its catalogue) or any YAML/JSON file."""
    return side_of_document(load_document(path), _policy_head_near(path))


def side_of_document(doc: Document, head_path: str | None) -> Side:
    """A loaded document as a diff side: policy mode when it is a snapshot, generic otherwise."""
    data = doc.data
    if not (isinstance(data, dict) and set(data) == {"snapshot", "rules"}):
        return Side(Version(doc.name, RuleTree(data, {}), ((doc, ()),)), Catalog(generic=True))
    catalog = Catalog(generic=True)
    sources: tuple[Source, ...] = ()
    if head_path is not None:
        head_doc = load_document(head_path)
        problems = check_schema(head_doc, "policy")
        if problems:
            raise ValidationError(tuple(problems))
        head = build_policy(head_doc)
        catalog, sources = catalog_of(head), head.sources
    problems = check_schema(doc, "snapshot")
    if problems:
        raise ValidationError(tuple(problems))
    snap = build_snapshot(doc, "", sources, catalog)
    return Side(version_of(snap), catalog, not snap.meta.status.is_law)


def side_for_driver(path: str, shown: str) -> Side:
    """A side for git's external diff: `/dev/null` is an empty file; names show the repo path."""
    if path == os.devnull:
        return Side(Version(f"{shown} (absent)", RuleTree({}, {})), Catalog(generic=True))
    doc = load_document(path, number_keys=True)
    named = Document(shown, doc.data, doc.source_map)
    from . import openfisca_sides

    tree = openfisca_sides.tree_of_document(named, shown)
    if tree is not None:
        return Side(Version(shown, RuleTree({}, {})), Catalog(generic=True), openfisca=tree)
    return side_of_document(named, _policy_head_near(shown))
