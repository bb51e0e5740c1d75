"""The Python API: what every command does, as library calls that return values."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from collections.abc import Iterable, Mapping

from .catalog import Catalog
from .diff import compare
from .errors import InputError, LoadError, NotFoundError, ValidationError
from .filters import Filters, filter_diff
from .load import load_document
from .model import Diff, Document, Policy, RuleTree, Severity, Snapshot, Source, Version
from .rules import Resolved, rules_as_of
from .store import POLICY_FILE, check_policy, list_policy_ids, policies_root, policy_folder
from .store import load_policy as load_policy_folder
from .timeline import build_timeline, compare_tracks, field_history
from .validate import build_policy, build_snapshot, check_schema, check_snapshot

__all__ = ["Filters", "build_timeline", "compare_tracks", "field_history", "filter_diff"]

if TYPE_CHECKING:
    from .conditions import Conditions
    from .impactmodel import Digest, Eligibility, Impact
    from .profiles import Profile

DEFAULT_POLICY = "cn-permanent-residence"


def parse_date(text: str, what: str = "date") -> dt.date:
    """An ISO date (`2016-01-01`) or `today`; anything else is an InputError."""
    if text == "today":
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"invalid {what} {text!r} (expected YYYY-MM-DD)") from None


def load_policy(policy: str | None = None, policies_dir: str | None = None) -> Policy:
    """Load a policy by id (or folder path) from the policies in use, validated."""
    root = policies_root(policies_dir)
    return load_policy_folder(policy_folder(root, policy or default_policy(root)))


def load_policies(policies_dir: str | None = None) -> tuple[Policy, ...]:
    """Every policy in use, validated."""
    root = policies_root(policies_dir)
    return tuple(load_policy_folder(os.path.join(root, pid)) for pid in list_policy_ids(root))


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
    return Catalog(policy.fields)


def version_of(snapshot: Snapshot) -> Version:
    """A snapshot as one side of a comparison."""
    return Version(snapshot.document.name, snapshot.tree, ((snapshot.document, ("rules",)),))


def version_of_resolved(resolved: Resolved, name: str = "") -> Version:
    """Resolved rules (overlays applied) as one side of a comparison."""
    label = name or f"{resolved.policy.id}/{resolved.track}@{resolved.as_of}"
    return Version(label, resolved.tree,
                   tuple((s.document, ("rules",)) for s in resolved.snapshots))


def resolve(policy: Policy, as_of: dt.date, track: str = "national",
            include_drafts: bool = False) -> Resolved:
    """The rules in force on a date (drafts only if asked), overlays applied."""
    return rules_as_of(policy, as_of, track, include_drafts)


@dataclass(frozen=True)
class Side:
    """A parsed diff operand: the version and the catalogue that explains it."""

    version: Version
    catalog: Catalog


_AT = re.compile(r"(?P<policy>[A-Za-z0-9][A-Za-z0-9._-]*)(?:/(?P<track>[A-Za-z0-9._-]+))?"
                 r"@(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2}|today)\Z")


def open_operand(text: str, policies_dir: str | None = None, track: str = "national",
                 include_drafts: bool = False, git_dir: str | None = None) -> Side:
    """`FILE`, `POLICY[/TRACK]@DATE`, `[POLICY/]SNAPSHOT-ID` or `REF:path`."""
    if os.path.exists(text):
        return side_of_file(text)
    match = _AT.match(text)
    if match:
        policy = load_policy(match.group("policy"), policies_dir)
        resolved = resolve(policy, parse_date(match.group("date")),
                           match.group("track") or track, include_drafts)
        return Side(version_of_resolved(resolved, text), catalog_of(policy))
    from .history import parse_operand, read_document_at  # lazy: GitPython is slow to import

    ref_path = parse_operand(text)
    if ref_path is not None:
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
                return Side(version_of(snap), catalog_of(policy))
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
    return Side(version_of(snap), catalog)


def side_for_driver(path: str, shown: str) -> Side:
    """A side for git's external diff: `/dev/null` is an empty file; names show the repo path."""
    if path == os.devnull:
        return Side(Version(f"{shown} (absent)", RuleTree({}, {})), Catalog(generic=True))
    doc = load_document(path)
    return side_of_document(Document(shown, doc.data, doc.source_map), _policy_head_near(shown))


def load_snapshot(path: str, catalog: Catalog | None = None) -> Snapshot:
    """Load and validate one snapshot file on its own (citations are not resolved)."""
    return parse_snapshot(load_document(path), catalog)


def parse_snapshot(doc: Document, catalog: Catalog | None = None) -> Snapshot:
    """Validate a loaded snapshot document and build its `Snapshot`."""
    cat = catalog or Catalog(generic=True)
    problems = check_schema(doc, "snapshot")
    if not problems:
        snap = build_snapshot(doc, "", (), cat)
        sources = {s.id for s in snap.meta.sources}
        problems = [p for p in check_snapshot(doc, snap, os.path.basename(doc.name) or
                                              f"{snap.effective}.yaml", cat, sources)
                    if "unknown source" not in p.message and "file name" not in p.message]
        if not problems:
            return snap
    raise ValidationError(tuple(problems))


def read_accept_file(path: str) -> dict[str, str]:
    """A YAML list of `{fingerprint, reason}` entries: changes a reviewer has accepted."""
    doc = load_document(path)
    entries = doc.data.get("accept") if isinstance(doc.data, dict) else None
    if not isinstance(entries, list):
        raise LoadError("an accept file is a mapping with an 'accept' list of "
                        "{fingerprint, reason}", path, 1, 1)
    out: dict[str, str] = {}
    for i, entry in enumerate(entries):
        if not (isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str)
                and isinstance(entry.get("reason"), str) and entry["reason"].strip()):
            pos = doc.source_map.locate(doc.data, ("accept", i))
            raise LoadError("each accepted change needs a fingerprint and a reason", path,
                            pos.line if pos else 1, pos.col if pos else 1)
        out[entry["fingerprint"]] = entry["reason"]
    return out


def read_severity_config(path: str) -> dict[str, Severity]:
    """A YAML mapping `severity: {rule-id: major|minor|editorial}`."""
    from .classify import RULES

    doc = load_document(path)
    table = doc.data.get("severity", {}) if isinstance(doc.data, dict) else None
    if not isinstance(table, dict):
        raise LoadError("expected 'severity: {rule-id: major|minor|editorial}'", path, 1, 1)
    out: dict[str, Severity] = {}
    for rule, level in table.items():
        pos = doc.source_map.locate(doc.data, ("severity", rule))
        where = (pos.line, pos.col) if pos else (1, 1)
        if rule not in RULES:
            raise LoadError(f"unknown rule id {rule!r}; rules: {', '.join(sorted(RULES))}",
                            path, *where)
        if level not in [s.value for s in Severity]:
            raise LoadError(f"severity of {rule!r} must be major, minor or editorial", path, *where)
        out[rule] = Severity(level)
    return out


def diff_sides(old: Side, new: Side, severities: Mapping[str, Severity] | None = None) -> Diff:
    """Compare two operands with the catalogue of the new side (or the old, if generic)."""
    catalog = new.catalog if not new.catalog.generic else old.catalog
    return compare(old.version, new.version, catalog, severities)


def check_paths(paths: Iterable[str], policies_dir: str | None = None) -> list[LoadError]:
    """Every problem in the given policy folders or files (default: all policies in use)."""
    targets = list(paths)
    if not targets:
        root = policies_root(policies_dir)
        targets = [os.path.join(root, pid) for pid in list_policy_ids(root)]
    problems: list[LoadError] = []
    for target in targets:
        problems.extend(_check_target(target))
    return problems


def _check_target(target: str) -> list[LoadError]:
    if os.path.isdir(target):
        if os.path.isfile(os.path.join(target, POLICY_FILE)):
            checked = check_policy(target)
            return list(checked.problems) + _check_extras(target, checked.policy)
        found: list[LoadError] = []
        for name in sorted(os.listdir(target)):
            if os.path.isfile(os.path.join(target, name, POLICY_FILE)):
                found.extend(check_policy(os.path.join(target, name)).problems)
        return found
    head = os.path.dirname(os.path.dirname(os.path.abspath(target)))
    if os.path.basename(target) == POLICY_FILE:
        head = os.path.dirname(os.path.abspath(target))
    if os.path.isfile(os.path.join(head, POLICY_FILE)):
        rel = os.path.relpath(os.path.abspath(target), head)
        return [p for p in check_policy(head).problems
                if os.path.relpath(os.path.abspath(p.where), head) in (rel, POLICY_FILE)]
    try:
        doc = load_document(target)
        if isinstance(doc.data, dict) and any(k in doc.data for k in _EXTRA_KEYS):
            return _check_extra(doc)
        if isinstance(doc.data, dict) and "snapshot" in doc.data:
            parse_snapshot(doc)
    except ValidationError as exc:
        return list(exc.problems)
    except LoadError as exc:
        return [exc]
    return []


_EXTRA_KEYS = ("profile", "profiles", "conditions")


def _check_extras(folder: str, policy: Policy | None) -> list[LoadError]:
    """The conditions file beside a policy.yaml, if there is one: its structure, and that
    each route it names is a route of some snapshot of the policy."""
    from .conditions import CONDITIONS_FILE
    from .validate import problem

    path = os.path.join(folder, CONDITIONS_FILE)
    if not os.path.isfile(path):
        return []
    try:
        doc = load_document(path)
    except LoadError as exc:
        return [exc]
    found = _check_extra(doc)
    if found or policy is None:
        return found
    routes = {str(r.get("id")) for s in policy.snapshots
              for r in (s.tree.values.get("eligibility") or {}).get("routes") or ()
              if isinstance(r, dict)}
    for i, raw in enumerate(doc.data.get("routes", ()) if isinstance(doc.data, dict) else ()):
        if raw["route"] not in routes:
            found.append(problem(doc, ("routes", i, "route"),
                                 f"route {raw['route']!r} is in no snapshot of the policy"))
    return found


def _check_extra(doc: Document) -> list[LoadError]:
    """Problems in a profile or conditions file."""
    from .conditions import conditions_problems, parse_conditions
    from .profiles import parse_profiles

    kind = "conditions" if isinstance(doc.data, dict) and "conditions" in doc.data else "profile"
    problems = conditions_problems(doc) if kind == "conditions" else check_schema(doc, kind)
    if problems:
        return problems
    try:
        if kind == "conditions":
            parse_conditions(doc)
        else:
            parse_profiles(doc)
    except LoadError as exc:
        return [exc]
    return []


def load_profiles(path: str) -> tuple[Profile, ...]:
    """Every applicant profile of a profile file, schema-checked."""
    from .profiles import load_profiles as read

    return read(path)


def build_digest(policy: Policy, since: dt.date,
                 tracks: Iterable[str] | None = None) -> Digest:
    """The instruments whose legal or recorded date falls after `since` (drafts marked)."""
    from .digest import build_digest as build

    return build(policy, since, tracks)


def conditions_of(policy: Policy) -> Conditions:
    """The route conditions of a policy (`conditions.yaml` beside its policy.yaml)."""
    from .conditions import conditions_path, load_conditions

    path = conditions_path(policy.location or ".")
    if not os.path.isfile(path):
        raise NotFoundError("this policy records no route conditions (conditions.yaml)",
                            policy.id)
    return load_conditions(path, policy.id)


def check_eligibility(policy: Policy, profile: Profile, as_of: dt.date, track: str = "",
                      include_drafts: bool = False) -> Eligibility:
    """Every route's verdict for one profile on one date (drafts only if asked)."""
    from .eligibility import evaluate

    return evaluate(policy, conditions_of(policy), profile, as_of, track, include_drafts)


def impact_of(policy: Policy, profiles: Iterable[Profile], dates: Iterable[dt.date] | None = None,
              track: str = "", include_drafts: bool = False) -> Impact:
    """Profiles whose verdicts change between the given dates (default: across history)."""
    from .impact import build_impact

    return build_impact(policy, conditions_of(policy), profiles, dates, track, include_drafts)
