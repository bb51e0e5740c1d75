"""Shell completion values: policy ids, tracks and snapshot ids, read quickly and never
failing (a completion that raises would print a traceback into the user's shell)."""

from __future__ import annotations

import os

from .errors import PolicyTrackerError
from .store import POLICY_FILE, list_policy_ids, load_document, policies_root


def _root(policies_dir: str | None) -> str | None:
    try:
        return policies_root(policies_dir)
    except PolicyTrackerError:
        return None


def _ids(root: str | None) -> tuple[str, ...]:
    try:
        return list_policy_ids(root) if root else ()
    except PolicyTrackerError:
        return ()


def policy_ids(policies_dir: str | None) -> list[str]:
    """Ids of the policies in use."""
    return list(_ids(_root(policies_dir)))


def _policy_folder(policies_dir: str | None, policy: str | None) -> str | None:
    root = _root(policies_dir)
    ids = _ids(root)
    if root is None:
        return None
    chosen = policy if policy in ids else (ids[0] if len(ids) == 1 else None)
    if chosen is None and "cn-permanent-residence" in ids:
        chosen = "cn-permanent-residence"
    return os.path.join(root, chosen) if chosen else None


def track_ids(policies_dir: str | None, policy: str | None) -> list[str]:
    """Track ids of a policy (the named one, else the default one)."""
    folder = _policy_folder(policies_dir, policy)
    if folder is None:
        return []
    try:
        data = load_document(os.path.join(folder, POLICY_FILE)).data
    except (PolicyTrackerError, OSError):
        return []
    tracks = data.get("tracks") if isinstance(data, dict) else None
    return [str(t["id"]) for t in tracks or () if isinstance(t, dict) and "id" in t]


def snapshot_ids(policies_dir: str | None, policy: str | None) -> list[str]:
    """Snapshot ids of a policy, in file order, read from each file's `snapshot.id`."""
    folder = _policy_folder(policies_dir, policy)
    out: list[str] = []
    for track in track_ids(policies_dir, policy):
        track_dir = os.path.join(folder or "", track)
        if not os.path.isdir(track_dir):
            continue
        for name in sorted(os.listdir(track_dir)):
            if not name.endswith((".yaml", ".yml")):
                continue
            try:
                data = load_document(os.path.join(track_dir, name)).data
            except (PolicyTrackerError, OSError):
                continue
            meta = data.get("snapshot") if isinstance(data, dict) else None
            if isinstance(meta, dict) and meta.get("id"):
                out.append(str(meta["id"]))
    return out
