"""Accept files: fingerprints of changes a reviewer has accepted, and the entries gone stale."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import LoadError
from .i18n import message
from .load import load_document


@dataclass(frozen=True)
class AcceptEntry:
    """One accepted change: its fingerprint, the reason, and where the entry is written."""

    fingerprint: str
    reason: str
    where: str
    line: int
    col: int


def read_accept_entries(path: str) -> tuple[AcceptEntry, ...]:
    """A YAML mapping with an `accept` list of `{fingerprint, reason}` entries, in file order."""
    doc = load_document(path)
    entries = doc.data.get("accept") if isinstance(doc.data, dict) else None
    if not isinstance(entries, list):
        raise LoadError("an accept file is a mapping with an 'accept' list of "
                        "{fingerprint, reason}", path, 1, 1)
    out: list[AcceptEntry] = []
    for i, entry in enumerate(entries):
        pos = doc.source_map.locate(doc.data, ("accept", i))
        line, col = (pos.line, pos.col) if pos else (1, 1)
        if not (isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str)
                and isinstance(entry.get("reason"), str) and entry["reason"].strip()):
            raise LoadError("each accepted change needs a fingerprint and a reason", path,
                            line, col)
        out.append(AcceptEntry(entry["fingerprint"], entry["reason"], path, line, col))
    return tuple(out)


def accepted_map(entries: Iterable[AcceptEntry]) -> dict[str, str] | None:
    """Fingerprint → reason, as `Filters.accepted` takes it (None when there are none)."""
    return {e.fingerprint: e.reason for e in entries} or None


def stale_entries(entries: Iterable[AcceptEntry], found: Iterable[str]) -> tuple[LoadError, ...]:
    """One warning per entry whose fingerprint matches none of the changes `found`."""
    seen = set(found)
    return tuple(LoadError(message("validate.accept.stale", "en", fingerprint=e.fingerprint),
                           e.where, e.line, e.col)
                 for e in entries if e.fingerprint not in seen)
