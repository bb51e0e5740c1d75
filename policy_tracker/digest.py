"""A digest for a periodic note: the instruments whose legal or recorded date falls after a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .impactmodel import Digest, DigestItem
from .model import Event, Policy
from .timeline import build_timeline


def build_digest(policy: Policy, since: dt.date, tracks: Iterable[str] | None = None,
                 include_drafts: bool = True) -> Digest:
    """Events effective after `since`, or recorded after it (published, promulgated,
    approved), newest legal date last; drafts are kept and marked proposed."""
    timeline = build_timeline(policy, tracks, include_drafts=include_drafts)
    items = []
    for event in timeline.events:
        found = _why(event, since)
        if found is not None:
            items.append(DigestItem(event, found[0], found[1]))
    return Digest(policy.id, policy.title, since, tuple(items), timeline.track_titles)


def _why(event: Event, since: dt.date) -> tuple[str, dt.date] | None:
    if event.date > since:
        return ("effective" if event.is_law else "recorded"), event.date
    meta = event.snapshot
    recorded = [d for d in ((meta.dates.published, meta.dates.promulgated, meta.dates.approved)
                            if meta else ()) if d is not None and d > since]
    if event.commit is not None and event.commit.committed.date() > since:
        recorded.append(event.commit.committed.date())
    return ("recorded", max(recorded)) if recorded else None
