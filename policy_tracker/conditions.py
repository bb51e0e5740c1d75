"""Conditions as data: each route's conditions, read from a policy's `conditions.yaml`.

A condition is a small declarative expression over profile facts and rule values
(comparisons, `all`, `any`, `any_item` over a list of the rules, `recommended_by`); it is
checked by a JSON Schema and evaluated by `eligibility`, never by `eval`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from .errors import LoadError, ValidationError
from .load import load_document
from .model import Document, JSONValue, Text
from .catalog import text_of
from .validate import check_schema, problem

CONDITIONS_FILE = "conditions.yaml"
OPERATORS = (">=", ">", "<=", "<", "==", "!=", "in")
OPERAND_KINDS = ("fact", "rule", "item", "value")


@dataclass(frozen=True)
class Operand:
    """One side of a comparison: a profile fact, a rule value, a list item's value or a literal."""

    kind: str
    ref: JSONValue


@dataclass(frozen=True)
class Compare:
    """`left op right`; with `when_rule`, it applies only while that rule exists."""

    left: Operand
    op: str
    right: Operand
    when_rule: str = ""


@dataclass(frozen=True)
class AllOf:
    """Every part holds."""

    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class AnyItem:
    """Some item of a list of the rules (such as investment tiers) satisfies `test`."""

    rule: str
    test: Expr


Expr = Compare | AllOf | AnyOf | AnyItem


@dataclass(frozen=True)
class RouteConditions:
    """The conditions of one route, by route id."""

    route: str
    test: Expr
    note: Text = Text()


@dataclass(frozen=True)
class Conditions:
    """A policy's conditions: those of every route and those of each route by id."""

    policy: str
    general: tuple[Expr, ...]
    routes: tuple[RouteConditions, ...]
    last_verified: str = ""
    name: str = ""

    def of(self, route: str) -> RouteConditions | None:
        """The conditions of `route`, or None when none are recorded."""
        return next((r for r in self.routes if r.route == route), None)

    def constraints(self) -> tuple[tuple[str, str, str, str], ...]:
        """(route, rule path, op, fact): which profile fact each rule value constrains."""
        return tuple(sorted((r.route, *c) for r in self.routes for c in constraints_of(r.test)))

    def facts(self) -> tuple[str, ...]:
        """Every profile fact some condition reads, sorted."""
        found: set[str] = set()
        for expr in self.general + tuple(r.test for r in self.routes):
            found.update(facts_of(expr))
        return tuple(sorted(found))


def constraints_of(expr: Expr, item_list: str = "") -> set[tuple[str, str, str]]:
    """(rule path, op, fact) for each comparison of a fact with a rule value."""
    if isinstance(expr, Compare):
        sides = {o.kind: str(o.ref) for o in (expr.left, expr.right)}
        if "fact" not in sides:
            return set()
        if "rule" in sides:
            return {(sides["rule"], expr.op, sides["fact"])}
        if "item" in sides and item_list:
            return {(f"{item_list}[*].{sides['item']}", expr.op, sides["fact"])}
        return set()
    if isinstance(expr, AnyItem):
        return constraints_of(expr.test, expr.rule)
    out: set[tuple[str, str, str]] = set()
    for part in expr.parts:
        out |= constraints_of(part, item_list)
    return out


def facts_of(expr: Expr) -> set[str]:
    """The profile facts an expression reads."""
    if isinstance(expr, Compare):
        return {str(o.ref) for o in (expr.left, expr.right) if o.kind == "fact"}
    if isinstance(expr, AnyItem):
        return facts_of(expr.test)
    out: set[str] = set()
    for part in expr.parts:
        out |= facts_of(part)
    return out


def conditions_path(policy_location: str) -> str:
    """Where a policy's conditions file lives: beside its policy.yaml."""
    return os.path.join(os.path.dirname(policy_location), CONDITIONS_FILE)


def check_comparisons(doc: Document) -> list[LoadError]:
    """Each comparison has one left side (fact or item) and one right side (rule, value or
    item): said plainly, before the schema's list of alternatives would."""
    found: list[LoadError] = []

    def walk(node: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(node, dict):
            if "op" in node:
                sides = [k for k in OPERAND_KINDS if k in node]
                if len(sides) != 2:
                    found.append(problem(doc, path + ("op",), "a comparison needs exactly one "
                                         "of fact or item, an op, and one of rule, value or "
                                         f"item; found: {', '.join(sides) or 'none'}"))
            for key, value in node.items():
                walk(value, path + (key,))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, path + (i,))
    walk(doc.data, ())
    return found


def conditions_problems(doc: Document) -> list[LoadError]:
    """Every structural problem of a conditions document (empty when it can be parsed)."""
    return check_comparisons(doc) or check_schema(doc, "conditions")


def load_conditions(path: str, policy_id: str = "") -> Conditions:
    """Read, schema-check and parse a conditions file."""
    doc = load_document(path)
    problems = conditions_problems(doc)
    if problems:
        raise ValidationError(tuple(problems))
    return parse_conditions(doc, policy_id)


def parse_conditions(doc: Document, policy_id: str = "") -> Conditions:
    """`Conditions` from a schema-valid document; the policy id must match when given."""
    data: Any = doc.data
    head = data["conditions"]
    if policy_id and head["policy"] != policy_id:
        raise LoadError(f"conditions are for policy {head['policy']!r}, not {policy_id!r}",
                        doc.name, *_pos(doc, ("conditions", "policy")))
    seen: set[str] = set()
    routes = []
    for i, raw in enumerate(data.get("routes", ())):
        if raw["route"] in seen:
            raise problem(doc, ("routes", i, "route"), f"route {raw['route']!r} is listed twice")
        seen.add(raw["route"])
        routes.append(RouteConditions(raw["route"], parse_expr(raw["test"]),
                                      text_of(raw.get("note"))))
    return Conditions(head["policy"], tuple(parse_expr(e) for e in data.get("general", ())),
                      tuple(routes), str(head.get("last_verified", "")), doc.name)


def _pos(doc: Document, path: tuple[str | int, ...]) -> tuple[int, int]:
    pos = doc.source_map.locate(doc.data, path)
    return (pos.line, pos.col) if pos else (0, 0)


def parse_expr(raw: dict[str, Any]) -> Expr:
    """One expression from its (schema-valid) mapping."""
    if "all" in raw:
        return AllOf(tuple(parse_expr(p) for p in raw["all"]))
    if "any" in raw:
        return AnyOf(tuple(parse_expr(p) for p in raw["any"]))
    if "any_item" in raw:
        return AnyItem(raw["any_item"], parse_expr(raw["test"]))
    if "recommended_by" in raw:
        return Compare(Operand("fact", "recommendation.body"), "in",
                       Operand("rule", raw["recommended_by"]))
    left_kind = "fact" if "fact" in raw else "item"
    right_kind = next(k for k in ("rule", "value", "item") if k in raw and k != left_kind)
    return Compare(Operand(left_kind, raw[left_kind]), raw["op"],
                   Operand(right_kind, raw[right_kind]), raw.get("when_rule", ""))
