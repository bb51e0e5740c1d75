"""Applicant profiles: facts about a person (each optional), read from YAML and schema-checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .catalog import text_of
from .errors import InputError, ValidationError
from .load import load_document
from .model import Document, JSONValue, Text
from .validate import check_schema, problem


@dataclass(frozen=True)
class Expectation:
    """A verdict a profile is expected to get, read from a cited source."""

    as_of: dt.date
    route: str
    verdict: str
    source: str
    track: str = ""
    include_drafts: bool = False


@dataclass(frozen=True)
class Profile:
    """One applicant: an id, a title and the facts given (nested, as written)."""

    id: str
    title: Text
    facts: Mapping[str, JSONValue]
    expected: tuple[Expectation, ...] = ()
    note: Text = Text()

    def fact(self, name: str) -> tuple[bool, JSONValue]:
        """(given, value) of a dotted fact such as `investment.amount_usd`."""
        node: Any = self.facts
        for part in name.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return False, None
            node = node[part]
        return True, node

    @property
    def region(self) -> str:
        """The track the profile names (empty when it names none)."""
        given, value = self.fact("region")
        return str(value) if given else ""

    def label(self, lang: str = "en") -> str:
        """The title in `lang`, or the id."""
        return self.title.get(lang) or self.id


def load_profiles(path: str) -> tuple[Profile, ...]:
    """Every profile of a profile file (`profile:` or `profiles:`), schema-checked."""
    doc = load_document(path)
    problems = check_schema(doc, "profile")
    if problems:
        raise ValidationError(tuple(problems))
    return parse_profiles(doc)


def parse_profiles(doc: Document) -> tuple[Profile, ...]:
    """Profiles from a schema-valid document; ids must be unique."""
    data: Any = doc.data
    raw_items = data["profiles"] if "profiles" in data else [data["profile"]]
    key = "profiles" if "profiles" in data else "profile"
    out: list[Profile] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_items):
        where: tuple[str | int, ...] = (key, i, "id") if key == "profiles" else (key, "id")
        if raw["id"] in seen:
            raise problem(doc, where, f"profile id {raw['id']!r} is used twice")
        seen.add(raw["id"])
        expected = tuple(Expectation(dt.date.fromisoformat(e["as_of"]), e["route"], e["verdict"],
                                     e["source"], e.get("track", ""),
                                     bool(e.get("include_drafts", False)))
                         for e in raw.get("expected", ()))
        out.append(Profile(raw["id"], text_of(raw.get("title")), raw["facts"], expected,
                           text_of(raw.get("note"))))
    return tuple(out)


def single_profile(profiles: tuple[Profile, ...], wanted: str | None, where: str) -> Profile:
    """The one profile of a file, or the one named `wanted`."""
    if wanted:
        for profile in profiles:
            if profile.id == wanted:
                return profile
        known = ", ".join(p.id for p in profiles)
        raise InputError(f"no profile {wanted!r}; profiles: {known}", where)
    if len(profiles) != 1:
        raise InputError(f"the file has {len(profiles)} profiles; choose one with --id "
                         f"({', '.join(p.id for p in profiles)})", where)
    return profiles[0]
