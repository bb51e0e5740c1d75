"""The caches: same documents and comparisons back, fast, self-checking, never a reason for a
run to fail, and never trusted beyond the inputs an entry names."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from policy_tracker import cache as cache_module
from policy_tracker.cache import (FORMAT_VERSION, LOADER_VERSION, DiffCache, DocumentCache,
                                  changes_from_json, changes_json, default_cache_dir, stats)
from policy_tracker.load import parse_document
from policy_tracker.model import Change, Document, ItemKey
from policy_tracker.render.json import escape_invisible

BLOB = "3b18e512dba79e4c8300dd08aeb37f8e728b8dad"
OTHER = "0f18e512dba79e4c8300dd08aeb37f8e728b8dad"
TEXT = b"""\
fees:
  amount: 100
  currency: CNY
routes:
  - id: investment
    min_years: 3
  - id: talent
    min_years: 5
note: "caf\\u00e9 \\t"
big: 123456789012345678901234567890
ratio: 1.1e-5
on: no
"""


def parsed(text: bytes = TEXT, name: str = "a.yaml") -> Document:
    return parse_document(text, name)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DocumentCache]:
    made = DocumentCache(str(tmp_path / "cache"))
    yield made
    made.close()


def database(store: DocumentCache | DiffCache) -> Path:
    return Path(store.store.path)


@contextlib.contextmanager
def rows(store: DocumentCache | DiffCache) -> Iterator[sqlite3.Connection]:
    """The database behind a cache, for tests that tamper with it (committed on exit)."""
    store.close()
    with contextlib.closing(sqlite3.connect(database(store))) as db, db:
        yield db


def tamper(store: DocumentCache | DiffCache, **columns: object) -> None:
    """Overwrite columns of every entry, as an editor of the cache file would."""
    with rows(store) as db:
        for name, value in columns.items():
            db.execute(f"UPDATE entries SET {name} = ?", (value,))


def reseal(store: DocumentCache | DiffCache, payload: bytes) -> None:
    """Replace every payload and recompute its digest: damage that passes the digest (the
    entries of these tests are BLOB's document, or the comparison BLOB, OTHER, catalogue)."""
    kind, inputs = ("changes", f"{BLOB}\x1f{OTHER}\x1fcatalogue") \
        if isinstance(store, DiffCache) else ("document", BLOB)
    with rows(store) as db:
        for row_id, version in db.execute("SELECT id, version FROM entries").fetchall():
            db.execute("UPDATE entries SET payload = ?, digest = ? WHERE id = ?",
                       (payload, cache_module._digest(kind, inputs, version, payload), row_id))


def test_default_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("POLICY_TRACKER_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == str(tmp_path / "xdg" / "policy-tracker")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    assert default_cache_dir() == str(tmp_path / ".cache" / "policy-tracker")
    monkeypatch.setenv("POLICY_TRACKER_CACHE_DIR", str(tmp_path / "mine"))
    assert DocumentCache.default().directory == str(tmp_path / "mine")
    assert DocumentCache.default(enabled=False).enabled is False


def test_round_trip_gives_the_same_document(store: DocumentCache) -> None:
    fresh = parsed()
    store.put(BLOB, fresh)
    back = store.get(BLOB, "abc123:a.yaml")
    assert back is not None
    assert back.name == "abc123:a.yaml"
    assert back.data == fresh.data
    assert json.dumps(back.data) == json.dumps(fresh.data)  # key order and types kept
    for path in [("fees",), ("fees", "amount"), ("routes", ItemKey("id", "talent")),
                 ("routes", ItemKey("id", "talent"), "min_years"), ("note",), ("missing",)]:
        assert back.source_map.locate(back.data, path) == fresh.source_map.locate(
            fresh.data, path)


def test_an_entry_carries_its_version_and_a_digest_of_its_inputs(
        store: DocumentCache) -> None:
    fresh = parsed()
    store.put(BLOB, fresh)
    with rows(store) as db:
        found = db.execute("SELECT id, version, digest, payload FROM entries").fetchall()
    assert len(found) == 1
    row_id, version, digest, payload = found[0]
    assert row_id == cache_module._entry_id("document", BLOB)
    assert version == f"f{FORMAT_VERSION}-v{LOADER_VERSION}-auto"
    assert digest == cache_module._digest("document", BLOB, version, payload)
    assert digest != cache_module._digest("document", OTHER, version, payload)
    entry = json.loads(zlib.decompress(payload))
    assert set(entry) == {"data", "marks"}
    assert entry["data"] == fresh.data
    flat = fresh.source_map.flatten(fresh.data)
    assert entry["marks"] == {key: list(value) for key, value in flat.items()}


def test_comparisons_are_stored_compressed(tmp_path: Path) -> None:
    diffs = DiffCache(str(tmp_path / "cache"))
    value = [{"sentence": "The fee was raised from 100 to 150.", "n": i} for i in range(500)]
    diffs.put_json(value, BLOB, OTHER, "catalogue")
    with rows(diffs) as db:
        (size,) = db.execute("SELECT length(payload) FROM entries").fetchone()
    assert size < 0.2 * len(json.dumps(value))
    assert DiffCache(str(tmp_path / "cache")).get_json(BLOB, OTHER, "catalogue") == value


def test_the_two_yaml_back_ends_never_share_entries(store: DocumentCache,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    store.put(BLOB, parsed())
    store.close()
    monkeypatch.setenv("POLICY_TRACKER_YAML", "pure")
    pure = DocumentCache(store.directory)
    assert pure.get(BLOB, "x") is None
    pure.close()
    monkeypatch.delenv("POLICY_TRACKER_YAML")
    assert DocumentCache(store.directory).get(BLOB, "x") is not None


def test_disabled_cache_reads_and_writes_nothing(tmp_path: Path) -> None:
    off = DocumentCache(str(tmp_path / "cache"), enabled=False)
    off.put(BLOB, parsed())
    assert off.get(BLOB, "x") is None
    off.close()
    diffs = DiffCache(str(tmp_path / "cache"), enabled=False)
    diffs.put_json([1], "a", "b")
    assert diffs.get_json("a", "b") is None
    diffs.close()
    assert not (tmp_path / "cache").exists()


def test_the_cache_directory_is_private(tmp_path: Path) -> None:
    made = DocumentCache(str(tmp_path / "deep" / "cache"))
    made.put(BLOB, parsed())
    made.close()
    assert stat.S_IMODE(os.stat(tmp_path / "deep" / "cache").st_mode) == 0o700


@pytest.mark.parametrize("blob", ["", "abc", "../../../etc/passwd", BLOB.upper(), BLOB + "0"])
def test_only_full_blob_ids_are_keys(store: DocumentCache, blob: str) -> None:
    store.put(blob, parsed())
    assert store.get(blob, "x") is None
    assert not Path(store.directory).exists()


def ignored(store: DocumentCache | DiffCache, read: object) -> str:
    """The reason the next read ignores an entry (the read must give None)."""
    before = dict(stats)
    assert read() is None  # type: ignore[operator]
    grown = [reason for reason, count in stats.items() if count > before.get(reason, 0)]
    assert len(grown) == 1, grown
    return grown[0]


def test_an_edited_entry_is_never_shown_as_fact(store: DocumentCache) -> None:
    store.put(BLOB, parsed(b"authority: Ministry of Justice\n"))
    store.close()
    with rows(store) as db:
        (payload,) = db.execute("SELECT payload FROM entries").fetchone()
    forged = zlib.compress(zlib.decompress(payload).replace(b"Justice", b"PWNED"))
    tamper(store, payload=forged)
    assert "fails its digest" in ignored(store, lambda: store.get(BLOB, "x"))
    store.put(BLOB, parsed(b"authority: Ministry of Justice\n"))  # rewritten
    back = store.get(BLOB, "x")
    assert back is not None and back.data == {"authority": "Ministry of Justice"}


def test_an_entry_stands_only_for_the_inputs_it_names(store: DocumentCache) -> None:
    store.put(BLOB, parsed())
    # Moved under another blob id, digest unchanged:
    tamper(store, id=cache_module._entry_id("document", OTHER))
    assert "other inputs" in ignored(store, lambda: store.get(OTHER, "x"))
    tamper(store, id=cache_module._entry_id("document", BLOB), version="f0-v0-auto")
    assert "another version" in ignored(store, lambda: store.get(BLOB, "x"))


@pytest.mark.parametrize("damage", [
    b"", b"{", b"not json", b'{"data": [1, 2], "marks": {}}', b'{"marks": {}, "data": {}}',
    b'{"data":{"a":1},"marks":', b'{"data":{"a":1}}', b"\xff\xfe", b'{"data":{"a":1},"x":{}}',
    b'{"data":{"a":NaN},"marks":{}}',
])
def test_damaged_entries_that_pass_the_digest_are_still_refused(store: DocumentCache,
                                                               damage: bytes) -> None:
    store.put(BLOB, parsed())
    reseal(store, zlib.compress(damage))
    assert store.get(BLOB, "x") is None
    store.put(BLOB, parsed())
    back = store.get(BLOB, "x")
    assert back is not None and back.data == parsed().data


@pytest.mark.parametrize("payload", [b"", b"\x78\x9c", b"not zlib at all",
                                     zlib.compress(b'{"data":{},"marks":{}}')[:-3]])
def test_truncated_payloads_are_refused(store: DocumentCache, payload: bytes) -> None:
    store.put(BLOB, parsed())
    reseal(store, payload)
    assert ignored(store, lambda: store.get(BLOB, "x")) in (
        "entry does not inflate", "entry does not decode")


def test_entries_are_read_and_inflated_with_a_cap(store: DocumentCache,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    store.put(BLOB, parsed())
    bomb = zlib.compress(b'{"data":{"a":"' + b"x" * 2_000_000 + b'"},"marks":{}}', 9)
    reseal(store, bomb)
    monkeypatch.setattr(cache_module, "MAX_ENTRY", 100_000)
    assert ignored(store, lambda: store.get(BLOB, "x")) == "entry does not inflate"
    reseal(store, b"x" * 200_000)
    assert ignored(store, lambda: store.get(BLOB, "x")) == "entry too large or malformed"


@pytest.mark.parametrize("damage", [[], [{"path": []}], {"a": 1}, [{"kind": "added"}]])
def test_a_shape_valid_comparison_never_erases_real_changes(tmp_path: Path,
                                                            damage: object) -> None:
    diffs = DiffCache(str(tmp_path / "cache"))
    diffs.put_json([{"real": "change"}], BLOB, OTHER, "catalogue")
    tamper(diffs, payload=zlib.compress(json.dumps(damage).encode()))
    assert diffs.get(BLOB, OTHER, "catalogue") is None
    if damage != []:  # (an empty list that passes its digest is a forgery: see the README)
        reseal(diffs, zlib.compress(json.dumps(damage).encode()))
        assert diffs.get(BLOB, OTHER, "catalogue") is None  # not a list of changes
    diffs.close()


def _some_changes() -> tuple[Change, ...]:
    from policy_tracker.catalog import Catalog
    from policy_tracker.diff import compare
    from policy_tracker.model import RuleTree, Version

    old = Version("old", RuleTree({"fee": 1, "note": "a\u200bb", "gone": [1]}, {}))
    new = Version("new", RuleTree({"fee": 2, "note": "a\nb", "added": {"x": None}}, {}))
    return compare(old, new, Catalog(generic=True)).changes


def test_comparisons_are_stored_as_the_text_a_json_timeline_writes(tmp_path: Path) -> None:
    changes = _some_changes()
    assert len(changes) >= 3
    diffs = DiffCache(str(tmp_path / "cache"))
    text = diffs.put(changes, BLOB, OTHER, "catalogue")
    assert text == changes_json(changes) == escape_invisible(json.dumps(
        [c.to_dict() for c in changes], sort_keys=True, indent=2, ensure_ascii=False))
    assert "\\u200b" in text and "\u200b" not in text
    diffs.close()
    again = DiffCache(str(tmp_path / "cache"))
    assert again.get_text(BLOB, OTHER, "catalogue") == text
    assert again.get(BLOB, OTHER, "catalogue") == changes == changes_from_json(text)
    assert DiffCache(str(tmp_path / "cache"), enabled=False).put(changes, BLOB) is None


@pytest.mark.parametrize("damage", ["{}", "[1]", '[{"kind": "added"}]', "[", "[NaN]"])
def test_stored_text_that_is_not_a_list_of_changes_is_refused(tmp_path: Path,
                                                              damage: str) -> None:
    diffs = DiffCache(str(tmp_path / "cache"))
    diffs.put(_some_changes(), BLOB, OTHER, "catalogue")
    reseal(diffs, zlib.compress(damage.encode()))
    assert diffs.get_text(BLOB, OTHER, "catalogue") is None
    assert diffs.get(BLOB, OTHER, "catalogue") is None
    diffs.close()


def test_a_comparison_names_every_part_of_its_key(tmp_path: Path) -> None:
    diffs = DiffCache(str(tmp_path / "cache"))
    diffs.put_json(["x"], BLOB, OTHER, "catalogue")
    assert diffs.get_json(BLOB, OTHER, "catalogue") == ["x"]
    assert diffs.get_json(OTHER, BLOB, "catalogue") is None
    assert diffs.get_json(BLOB, OTHER, "another catalogue") is None
    # Under the row of another key, it is refused: its digest names every part of its own.
    tamper(diffs, id=cache_module._entry_id("changes", f"{BLOB}\x1f{OTHER}\x1fother"))
    assert "other inputs" in ignored(diffs, lambda: diffs.get_json(BLOB, OTHER, "other"))


def test_entries_of_a_few_kilobytes_share_pages(tmp_path: Path) -> None:
    # Incompressible entries of 1.5-3 KB, the size of a typical stored comparison: in a
    # table WITHOUT ROWID each spilled into overflow pages of its own (the file was 2-3 times
    # the bytes stored); a rowid table packs them.
    diffs = DiffCache(str(tmp_path / "cache"))
    stored = 0
    for i in range(300):
        value = os.urandom(700 + 3 * i).hex()
        diffs.put_json(value, f"{i:040x}", OTHER, "catalogue")
        stored += len(zlib.compress(json.dumps(value).encode())) + 200
    diffs.close()
    assert os.path.getsize(database(diffs)) < 1.4 * stored


@pytest.mark.parametrize("tail", [") WITHOUT ROWID", ")"])
def test_a_database_of_an_old_layout_is_rebuilt(tmp_path: Path, tail: str) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    with contextlib.closing(sqlite3.connect(folder / "comparisons.sqlite3")) as db, db:
        db.execute("CREATE TABLE entries (kind TEXT NOT NULL, key TEXT NOT NULL, inputs TEXT "
                   "NOT NULL, version TEXT NOT NULL, digest BLOB NOT NULL, payload BLOB NOT "
                   "NULL, PRIMARY KEY (kind, key)" + tail)
        db.execute("INSERT INTO entries VALUES ('changes', 'k', 'i', 'v', x'00', x'00')")
    diffs = DiffCache(str(folder))
    diffs.put_json(["x"], BLOB, OTHER, "catalogue")
    assert diffs.get_json(BLOB, OTHER, "catalogue") == ["x"]
    with rows(diffs) as db:
        (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'entries'").fetchone()
    assert sql == cache_module._LAYOUT


def _special_database(kind: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    elif kind == "sparse 3 GB":
        with open(path, "wb") as handle:
            handle.truncate(3 << 30)
    else:
        path.write_bytes(b"garbage " * 1000)


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero", "sparse 3 GB", "garbage"])
def test_a_database_that_is_not_one_is_replaced_without_hanging(tmp_path: Path,
                                                                kind: str) -> None:
    folder = tmp_path / "cache"
    _special_database(kind, folder / "documents.sqlite3")
    # In a child process with a time and memory limit: a hang or a read of /dev/zero fails it.
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from policy_tracker.cache import DocumentCache, stats\n"
        "from policy_tracker.load import parse_document\n"
        f"c = DocumentCache({str(folder)!r})\n"
        f"assert c.get({BLOB!r}, 'x') is None\n"
        f"c.put({BLOB!r}, parse_document(b'a: 1\\n', 'x'))\n"
        f"assert c.get({BLOB!r}, 'x').data == {{'a': 1}}\n"
        "c.close()\n"
        "print(dict(stats))\n")
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                          text=True, timeout=60, env=dict(os.environ, PYTHONPATH=str(root)))
    assert done.returncode == 0, done.stderr
    assert "replaced" in done.stdout
    assert stat.S_ISREG(os.lstat(folder / "documents.sqlite3").st_mode)
    assert os.path.getsize(folder / "documents.sqlite3") < 1 << 20


def test_a_database_the_cache_cannot_replace_disables_it(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _special_database("folder", folder / "documents.sqlite3")
    made = DocumentCache(str(folder))
    made.put(BLOB, parsed())
    assert made.get(BLOB, "x") is None
    made.close()


def test_cache_may_be_deleted_at_any_time(store: DocumentCache) -> None:
    store.put(BLOB, parsed())
    store.close()
    shutil.rmtree(store.directory)
    assert store.get(BLOB, "x") is None
    store.put(BLOB, parsed())
    assert store.get(BLOB, "x") is not None


def test_write_errors_never_fail(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    under_a_file = DocumentCache(str(blocker / "cache"))
    under_a_file.put(BLOB, parsed())  # ENOTDIR, even as root
    assert under_a_file.get(BLOB, "x") is None
    odd = DocumentCache(str(tmp_path / "odd"))
    odd.put(BLOB, Document("x", {"unencodable": {1, 2}}))  # TypeError from json
    assert odd.get(BLOB, "x") is None


def test_entries_are_replaced_whole(store: DocumentCache) -> None:
    store.put(BLOB, parsed(b"a: 1\n"))
    store.put(BLOB, parsed(b"a: 2\n"))
    back = store.get(BLOB, "x")
    assert back is not None and back.data == {"a": 2}
    with rows(store) as db:
        assert db.execute("SELECT count(*) FROM entries").fetchone() == (1,)


def test_two_caches_at_once_share_the_databases(tmp_path: Path) -> None:
    one, two = DocumentCache(str(tmp_path / "c")), DocumentCache(str(tmp_path / "c"))
    one.put(BLOB, parsed(b"a: 1\n"))
    one.close()
    two.put(OTHER, parsed(b"b: 1\n"))
    two.close()
    three = DocumentCache(str(tmp_path / "c"))
    assert three.get(BLOB, "x") is not None and three.get(OTHER, "x") is not None
    three.close()
