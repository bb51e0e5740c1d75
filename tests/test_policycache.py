"""A checked policy, and a report worked out from it, kept whole in the cache folder: read back
while the folder is unchanged, never when a file, the tool or the entry's owner changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import pickle
import shutil
from pathlib import Path

import pytest

from policy_tracker import api, policycache, store
from policy_tracker import report as report_module
from policy_tracker.errors import ValidationError
from policy_tracker.load import parse_document
from policy_tracker.model import Document, Policy
from policy_tracker.tempfiles import create_exclusive

SAMPLE = Path(__file__).resolve().parent / "data" / "sample" / "example-residence"
CARD = Path("national") / "2020-03-01-card.yaml"
DAY = dt.date(2026, 12, 2)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POLICY_TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(store, "_LOADED", {})  # nothing kept in this process
    target = tmp_path / "policies" / "example-residence"
    shutil.copytree(SAMPLE, target)
    return target


def _entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / f"policies-{policycache.FORMAT}").iterdir())


def _comparable(policy: Policy) -> tuple[object, ...]:
    """A policy's content; source maps compare by identity, so documents by name and data."""
    snaps = tuple((s.meta, s.track, s.tree, s.document.name, s.document.data)
                  for s in policy.snapshots)
    return (dataclasses.replace(policy, snapshots=()), snaps)


def _fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a new run sees: no policy loaded yet in this process."""
    monkeypatch.setattr(store, "_LOADED", {})


def test_a_checked_policy_is_read_back_without_checking_it_again(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = store.load_policy(str(folder))
    assert len(_entries(tmp_path)) == 1
    _fresh_process(monkeypatch)
    monkeypatch.setattr(store, "check_policy", lambda *a: pytest.fail("checked again"))
    again = store.load_policy(str(folder))
    assert _comparable(again) == _comparable(first)


def test_positions_survive_the_cache(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = store.load_policy(str(folder))
    _fresh_process(monkeypatch)
    again = store.load_policy(str(folder))
    paths = [("rules", "card", "validity_years"), ("rules", "eligibility", "max_age"),
             ("snapshot", "id")]
    for old, new in zip(first.snapshots, again.snapshots, strict=True):
        for path in paths:
            where = old.document.source_map.locate(old.document.data, path)
            assert new.document.source_map.locate(new.document.data, path) == where
    card = next(s for s in again.snapshots if s.meta.id == "2020-card")
    position = card.document.source_map.locate(card.document.data,
                                               ("rules", "card", "validity_years"))
    assert position is not None and (position.line, position.col) == (29, 5)


def test_a_pickled_document_keeps_its_positions() -> None:
    data = b"a:\n  b: 1\n  c:\n    - id: x\n      d: 2\n"
    doc = parse_document(data, "t.yaml")
    copy = pickle.loads(pickle.dumps(doc))
    assert isinstance(copy, Document) and copy.data == doc.data and copy.name == "t.yaml"
    for path in (("a",), ("a", "b"), ("a", "c", 0, "d")):
        expected = doc.source_map.locate(doc.data, path)
        assert expected is not None
        assert copy.source_map.locate(copy.data, path) == expected


def test_an_edited_file_is_checked_again(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store.load_policy(str(folder))
    _fresh_process(monkeypatch)
    card = folder / CARD
    card.write_text(card.read_text("utf-8").replace("validity_years: {value: 10",
                                                    "validity_years: {value: ten"), "utf-8")
    with pytest.raises(ValidationError) as raised:
        store.load_policy(str(folder))
    assert any("validity_years" in p.message for p in raised.value.problems)


def test_a_policy_with_problems_is_never_kept(folder: Path, tmp_path: Path) -> None:
    (folder / CARD).write_text("snapshot: [", "utf-8")
    with pytest.raises(ValidationError):
        store.load_policy(str(folder))
    assert not (tmp_path / "cache" / f"policies-{policycache.FORMAT}").exists()


def test_another_version_of_the_tool_never_reads_an_entry(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store.load_policy(str(folder))
    _fresh_process(monkeypatch)
    monkeypatch.setattr(policycache, "_code_stamp", lambda: "another version")
    calls = []
    real = store.check_policy
    monkeypatch.setattr(store, "check_policy", lambda f: calls.append(f) or real(f))
    store.load_policy(str(folder))
    assert calls == [str(folder)]


def test_an_entry_others_may_write_is_not_read(folder: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    store.load_policy(str(folder))
    (entry,) = _entries(tmp_path)
    entry.chmod(0o666)
    key = entry.name
    assert policycache.get(str(tmp_path / "cache"), key, Policy) is None
    entry.chmod(0o600)
    assert policycache.get(str(tmp_path / "cache"), key, Policy) is not None
    entry.parent.chmod(0o777)
    try:
        assert policycache.get(str(tmp_path / "cache"), key, Policy) is None
    finally:
        entry.parent.chmod(0o700)


def test_a_linked_entry_is_not_read(folder: Path, tmp_path: Path) -> None:
    store.load_policy(str(folder))
    (entry,) = _entries(tmp_path)
    moved = tmp_path / "elsewhere"
    entry.rename(moved)
    entry.symlink_to(moved)
    assert policycache.get(str(tmp_path / "cache"), entry.name, Policy) is None


def test_a_damaged_entry_or_one_of_another_kind_is_a_miss(folder: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    first = store.load_policy(str(folder))
    (entry,) = _entries(tmp_path)
    cache = str(tmp_path / "cache")
    assert policycache.get(cache, entry.name, Document) is None  # a Policy, not a Document
    entry.write_bytes(entry.read_bytes()[:1000])
    assert policycache.get(cache, entry.name, Policy) is None
    entry.write_bytes(b"not a pickle")
    assert policycache.get(cache, entry.name, Policy) is None
    _fresh_process(monkeypatch)
    # checked again, and kept again
    assert _comparable(store.load_policy(str(folder))) == _comparable(first)
    kept = policycache.get(cache, entry.name, Policy)
    assert kept is not None and _comparable(kept) == _comparable(first)


def test_a_cache_folder_that_cannot_be_used_costs_nothing(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", "utf-8")
    monkeypatch.setenv("POLICY_TRACKER_CACHE_DIR", str(blocker))
    policy = store.load_policy(str(folder))
    assert policy.id == "example-residence"
    assert blocker.read_text("utf-8") == "not a folder"


def test_only_the_newest_entries_are_kept(tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    for i in range(policycache.KEEP + 3):
        policycache.put(cache, f"{i:064x}", {"entry": i})
        entry = tmp_path / "cache" / f"policies-{policycache.FORMAT}" / f"{i:064x}"
        os.utime(entry, ns=(i * 10**9, i * 10**9))
    kept = sorted(p.name for p in _entries(tmp_path))
    assert kept == [f"{i:064x}" for i in range(3, policycache.KEEP + 3)]
    assert policycache.get(cache, f"{policycache.KEEP + 2:064x}", dict) == \
        {"entry": policycache.KEEP + 2}


def test_a_report_is_worked_out_once_per_folder_and_question(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = str(folder.parent)
    first = api.load_report("example-residence", root, as_of=DAY)
    assert first == api.build_report(api.load_policy("example-residence", root), as_of=DAY)
    _fresh_process(monkeypatch)
    real = report_module.build_report
    monkeypatch.setattr(report_module, "build_report", lambda *a, **k: pytest.fail("built"))
    monkeypatch.setattr(store, "check_policy", lambda *a: pytest.fail("policy read back"))
    assert api.load_report("example-residence", root, as_of=DAY) == first
    monkeypatch.setattr(report_module, "build_report", real)
    monkeypatch.undo()
    monkeypatch.setenv("POLICY_TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    other_day = api.load_report("example-residence", root, as_of=dt.date(2012, 1, 1))
    assert other_day.as_of == dt.date(2012, 1, 1) and other_day.rules != first.rules
    national = api.load_report("example-residence", root, as_of=DAY, tracks=["national"])
    assert [t.id for t in national.tracks] == ["national"]


def test_a_report_follows_an_edited_folder(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = str(folder.parent)
    before = api.load_report("example-residence", root, as_of=DAY)
    _fresh_process(monkeypatch)
    card = folder / CARD
    card.write_text(card.read_text("utf-8").replace("validity_years: {value: 10",
                                                    "validity_years: {value: 12"), "utf-8")
    after = api.load_report("example-residence", root, as_of=DAY)
    assert after != before
    changed = [c for e in after.timeline.events for c in e.changes
               if c.path[-1:] == ("validity_years",) and c.new == 12]
    assert changed, "the edited value is not in the report read after the edit"


def test_load_report_checks_its_arguments() -> None:
    from policy_tracker.errors import UsageError

    with pytest.raises(UsageError, match="as_of"):
        api.load_report(as_of="2020-01-01")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="tracks"):
        api.load_report(as_of=DAY, tracks="national")


def test_new_files_are_made_exclusively_and_privately(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    fd, path = create_exclusive(str(tmp_path), ".pre-", ".tmp")
    os.close(fd)
    name = os.path.basename(path)
    assert name.startswith(".pre-") and name.endswith(".tmp") and len(name) == 5 + 16 + 4
    assert os.stat(path).st_mode & 0o777 == 0o600
    fd2, other = create_exclusive(str(tmp_path), ".pre-", ".tmp")
    os.close(fd2)
    assert other != path
    monkeypatch.setattr(os, "urandom", lambda n: bytes.fromhex(name[5:21]))
    with pytest.raises(FileExistsError):
        create_exclusive(str(tmp_path), ".pre-", ".tmp")


def test_compiled_templates_are_kept_only_in_a_private_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jinja2

    from policy_tracker.render import html

    monkeypatch.setenv("POLICY_TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    kept = html._bytecode_cache()
    folder = tmp_path / "cache" / f"templates-{jinja2.__version__}"
    assert kept is not None and folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o770)  # a group may write it: compiled code from there is never run
    assert html._bytecode_cache() is None
    folder.chmod(0o700)
    assert html._bytecode_cache() is not None
