"""Where the tool keeps its caches (parsed files, comparisons, checked policies, compiled
templates): a module of its own so that finding the folder imports nothing else."""

from __future__ import annotations

import os
import stat

CACHE_ENV = "POLICY_TRACKER_CACHE_DIR"


def default_cache_dir() -> str:
    """`$POLICY_TRACKER_CACHE_DIR`, else `$XDG_CACHE_HOME/policy-tracker`, else ~/.cache."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return explicit
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    base = xdg if os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "policy-tracker")


def owned_privately(info: os.stat_result) -> bool:
    """Whether a file or folder belongs to the user running the tool and nobody else may write
    it: the condition for reading anything from the cache that Python runs or unpickles."""
    uid = os.geteuid() if hasattr(os, "geteuid") else info.st_uid
    return info.st_uid == uid and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
