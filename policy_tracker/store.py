"""Policy folders on disk: where they are, and loading one with every problem collected."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from importlib import resources

from .cache import DocumentCache
from .catalog import Catalog
from .errors import LoadError, NotFoundError, ValidationError
from .load import parse_document, read_bytes
from .model import Document, Policy, Snapshot
from .rules import rules_as_of
from .validate import (build_policy, build_snapshot, check_schema,
                       check_snapshot, overlay_problems)

POLICY_FILE = "policy.yaml"


def bundled_root() -> str:
    """The `policies/` folder installed with the package (or beside it, in a source tree)."""
    installed = str(resources.files("policy_tracker").joinpath("_policies"))
    if os.path.isdir(installed):
        return installed
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "policies")


def display_name(path: str) -> str:
    """How files are named in messages and reports: relative to the current folder when they
    are under it, `policies/…` for the bundled data, else as given."""
    full = os.path.abspath(path)
    here = os.getcwd()
    if full.startswith(here + os.sep):
        return os.path.relpath(full, here)
    bundled = os.path.abspath(bundled_root())
    if full.startswith(bundled + os.sep):
        return "policies/" + os.path.relpath(full, bundled).replace(os.sep, "/")
    return path


def load_document(path: str) -> Document:
    """Read and parse one file of a policy folder, named for display. Parsed files are kept
    in the cache folder by content (the git blob id of their bytes), as git revisions are:
    reading one back is several times faster than parsing it."""
    data = read_bytes(path, follow_links=False)
    name = display_name(path)
    cache = DocumentCache.default()
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    cached = cache.get(blob, name)
    if cached is not None:
        return cached
    document = parse_document(data, name)
    cache.put(blob, document)
    return document


def policies_root(explicit: str | None = None, cwd: str | None = None) -> str:
    """`--policies DIR` if given, else `./policies` if present, else the bundled data."""
    if explicit:
        if not os.path.isdir(explicit):
            raise NotFoundError("no such policies directory", explicit)
        return explicit
    local = os.path.join(cwd or os.getcwd(), "policies")
    if os.path.isdir(local):
        return local
    return bundled_root()


def list_policy_ids(root: str) -> tuple[str, ...]:
    """Ids of the policy folders under `root`, sorted."""
    try:
        names = sorted(os.listdir(root))
    except OSError:
        raise NotFoundError("cannot list policies", root) from None
    return tuple(n for n in names if os.path.isfile(os.path.join(root, n, POLICY_FILE)))


def policy_folder(root: str, policy_id: str) -> str:
    """The folder of `policy_id`, or a NotFoundError listing the known ids."""
    if os.path.isdir(policy_id) and os.path.isfile(os.path.join(policy_id, POLICY_FILE)):
        return policy_id
    folder = os.path.join(root, policy_id)
    if policy_id in list_policy_ids(root):
        return folder
    known = ", ".join(list_policy_ids(root)) or "none"
    raise NotFoundError(f"unknown policy {policy_id!r}; policies: {known}", root)


@dataclass(frozen=True)
class Checked:
    """A loaded policy and every problem found while loading it."""

    policy: Policy | None
    problems: tuple[LoadError, ...]


def check_policy(folder: str) -> Checked:
    """Load a policy folder, collecting every problem in every file."""
    problems: list[LoadError] = []
    try:
        head_doc = load_document(os.path.join(folder, POLICY_FILE))
    except LoadError as exc:
        return Checked(None, (exc,))
    schema_errors = check_schema(head_doc, "policy")
    if schema_errors:
        return Checked(None, tuple(schema_errors))
    head = build_policy(head_doc)
    problems.extend(_check_head(head, head_doc, folder))
    catalog = Catalog(head.fields)
    known_sources = {s.id for s in head.sources}
    snapshots: list[Snapshot] = []
    for track in head.tracks:
        track_dir = os.path.join(folder, track.id)
        names = sorted(os.listdir(track_dir)) if os.path.isdir(track_dir) else []
        for name in names:
            if not name.endswith((".yaml", ".yml")):
                continue
            try:
                doc = load_document(os.path.join(track_dir, name))
            except LoadError as exc:
                problems.append(exc)
                continue
            found = check_schema(doc, "snapshot")
            if found:
                problems.extend(found)
                continue
            snap = build_snapshot(doc, track.id, head.sources, catalog)
            problems.extend(check_snapshot(doc, snap, name, catalog, known_sources))
            snapshots.append(snap)
    snapshots.sort(key=lambda s: (s.effective, s.meta.id))
    policy = build_policy(head_doc, tuple(snapshots))
    problems.extend(_check_across(policy, catalog))
    return Checked(policy, tuple(problems))


def _check_head(head: Policy, doc: Document, folder: str) -> list[LoadError]:
    found = []
    name = os.path.basename(os.path.normpath(folder))
    if head.id != name:
        found.append(LoadError(f"policy id {head.id!r} differs from its folder name {name!r}",
                               doc.name, *_pos(doc, ("policy", "id"))))
    ids = [t.id for t in head.tracks]
    for i, track in enumerate(head.tracks):
        if track.extends and track.extends not in ids:
            found.append(LoadError(f"track {track.id!r} extends unknown track {track.extends!r}; "
                                   f"tracks: {', '.join(ids)}", doc.name,
                                   *_pos(doc, ("tracks", i, "extends"))))
    for entry in sorted(os.listdir(folder)):
        if os.path.isdir(os.path.join(folder, entry)) and entry not in ids:
            found.append(LoadError(f"folder {entry!r} is not a track declared in policy.yaml; "
                                   f"tracks: {', '.join(ids)}", os.path.join(folder, entry)))
    return found


def _pos(doc: Document, path: tuple[str | int, ...]) -> tuple[int, int]:
    pos = doc.source_map.locate(doc.data, path)
    return (pos.line, pos.col) if pos else (0, 0)


def _check_across(policy: Policy, catalog: Catalog) -> list[LoadError]:
    found: list[LoadError] = []
    seen: dict[str, Snapshot] = {}
    for snap in policy.snapshots:
        doc = snap.document
        if snap.meta.id in seen:
            found.append(LoadError(f"snapshot id {snap.meta.id!r} is also used by "
                                   f"{seen[snap.meta.id].document.name}", doc.name,
                                   *_pos(doc, ("snapshot", "id"))))
        seen[snap.meta.id] = snap
    for track in policy.tracks:
        law = [s for s in policy.snapshots_of(track.id) if s.meta.status.is_law]
        for older, newer in zip(law, law[1:]):
            if older.meta.status.value == "in_force":
                found.append(LoadError(
                    f"status is in_force but {newer.meta.id!r} replaces it on {newer.effective}: "
                    "mark it superseded", older.document.name,
                    *_pos(older.document, ("snapshot", "status"))))
        if not track.extends:
            continue
        for snap in policy.snapshots_of(track.id):
            try:
                base = rules_as_of(policy, snap.effective, track.extends)
            except NotFoundError as exc:
                found.append(LoadError(f"no base rules in force: {exc.message}",
                                       snap.document.name))
                continue
            names = "+".join(s.meta.id for s in base.snapshots)
            found.extend(overlay_problems(snap.document, snap.rules, base.tree.values, (),
                                          catalog, names))
    return found


_LOADED: dict[str, tuple[str, Policy]] = {}


def load_policy(folder: str) -> Policy:
    """Load a policy folder; any problem raises a `ValidationError` listing them all. A folder
    whose files have not changed since it was last loaded (in this process) is not read again:
    `diff A B` looks both operands up in the same policy."""
    where = os.path.abspath(folder)
    stamp = _stamp(where)
    hit = _LOADED.get(where)
    if hit is not None and stamp is not None and hit[0] == stamp:
        return hit[1]
    checked = check_policy(folder)
    if checked.problems or checked.policy is None:
        raise ValidationError(checked.problems)
    if stamp is not None:
        if len(_LOADED) >= 4:
            _LOADED.clear()
        _LOADED[where] = (stamp, checked.policy)
    return checked.policy


def _stamp(folder: str) -> str | None:
    """A digest of every regular file's path and bytes under `folder` (None if unreadable)."""
    digest = hashlib.sha256()
    try:
        for here, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(here, name)
                info = os.lstat(path)
                digest.update(os.path.relpath(path, folder).encode("utf-8", "surrogateescape"))
                if not stat.S_ISREG(info.st_mode):
                    digest.update(b"\0special\0%d" % info.st_mode)
                    continue
                with open(path, "rb") as handle:
                    digest.update(b"\0%d\0" % info.st_size + handle.read())
    except OSError:
        return None
    return digest.hexdigest()

