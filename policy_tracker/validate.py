"""Structure (JSON Schema) and meaning checks; builds model values from loaded documents."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from typing import Any
from collections.abc import Iterator

from .packagedata import read_package_text
from .catalog import ANNOTATION_KEYS, Catalog, text_of
from .errors import LoadError
from .fieldcheck import check_values
from .model import (Citation, Dates, DeclaredEffect, Document, FieldSpec, ItemKey, Path,
                    Policy, Position, Repeal,
                    Snapshot, SnapshotMeta, Source, Status, Track, format_path)
from .rules import WRAPPER_KEYS, is_wrapper, item_key, split_rules
from .schemacheck import is_valid

SNAPSHOT_NAME = re.compile(r"(\d{4}-\d\d-\d\d)(?:-[a-z0-9][a-z0-9-]*)?\.ya?ml\Z")
SCHEMAS = ("policy", "snapshot")


def schema_text(kind: str) -> str:
    """The published JSON Schema of a file kind (`policy` or `snapshot`)."""
    return read_package_text("schemas", f"{kind}.schema.json")


@cache
def _schema(kind: str) -> dict[str, Any]:
    return json.loads(schema_text(kind))  # type: ignore[no-any-return]


@cache
def _validator(kind: str) -> Any:
    import jsonschema  # only here: validation is the one user of it

    return jsonschema.Draft202012Validator(_schema(kind))


def problem(doc: Document, path: Path, message: str) -> LoadError:
    """A `LoadError` located at `path` in `doc` (or at the file if the path is not found)."""
    pos = doc.source_map.locate(doc.data, path) or Position(0, 0)
    return LoadError(message, doc.name, pos.line, pos.col)


def check_schema(doc: Document, kind: str) -> list[LoadError]:
    """Every JSON Schema violation in `doc`, in document order, as one-line problems."""
    if is_valid(doc.data, _schema(kind)) is True:
        return []  # the usual case, answered without importing jsonschema
    found = []
    for err in _validator(kind).iter_errors(doc.data):
        err = _most_specific(err)
        path: Path = tuple(err.absolute_path)
        if err.validator == "additionalProperties":
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            found.append(problem(doc, path + (extra[0],), _schema_message(err, path)))
        elif err.validator == "not" and "required" in err.validator_value:
            key = err.validator_value["required"][0]
            found.append(problem(doc, path + (key,), _schema_message(err, path)))
        else:
            found.append(problem(doc, path, _schema_message(err, path)))
    return sorted(found, key=lambda e: (e.line, e.col, e.message))


def _most_specific(err: Any) -> Any:
    """For `oneOf` failures, the branch of the right type that got furthest."""
    while err.validator in ("oneOf", "anyOf") and err.context:
        typed = [e for e in err.context if e.validator != "type"]
        if not typed:
            break
        err = max(typed, key=lambda e: len(e.absolute_path))
    return err


def _schema_message(err: Any, path: Path) -> str:
    where = format_path(path) or "the top level"
    if err.validator == "additionalProperties":
        allowed = ", ".join(sorted(err.schema.get("properties", {})))
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        return f"unknown key {extra[0]!r} in {where}; allowed: {allowed}"
    if err.validator == "required":
        return f"{where} is missing {err.message.split(' ')[0]}"
    if err.validator == "not" and "required" in err.validator_value:
        names = ", ".join(repr(n) for n in err.validator_value["required"])
        return f"{where} must not have {names}: a draft is never law and never takes effect"
    if err.validator == "minItems" and path and path[-1] == "sources":
        return "every snapshot cites at least one source"
    if err.validator == "enum":
        return f"{where} must be one of: {', '.join(map(str, err.validator_value))}"
    if err.validator == "pattern":
        return f"{where} has the wrong form: {err.instance!r} (expected {err.validator_value})"
    if err.validator == "type":
        hint = " (quote it)" if err.validator_value == "string" else ""
        return f"{where} must be of type {err.validator_value}{hint}"
    return f"{where}: {err.message}"


def build_policy(doc: Document, snapshots: tuple[Snapshot, ...] = ()) -> Policy:
    """A `Policy` from a schema-valid policy.yaml document."""
    data = doc.data
    head = data["policy"]
    return Policy(
        id=head["id"], title=text_of(head["title"]),
        jurisdiction=text_of(head["jurisdiction"]).en,
        jurisdiction_text=text_of(head["jurisdiction"]),
        description=text_of(head["description"]),
        tracks=tuple(Track(t["id"], text_of(t["title"]), t.get("extends", ""))
                     for t in data["tracks"]),
        fields=tuple(FieldSpec(f["path"], text_of(f["label"]), f.get("unit", ""),
                               f.get("key", "id"), f.get("direction", "unknown"),
                               f.get("ordered", False), f.get("type", ""),
                               tuple(f.get("values", ())), f.get("citation", ""))
                     for f in data.get("fields", ())),
        sources=tuple(build_source(s) for s in data.get("sources", ())),
        snapshots=snapshots, notes=tuple(text_of(n) for n in head.get("notes", ())),
        location=doc.name, effects=tuple(build_effect(e) for e in data.get("effects", ())),
        citations=head.get("citations", "optional"))


def build_effect(raw: dict[str, Any]) -> DeclaredEffect:
    """A `DeclaredEffect` from its policy.yaml mapping."""
    cite = raw.get("cite")
    return DeclaredEffect(
        type=raw["type"], affected=text_of(raw["affected"]), by=text_of(raw["by"]),
        provision=text_of(raw.get("provision", {"en": ""})), path=raw.get("path", ""),
        track=raw.get("track", ""), by_provision=raw.get("by_provision", ""),
        by_snapshot=raw.get("by_snapshot", ""), date=_date(raw.get("date")),
        applied=raw["applied"], unconfirmed=raw.get("unconfirmed", False),
        citation=Citation(cite["source"], cite.get("article", "")) if cite else None,
        note=text_of(raw.get("note", {"en": ""})))


def build_source(raw: dict[str, Any]) -> Source:
    """A `Source` from its YAML mapping."""
    return Source(raw["id"], text_of(raw["title"]), raw.get("url", ""),
                  raw.get("publisher", ""), raw.get("date", ""))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def build_snapshot(doc: Document, track: str, policy_sources: tuple[Source, ...],
                   catalog: Catalog) -> Snapshot:
    """A `Snapshot` from a schema-valid snapshot document."""
    meta = build_meta(doc, policy_sources)
    return Snapshot(meta, track, split_rules(doc.data["rules"], catalog), doc)


def build_meta(doc: Document, policy_sources: tuple[Source, ...]) -> SnapshotMeta:
    """The `snapshot` block of a schema-valid snapshot document."""
    head = doc.data["snapshot"]
    dates = head["dates"]
    inline = tuple(build_source(s) for s in head["sources"] if isinstance(s, dict))
    named = tuple(s for s in policy_sources if s.id in head["sources"])
    draft = head["status"] == Status.DRAFT.value
    start = dates["published"] if draft else dates["effective"]
    repeal = head.get("repeal")
    return SnapshotMeta(
        id=head["id"], title=text_of(head["title"]),
        dates=Dates(effective=dt.date.fromisoformat(start),
                    approved=_date(dates.get("approved")),
                    promulgated=_date(dates.get("promulgated")),
                    published=_date(dates.get("published")), expires=_date(dates.get("expires")),
                    adopted=_date(dates.get("adopted")), issued=_date(dates.get("issued")),
                    comment_deadline=_date(dates.get("comment_deadline")),
                    takes_effect=not draft),
        status=Status(head["status"]), sources=named + inline,
        document_number=head.get("document_number", ""),
        issuers=tuple(text_of(i) for i in head.get("issuers", ())),
        notes=tuple(text_of(n) for n in head.get("notes", ())),
        status_unconfirmed=head.get("status_unconfirmed", False),
        repeal=Repeal(text_of(repeal["by"]), _date(repeal.get("date")),
                      repeal.get("provision", "")) if repeal else None)


def check_snapshot(doc: Document, snap: Snapshot, file_name: str, catalog: Catalog,
                   known_sources: set[str], citations: str = "optional") -> list[LoadError]:
    """Meaning checks of one snapshot that need nothing but the snapshot and its policy
    (`citations`: the policy's setting, `required` or `optional`)."""
    found: list[LoadError] = []
    match = SNAPSHOT_NAME.match(file_name)
    dates = snap.meta.dates
    if match is None:
        found.append(problem(doc, (), f"file name {file_name!r} must be YYYY-MM-DD[-slug].yaml"))
    elif match.group(1) != dates.effective.isoformat():
        name = "effective" if dates.takes_effect else "published"
        found.append(problem(doc, ("snapshot", "dates", name),
                             f"file name date {match.group(1)} differs from the {name} date "
                             f"{dates.effective}"))
    found.extend(_date_order(doc, dates))
    repeal = snap.meta.repeal
    if repeal and repeal.date and dates.takes_effect and repeal.date < dates.effective:
        found.append(problem(doc, ("snapshot", "repeal", "date"),
                             f"dates out of order: repealed {repeal.date} is before effective "
                             f"{dates.effective}"))
    if repeal and snap.meta.status.is_law and not snap.meta.status.ended:
        found.append(problem(doc, ("snapshot", "repeal"),
                             f"status is {snap.meta.status.value} but 'repeal' says what ended "
                             "it: use repealed, superseded or expired"))
    for i, src in enumerate(doc.data["snapshot"]["sources"]):
        if isinstance(src, str) and src not in known_sources:
            found.append(problem(doc, ("snapshot", "sources", i),
                                 f"unknown source {src!r}; declare it in policy.yaml sources"))
    own = {s["id"] for s in doc.data["snapshot"]["sources"] if isinstance(s, dict)}
    found.extend(check_rules(doc, catalog, known_sources | own))
    found.extend(check_values(doc, catalog, citations))
    return found


def _date_order(doc: Document, dates: Dates) -> list[LoadError]:
    """Adoption or approval, then promulgation or issue, then effect; expiry after effect."""
    found = []
    order = [("adopted", dates.adopted), ("approved", dates.approved),
             ("promulgated", dates.promulgated), ("issued", dates.issued),
             ("effective", dates.effective if dates.takes_effect else None)]
    known = [(n, d) for n, d in order if d is not None]
    for (name_a, a), (name_b, b) in zip(known, known[1:]):
        if a > b:
            found.append(problem(doc, ("snapshot", "dates", name_b),
                                 f"dates out of order: {name_a} {a} is after {name_b} {b}"))
    if dates.promulgated and dates.published and dates.published < dates.promulgated:
        found.append(problem(doc, ("snapshot", "dates", "published"),
                             f"dates out of order: published {dates.published} is before "
                             f"promulgated {dates.promulgated}"))
    if dates.comment_deadline and dates.published and dates.comment_deadline < dates.published:
        found.append(problem(doc, ("snapshot", "dates", "comment_deadline"),
                             f"dates out of order: comment deadline {dates.comment_deadline} is "
                             f"before published {dates.published}"))
    if dates.expires and dates.expires <= dates.effective:
        found.append(problem(doc, ("snapshot", "dates", "expires"),
                             f"dates out of order: expires {dates.expires} is not after "
                             f"effective {dates.effective}"))
    return found


def check_rules(doc: Document, catalog: Catalog, known_sources: set[str]) -> list[LoadError]:
    """Keyed lists have unique identities; wrappers and citations are well formed."""
    return list(_walk_rules(doc, doc.data["rules"], ("rules",), catalog, known_sources))


def _walk_rules(doc: Document, node: Any, path: Path, catalog: Catalog,
                sources: set[str]) -> Iterator[LoadError]:
    if isinstance(node, dict):
        if "value" in node and any(k in node for k in ANNOTATION_KEYS):
            for key in node:
                if key not in WRAPPER_KEYS:
                    yield problem(doc, path + (key,), f"unknown key {key!r} beside 'value' in "
                                  f"{format_path(path)}; allowed: {', '.join(WRAPPER_KEYS)}")
        if "cite" in node:
            yield from _check_cite(doc, node["cite"], path + ("cite",), sources)
        if is_wrapper(node):
            yield from _walk_rules(doc, node["value"], path + ("value",), catalog, sources)
            return
        for key, value in node.items():
            if key not in ANNOTATION_KEYS:
                yield from _walk_rules(doc, value, path + (key,), catalog, sources)
    elif isinstance(node, list):
        yield from _check_identities(doc, node, path, catalog)
        for i, item in enumerate(node):
            yield from _walk_rules(doc, item, path + (i,), catalog, sources)


def _check_identities(doc: Document, items: list[Any], path: Path,
                      catalog: Catalog) -> Iterator[LoadError]:
    if not items or not all(isinstance(i, dict) for i in items):
        return
    rule_path = path[1:]
    spec = catalog.spec(rule_path)
    key = spec.key if spec else item_key(catalog, rule_path, items) or "id"
    if not any(key in i for i in items) and spec is None:
        return
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        ident = item.get(key)
        if not isinstance(ident, (str, int)) or isinstance(ident, bool):
            yield problem(doc, path + (i,), f"list item in {format_path(path)} has no {key!r}")
        elif str(ident) in seen:
            first = doc.source_map.locate(doc.data, path + (seen[str(ident)],))
            yield problem(doc, path + (i, key), f"duplicate {key} {ident!r} in "
                          f"{format_path(path)} (first at line {first.line if first else '?'})")
        else:
            seen[str(ident)] = i


def _check_cite(doc: Document, cite: Any, path: Path, sources: set[str]) -> Iterator[LoadError]:
    if not isinstance(cite, dict) or "source" not in cite:
        yield problem(doc, path, "cite must be a mapping with 'source' (and 'article')")
        return
    for key in cite:
        if key not in ("source", "article"):
            yield problem(doc, path + (key,),
                          f"unknown key {key!r} in cite; allowed: article, source")
    if cite["source"] not in sources:
        yield problem(doc, path + ("source",), f"citation names unknown source {cite['source']!r}")


def overlay_problems(doc: Document, top: Any, base: Any, path: Path,
                     catalog: Catalog, base_name: str) -> Iterator[LoadError]:
    """Every mapping key of a regional overlay must exist in the base rules it extends."""
    if isinstance(top, dict) and isinstance(base, dict):
        for key, value in top.items():
            if key in ANNOTATION_KEYS or key == "value":
                continue
            if key not in base:
                yield problem(doc, ("rules",) + path + (key,),
                              f"overlay path {format_path(path + (key,))!r} does not exist in "
                              f"the base rules ({base_name})")
            else:
                yield from overlay_problems(doc, value, base[key], path + (key,), catalog,
                                            base_name)
    elif isinstance(top, list) and isinstance(base, list):
        key = item_key(catalog, path, base)
        if key is None or item_key(catalog, path, top) != key:
            return
        by_id = {str(i[key]): i for i in base}
        for item in top:
            if str(item[key]) in by_id:
                yield from overlay_problems(doc, item, by_id[str(item[key])],
                                            path + (ItemKey(key, str(item[key])),), catalog,
                                            base_name)

