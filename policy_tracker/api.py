"""The Python API: what every command does, as library calls that return values."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from typing import TYPE_CHECKING
from collections.abc import Iterable, Mapping

from . import operands
from . import timeline as _timeline
from .argcheck import expect, expect_date, expect_names, expect_text
from .accept import accepted_map, read_accept_entries
from .catalog import Catalog
from .diff import compare
from .errors import LoadError, NotFoundError, ValidationError
from .filters import Filters
from .filters import filter_diff as _filter_diff
from .load import load_document
from .model import Diff, Document, Policy, Severity, Snapshot
from .operands import (
    Side,
    catalog_of,
    default_policy,
    load_policy,
    open_operand,
    parse_date,
    resolve,
    side_for_driver,
    side_of_document,
    side_of_file,
    version_of,
    version_of_resolved,
)
from .fieldcheck import check_fields
from .store import (POLICY_FILE, Checked, check_policy, list_policy_ids, policies_root,
                    sort_problems)
from .store import load_policy as load_policy_folder
from .effects import register_of
from .legal import EffectsRegister, proposed
from .model import FieldHistory, Timeline
from .timeline import select_tracks
from .validate import build_policy, build_snapshot, check_schema, check_snapshot

__all__ = ["Filters", "Side", "build_digest", "build_effects", "build_report", "build_timeline",
           "catalog_of", "load_report",
           "compare_tracks", "default_policy", "field_history", "filter_diff", "load_policy",
           "load_profiles", "open_operand", "parse_date", "resolve", "side_for_driver",
           "side_of_document", "side_of_file", "version_of", "version_of_resolved"]

if TYPE_CHECKING:
    from .conditions import Conditions
    from .impactmodel import Digest, Eligibility, Impact
    from .profiles import Profile
    from .reportmodel import Report

DEFAULT_POLICY = operands.DEFAULT_POLICY


def load_policies(policies_dir: str | None = None) -> tuple[Policy, ...]:
    """Every policy in use, validated."""
    expect_text("load_policies", "policies_dir", policies_dir, optional=True)
    root = policies_root(policies_dir)
    return tuple(load_policy_folder(os.path.join(root, pid)) for pid in list_policy_ids(root))


def _check_policy_args(function: str, policy: object, track: object = "national",
                       flag: object = False) -> None:
    expect(function, "policy", policy, Policy, "a Policy (api.load_policy)")
    expect_text(function, "track", track)
    expect(function, "include_drafts", flag, bool, "True or False")


def build_timeline(policy: Policy, tracks: Iterable[str] | None = None,
                   since: dt.date | None = None, until: dt.date | None = None,
                   include_drafts: bool = False) -> Timeline:
    """One event per snapshot transition, in effective-date order, tracks interleaved."""
    _check_policy_args("build_timeline", policy, "national", include_drafts)
    names = expect_names("build_timeline", "tracks", tracks)
    expect_date("build_timeline", "since", since, optional=True)
    expect_date("build_timeline", "until", until, optional=True)
    return _timeline.build_timeline(policy, names or None, since, until, include_drafts)


def field_history(policy: Policy, path: str, track: str = "national",
                  every_step: bool = False) -> FieldHistory:
    """The value of one field at every snapshot of a track (only changes, unless asked)."""
    _check_policy_args("field_history", policy, track, every_step)
    expect_text("field_history", "path", path)
    return _timeline.field_history(policy, path, track, every_step)


def compare_tracks(policy: Policy, track_a: str, track_b: str, as_of: dt.date) -> Diff:
    """How two jurisdictions' rules differed on a date (a → b)."""
    _check_policy_args("compare_tracks", policy, track_a)
    expect_text("compare_tracks", "track_b", track_b)
    expect_date("compare_tracks", "as_of", as_of)
    return _timeline.compare_tracks(policy, track_a, track_b, as_of)


def load_snapshot(path: str, catalog: Catalog | None = None) -> Snapshot:
    """Load and validate one snapshot file on its own (citations are not resolved)."""
    expect_text("load_snapshot", "path", path)
    expect("load_snapshot", "catalog", catalog, (Catalog, type(None)), "a Catalog or None")
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
    return accepted_map(read_accept_entries(path)) or {}


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
    expect("diff_sides", "old", old, Side, "a Side (api.open_operand)")
    expect("diff_sides", "new", new, Side, "a Side (api.open_operand)")
    if old.openfisca is not None or new.openfisca is not None:
        from .openfisca_diff import compare_trees
        from .openfisca_model import ParameterTree

        def tree(side: Side) -> ParameterTree | None:
            if side.openfisca is None and not side.version.tree.values:  # an absent file
                return ParameterTree(side.version.name, ())
            return side.openfisca
        old_tree, new_tree = tree(old), tree(new)
        if old_tree is not None and new_tree is not None:
            return compare_trees(old_tree, new_tree, severities)
    catalog = new.catalog if not new.catalog.generic else old.catalog
    diff = compare(old.version, new.version, catalog, severities)
    if old.proposed or new.proposed:
        return replace(diff, changes=proposed(diff.changes))
    return diff


def filter_diff(diff: Diff, filters: Filters) -> Diff:
    """Keep the changes under `only`, drop `exclude` and accepted fingerprints (counted)."""
    expect("filter_diff", "diff", diff, Diff, "a Diff")
    expect("filter_diff", "filters", filters, Filters, "a Filters")
    return _filter_diff(diff, filters)


def check_paths(paths: Iterable[str], policies_dir: str | None = None) -> list[LoadError]:
    """Every problem in the given policy folders or files (default: all policies in use),
    sorted by file and position. A file of a policy brings what it affects: policy.yaml the
    whole policy, a snapshot its own track and the tracks laid over it."""
    targets = list(expect_names("check_paths", "paths", paths))
    expect_text("check_paths", "policies_dir", policies_dir, optional=True)
    if not targets:
        root = policies_root(policies_dir)
        targets = [os.path.join(root, pid) for pid in list_policy_ids(root)]
    checked: dict[str, Checked] = {}
    problems: list[LoadError] = []
    for target in targets:
        problems.extend(_check_target(target, checked))
    return list(sort_problems(problems))


def _check_target(target: str, checked: dict[str, Checked]) -> list[LoadError]:
    def policy_at(folder: str) -> Checked:
        key = os.path.abspath(folder)
        if key not in checked:
            checked[key] = check_policy(folder)
        return checked[key]

    from .openfisca_store import detect, read_tree

    if os.path.isdir(target):
        if detect(target):  # OpenFisca parameters: openfisca-core's checks, every problem kept
            return list(read_tree(target).problems)
        if os.path.isfile(os.path.join(target, POLICY_FILE)):
            checked_here = policy_at(target)
            return list(checked_here.problems) + _check_extras(target, checked_here.policy)
        parent = os.path.dirname(os.path.abspath(target))
        if os.path.isfile(os.path.join(parent, POLICY_FILE)):  # a track's folder
            return _affected(policy_at(parent), parent, os.path.basename(os.path.abspath(target)),
                             "")
        found: list[LoadError] = []
        for name in sorted(os.listdir(target)):
            if os.path.isfile(os.path.join(target, name, POLICY_FILE)):
                found.extend(policy_at(os.path.join(target, name)).problems)
        return found
    head = os.path.dirname(os.path.dirname(os.path.abspath(target)))
    if os.path.basename(target) == POLICY_FILE:
        head = os.path.dirname(os.path.abspath(target))
    if os.path.isfile(os.path.join(head, POLICY_FILE)):
        result = policy_at(head)
        rel = os.path.relpath(os.path.abspath(target), head)
        if rel == POLICY_FILE:
            return list(result.problems)
        return _affected(result, head, rel.split(os.sep)[0], rel)
    return _check_lone_file(target)


def _affected(result: Checked, head: str, track: str, rel: str) -> list[LoadError]:
    """The problems of a policy that a file (or a track's folder) affects."""
    tracks = affected_tracks(result.policy, track)
    return [p for p in result.problems
            if _rel(p.where, head) in (rel, POLICY_FILE)
            or _rel(p.where, head).split(os.sep)[0] in tracks]


def affected_tracks(policy: Policy | None, track: str) -> set[str]:
    """`track` and every track laid over it, directly or through others."""
    found = {track}
    grew = policy is not None
    while grew and policy is not None:
        more = {t.id for t in policy.tracks if t.extends in found} - found
        found |= more
        grew = bool(more)
    return found


def _rel(where: str, head: str) -> str:
    return os.path.relpath(os.path.abspath(where), head) if where else ""


def _check_lone_file(target: str) -> list[LoadError]:
    """A file outside any policy folder: a snapshot alone, or a policy.yaml-like file."""
    from . import openfisca_sides

    try:
        doc = openfisca_sides.open_file(target)  # loaded once, as parameters if it has their shape
        if not isinstance(doc, Document):
            return []
        if isinstance(doc.data, dict) and any(k in doc.data for k in _EXTRA_KEYS):
            return _check_extra(doc)
        if isinstance(doc.data, dict) and "snapshot" in doc.data:
            parse_snapshot(doc)
        elif isinstance(doc.data, dict) and "policy" in doc.data:
            found = check_schema(doc, "policy")
            return found or check_fields(doc, build_policy(doc).fields)
    except ValidationError as exc:
        return list(exc.problems)
    except LoadError as exc:
        return [exc]
    return []


def build_effects(policy: Policy, tracks: Iterable[str] | None = None) -> EffectsRegister:
    """The effects register of `policy`: what each law did to which rule, and when."""
    chosen = select_tracks(policy, tracks)
    return register_of(policy, build_timeline(policy, chosen), chosen)


def build_report(policy: Policy, *, as_of: dt.date, tracks: Iterable[str] | None = None,
                 since: dt.date | None = None, until: dt.date | None = None,
                 impact: Impact | None = None) -> Report:
    """Everything the change report shows, drafts included as marked events; `as_of` dates
    the rules in force; `impact`, when given, adds who is affected."""
    from .report import build_report as build

    expect("build_report", "policy", policy, Policy, "a Policy (api.load_policy)")
    names = _report_args("build_report", as_of, tracks, since, until)
    return build(policy, as_of=as_of, tracks=select_tracks(policy, names or None), since=since,
                 until=until, impact=impact)


def load_report(policy: str | None = None, policies_dir: str | None = None, *,
                as_of: dt.date, tracks: Iterable[str] | None = None,
                since: dt.date | None = None, until: dt.date | None = None) -> Report:
    """The report of a policy by id (or folder path), as `build_report` makes it. A report
    of an unchanged folder, asked for again with the same dates and tracks, comes from the
    cache folder (`policycache`): its comparisons, histories and rules in force are worked
    out once, and the policy is not even read back."""
    from . import policycache
    from .cachedir import default_cache_dir
    from .reportmodel import Report
    from .store import folder_key, policy_folder

    expect_text("load_report", "policy", policy, optional=True)
    expect_text("load_report", "policies_dir", policies_dir, optional=True)
    names = _report_args("load_report", as_of, tracks, since, until)
    root = policies_root(policies_dir)
    folder = policy_folder(root, policy or default_policy(root))
    key = folder_key(folder)
    if key:
        key = policycache.derived_key(key, repr(("report", as_of, names, since, until)))
        kept = policycache.get(default_cache_dir(), key, Report)
        if kept is not None:
            return kept
    report = build_report(load_policy_folder(folder), as_of=as_of, tracks=names or None,
                          since=since, until=until)
    if key:
        policycache.put(default_cache_dir(), key, report)
    return report


def _report_args(function: str, as_of: object, tracks: object, since: object,
                 until: object) -> tuple[str, ...]:
    expect_date(function, "as_of", as_of)
    expect_date(function, "since", since, optional=True)
    expect_date(function, "until", until, optional=True)
    return expect_names(function, "tracks", tracks)


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
