"""Policy folders on disk: parsed files are cached by content, an unchanged folder is not
reloaded, and any change is seen."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from policy_tracker import store
from policy_tracker.cache import DocumentCache

SAMPLE = Path(__file__).resolve().parent / "data" / "sample" / "example-residence"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POLICY_TRACKER_CACHE_DIR", str(tmp_path / "cache"))
    target = tmp_path / "policies" / "example-residence"
    shutil.copytree(SAMPLE, target)
    return target


def test_a_parsed_file_is_read_back_from_the_cache(folder: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(folder / "policy.yaml")
    first = store.load_document(path)
    with sqlite3.connect(tmp_path / "cache" / "documents.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM entries WHERE kind = 'document'").fetchone() \
            == (1,)
    monkeypatch.setattr(store, "parse_document", lambda *a: pytest.fail("parsed again"))
    again = store.load_document(path)
    assert again.data == first.data and again.name == first.name
    assert again.source_map.locate(again.data, ("policy", "id")) == \
        first.source_map.locate(first.data, ("policy", "id"))


def test_every_file_a_policy_load_reads_is_kept_by_one_connection(folder: Path,
                                                                  tmp_path: Path) -> None:
    # One connection per cache folder: a second one would wait on the first one's open
    # transaction, and what the first one put would never be committed.
    store.load_policy(str(folder))
    contents = {p.read_bytes() for p in folder.rglob("*.yaml")}
    with sqlite3.connect(tmp_path / "cache" / "documents.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM entries WHERE kind = 'document'").fetchone() \
            == (len(contents),)


def test_an_edited_file_is_parsed_again(folder: Path) -> None:
    path = folder / "policy.yaml"
    store.load_document(str(path))
    path.write_text(path.read_text("utf-8").replace("id: example-residence",
                                                    "id: example-residence  # edited"), "utf-8")
    assert store.load_document(str(path)).data["policy"]["id"] == "example-residence"
    path.write_text(path.read_text("utf-8").replace("Example long-term residence",
                                                    "Renamed residence"), "utf-8")
    assert "Renamed residence" in str(store.load_document(str(path)).data)


def test_an_unusable_cache_folder_changes_nothing(folder: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("POLICY_TRACKER_CACHE_DIR", str(blocker / "cache"))
    assert store.load_policy(str(folder)).id == "example-residence"
    assert DocumentCache.default().directory == str(blocker / "cache")


def test_an_unchanged_folder_is_not_loaded_twice_and_a_change_is_seen(folder: Path) -> None:
    first = store.load_policy(str(folder))
    assert store.load_policy(str(folder)) is first
    card = next(folder.rglob("*card*.yaml"))
    card.write_text(card.read_text("utf-8") + "\n# a comment\n", "utf-8")
    second = store.load_policy(str(folder))
    assert second is not first and second.id == first.id
