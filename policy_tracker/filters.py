"""Which changes a user wants to see: path globs and accepted fingerprints."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, replace
from collections.abc import Mapping

from .model import Diff


@dataclass(frozen=True)
class Filters:
    """Which changes a user wants to see."""

    only: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    accepted: Mapping[str, str] | None = None


def filter_diff(diff: Diff, filters: Filters) -> Diff:
    """Keep the changes under `only`, drop `exclude` and accepted fingerprints (counted)."""
    def wanted(path_text: str) -> bool:
        if filters.only and not any(_glob(path_text, g) for g in filters.only):
            return False
        return not any(_glob(path_text, g) for g in filters.exclude)
    kept = [c for c in diff.changes if wanted(c.path_text)]
    accepted = filters.accepted or {}
    return replace(diff, changes=tuple(c for c in kept if c.fingerprint not in accepted),
                   accepted=diff.accepted + tuple(c for c in kept if c.fingerprint in accepted))


def _glob(path_text: str, pattern: str) -> bool:
    return any(fnmatch.fnmatchcase(path_text, p) for p in (pattern, pattern + ".*",
                                                           pattern + "[[]*"))
