"""Values of applicant impact: verdicts per route with their reasons, changes across versions,
and digests of recent changes. Frozen dataclasses, no I/O."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from .model import Change, Citation, Event, JSONValue, Text


class Verdict(str, enum.Enum):
    """Three-valued: a route's conditions are met, not met, or cannot be decided."""

    MEETS = "meets"
    DOES_NOT_MEET = "does_not_meet"
    CANNOT_TELL = "cannot_tell"


@dataclass(frozen=True)
class RuleRef:
    """A rule value a condition read: its label, value, instrument and citation."""

    path: str
    label: Text
    value: JSONValue
    unit: str = ""
    citation: Citation | None = None
    instrument: str = ""
    instrument_title: Text = Text()
    unconfirmed: bool = False

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form."""
        return {"path": self.path, "label": self.label.to_dict(), "value": self.value,
                "unit": self.unit, "instrument": self.instrument,
                "instrument_title": self.instrument_title.to_dict(),
                "citation": self.citation.to_dict() if self.citation else None,
                "unconfirmed": self.unconfirmed}


@dataclass(frozen=True)
class Reason:
    """One condition that decided a verdict: the fact, the comparison and the rule value."""

    verdict: Verdict
    kind: str
    fact: str = ""
    fact_value: JSONValue = None
    op: str = ""
    rule: RuleRef | None = None
    literal: JSONValue = None

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form."""
        return {"verdict": self.verdict.value, "kind": self.kind, "fact": self.fact or None,
                "fact_value": self.fact_value, "op": self.op or None,
                "rule": self.rule.to_dict() if self.rule else None, "literal": self.literal}


@dataclass(frozen=True)
class RouteVerdict:
    """The verdict on one route for one profile on one date, with the reasons that decided it."""

    route: str
    title: Text
    verdict: Verdict
    reasons: tuple[Reason, ...]
    proposed: bool = False

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form."""
        return {"route": self.route, "title": self.title.to_dict(),
                "verdict": self.verdict.value, "proposed": self.proposed,
                "reasons": [r.to_dict() for r in self.reasons]}


@dataclass(frozen=True)
class Eligibility:
    """Every route of one track on one date, evaluated for one profile."""

    policy: str
    profile: str
    profile_title: Text
    track: str
    track_title: Text
    as_of: dt.date
    snapshots: tuple[str, ...]
    proposed: bool
    routes: tuple[RouteVerdict, ...]
    last_verified: str = ""
    snapshot_titles: tuple[Text, ...] = ()

    def route(self, route_id: str) -> RouteVerdict | None:
        """The verdict on `route_id` (None when the route is not in the rules that day)."""
        return next((r for r in self.routes if r.route == route_id), None)

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form."""
        return {"policy": self.policy, "profile": self.profile,
                "profile_title": self.profile_title.to_dict(), "track": self.track,
                "as_of": self.as_of.isoformat(), "snapshots": list(self.snapshots),
                "snapshot_titles": [t.to_dict() for t in self.snapshot_titles],
                "proposed": self.proposed, "last_verified": self.last_verified or None,
                "not_legal_advice": True, "routes": [r.to_dict() for r in self.routes]}


@dataclass(frozen=True)
class ImpactChange:
    """A profile whose verdict on a route differs between two versions of the rules."""

    profile: str
    profile_title: Text
    track: str
    route: str
    route_title: Text
    old_date: dt.date
    new_date: dt.date
    old: Verdict | None
    new: Verdict | None
    reasons: tuple[Reason, ...]
    instrument: str = ""
    instrument_title: Text = Text()
    proposed: bool = False

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form (a missing verdict means the route was not in the rules that day)."""
        return {"profile": self.profile, "profile_title": self.profile_title.to_dict(),
                "track": self.track, "route": self.route,
                "route_title": self.route_title.to_dict(),
                "old_date": self.old_date.isoformat(), "new_date": self.new_date.isoformat(),
                "old": self.old.value if self.old else None,
                "new": self.new.value if self.new else None,
                "instrument": self.instrument,
                "instrument_title": self.instrument_title.to_dict(),
                "proposed": self.proposed, "reasons": [r.to_dict() for r in self.reasons]}


@dataclass(frozen=True)
class Impact:
    """The profiles whose verdicts change between versions of one track's rules."""

    policy: str
    track: str
    track_title: Text
    dates: tuple[dt.date, ...]
    profiles: tuple[str, ...]
    changes: tuple[ImpactChange, ...]
    last_verified: str = ""

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form."""
        return {"policy": self.policy, "track": self.track,
                "dates": [d.isoformat() for d in self.dates], "profiles": list(self.profiles),
                "last_verified": self.last_verified or None, "not_legal_advice": True,
                "changes": [c.to_dict() for c in self.changes]}


@dataclass(frozen=True)
class DigestItem:
    """One instrument in a digest and the date that brought it in (legal or recorded)."""

    event: Event
    reason: str
    date: dt.date

    @property
    def changes(self) -> tuple[Change, ...]:
        """The event's changes."""
        return self.event.changes


@dataclass(frozen=True)
class Digest:
    """The changes whose legal or recorded date falls after a date, for a periodic note."""

    policy: str
    title: Text
    since: dt.date
    items: tuple[DigestItem, ...]
    track_titles: tuple[tuple[str, Text], ...] = ()

    def track_title(self, track: str, lang: str = "en") -> str:
        """A track's name in `lang`."""
        return next((t.get(lang) for name, t in self.track_titles if name == track), track)
