"""What a change report shows, as frozen values: built by `report`, read by the renderers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .legal import EffectsRegister
from .model import (
    Citation,
    Direction,
    FieldHistory,
    JSONValue,
    Path,
    SnapshotMeta,
    Source,
    Step,
    Text,
    Timeline,
    Track,
)

if TYPE_CHECKING:  # the impact model is imported only when a report is asked for profiles
    from .impactmodel import Impact


@dataclass(frozen=True)
class PolicyMeta:
    """Who and what the report is about."""

    id: str
    title: Text
    jurisdiction: Text
    description: Text
    notes: tuple[Text, ...] = ()
    tracks: tuple[Track, ...] = ()
    """Every track of the policy, also those the report leaves out (overlay bases)."""


@dataclass(frozen=True)
class Counts:
    """How many instruments and changes the report covers."""

    instruments: int
    proposals: int
    changes: int
    by_direction: tuple[tuple[Direction, int], ...]
    proposed_changes: int = 0

    @property
    def laws(self) -> int:
        """Instruments that are law (not drafts or announcements)."""
        return self.instruments - self.proposals


@dataclass(frozen=True)
class Currency:
    """How recent the data is: the newest instrument and the newest dated source."""

    latest_snapshot: dt.date | None
    latest_snapshot_id: str = ""
    latest_snapshot_title: Text = field(default_factory=Text)
    latest_source: dt.date | None = None
    latest_source_id: str = ""


@dataclass(frozen=True)
class HistorySeries:
    """A numeric field over time in one track, with values proposed by drafts beside it."""

    history: FieldHistory
    proposals: tuple[Step, ...] = ()


@dataclass(frozen=True)
class OutlineNode:
    """One line of the rules in force: a label, a value (or children) and where it is cited."""

    path: Path
    label: Text
    value: JSONValue = None
    unit: str = ""
    children: tuple[OutlineNode, ...] = ()
    citation: Citation | None = None
    note: Text = field(default_factory=Text)
    unconfirmed: bool = False
    is_group: bool = False
    """A mapping or list item: what it holds are its children, it has no value of its own."""


@dataclass(frozen=True)
class RulesInForce:
    """The rules of one track on the report date and the snapshots combined to get them."""

    track: Track
    as_of: dt.date
    snapshots: tuple[SnapshotMeta, ...]
    outline: tuple[OutlineNode, ...]
    relative_to: str = ""
    """A base track: the outline holds only what differs from it."""


@dataclass(frozen=True)
class Report:
    """Everything the change report shows about one policy."""

    policy: PolicyMeta
    tracks: tuple[Track, ...]
    as_of: dt.date
    since: dt.date | None
    until: dt.date | None
    first: dt.date | None
    last: dt.date | None
    counts: Counts
    current: Currency
    timeline: Timeline
    histories: tuple[HistorySeries, ...]
    rules: tuple[RulesInForce, ...]
    sources: tuple[Source, ...]
    effects: EffectsRegister | None = None
    versions: tuple[tuple[str, str], ...] = ()
    """Each snapshot id with where its version stands, in words ("followed by …")."""
    impact: Impact | None = None
    """Applicant impact, when the report is asked for profiles (`--profiles`)."""

    def track_title(self, track_id: str) -> Text:
        """The title of a track in the report (its id when unknown)."""
        found = next((t for t in self.tracks + self.policy.tracks if t.id == track_id), None)
        return found.title if found else Text(track_id, track_id)

    def base_of(self, track_id: str) -> str:
        """The track an overlay track extends ("" for a base track)."""
        found = next((t for t in self.tracks + self.policy.tracks if t.id == track_id), None)
        return found.extends if found else ""

    def source(self, source_id: str) -> Source | None:
        """A source by id."""
        return next((s for s in self.sources if s.id == source_id), None)
