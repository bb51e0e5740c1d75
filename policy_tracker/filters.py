"""Which changes a user wants to see: path globs, severity, rule ids, accepted fingerprints."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, replace
from collections.abc import Iterable, Mapping

from .errors import InputError
from .model import Change, Diff, Severity, Timeline

_RANK = {Severity.EDITORIAL: 0, Severity.MINOR: 1, Severity.MAJOR: 2}


@dataclass(frozen=True)
class Filters:
    """Which changes a user wants to see."""

    only: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    accepted: Mapping[str, str] | None = None
    min_severity: Severity | None = None
    rules: tuple[str, ...] = ()

    def keeps(self, change: Change) -> bool:
        """Is the change at or above `min_severity` and of one of `rules` (when given)?"""
        if self.min_severity is not None and _RANK[change.severity] < _RANK[self.min_severity]:
            return False
        return not self.rules or change.rule in self.rules


def check_rules(rules: tuple[str, ...], known: Iterable[str]) -> tuple[str, ...]:
    """The rule ids asked for, each checked against the rule catalogue."""
    names = sorted(known)
    for rule in rules:
        if rule not in names:
            raise InputError(f"unknown rule {rule!r}; rules: {', '.join(names)}")
    return rules


def filter_diff(diff: Diff, filters: Filters) -> Diff:
    """Keep the changes under `only`, drop `exclude` and accepted fingerprints (counted)."""
    def wanted(path_text: str) -> bool:
        if filters.only and not any(_glob(path_text, g) for g in filters.only):
            return False
        return not any(_glob(path_text, g) for g in filters.exclude)
    kept = [c for c in diff.changes if wanted(c.path_text) and filters.keeps(c)]
    accepted = filters.accepted or {}
    return replace(diff, changes=tuple(c for c in kept if c.fingerprint not in accepted),
                   accepted=diff.accepted + tuple(c for c in kept if c.fingerprint in accepted))


def _glob(path_text: str, pattern: str) -> bool:
    return any(fnmatch.fnmatchcase(path_text, p) for p in (pattern, pattern + ".*",
                                                           pattern + "[[]*"))


def filter_timeline(timeline: Timeline, filters: Filters) -> Timeline:
    """The timeline with each event's changes filtered by severity and rule id."""
    if filters.min_severity is None and not filters.rules:
        return timeline
    events = tuple(replace(e, changes=tuple(c for c in e.changes if filters.keeps(c)))
                   for e in timeline.events)
    return replace(timeline, events=events)
