"""Who is affected: profiles whose verdict on a route changes between versions of the rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .conditions import Conditions
from .eligibility import evaluate
from .errors import InputError
from .impactmodel import Eligibility, Impact, ImpactChange, Reason, Verdict
from .model import Policy, Text
from .profiles import Profile
from .rules import rules_as_of
from .timeline import select_tracks


def history_dates(policy: Policy, track: str, drafts: bool = False,
                  since: dt.date | None = None,
                  until: dt.date | None = None) -> tuple[dt.date, ...]:
    """Every date on which a law snapshot of `track` or of the tracks it extends takes
    effect (with `drafts`: the dates of its drafts and announcements instead)."""
    chain = _chain(policy, track)
    dates = {s.effective for t in chain for s in policy.snapshots_of(t)
             if s.meta.status.is_law != drafts}
    first = min((s.effective for s in policy.snapshots_of(chain[-1])), default=None)
    return tuple(sorted(d for d in dates if (first is None or d >= first)
                        and (since is None or d >= since) and (until is None or d <= until)))


def _chain(policy: Policy, track: str) -> list[str]:
    chain: list[str] = []
    current = track
    while current:
        spec = policy.track(current)
        if spec is None:
            select_tracks(policy, [current])  # raises the usual unknown-track error
            break
        chain.append(current)
        current = spec.extends
    return chain


def build_impact(policy: Policy, conditions: Conditions, profiles: Iterable[Profile],
                 dates: Iterable[dt.date] | None = None, track: str = "",
                 include_drafts: bool = False) -> Impact:
    """Evaluate each profile on each date (the law only) and keep every route whose verdict
    changes. With `include_drafts`, each draft in that period is also compared with the law
    in force on its date, and what it would change is marked proposed."""
    people = tuple(profiles)
    changes: list[ImpactChange] = []
    used: set[dt.date] = set()
    for profile in people:
        chosen = track or (profile.region if profile.region and policy.track(profile.region)
                           else "national")
        steps = tuple(sorted(set(dates))) if dates is not None else \
            history_dates(policy, chosen)
        if len(steps) < 2:
            raise InputError("impact needs two dates or more to compare (--from and --to, or "
                             "--across-history over a track with two snapshots or more)")
        used.update(steps)
        evaluations = [_evaluate(policy, conditions, profile, day, chosen, False)
                       for day in steps]
        pairs = list(zip(evaluations, evaluations[1:]))
        if include_drafts:
            for day in history_dates(policy, chosen, True, steps[0], steps[-1]):
                pairs.append((_evaluate(policy, conditions, profile, day, chosen, False),
                              _evaluate(policy, conditions, profile, day, chosen, True)))
        pairs.sort(key=lambda pair: (pair[1].as_of, pair[1].proposed))
        for old, new in pairs:
            changes.extend(_changes(old, new, policy))
    spec = policy.track(track) if track else None
    return Impact(policy.id, track, spec.title if spec else Text(), tuple(sorted(used)),
                  tuple(p.id for p in people), tuple(changes), conditions.last_verified)


def _evaluate(policy: Policy, conditions: Conditions, profile: Profile, day: dt.date,
              track: str, include_drafts: bool) -> Eligibility:
    resolved = rules_as_of(policy, day, track, include_drafts)
    return evaluate(policy, conditions, profile, day, track, include_drafts, resolved)


def _changes(old: Eligibility, new: Eligibility, policy: Policy) -> list[ImpactChange]:
    out = []
    ids = [r.route for r in old.routes] + [r.route for r in new.routes
                                            if old.route(r.route) is None]
    introduced = [s for s in new.snapshots if s not in old.snapshots]
    instrument = introduced[-1] if introduced else (new.snapshots[-1] if new.snapshots else "")
    snap = next((s for s in policy.snapshots if s.meta.id == instrument), None)
    for route_id in ids:
        before, after = old.route(route_id), new.route(route_id)
        was = before.verdict if before else None
        now = after.verdict if after else None
        if was == now or not _matters(was, now):
            continue
        shown = after or before
        if shown is None:
            continue
        reasons: tuple[Reason, ...] = after.reasons if after else ()
        out.append(ImpactChange(new.profile, new.profile_title, new.track, route_id,
                                shown.title, old.as_of, new.as_of, was, now,
                                _deciding(reasons, now), instrument,
                                snap.meta.title if snap else Text(), new.proposed))
    return out


def _deciding(reasons: tuple[Reason, ...], verdict: Verdict | None) -> tuple[Reason, ...]:
    """The reasons that decided a verdict: for "meets", the route's own comparisons (the
    general conditions are met on both sides); otherwise those that failed or are unknown."""
    if verdict is Verdict.MEETS:
        own = tuple(r for r in reasons if not (r.rule and r.rule.path.startswith(
            "eligibility.general_conditions")))
        return own or reasons
    return reasons


def _matters(was: Verdict | None, now: Verdict | None) -> bool:
    """A change worth reporting: someone gains or loses "meets", or a route that stays in the
    rules turns from "does not meet" to "cannot tell" or back. A new route that nobody can be
    said to meet (or an old one that nobody met) changes nobody's position."""
    if Verdict.MEETS in (was, now):
        return True
    return was is not None and now is not None
