"""Policy folders on disk: where they are, and loading one with every problem collected."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .packagedata import package_path
from .cachedir import default_cache_dir
from .catalog import Catalog
from .errors import LoadError, NotFoundError, PolicyTrackerError, ValidationError
from . import policycache
from .load import parse_document, read_bytes
from .model import Document, Policy, Snapshot

if TYPE_CHECKING:
    from .cache import DocumentCache
from .rules import rules_as_of
from .fieldcheck import check_fields
from .validate import (build_policy, build_snapshot, check_schema,
                       check_snapshot, overlay_problems)

POLICY_FILE = "policy.yaml"


def bundled_root() -> str:
    """The `policies/` folder installed with the package (or beside it, in a source tree)."""
    installed = package_path("_policies")
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
    cache = _policy_file_cache()
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    cached = cache.get(blob, name)
    if cached is not None:
        return cached
    document = parse_document(data, name)
    cache.put(blob, document)
    cache.commit()
    return document


_CACHES: dict[str, DocumentCache] = {}  # imported on first use: a run that finds its checked
# policy kept whole never opens the database (nor imports sqlite3)


def _policy_file_cache() -> DocumentCache:
    """One cache (one database connection) per cache folder for the whole process: a second
    connection would wait on the first one's open transaction."""
    from .cache import DocumentCache

    folder = default_cache_dir()
    if folder not in _CACHES:
        _CACHES[folder] = DocumentCache(folder)
    return _CACHES[folder]


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
    """Load a policy folder, collecting every problem in every file (sorted by file and
    position); a policy.yaml that breaks the schema still has its snapshots checked."""
    problems: list[LoadError] = []
    try:
        head_doc = load_document(os.path.join(folder, POLICY_FILE))
    except LoadError as exc:
        return Checked(None, (exc,))
    schema_errors = check_schema(head_doc, "policy")
    if schema_errors:
        problems.extend(schema_errors)
        problems.extend(_check_snapshots_alone(head_doc, folder))
        return Checked(None, sort_problems(problems))
    head = build_policy(head_doc)
    problems.extend(_check_head(head, head_doc, folder))
    cycles = extends_cycles(head, head_doc)
    problems.extend(cycles)
    problems.extend(check_fields(head_doc, head.fields))
    catalog = Catalog.of(head)
    known_sources = {s.id for s in head.sources}
    snapshots: list[Snapshot] = []
    for track in head.tracks:
        for path in _track_files(folder, track.id):
            try:
                doc = load_document(path)
            except LoadError as exc:
                problems.append(exc)
                continue
            found = check_schema(doc, "snapshot")
            if found:
                problems.extend(found)
                continue
            snap = build_snapshot(doc, track.id, head.sources, catalog)
            problems.extend(check_snapshot(doc, snap, os.path.basename(path), catalog,
                                           known_sources, head.citations))
            snapshots.append(snap)
    snapshots.sort(key=lambda s: (s.effective, s.meta.id))
    policy = build_policy(head_doc, tuple(snapshots))
    problems.extend(same_dates(policy))
    if not cycles:  # resolving overlays needs a chain of tracks that ends
        problems.extend(_check_across(policy, catalog))
    problems.extend(_check_effects(policy, head_doc))
    return Checked(policy if not cycles else None, sort_problems(problems))


def sort_problems(problems: list[LoadError]) -> tuple[LoadError, ...]:
    """Problems by file, then position, then message; each once."""
    unique = {(p.where, p.line, p.col, p.message): p for p in problems}
    return tuple(unique[k] for k in sorted(unique))


def _track_files(folder: str, track: str) -> list[str]:
    track_dir = os.path.join(folder, track)
    names = sorted(os.listdir(track_dir)) if os.path.isdir(track_dir) else []
    return [os.path.join(track_dir, n) for n in names if n.endswith((".yaml", ".yml"))]


def _check_snapshots_alone(head_doc: Document, folder: str) -> list[LoadError]:
    """With a broken policy.yaml: each snapshot's own problems (no catalogue, no sources)."""
    tracks = head_doc.data.get("tracks") if isinstance(head_doc.data, dict) else None
    ids = [t["id"] for t in tracks if isinstance(t, dict) and isinstance(t.get("id"), str)
           and os.sep not in t["id"] and t["id"] not in (".", "..")] \
        if isinstance(tracks, list) else []
    found: list[LoadError] = []
    generic = Catalog(generic=True)
    for track in ids:
        for path in _track_files(folder, track):
            try:
                doc = load_document(path)
            except LoadError as exc:
                found.append(exc)
                continue
            schema = check_schema(doc, "snapshot")
            if schema:
                found.extend(schema)
                continue
            snap = build_snapshot(doc, track, (), generic)
            found.extend(p for p in check_snapshot(doc, snap, os.path.basename(path), generic,
                                                   set())
                         if "source" not in p.message)
    return found


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


def extends_cycles(head: Policy, doc: Document) -> list[LoadError]:
    """Tracks whose `extends` chain comes back to itself, each cycle reported once at the
    `extends` that closes it (the last one met walking from the first track of the cycle)."""
    found: list[LoadError] = []
    index = {t.id: i for i, t in enumerate(head.tracks)}
    reported: set[str] = set()
    for start in head.tracks:
        chain: list[str] = []
        current = start.id
        while current in index and current not in chain and current not in reported:
            chain.append(current)
            current = head.tracks[index[current]].extends
        if current not in chain:
            continue
        cycle = chain[chain.index(current):]
        reported.update(cycle)
        closing = cycle[-1]
        loop = " -> ".join([*cycle, current])
        found.append(LoadError(f"track {closing!r} extends {current!r}, which makes a cycle "
                               f"({loop}); a chain of tracks must end at a base track",
                               doc.name, *_pos(doc, ("tracks", index[closing], "extends"))))
    return found


def same_dates(policy: Policy) -> list[LoadError]:
    """Two snapshots of one track effective on the same day: which applies would be a guess."""
    found: list[LoadError] = []
    for track in policy.tracks:
        first: dict[object, Snapshot] = {}
        for snap in policy.snapshots_of(track.id):
            other = first.setdefault(snap.effective, snap)
            if other is snap:
                continue
            line, col = _pos(other.document, ("snapshot", "dates", "effective"))
            found.append(LoadError(
                f"effective date {snap.effective} is also that of {other.meta.id!r} "
                f"({other.document.name}:{line}:{col}) in track {track.id!r}; one track has "
                "one snapshot per day", snap.document.name,
                *_pos(snap.document, ("snapshot", "dates", "effective"))))
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
    # A later version of the rules does not end an earlier instrument: no status check here.
    for track in policy.tracks:
        if not track.extends or policy.track(track.extends) is None:
            continue  # an unknown base track is reported in policy.yaml
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


def _check_effects(policy: Policy, doc: Document) -> list[LoadError]:
    """Effects in policy.yaml name tracks, snapshots and sources that exist."""
    found = []
    ids = {s.meta.id for s in policy.snapshots}
    sources = {s.id for s in policy.sources}
    for i, effect in enumerate(policy.effects):
        checks = (("track", effect.track, {t.id for t in policy.tracks}),
                  ("by_snapshot", effect.by_snapshot, ids),
                  ("cite", effect.citation.source if effect.citation else "", sources))
        for key, value, known in checks:
            if value and value not in known:
                found.append(LoadError(f"effects[{i}].{key} names unknown {value!r}",
                                       doc.name, *_pos(doc, ("effects", i, key))))
    return found


_LOADED: dict[str, tuple[str, Policy]] = {}


def folder_key(folder: str) -> str:
    """The cache key of a policy folder as its files are now ("" when one cannot be read):
    what is kept for the policy, or worked out from it alone, is kept under this key."""
    where = os.path.abspath(folder)
    stamp = _stamp(where)
    return policycache.entry_key(stamp, where) if stamp is not None else ""


def load_policy(folder: str) -> Policy:
    """Load a policy folder; any problem raises a `ValidationError` listing them all. A folder
    whose files have not changed since it was last loaded is not checked again: in this
    process (`diff A B` looks both operands up in the same policy) or, through the cache
    folder, in an earlier one (`policycache`)."""
    where = os.path.abspath(folder)
    stamp = _stamp(where)
    hit = _LOADED.get(where)
    if hit is not None and stamp is not None and hit[0] == stamp:
        return hit[1]
    key = policycache.entry_key(stamp, where) if stamp is not None else ""
    kept = policycache.get(default_cache_dir(), key, Policy) if key else None
    if kept is not None:
        _LOADED[where] = (stamp or "", kept)
        return kept
    checked = check_policy(folder)
    if checked.problems or checked.policy is None:
        raise ValidationError(checked.problems)
    if key:
        policycache.put(default_cache_dir(), key, checked.policy)
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
                digest.update(b"\0%d\0" % info.st_size + read_bytes(path, follow_links=False))
    except (OSError, PolicyTrackerError):
        return None
    return digest.hexdigest()

