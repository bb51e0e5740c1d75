"""Git timelines written as they are read: memory does not grow with the number of revisions.

Events come from `gittimeline.iter_git_events` in commit order; the documented order is by
date, then commit order. Each event is pickled to a temporary spool as it comes, with only
its sort key kept in memory; the spool is then read back in order and rendered event by event
(`json`, `jsonl`, `csv` and `text`), byte for byte what the whole-timeline renderers give
(a test holds them to it). Other formats render the whole timeline.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import pickle
import tempfile
from json.encoder import encode_basestring
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from .jsontext import dumps_indented
from .gittimeline import event_order, full_event, git_timeline_head, iter_git_steps
from .model import Commit, Event, RenderOptions, Text, Timeline
from .refs import repo_path
from .render.csv import CHANGE_COLUMNS, EVENT_COLUMNS, change_row, event_cells
from .render.escape import csv_cell
from .render.json import escape_invisible
from .render.jsonl import line
from .render.text import _count, _timeline_head, event_lines, invalid_note

STREAMED = ("json", "jsonl", "csv", "text")
_EVENT_FIELDS = tuple(field.name for field in dataclasses.fields(Event))
Key = tuple[Any, int, str, int]


class EventSpool:
    """Events on disk in arrival order, read back in the documented order."""

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self.keys: list[Key] = []
        self.invalid = 0

    def add(self, event: Event, text: str | None = None) -> None:
        """Keep one event (on disk) and its sort key (in memory); with the JSON text of its
        changes (`cache.changes_json`), the text stands for them."""
        date, order = event_order(event)
        self.keys.append((date, order, event.track, self.file.tell()))
        if text is not None and event.changes:
            event = dataclasses.replace(event, changes=())
        # Its fields, not the dataclass, whose pickling costs twice as much.
        fields = tuple([getattr(event, name) for name in _EVENT_FIELDS])
        pickle.dump((fields, text), self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.invalid += bool(event.error)

    def tracks(self) -> tuple[str, ...]:
        """The tracks in order of first appearance in the sorted events."""
        self.keys.sort()
        return tuple(dict.fromkeys(key[2] for key in self.keys))

    def events(self) -> SpooledEvents:
        """The events in the documented order."""
        return SpooledEvents(self)

    def steps(self) -> Iterator[tuple[Event, str | None]]:
        """The events in the documented order, each with the JSON text of its changes when
        the spool has it (then the event's own changes are empty)."""
        self.keys.sort()
        for key in self.keys:
            self.file.seek(key[3])
            fields, text = pickle.load(self.file)  # noqa: S301 - our own spool, written now
            yield Event(*fields), text

    def close(self) -> None:
        """Delete the spool."""
        self.file.close()


class SpooledEvents:
    """The spool's events in order; the JSON writer reads their changes as text."""

    def __init__(self, spool: EventSpool) -> None:
        self.spool = spool

    def __iter__(self) -> Iterator[Event]:
        for event, text in self.spool.steps():
            yield full_event(event, text)


def spool_git_events(repo_dir: str, path: str, rev_range: str | None, use_cache: bool,
                     progress: Callable[[int, int], None] | None,
                     notes: Callable[[str], None] | None) -> EventSpool:
    """Read the history into a spool (the caller closes it)."""
    spool = EventSpool()
    try:
        for event, text in iter_git_steps(repo_dir, path, rev_range, use_cache, progress, notes):
            spool.add(event, text)
    except BaseException:
        spool.close()
        raise
    return spool


def stream_timeline(fmt: str, head: Timeline, events: Iterable[Event],
                    options: RenderOptions) -> Iterator[str]:
    """The timeline `head` with `events`, in `fmt` (one of STREAMED), chunk by chunk."""
    return _STREAMERS[fmt](head, events, options)


def _json(head: Timeline, events: Iterable[Event], options: RenderOptions) -> Iterator[str]:
    rest = head.to_dict()
    del rest["events"]
    first = True
    steps = events.spool.steps() if isinstance(events, SpooledEvents) \
        else ((event, None) for event in events)
    for event, text in steps:
        yield ("{\n  \"events\": [\n" if first else ",\n") + "    " + _event_json(event, text)
        first = False
    tail = json.dumps(rest, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    yield escape_invisible(("{\n  \"events\": []," if first else "\n  ],")
                           + tail[1:]) + "\n"


_NO_CHANGES = '\n      "changes": [],'


def _event_json(event: Event, text: str | None) -> str:
    """One event of the `events` list; the text of its changes, when given, is copied in
    (it is written and escaped already), not rebuilt."""
    if text is None or event.changes:
        return escape_invisible(dumps_indented(event.to_dict(), 2))
    head = escape_invisible(_commit_event_json(event) or dumps_indented(event.to_dict(), 2))
    # The event's own keys are the only ones six spaces in, so this is its "changes" key.
    return head.replace(_NO_CHANGES, '\n      "changes": ' + text.replace("\n", "\n      ")
                        + ",", 1)


# The keys of an event in the order `dumps_indented` writes them, as the template below has
# them; checked against `Event.to_dict` at import, so a new field turns the template off.
_COMMIT_EVENT_KEYS = ("base", "baseline", "changes", "commit", "date", "error", "file", "id",
                      "previous", "snapshot", "title", "track")
_TEMPLATE_ON = tuple(sorted(Event("", "", dt.date.min, Text(), ()).to_dict())) == \
    _COMMIT_EVENT_KEYS and tuple(sorted(Commit("", dt.datetime.min, dt.datetime.min, "")
                                        .to_dict())) == ("authored", "committed", "sha", "subject")


def _commit_event_json(event: Event) -> str | None:
    """`dumps_indented(event.to_dict(), 2)` for the commonest event of a git timeline (a
    commit, no snapshot, no changes given), written from a template; None for any other."""
    commit, title = event.commit, event.title
    if not _TEMPLATE_ON or commit is None or event.snapshot is not None or event.base \
            or event.changes or title.fr:
        return None
    return "".join((
        '{\n      "base": [],\n      "baseline": ', "true" if event.baseline else "false",
        ',\n      "changes": [],\n      "commit": {\n        "authored": ',
        encode_basestring(commit.authored.isoformat()), ',\n        "committed": ',
        encode_basestring(commit.committed.isoformat()), ',\n        "sha": ',
        encode_basestring(commit.sha), ',\n        "subject": ',
        encode_basestring(commit.subject), '\n      },\n      "date": ',
        encode_basestring(event.date.isoformat()), ',\n      "error": ',
        encode_basestring(event.error) if event.error else "null", ',\n      "file": ',
        encode_basestring(event.file), ',\n      "id": ', encode_basestring(event.id),
        ',\n      "previous": ',
        encode_basestring(event.previous) if event.previous else "null",
        ',\n      "snapshot": null,\n      "title": {\n        "en": ',
        encode_basestring(title.en), ',\n        "zh": ', encode_basestring(title.zh),
        '\n      },\n      "track": ', encode_basestring(event.track), "\n    }"))


def _jsonl(head: Timeline, events: Iterable[Event], options: RenderOptions) -> Iterator[str]:
    for event in events:
        yield line(event.to_dict()) + "\n"


def _csv(head: Timeline, events: Iterable[Event], options: RenderOptions) -> Iterator[str]:
    lang = options.lang
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EVENT_COLUMNS + CHANGE_COLUMNS)
    for event in events:
        cells = event_cells(event, lang)
        rows = [cells + change_row(c, lang) for c in event.changes] or \
            [cells + [""] * len(CHANGE_COLUMNS)]
        for row in rows:
            writer.writerow([csv_cell(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _text(head: Timeline, events: Iterable[Event], options: RenderOptions) -> Iterator[str]:
    lang = options.lang
    yield "\n".join(_timeline_head(head, options))
    count = invalid = 0
    for event in events:
        lines = event_lines(event, head, options)
        count += 1
        invalid += bool(event.error)
        yield "\n" + "\n".join(lines)
    yield "\n\n" + _count(count, lang) + invalid_note(invalid, lang) + "\n"


_STREAMERS: dict[str, Callable[[Timeline, Iterable[Event], RenderOptions], Iterator[str]]] = {
    "json": _json, "jsonl": _jsonl, "csv": _csv, "text": _text}


def head_for(path: str, spool: EventSpool) -> Timeline:
    """The timeline of `path` with the spool's tracks and no events (they are streamed)."""
    return git_timeline_head(repo_path(path), spool.tracks())
