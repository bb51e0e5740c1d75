"""Three-valued evaluation of a profile against the rules in force: meets, does not meet or
cannot tell, with every condition that decided it. A wrong "meets" is worse than none: a missing
fact, a missing rule value or an unconfirmed one gives "cannot tell", never "meets"."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .catalog import Catalog, lookup, parse_path
from .conditions import AllOf, AnyItem, AnyOf, Compare, Conditions, Expr, Operand
from .impactmodel import Eligibility, Reason, RouteVerdict, RuleRef, Verdict
from .model import ItemKey, JSONValue, Path, Policy, Text, format_path
from .profiles import Profile
from .rules import Resolved, rules_as_of

ROUTES: Path = ("eligibility", "routes")
T, F, U = Verdict.MEETS, Verdict.DOES_NOT_MEET, Verdict.CANNOT_TELL


@dataclass(frozen=True)
class Result:
    """A verdict and the reasons that decided it."""

    verdict: Verdict
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Context:
    """What an expression is evaluated against."""

    resolved: Resolved
    catalog: Catalog
    profile: Profile
    base: Path
    include_drafts: bool
    item: Path | None = None


def evaluate(policy: Policy, conditions: Conditions, profile: Profile, as_of: dt.date,
             track: str = "", include_drafts: bool = False,
             resolved: Resolved | None = None) -> Eligibility:
    """Every route of `track` (default: the profile's region, else national) on `as_of`."""
    track = track or _default_track(policy, profile)
    resolved = resolved or rules_as_of(policy, as_of, track, include_drafts)
    catalog = Catalog.of(policy)
    proposed = any(not s.meta.status.is_law for s in resolved.snapshots)
    found, routes = lookup(resolved.tree.values, ROUTES)
    verdicts = []
    for raw in routes if found and isinstance(routes, list) else ():
        if not isinstance(raw, dict) or "id" not in raw:
            continue
        route_id = str(raw["id"])
        base = ROUTES + (ItemKey("id", route_id),)
        ctx = Context(resolved, catalog, profile, base, include_drafts)
        result = _evaluate_route(conditions, route_id, ctx)
        verdicts.append(RouteVerdict(route_id, _title(raw), result.verdict, result.reasons,
                                     proposed))
    track_spec = policy.track(track)
    return Eligibility(policy.id, profile.id, profile.title, track,
                       track_spec.title if track_spec else Text(track, track), as_of,
                       tuple(s.meta.id for s in resolved.snapshots), proposed, tuple(verdicts),
                       conditions.last_verified, tuple(s.meta.title for s in resolved.snapshots))


def _default_track(policy: Policy, profile: Profile) -> str:
    region = profile.region
    return region if region and policy.track(region) is not None else "national"


def _title(raw: dict[str, Any]) -> Text:
    title = raw.get("title")
    if isinstance(title, dict):
        return Text(str(title.get("en", "")), str(title.get("zh", "")))
    return Text(str(raw.get("id", "")), str(raw.get("id", "")))


def _evaluate_route(conditions: Conditions, route_id: str, ctx: Context) -> Result:
    spec = conditions.of(route_id)
    if spec is None:
        return Result(U, (Reason(U, "no_conditions"),))
    root = Context(ctx.resolved, ctx.catalog, ctx.profile, (), ctx.include_drafts)
    own = evaluate_expr(spec.test, ctx)
    if own is None or (own.verdict is T and not own.reasons):
        # Every part was tied to a rule these rules lack: nothing was checked.
        return Result(U, (Reason(U, "no_conditions"),))
    parts = [evaluate_expr(expr, root) for expr in conditions.general]
    parts.append(own)
    parts.extend(_unchecked(spec.test, ctx))
    return _all(parts)


GUARDED_LISTS = ("conditions", "posts", "employer_types", "recommended_by", "investment_tiers")


def _unchecked(test: Expr, ctx: Context) -> list[Result]:
    """Thresholds, conditions and lists of the route that the test does not read: a route is
    never "meets" while the rules ask for something its test leaves out."""
    found, route = lookup(ctx.resolved.tree.values, ctx.base)
    if not found or not isinstance(route, dict):
        return []
    read = rules_read(test)
    out = []
    for key, value in sorted(route.items()):
        if key in GUARDED_LISTS and isinstance(value, list):
            for item in value:
                ident = str(item.get("id")) if isinstance(item, dict) else str(item)
                if key not in read and f"{key}[{ident}]" not in read:
                    path = ctx.base + (key, ItemKey("id", ident))
                    out.append(Result(U, (Reason(U, "unchecked_rule",
                                                 rule=_ref(ctx, path, None, item=True)),)))
        elif (key.startswith(("min_", "max_")) or key.endswith("_limit")) and key not in read:
            path = ctx.base + (key,)
            out.append(Result(U, (Reason(U, "unchecked_rule", rule=_ref(ctx, path, value)),)))
    return out


def rules_read(expr: Expr) -> set[str]:
    """The route-relative rule paths an expression reads (operands, lists and guards)."""
    if isinstance(expr, Compare):
        found = {str(o.ref) for o in (expr.left, expr.right) if o.kind == "rule"}
        return found | ({expr.when_rule} if expr.when_rule else set())
    if isinstance(expr, AnyItem):
        return {expr.rule} | rules_read(expr.test)
    out: set[str] = set()
    for part in expr.parts:
        out |= rules_read(part)
    return out


def evaluate_expr(expr: Expr, ctx: Context) -> Result | None:
    """The verdict of one expression (None: it does not apply to these rules)."""
    if isinstance(expr, AllOf):
        return _all([evaluate_expr(p, ctx) for p in expr.parts])
    if isinstance(expr, AnyOf):
        return _any([evaluate_expr(p, ctx) for p in expr.parts])
    if isinstance(expr, AnyItem):
        return _any_item(expr, ctx)
    return _compare(expr, ctx)


def _unique(reasons: Sequence[Reason]) -> tuple[Reason, ...]:
    seen: set[str] = set()
    out = []
    for reason in reasons:
        key = repr(reason)
        if key not in seen:
            seen.add(key)
            out.append(reason)
    return tuple(out)


def _all(parts: Sequence[Result | None]) -> Result:
    kept = [p for p in parts if p is not None]
    for wanted in (F, U):
        hit = [p for p in kept if p.verdict is wanted]
        if hit:
            return Result(wanted, _unique([r for p in hit for r in p.reasons]))
    return Result(T, _unique([r for p in kept for r in p.reasons]))


def _any(parts: Sequence[Result | None]) -> Result:
    kept = [p for p in parts if p is not None]
    met = [p for p in kept if p.verdict is T]
    if met:
        return met[0]
    unsure = [p for p in kept if p.verdict is U]
    if unsure:
        return Result(U, _unique([r for p in unsure for r in p.reasons]))
    return Result(F, _unique([r for p in kept for r in p.reasons]))


def _any_item(expr: AnyItem, ctx: Context) -> Result:
    path = ctx.base + _rule_path(expr.rule)
    found, items = lookup(ctx.resolved.tree.values, path)
    if not found or not isinstance(items, list) or not items:
        return Result(U, (Reason(U, "missing_rule", rule=_ref(ctx, path, None)),))
    parts = []
    for i, item in enumerate(items):
        seg: ItemKey | int = ItemKey("id", str(item["id"])) if isinstance(item, dict) \
            and "id" in item else i
        sub = Context(ctx.resolved, ctx.catalog, ctx.profile, ctx.base, ctx.include_drafts,
                      path + (seg,))
        parts.append(evaluate_expr(expr.test, sub))
    return _any(parts)


def _rule_path(text: str) -> Path:
    return tuple(ItemKey("id", s.value) if isinstance(s, ItemKey) else s
                 for s in parse_path(text))


def _compare(expr: Compare, ctx: Context) -> Result | None:
    if expr.when_rule:
        guard = ctx.base + _rule_path(expr.when_rule)
        found, _ = lookup(ctx.resolved.tree.values, guard)
        if not found:
            return None
    guard_ref = _ref(ctx, ctx.base + _rule_path(expr.when_rule), None, item=True) \
        if expr.when_rule else None
    left = _operand(expr.left, ctx)
    right = _operand(expr.right, ctx)
    fact_name = next((str(o.ref) for o in (expr.left, expr.right) if o.kind == "fact"), "")
    fact_value = left.value if expr.left.kind == "fact" else right.value
    rule = next((o.rule for o in (left, right) if o.rule is not None), guard_ref)
    if rule is None and ctx.base:
        rule = _ref(ctx, ctx.base, None, item=True)
    literal = expr.right.ref if expr.right.kind == "value" else None

    def reason(verdict: Verdict, kind: str) -> Result:
        return Result(verdict, (Reason(verdict, kind, fact_name, fact_value, expr.op, rule,
                                       literal),))

    for side in (left, right):
        if side.missing:
            return reason(U, side.missing)
    if any(r is not None and r.unconfirmed for r in (left.rule, right.rule, guard_ref)):
        return reason(U, "unconfirmed_rule")
    outcome = _apply(expr.op, left.value, right.value)
    if outcome is None:
        return reason(U, "not_comparable")
    return reason(T if outcome else F, "compare")


@dataclass(frozen=True)
class _Side:
    value: JSONValue
    rule: RuleRef | None = None
    missing: str = ""


def _operand(operand: Operand, ctx: Context) -> _Side:
    if operand.kind == "value":
        return _Side(operand.ref)
    if operand.kind == "fact":
        given, value = ctx.profile.fact(str(operand.ref))
        return _Side(value, None, "" if given and value is not None else "missing_fact")
    if operand.kind == "item":
        if ctx.item is None:
            return _Side(None, None, "missing_rule")
        path = ctx.item + _rule_path(str(operand.ref))
    else:
        path = ctx.base + _rule_path(str(operand.ref))
    found, value = lookup(ctx.resolved.tree.values, path)
    if isinstance(value, list):  # a keyed list: its ids are the allowed values
        value = [str(i["id"]) for i in value if isinstance(i, dict) and "id" in i]
    if operand.kind == "item" and operand.ref == "id" and ctx.item is not None:
        path = ctx.item  # the item itself: its title and citation say what it is
    ref = _ref(ctx, path, value if found else None)
    return _Side(value, ref, "" if found else "missing_rule")


def _apply(op: str, left: Any, right: Any) -> bool | None:
    if op == "in":
        return str(left) in [str(v) for v in right] if isinstance(right, list) else None
    if op in ("==", "!="):
        return bool(left == right) == (op == "==")
    numeric = (int, float)
    if not isinstance(left, numeric) or not isinstance(right, numeric) \
            or isinstance(left, bool) or isinstance(right, bool) \
            or not (math.isfinite(left) and math.isfinite(right)):
        return None
    return {">=": left >= right, ">": left > right, "<=": left <= right,
            "<": left < right}[op]


def _ref(ctx: Context, path: Path, value: JSONValue, item: bool = False) -> RuleRef:
    tree = ctx.resolved.tree
    spec = ctx.catalog.spec(path)
    label = spec.label if spec else Text(str(path[-1]), str(path[-1]))
    if item or isinstance(path[-1], ItemKey):
        found, node = lookup(tree.values, path)
        if found and isinstance(node, dict):
            label = _title(node)
    note = tree.annotations.get(path) or tree.annotations.get(path[:-1])
    unconfirmed = any(getattr(tree.annotations.get(path[:i]), "unconfirmed", False)
                      for i in range(2, len(path) + 1))
    snap = _instrument(ctx, path, value)
    return RuleRef(format_path(path), label, value, spec.unit if spec else "",
                   ctx.catalog.titled(note.citation) if note else None, snap[0], snap[1],
                   unconfirmed)


def _instrument(ctx: Context, path: Path, value: JSONValue) -> tuple[str, Text]:
    """The instrument that set the value read: the earliest snapshot, going back from the one
    in force, over which the value has not changed."""
    resolved = ctx.resolved
    for snap in reversed(resolved.snapshots):
        found, current = lookup(snap.tree.values, path)
        if not found:
            continue
        history = [s for s in resolved.policy.snapshots_of(snap.track)
                   if s.effective <= snap.effective and s.meta.id != snap.meta.id
                   and (s.meta.status.is_law or ctx.include_drafts)]
        chosen = snap
        for older in reversed(history):
            had, old = lookup(older.tree.values, path)
            if not had or old != current:
                break
            chosen = older
        return chosen.meta.id, chosen.meta.title
    return "", Text()
