"""The law as it stands: an instrument's own status, its dates by their legal names, and
where a snapshot (a consolidated version of the rules) stands among the versions of its track.

A version followed by a later one is not repealed: these words keep the two ideas apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from .i18n import message
from .model import Change, Citation, JSONValue, Policy, Snapshot, SnapshotMeta, Status, Text


@dataclass(frozen=True)
class VersionState:
    """Where a snapshot stands among the versions of its track."""

    current: bool
    proposed: bool
    followed_by: Snapshot | None = None

    def words(self, date: dt.date, lang: str) -> str:
        """"current version", "version of D, followed by the version of D2", "proposed …"."""
        if self.proposed:
            return message("legal.version.proposed", lang, date=date.isoformat())
        if self.followed_by is not None:
            return message("legal.version.followed_by", lang, date=date.isoformat(),
                           next=self.followed_by.effective.isoformat())
        return message("legal.version.current", lang, date=date.isoformat())


def version_state(policy: Policy, snap: Snapshot) -> VersionState:
    """Whether `snap` is its track's current version or was followed by a later one."""
    if not snap.meta.status.is_law:
        return VersionState(current=False, proposed=True)
    later = [s for s in policy.snapshots_of(snap.track)
             if s.meta.status.is_law and s.effective > snap.effective]
    return VersionState(current=not later, proposed=False,
                        followed_by=min(later, key=lambda s: s.effective) if later else None)


def proposed(changes: tuple[Change, ...]) -> tuple[Change, ...]:
    """Changes a draft would make, each sentence marked as proposed in both languages (so
    every format says so); fingerprints are kept."""
    return tuple(replace(c, sentence=Text(
        message("legal.proposed_sentence", "en", sentence=c.sentence.en),
        message("legal.proposed_sentence", "zh", sentence=c.sentence.zh))) for c in changes)


def status_words(meta: SnapshotMeta, lang: str) -> str:
    """The instrument's legal status in words, marked when not confirmed, with its repeal."""
    text = message(f"legal.status.{meta.status.value}", lang)
    if meta.repeal is not None:
        key = "legal.repeal.dated" if meta.repeal.date else "legal.repeal.undated"
        text = message(key, lang, status=text, by=meta.repeal.by.get(lang),
                       date=meta.repeal.date.isoformat() if meta.repeal.date else "")
    elif meta.status is Status.EXPIRED and meta.dates.expires:
        text = message("legal.expired_on", lang, status=text,
                       date=meta.dates.expires.isoformat())
    if meta.status_unconfirmed:
        text = message("legal.status_unconfirmed", lang, status=text)
    return text


def status_tag(meta: SnapshotMeta, lang: str) -> str:
    """A one-word tag for an instrument that is not law ("draft"), else its status words."""
    if meta.status in (Status.DRAFT, Status.ANNOUNCED):
        return message(f"legal.tag.{meta.status.value}", lang)
    return status_words(meta, lang)


def date_name(name: str, lang: str) -> str:
    """A date's name as the law says it: adopted, promulgated, issued, takes effect, …"""
    return message(f"legal.date.{name}", lang)


def dates_words(meta: SnapshotMeta, lang: str) -> str:
    """"Adopted 2012-06-30; promulgated 2012-06-30; takes effect 2013-07-01" (no effective
    date for a draft: its comment period instead)."""
    sep = "；" if lang == "zh" else "; "
    text = sep.join(message("legal.dated", lang, name=date_name(name, lang),
                            date=value.isoformat()) for name, value in meta.dates.named())
    # Inside a sentence the names are not headings: "adopted 2012-06-30; takes effect …".
    return text.lower() if lang == "en" else text


EFFECT_TYPES = ("inserted", "substituted", "repealed", "amended", "applied_to_region", "expired")
"""The kinds of effect one instrument has on a provision or on another instrument."""


@dataclass(frozen=True)
class Effect:
    """One row of the effects register: what was affected, by what, how, when, and whether
    this data has applied it."""

    type: str
    track: str
    affected: Text
    provision: Text
    by: Text
    date: dt.date | None
    applied: bool
    origin: str
    path: str = ""
    by_provision: str = ""
    by_snapshot: str = ""
    unconfirmed: bool = False
    citation: Citation | None = None
    note: Text = field(default_factory=Text)

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form (see `policy-tracker schema effects`)."""
        return {"type": self.type, "date": self.date.isoformat() if self.date else None,
                "track": self.track, "affected": self.affected.to_dict(),
                "provision": self.provision.to_dict(), "path": self.path,
                "by": self.by.to_dict(), "by_provision": self.by_provision,
                "by_snapshot": self.by_snapshot or None, "applied": self.applied,
                "unconfirmed": self.unconfirmed, "origin": self.origin,
                "citation": self.citation.to_dict() if self.citation else None,
                "note": self.note.to_dict()}


@dataclass(frozen=True)
class EffectsRegister:
    """Every effect recorded for a policy, in date order."""

    policy: str
    title: Text
    effects: tuple[Effect, ...]
    tracks: tuple[tuple[str, Text], ...] = ()

    def unapplied(self) -> int:
        """How many effects this data has not applied."""
        return sum(1 for e in self.effects if not e.applied)

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form (see `policy-tracker schema effects`)."""
        return {"policy": self.policy, "title": self.title.to_dict(),
                "count": len(self.effects), "unapplied": self.unapplied(),
                "effects": [e.to_dict() for e in self.effects]}
