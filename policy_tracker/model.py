"""The values that cross module boundaries: frozen dataclasses and enums, no I/O."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field
from typing import Any, Union
from collections.abc import Mapping

from .errors import PolicyTrackerError
from .i18n import message

JSONValue = Any
"""A value of the JSON data model (str, int, float, bool, None, dict, list)."""


class Status(str, enum.Enum):
    """The legal status of a snapshot's instrument, its own and not its version's.

    Whether a snapshot (a consolidated version of the rules) was followed by a later version
    is derived from the dates (`legal.version_state`), never written here.
    """

    IN_FORCE = "in_force"
    AMENDED = "amended"
    PARTLY_IN_FORCE = "partly_in_force"
    REPEALED = "repealed"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"
    DRAFT = "draft"
    ANNOUNCED = "announced"
    PILOT = "pilot"

    @property
    def is_law(self) -> bool:
        """Drafts and announcements are never rules in force."""
        return self not in (Status.DRAFT, Status.ANNOUNCED)

    @property
    def ended(self) -> bool:
        """The instrument itself is no longer law (repealed, replaced or expired)."""
        return self in (Status.REPEALED, Status.SUPERSEDED, Status.EXPIRED)


class ChangeKind(str, enum.Enum):
    """What happened to one value or item."""

    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    RENAMED = "renamed"
    MOVED = "moved"
    REORDERED = "reordered"


class Direction(str, enum.Enum):
    """Whether a change makes the rules easier or harder to meet."""

    LOOSER = "looser"
    STRICTER = "stricter"
    NEUTRAL = "neutral"
    UNKNOWN = "unknown"


class Severity(str, enum.Enum):
    """How much a change matters to a reader of the rules."""

    MAJOR = "major"
    MINOR = "minor"
    EDITORIAL = "editorial"


@dataclass(frozen=True)
class Text:
    """A text in English and Chinese (and French, where the data has it); any may be empty."""

    en: str = ""
    zh: str = ""
    fr: str = ""

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to English, then to the other languages."""
        if lang == "zh":
            return self.zh or self.en or self.fr
        if lang == "fr":
            return self.fr or self.en or self.zh
        return self.en or self.zh or self.fr

    def to_dict(self) -> dict[str, str]:
        """The JSON form (`fr` only when there is a French text)."""
        out = {"en": self.en, "zh": self.zh}
        if self.fr:
            out["fr"] = self.fr
        return out


@dataclass(frozen=True, order=True)
class ItemKey:
    """A list item named by its identity (`routes[id=investment]`)."""

    key: str
    value: str

    def __str__(self) -> str:
        return f"[{self.key}={self.value}]"


Segment = Union[str, int, ItemKey]  # noqa: UP007 - a runtime alias, and 3.10 has no `type`
Path = tuple[Segment, ...]


_PLAIN_KEY = re.compile(r"[-\w]+")


def format_path(path: Path) -> str:
    """The dotted text form: `eligibility.routes[id=investment].min_years`."""
    out: list[str] = []
    for seg in path:
        if isinstance(seg, ItemKey):
            out.append(str(seg))
        elif isinstance(seg, int):
            out.append(f"[{seg}]")
        else:
            plain = _PLAIN_KEY.fullmatch(seg) is not None
            text = seg if plain else '"' + seg.replace("\\", "\\\\").replace('"', '\\"') + '"'
            out.append(("." if out else "") + text)
    return "".join(out)


def path_to_json(path: Path) -> list[JSONValue]:
    """The JSON form of a path: keys as strings, positions as ints, items as {key: value}."""
    return [{seg.key: seg.value} if isinstance(seg, ItemKey) else seg for seg in path]


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in a source file (named when known)."""

    line: int
    col: int
    file: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}" if self.file else f"{self.line}:{self.col}"


@dataclass(frozen=True)
class Source:
    """A document that rules are cited from."""

    id: str
    title: Text
    url: str = ""
    publisher: str = ""
    date: str = ""

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form."""
        return {"id": self.id, "title": self.title.to_dict(), "url": self.url,
                "publisher": self.publisher, "date": self.date}


_ARTICLES = ((re.compile(r"Draft Art\. (\d+)$"), "draft_article"),
             (re.compile(r"Art\. (\d+)\((\d+)\)$"), "article_item"),
             (re.compile(r"Art\. (\d+)$"), "article"),
             (re.compile(r"Art\. (\d+) and following$"), "article_and_following"),
             (re.compile(r"(?:No\.|Item) (\d+)$"), "item"),
             (re.compile(r"Measure (\d+)$"), "measure"),
             (re.compile(r"Part (\d+)$"), "part"),
             (re.compile(r"Opening paragraph()$"), "opening"),
             (re.compile(r"MPS announcement of (\d{4}-\d\d-\d\d)$"), "mps_announcement"),
             (re.compile(r"Law Art\. (\d+)$"), "law_article"),
             (re.compile(r"Implementing Rules Art\. (\d+)$"), "rules_article"),
             (re.compile(r"Arts?\. (\d+)[-–](\d+)$"), "articles"))
"""Article references as the data writes them (in English), and their catalogue keys."""


def article_words(article: str, lang: str) -> str | None:
    """An article reference in the reader's language (`Art. 6(1)` → 第6条第1项 in Chinese;
    references joined by `;` each in turn), or None when its form is not known."""
    if lang != "zh":
        return article
    words = []
    for part in article.split(";"):
        for pattern, key in _ARTICLES:
            found = pattern.match(part.strip())
            if found:
                words.append(message(f"citation.{key}", lang, n=found.group(1),
                                     m=found.group(found.lastindex or 1)))
                break
        else:
            return None
    return message("word.list_separator_semicolon", lang).join(words)


def article_in(article: str, lang: str) -> str:
    """An article reference after a source's title, in the reader's language (in Chinese, an
    article in a form not known follows a full-width comma)."""
    words = article_words(article, lang)
    if words is not None:
        return words
    return message("citation.other_article", lang, article=article)


@dataclass(frozen=True)
class Citation:
    """Where a rule value comes from: a source id and the article within it."""

    source: str
    article: str = ""
    unconfirmed: bool = False
    note: Text = field(default_factory=Text)
    title: Text = field(default_factory=Text)

    def label(self, lang: str = "en") -> str:
        """The source's title (its id when the title is unknown) and article, for readers."""
        name = self.title.get(lang) or self.source
        if lang == "zh":
            text = f"{name}{article_in(self.article, lang)}" if self.article else name
        else:
            text = f"{name}, {self.article}" if self.article else name
        return text + (message("citation.unconfirmed", lang) if self.unconfirmed else "")

    def ref(self) -> str:
        """`source-id, article`: the machine form (JSON values, fingerprints)."""
        text = f"{self.source}, {self.article}" if self.article else self.source
        return text + (" (unconfirmed)" if self.unconfirmed else "")

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form."""
        return {"source": self.source, "article": self.article,
                "unconfirmed": self.unconfirmed, "note": self.note.to_dict(),
                "title": self.title.to_dict()}


@dataclass(frozen=True)
class Dates:
    """The dates of an instrument, kept apart and named as the law names them.

    `effective` is the date the version counts from: the date it takes effect, or for a draft
    (which never takes effect, `takes_effect` False) the date it was published.
    """

    effective: dt.date
    approved: dt.date | None = None
    promulgated: dt.date | None = None
    published: dt.date | None = None
    expires: dt.date | None = None
    adopted: dt.date | None = None
    issued: dt.date | None = None
    comment_deadline: dt.date | None = None
    takes_effect: bool = True

    def named(self) -> tuple[tuple[str, dt.date], ...]:
        """The dates that exist, by name, in the order an instrument passes them."""
        effective = self.effective if self.takes_effect else None
        return tuple((name, value) for name, value in (
            ("adopted", self.adopted), ("approved", self.approved),
            ("promulgated", self.promulgated), ("issued", self.issued),
            ("published", self.published), ("comment_deadline", self.comment_deadline),
            ("effective", effective), ("expires", self.expires)) if value is not None)

    def to_dict(self) -> dict[str, str | None]:
        """The JSON form (ISO 8601); a draft's `effective` is null."""
        effective = self.effective if self.takes_effect else None
        return {name: (value.isoformat() if value else None) for name, value in (
            ("adopted", self.adopted), ("approved", self.approved),
            ("promulgated", self.promulgated), ("issued", self.issued),
            ("published", self.published), ("comment_deadline", self.comment_deadline),
            ("effective", effective), ("expires", self.expires))}


@dataclass(frozen=True)
class Repeal:
    """What ended an instrument: the repealing (or replacing) instrument and the date."""

    by: Text
    date: dt.date | None = None
    provision: str = ""

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form."""
        return {"by": self.by.to_dict(), "date": self.date.isoformat() if self.date else None,
                "provision": self.provision}


@dataclass(frozen=True)
class SnapshotMeta:
    """The `snapshot` block: which instrument, when, how authoritative."""

    id: str
    title: Text
    dates: Dates
    status: Status
    sources: tuple[Source, ...]
    document_number: str = ""
    issuers: tuple[Text, ...] = ()
    notes: tuple[Text, ...] = ()
    status_unconfirmed: bool = False
    repeal: Repeal | None = None

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form."""
        return {"id": self.id, "title": self.title.to_dict(),
                "document_number": self.document_number,
                "issuers": [i.to_dict() for i in self.issuers],
                "dates": self.dates.to_dict(), "status": self.status.value,
                "status_unconfirmed": self.status_unconfirmed,
                "repeal": self.repeal.to_dict() if self.repeal else None,
                "sources": [s.to_dict() for s in self.sources],
                "notes": [n.to_dict() for n in self.notes]}


MARK_SHIFT = 32
MARK_MASK = (1 << MARK_SHIFT) - 1
"""A fresh parse packs a position as one int, `line << 32 | col`: half the memory of a pair."""


class SourceMap:
    """Line and column of every mapping key and list item, found without a second parse.

    A fresh parse records positions per container object (`marks`, keyed by `id()`); a map
    read back from the cache records them per position path (`flat`). A lookup walks the
    data along a path. The tree it refers to must not be copied or mutated.
    """

    __slots__ = ("_marks", "_flat")

    def __init__(self, marks: Mapping[int, tuple[object, Mapping[Any, int]]],
                 flat: Mapping[str, Any] | None = None) -> None:
        self._marks = marks
        self._flat = flat

    def locate(self, data: JSONValue, path: Path, exact: bool = False) -> Position | None:
        """Position of the value at `path`; if it is absent, the nearest ancestor's (or None
        when `exact`)."""
        found: Any = None
        complete = True
        node = data
        steps: list[str] = []
        for seg in path:
            if isinstance(seg, ItemKey) and isinstance(node, list):
                index = next((i for i, item in enumerate(node) if isinstance(item, dict)
                              and str(item.get(seg.key)) == seg.value), None)
                if index is None and seg.key == "":
                    index = next((i for i, item in enumerate(node)
                                  if not isinstance(item, (dict, list))
                                  and scalar_text(item) == seg.value), None)
                if index is None:
                    complete = False
                    break
                seg = index
            try:
                child = node[seg]
            except (KeyError, IndexError, TypeError):
                complete = False
                break
            steps.append(str(seg))
            if self._flat is not None:
                found = self._flat.get(_FLAT_SEP.join(steps), found)
            else:
                entry = self._marks.get(id(node))
                if entry is not None and seg in entry[1]:
                    found = entry[1][seg]
            node = child
        if exact and not complete:
            return None
        if isinstance(found, int):
            return Position(found >> MARK_SHIFT, found & MARK_MASK)
        return Position(found[0], found[1]) if found else None

    def flatten(self, data: JSONValue) -> dict[str, tuple[int, int]]:
        """The position of every key and item by position path, for a cache."""
        out: dict[str, tuple[int, int]] = {}
        stack: list[tuple[Any, str]] = [(data, "")]
        while stack:
            node, prefix = stack.pop()
            entry = self._marks.get(id(node))
            items = node.items() if isinstance(node, dict) else enumerate(node) \
                if isinstance(node, list) else ()
            for key, child in items:
                step = f"{prefix}{_FLAT_SEP}{key}" if prefix else str(key)
                if entry is not None and key in entry[1]:
                    mark = entry[1][key]
                    out[step] = (mark >> MARK_SHIFT, mark & MARK_MASK)
                if isinstance(child, (dict, list)):
                    stack.append((child, step))
        return out

    @classmethod
    def from_flat(cls, flat: Mapping[str, Any]) -> SourceMap:
        """A map read back from `flatten` output."""
        return cls({}, flat)

    # Marks are keyed by the id() of each container, which a copy does not keep: a pickle
    # carries the containers themselves and rebuilds the keys. Pickle the map together with
    # its data (a `Document`), so that both refer to the same copied containers.
    def __getstate__(self) -> tuple[list[Any], dict[str, Any] | None]:
        return list(self._marks.values()), None if self._flat is None else dict(self._flat)

    def __setstate__(self, state: tuple[list[Any], dict[str, Any] | None]) -> None:
        values, self._flat = state
        self._marks = {id(value): (value, marks) for value, marks in values}


_FLAT_SEP = "\x1f"


def scalar_text(value: JSONValue) -> str:
    """A scalar as YAML would write it (`true`, `null`, `3`)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


EMPTY_SOURCE_MAP = SourceMap({})


@dataclass(frozen=True)
class Document:
    """A loaded YAML or JSON file: its data tree and where each part was written."""

    name: str
    data: JSONValue
    source_map: SourceMap = EMPTY_SOURCE_MAP


@dataclass(frozen=True)
class Annotation:
    """What the data says about a value besides the value: citation, note, doubt."""

    citation: Citation | None = None
    note: Text = field(default_factory=Text)
    unconfirmed: bool = False


@dataclass(frozen=True)
class RuleTree:
    """Rule values as plain data, with annotations by path."""

    values: Mapping[str, JSONValue]
    annotations: Mapping[Path, Annotation]


@dataclass(frozen=True)
class Snapshot:
    """One dated version of a policy's rules (or, for a regional track, an overlay)."""

    meta: SnapshotMeta
    track: str
    tree: RuleTree
    document: Document

    @property
    def rules(self) -> Mapping[str, JSONValue]:
        """The `rules` block as written (wrappers and citations included)."""
        return self.document.data["rules"]  # type: ignore[no-any-return]

    @property
    def effective(self) -> dt.date:
        """The date the rules took effect."""
        return self.meta.dates.effective

    def __repr__(self) -> str:
        """Short: the tree and the document would print thousands of lines."""
        return f"Snapshot(id={self.meta.id!r}, track={self.track!r}, effective={self.effective})"


@dataclass(frozen=True)
class FieldSpec:
    """The catalogue entry for one path pattern: label, unit, identity key, direction."""

    pattern: str
    label: Text
    unit: str = ""
    key: str = "id"
    direction: str = "unknown"
    ordered: bool = False
    type: str = ""
    """What every value must be (`integer`, `money`, `enum`, …); empty: not checked."""
    values: tuple[str, ...] = ()
    """The allowed values of an `enum` field."""
    citation: str = ""
    """`required` or `optional`; empty: as the policy's `citations` says."""


@dataclass(frozen=True)
class Track:
    """A line of snapshots: national, or a region that overlays another track."""

    id: str
    title: Text
    extends: str = ""


@dataclass(frozen=True)
class DeclaredEffect:
    """An effect the data records by hand (`effects:` in policy.yaml): one a snapshot does not
    show by itself, such as a repeal of an outside law or a change not yet applied."""

    type: str
    affected: Text
    by: Text
    provision: Text = field(default_factory=Text)
    path: str = ""
    track: str = ""
    by_provision: str = ""
    by_snapshot: str = ""
    date: dt.date | None = None
    applied: bool = False
    unconfirmed: bool = False
    citation: Citation | None = None
    note: Text = field(default_factory=Text)


@dataclass(frozen=True)
class Policy:
    """A family of snapshots with its field catalogue and bibliography."""

    id: str
    title: Text
    jurisdiction: str
    description: Text
    tracks: tuple[Track, ...]
    fields: tuple[FieldSpec, ...]
    sources: tuple[Source, ...]
    snapshots: tuple[Snapshot, ...]
    notes: tuple[Text, ...] = ()
    location: str = ""
    effects: tuple[DeclaredEffect, ...] = ()
    citations: str = "optional"
    """`required`: every value of a typed field carries a citation (its own or its item's)."""
    jurisdiction_text: Text | None = None
    """The jurisdiction in each language, when policy.yaml gives both (`jurisdiction` is the
    English)."""

    def track(self, track_id: str) -> Track | None:
        """The track named `track_id`, if any."""
        return next((t for t in self.tracks if t.id == track_id), None)

    def snapshots_of(self, track_id: str) -> tuple[Snapshot, ...]:
        """The track's snapshots in effective-date order."""
        return tuple(s for s in self.snapshots if s.track == track_id)

    def source(self, source_id: str, snapshot: Snapshot | None = None) -> Source | None:
        """A source by id, from the snapshot's own list first, then the policy's."""
        pool = (snapshot.meta.sources if snapshot else ()) + self.sources
        return next((s for s in pool if s.id == source_id), None)

    def __repr__(self) -> str:
        """Short: the full value would print every snapshot's rules."""
        return (f"Policy(id={self.id!r}, tracks={len(self.tracks)}, "
                f"snapshots={len(self.snapshots)})")


@dataclass(frozen=True)
class Revision:
    """A file as it stood at one git commit: parsed, or the reason it could not be."""

    commit: str
    committed: dt.datetime
    authored: dt.datetime
    subject: str
    path: str
    blob: str
    document: Document | None
    error: PolicyTrackerError | None = None
    skipped: bool = False
    parent: str = ""
    """Set on a file's first revision when the file existed in the commit's parent (the start
    of a range, or a rename): that commit, the path and blob there, and the file as parsed."""
    parent_path: str = ""
    parent_blob: str = ""
    parent_document: Document | None = None
    parent_error: PolicyTrackerError | None = None


@dataclass(frozen=True)
class FileChange:
    """One file added, removed, renamed or modified between two commits."""

    status: str
    old_path: str
    new_path: str
    old_blob: str = ""
    new_blob: str = ""


@dataclass(frozen=True)
class Change:
    """One difference between two versions of the rules, explained and classified."""

    path: Path
    kind: ChangeKind
    old: JSONValue
    new: JSONValue
    rule: str
    direction: Direction
    severity: Severity
    label: Text
    sentence: Text
    fingerprint: str
    unit: str = ""
    area: Text = field(default_factory=Text)
    citation: Citation | None = None
    old_position: Position | None = None
    new_position: Position | None = None
    redline: tuple[tuple[str, str], ...] = ()
    unconfirmed: bool = False
    redline_zh: tuple[tuple[str, str], ...] = ()
    # OpenFisca parameters: the parameter's dotted name and the effective date a change touches.
    parameter: str = ""
    effective: str = ""

    def redline_for(self, lang: str) -> tuple[tuple[str, str], ...]:
        """The redline in the reader's language (the Chinese side of a bilingual text)."""
        return self.redline_zh if lang == "zh" and self.redline_zh else self.redline

    @property
    def path_text(self) -> str:
        """The machine path as text."""
        return format_path(self.path)

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form (see `policy-tracker schema diff`)."""
        def pos(p: Position | None) -> dict[str, JSONValue] | None:
            return {"file": p.file, "line": p.line, "col": p.col} if p else None
        return {"fingerprint": self.fingerprint, "path": path_to_json(self.path),
                "path_text": self.path_text, "label": self.label.to_dict(),
                "area": self.area.to_dict(), "kind": self.kind.value, "rule": self.rule,
                "direction": self.direction.value, "severity": self.severity.value,
                "old": self.old, "new": self.new, "unit": self.unit,
                "sentence": self.sentence.to_dict(),
                "citation": self.citation.to_dict() if self.citation else None,
                "unconfirmed": self.unconfirmed,
                "old_position": pos(self.old_position), "new_position": pos(self.new_position),
                "redline": [list(seg) for seg in self.redline],
                "redline_zh": [list(seg) for seg in self.redline_zh],
                **({"parameter": self.parameter} if self.parameter else {}),
                **({"effective": self.effective} if self.effective else {})}


def change_from_dict(data: Mapping[str, Any]) -> Change:
    """A `Change` back from its `to_dict()` form (the diff cache stores them so)."""
    def text(value: Any) -> Text:
        return Text(value.get("en", ""), value.get("zh", ""), value.get("fr", "")) \
            if value else Text()

    def pos(value: Any) -> Position | None:
        return Position(value["line"], value["col"], value.get("file", "")) if value else None

    def path_of(items: Any) -> Path:
        return tuple(ItemKey(*next(iter(seg.items()))) if isinstance(seg, dict) else seg
                     for seg in items)

    cite = data.get("citation")
    return Change(
        path=path_of(data["path"]), kind=ChangeKind(data["kind"]), old=data["old"],
        new=data["new"], rule=data["rule"], direction=Direction(data["direction"]),
        severity=Severity(data["severity"]), label=text(data["label"]),
        sentence=text(data["sentence"]), fingerprint=data["fingerprint"], unit=data["unit"],
        area=text(data["area"]),
        citation=Citation(cite["source"], cite["article"], cite["unconfirmed"],
                          text(cite["note"]), text(cite.get("title"))) if cite else None,
        old_position=pos(data["old_position"]), new_position=pos(data["new_position"]),
        redline=tuple((op, t) for op, t in data["redline"]),
        unconfirmed=data["unconfirmed"],
        redline_zh=tuple((op, t) for op, t in data.get("redline_zh", ())),
        parameter=data.get("parameter", ""), effective=data.get("effective", ""))


@dataclass(frozen=True)
class Diff:
    """All changes between two versions of the rules."""

    old: str
    new: str
    changes: tuple[Change, ...]
    accepted: tuple[Change, ...] = ()

    def counts(self) -> dict[str, int]:
        """How many changes of each direction and severity."""
        out: dict[str, int] = {}
        for change in self.changes:
            for name in (change.direction.value, change.severity.value):
                out[name] = out.get(name, 0) + 1
        return out

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form (see `policy-tracker schema diff`)."""
        out = {"old": self.old, "new": self.new, "counts": self.counts(),
               "accepted": len(self.accepted),
               "changes": [c.to_dict() for c in self.changes]}
        periods = self.periods()
        if periods:
            out["periods"] = [p.to_dict() for p in periods]
        return out

    def periods(self) -> tuple[Period, ...]:
        """The periods concerned: earliest and latest effective dates touched, overall first
        (parameter ""), then per parameter by name; empty when no change carries a date."""
        return periods_of(self.changes)


@dataclass(frozen=True)
class Period:
    """The earliest and latest effective dates a set of changes touches (ISO dates)."""

    parameter: str
    start: str
    end: str

    def to_dict(self) -> dict[str, str]:
        """The JSON form (`parameter` is empty for the whole change set)."""
        return {"parameter": self.parameter, "start": self.start, "end": self.end}


def periods_of(changes: tuple[Change, ...]) -> tuple[Period, ...]:
    """Overall, then per parameter: the earliest and latest effective dates touched."""
    # `effective` is a date, or an ISO 8601 interval `start/end` for a whole series.
    dated = [(c.parameter, d) for c in changes if c.effective for d in c.effective.split("/")]
    if not dated:
        return ()
    names: dict[str, list[str]] = {}
    for name, date in dated:
        names.setdefault(name, []).append(date)
    dates = [d for _, d in dated]
    return (Period("", min(dates), max(dates)),) + tuple(
        Period(name, min(found), max(found)) for name, found in sorted(names.items()))


@dataclass(frozen=True)
class Version:
    """One side of a comparison: named rule values and the files they were written in."""

    name: str
    tree: RuleTree
    documents: tuple[tuple[Document, Path], ...] = ()

    def locate(self, path: Path) -> Position | None:
        """Where the value at `path` was written: the last document that has it exactly."""
        for document, prefix in reversed(self.documents):
            pos = document.source_map.locate(document.data, prefix + path, exact=True)
            if pos is not None:
                return Position(pos.line, pos.col, document.name)
        return None


@dataclass(frozen=True)
class RenderOptions:
    """How a renderer should write: language, colour, what to call the document."""

    lang: str = "en"
    color: bool = False
    title: str = ""
    paths: bool = False
    """Show machine paths and file positions beside each change (`--paths`)."""
    fingerprints: bool = False
    """Show each change's fingerprint (what an accept file lists) in text output."""


@dataclass(frozen=True)
class Commit:
    """The git commit an event was read from."""

    sha: str
    committed: dt.datetime
    authored: dt.datetime
    subject: str

    def to_dict(self) -> dict[str, str]:
        """The JSON form."""
        return {"sha": self.sha, "committed": self.committed.isoformat(),
                "authored": self.authored.isoformat(), "subject": self.subject}


@dataclass(frozen=True)
class Event:
    """One step of a timeline: an instrument (or commit) and what it changed."""

    id: str
    track: str
    date: dt.date
    title: Text
    changes: tuple[Change, ...]
    snapshot: SnapshotMeta | None = None
    previous: str = ""
    base: tuple[str, ...] = ()
    file: str = ""
    commit: Commit | None = None
    error: str = ""
    names: tuple[tuple[str, Text], ...] = ()
    """The titles of the snapshots in `previous` and `base`, so readers never see their ids."""

    def name_of(self, snapshot_id: str, lang: str) -> str:
        """A compared snapshot's title (its id when the title is unknown)."""
        return next((t.get(lang) for i, t in self.names if i == snapshot_id), snapshot_id)

    @property
    def is_law(self) -> bool:
        """False for drafts and announcements (and for commits without a status)."""
        return self.snapshot is None or self.snapshot.status.is_law

    @property
    def baseline(self) -> bool:
        """The first snapshot of a track: nothing before it to compare with."""
        return not self.previous and not self.base and not self.error

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form (see `policy-tracker schema timeline`)."""
        return {"id": self.id, "track": self.track, "date": self.date.isoformat(),
                "title": self.title.to_dict(),
                "snapshot": self.snapshot.to_dict() if self.snapshot else None,
                "previous": self.previous or None, "base": list(self.base),
                "baseline": self.baseline, "file": self.file,
                "commit": self.commit.to_dict() if self.commit else None,
                "error": self.error or None, "changes": [c.to_dict() for c in self.changes]}


@dataclass(frozen=True)
class Timeline:
    """The ordered events of one policy (or one file's git history)."""

    policy: str
    title: Text
    tracks: tuple[str, ...]
    events: tuple[Event, ...]
    since: dt.date | None = None
    until: dt.date | None = None
    track_titles: tuple[tuple[str, Text], ...] = ()

    def track_title(self, track: str, lang: str = "en") -> str:
        """A track's name in `lang` (its id when the timeline has no title for it)."""
        return next((t.get(lang) for name, t in self.track_titles if name == track), track)

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form (see `policy-tracker schema timeline`)."""
        return {"policy": self.policy, "title": self.title.to_dict(), "tracks": list(self.tracks),
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "events": [e.to_dict() for e in self.events]}


@dataclass(frozen=True)
class Step:
    """One value of a field at one snapshot."""

    date: dt.date
    snapshot: str
    title: Text
    value: JSONValue
    present: bool
    citation: Citation | None
    status: str = ""

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form."""
        return {"date": self.date.isoformat(), "snapshot": self.snapshot,
                "title": self.title.to_dict(), "value": self.value, "present": self.present,
                "citation": self.citation.to_dict() if self.citation else None,
                "status": self.status}


@dataclass(frozen=True)
class FieldHistory:
    """The values one field took over time."""

    policy: str
    track: str
    path: Path
    label: Text
    unit: str
    steps: tuple[Step, ...]

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form."""
        return {"policy": self.policy, "track": self.track, "path": path_to_json(self.path),
                "path_text": format_path(self.path), "label": self.label.to_dict(),
                "unit": self.unit, "steps": [s.to_dict() for s in self.steps]}


@dataclass(frozen=True)
class FileReview:
    """One policy file changed between two commits: its diff and the problems of its new side."""

    status: str
    old_path: str
    new_path: str
    diff: Diff | None
    problems: tuple[PolicyTrackerError, ...] = ()
    note: str = ""

    @property
    def path(self) -> str:
        """The path at the head (or at the base, for a removed file)."""
        return self.new_path or self.old_path

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form."""
        return {"status": self.status, "old_path": self.old_path or None,
                "new_path": self.new_path or None, "note": self.note or None,
                "problems": [{"where": p.where, "line": p.line, "col": p.col,
                              "message": p.message} for p in self.problems],
                "diff": self.diff.to_dict() if self.diff else None}


@dataclass(frozen=True)
class Review:
    """Every policy file changed between a base and a head commit."""

    base: str
    head: str
    base_ref: str
    head_ref: str
    files: tuple[FileReview, ...]

    def changes(self) -> tuple[Change, ...]:
        """All changes of all files."""
        return tuple(c for f in self.files if f.diff for c in f.diff.changes)

    def to_dict(self) -> dict[str, JSONValue]:
        """The JSON form."""
        out = {"base": {"ref": self.base_ref, "commit": self.base},
               "head": {"ref": self.head_ref, "commit": self.head},
               "files": [f.to_dict() for f in self.files]}
        periods = periods_of(self.changes())
        if periods:
            out["periods"] = [p.to_dict() for p in periods]
        return out
