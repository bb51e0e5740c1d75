"""The strict loader: YAML 1.2 typing, identical results from both parsers, safe file reads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import corpora
from policy_tracker.errors import LoadError
from policy_tracker.load import has_c_loader, load_document, parse_document, read_bytes
from policy_tracker.model import ItemKey, Position

ROOT = Path(__file__).resolve().parent.parent

TYPING = [
    ("no", "no"), ("NO", "NO"), ("on", "on"), ("off", "off"), ("yes", "yes"), ("y", "y"),
    ("012", "012"), ("0755", "0755"), ("1:20", "1:20"), ("20:22", "20:22"),
    ("1.10", 1.1), ("1.0e+3", 1000.0), ("1e3", 1000.0), ("0x1F", 31), ("0o17", 15),
    ("-3", -3), ("+3", 3), ("0", 0), (".5", 0.5), ("true", True), ("False", False),
    ("null", None), ("~", None), ("", None), ("2024-01-01", "2024-01-01"),
    ("2024-01-01T10:00:00", "2024-01-01T10:00:00"), (".inf", ".inf"), (".nan", ".nan"),
    ("1_000", "1_000"), ("'012'", "012"), ('"true"', "true"),
]


@pytest.fixture(params=["auto", "pure"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("POLICY_TRACKER_YAML", request.param)
    return str(request.param)


@pytest.mark.parametrize(("written", "expected"), TYPING)
def test_plain_scalars_follow_yaml_1_2_core(written: str, expected: object, loader: str) -> None:
    data = parse_document(f"k: {written}\n".encode(), "t.yaml").data
    assert data["k"] == expected
    assert type(data["k"]) is type(expected)


def _yaml_files(*folders: Path) -> list[Path]:
    files = [f for folder in folders for f in sorted(folder.rglob("*.yaml"))]
    return [f for f in files if "invalid" not in f.parts]


def _parse_with_both(files: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    for path in files:
        results = []
        for choice in ("auto", "pure"):
            monkeypatch.setenv("POLICY_TRACKER_YAML", choice)
            try:
                doc = load_document(str(path))
                results.append((repr(doc.data), doc.source_map.flatten(doc.data)))
            except LoadError as exc:
                results.append((exc.message.split(":")[0], exc.line))
        assert results[0] == results[1], path


@pytest.mark.skipif(not has_c_loader(), reason="PyYAML was built without libyaml")
def test_both_parsers_give_identical_results(monkeypatch: pytest.MonkeyPatch) -> None:
    # The bundled dataset, the sample policy and the shipped corpus (invalid YAML and
    # duplicate keys included): every error must come out the same from both parsers too.
    files = _yaml_files(ROOT / "policies", ROOT / "tests" / "data")
    assert len(files) > 40
    assert any(f"{f.parent.name}/{f.name}" in corpora.INVALID for f in files)
    assert any(f"{f.parent.name}/{f.name}" in corpora.DUPLICATE_KEYS for f in files)
    _parse_with_both(files, monkeypatch)


@pytest.mark.corpus
@pytest.mark.skipif(not has_c_loader(), reason="PyYAML was built without libyaml")
@pytest.mark.skipif(not corpora.external_present(), reason=corpora.MISSING)
def test_both_parsers_agree_on_the_external_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    files = _yaml_files(corpora.EXTERNAL)
    assert len(files) > 100
    _parse_with_both(files, monkeypatch)


def test_positions_point_at_values_and_keys(loader: str) -> None:
    text = b"a:\n  routes:\n    - id: x\n      years: 3\n  name: 'q'\n"
    doc = parse_document(text, "t.yaml")
    locate = doc.source_map.locate
    assert locate(doc.data, ("a", "routes", ItemKey("id", "x"), "years")) == Position(4, 14)
    assert locate(doc.data, ("a", "routes")) == Position(2, 3)
    assert locate(doc.data, ("a", "name")) == Position(5, 9)
    assert locate(doc.data, ("a", "missing")) == Position(1, 1)
    assert locate(doc.data, ("a", "missing"), exact=True) is None


def test_byte_order_mark_is_dropped_and_crlf_works(loader: str) -> None:
    assert parse_document(b"\xef\xbb\xbfa: 1\r\nb: 2\r\n", "t").data == {"a": 1, "b": 2}


def test_reading_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="is a directory"):
        read_bytes(str(tmp_path))
    with pytest.raises(LoadError, match="no such file"):
        read_bytes(str(tmp_path / "absent.yaml"))
    with pytest.raises(LoadError, match="not a regular file"):
        read_bytes("/dev/zero")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(LoadError, match="not a regular file"):
        read_bytes(str(fifo))


def test_size_cap(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import policy_tracker.load as load

    monkeypatch.setattr(load, "MAX_BYTES", 100)
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * 200 + b"\n")
    with pytest.raises(LoadError, match="larger than the 100-byte limit"):
        read_bytes(str(big))


def test_recursive_alias_is_refused_before_construction(loader: str) -> None:
    with pytest.raises(LoadError, match="aliases"):
        parse_document(b"a: &x [*x]\n", "t")


def test_billion_laughs_is_refused_quickly(loader: str) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    with pytest.raises(LoadError, match="aliases"):
        parse_document("\n".join(lines).encode(), "bomb.yaml")
