"""One OpenFisca parameter over time: its values at a ref, and when git history introduced,
corrected or removed each of them (a correction of a past value is what reviewers most need)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import replace

from .errors import NotFoundError
from .history import iter_revisions, read_document_at
from .model import JSONValue
from .openfisca import read_document
from .openfisca_model import Parameter, ParameterHistory, ValueEvent, ValueRow, series_name
from .openfisca_store import EXTENSIONS, name_of, repo_name_of

Progress = Callable[[int, int], None]


def _values(parameter: Parameter) -> dict[tuple[str, str], JSONValue]:
    return {(series_name(s.field, s.bracket), v.date): v.value
            for s in parameter.series for v in s.values}


def _candidates(path: str, name: str) -> list[str]:
    """Files that may hold `name`: the path itself, or `a/b/c.yaml`, `a/b.yaml`, … under
    the `parameters` folder of a folder path."""
    if path.endswith(EXTENSIONS):
        return [path]
    parts = path.split("/") if path else []
    root = parts[:len(parts) - parts[::-1].index("parameters")] if "parameters" in parts \
        else parts
    names = name.split(".")
    if "parameters" in parts:
        below = parts[len(root):]
        if names[:len(below)] != below:
            return []
        names = names[len(below):]
    found = []
    for end in range(len(names), 0, -1):
        for ext in EXTENSIONS:
            found.append(posixpath.join(*(root or ["."]), *names[:end - 1], names[end - 1] + ext))
    return [posixpath.normpath(p) for p in found]


def _read_at(repo_dir: str, ref: str, path: str, name: str) -> tuple[str, Parameter]:
    for candidate in _candidates(path, name):
        try:
            doc = read_document_at(repo_dir, ref, candidate)
        except NotFoundError:
            continue
        file_name = repo_name_of(candidate)
        tree = read_document(doc, file_name, name_of(candidate.rsplit("/", 1)[-1])[1])
        parameter = tree.parameter(name)
        if parameter is not None:
            if tree.problems:
                raise tree.problems[0]
            return candidate, parameter
    raise NotFoundError(f"no OpenFisca parameter {name!r} under {path or '.'} at {ref}")


def parameter_history(repo_dir: str, path: str, name: str, rev: str | None = None,
                      use_cache: bool = True, progress: Progress | None = None,
                      currency: str = "") -> ParameterHistory:
    """The parameter `name` found under `path` (relative to the top of the repository)."""
    ref = (rev or "HEAD").split("..")[-1] or "HEAD"
    file, parameter = _read_at(repo_dir, ref, path, name)
    parameter = replace(parameter, currency=currency)
    rows = []
    for series in parameter.series:
        for item in series.values:
            found = parameter.reference_at(item.date)
            rows.append(ValueRow(series_name(series.field, series.bracket), item.date,
                                 item.value, found.title if found else ""))
    units = tuple((f, parameter.unit_of(f)) for f in
                  dict.fromkeys(s.field for s in parameter.series) if parameter.unit_of(f))
    events = _events(repo_dir, file, name, rev, use_cache, progress)
    return ParameterHistory(name, parameter.label, parameter.kind, units, file, ref,
                            tuple(rows), tuple(events))


def _events(repo_dir: str, file: str, name: str, rev: str | None, use_cache: bool,
            progress: Progress | None) -> list[ValueEvent]:
    events: list[ValueEvent] = []
    before: dict[tuple[str, str], JSONValue] | None = None
    for revision in iter_revisions(repo_dir, file, rev, progress, use_cache):
        when, sha = revision.committed.isoformat(), revision.commit
        if revision.document is None:
            if revision.error is not None:
                events.append(ValueEvent("invalid", "", "", None, None, sha, when,
                                         revision.subject, str(revision.error)))
                continue
            now: dict[tuple[str, str], JSONValue] = {}
        else:
            tree = read_document(revision.document, repo_name_of(revision.path),
                                 name_of(revision.path.rsplit("/", 1)[-1])[1])
            parameter = tree.parameter(name)
            if tree.problems and parameter is None:
                error = tree.problems[0]
                events.append(ValueEvent("invalid", "", "", None, None, sha, when,
                                         revision.subject, str(error)))
                continue
            now = _values(parameter) if parameter is not None else {}
        if before is None:  # where the history starts: one line, not one per value
            events.append(ValueEvent("first", "", "", None, len(now), sha, when,
                                     revision.subject))
        else:
            events.extend(_compare(before, now, sha, when, revision.subject))
        before = now
    return events


def _compare(old: dict[tuple[str, str], JSONValue], new: dict[tuple[str, str], JSONValue],
             sha: str, when: str, subject: str) -> list[ValueEvent]:
    out = []
    for key in sorted(set(old) | set(new)):
        series, date = key
        if key not in old:
            out.append(ValueEvent("introduced", series, date, None, new[key], sha, when, subject))
        elif key not in new:
            out.append(ValueEvent("removed", series, date, old[key], None, sha, when, subject))
        elif old[key] != new[key] or isinstance(old[key], bool) != isinstance(new[key], bool):
            out.append(ValueEvent("corrected", series, date, old[key], new[key], sha, when,
                                  subject))
    return out

