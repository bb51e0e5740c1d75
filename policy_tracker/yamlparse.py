"""Strict, safe YAML parsing: the same code for files and for bytes read from git.

The only module that imports PyYAML (`load` imports this one on first use, so a run that
finds every document in the cache never pays for PyYAML). Plain scalars follow YAML 1.2 core
typing, not PyYAML's YAML 1.1 (see docs/format.md, "How YAML is read"): `no`, `on`, `012`,
`1:20` stay strings as written. Every failure becomes a `LoadError` with line and column.
"""

from __future__ import annotations

import datetime as dt
import gc
import math
import os
import re
from typing import Any
from collections.abc import Callable

import yaml
from yaml.nodes import ScalarNode, SequenceNode

from .errors import LoadError
from .model import MARK_SHIFT, Document, SourceMap
from .visible import INVISIBLE_CLASS

MAX_DEPTH = 100
# The pure-Python parser reads about 1 MB a second: beyond this it is refused, not waited for.
MAX_BYTES_PURE = int(os.environ.get("POLICY_TRACKER_MAX_BYTES_PURE", 2 * 1024 * 1024))

_STR, _INT, _FLOAT, _BOOL, _NULL, _DATE = (f"tag:policy-tracker,2024:{n}" for n in
                                            ("str", "int", "float", "bool", "null", "date"))
_MAP, _SEQ = "tag:policy-tracker,2024:map", "tag:policy-tracker,2024:seq"
_HIDDEN_BREAKS = {"\x85": "U+0085 NEXT LINE", "\u2028": "U+2028 LINE SEPARATOR",
                  "\u2029": "U+2029 PARAGRAPH SEPARATOR"}
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_DATE_RE = re.compile(r"\d{4}-\d\d-\d\d\Z")


class _Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core typing for plain scalars, with our own tags so explicit ones stand out."""

    DEFAULT_SCALAR_TAG = _STR  # type: ignore[misc]
    DEFAULT_SEQUENCE_TAG = _SEQ  # type: ignore[misc]
    DEFAULT_MAPPING_TAG = _MAP  # type: ignore[misc]
    yaml_implicit_resolvers: dict[Any, Any] = {}
    yaml_path_resolvers: dict[Any, Any] = {}


for _tag, _regexp, _first in (
    (_BOOL, r"(?:true|True|TRUE|false|False|FALSE)\Z", "tTfF"),
    (_NULL, r"(?:~|null|Null|NULL|)\Z", "~nN"),
    # A leading zero would be octal in YAML 1.1 and decimal in 1.2: kept as text instead.
    (_INT, r"(?:[-+]?(?:0|[1-9][0-9]*)|0o[0-7]+|0x[0-9a-fA-F]+)\Z", "-+0123456789"),
    (_FLOAT, r"[-+]?(?:0|[1-9][0-9]*)?"
             r"(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?|(?:\.[0-9]*)?[eE][-+]?[0-9]+)\Z",
     "-+.0123456789"),
    (_DATE, r"\d{4}-\d\d-\d\d\Z", "0123456789"),
):
    _Resolver.add_implicit_resolver(_tag, re.compile(_regexp), list(_first))
_Resolver.yaml_implicit_resolvers.setdefault("", []).insert(0, (_NULL, re.compile(r"\Z")))
_FIRST: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    first: tuple(rules) for first, rules in _Resolver.yaml_implicit_resolvers.items()}


def _resolve(self: Any, kind: Any, value: str, implicit: tuple[bool, bool]) -> str:
    """PyYAML's resolver, cut to what this format uses (it runs once per scalar: hot)."""
    if kind is ScalarNode:
        if implicit[0]:
            if not value:
                return _NULL
            for tag, regexp in _FIRST.get(value[0], ()):
                if regexp.match(value):
                    return tag
        return _STR
    return _SEQ if kind is SequenceNode else _MAP


_Resolver.resolve = _resolve  # type: ignore[method-assign]
_Resolver.descend_resolver = lambda self, *args: None  # type: ignore[method-assign]
_Resolver.ascend_resolver = lambda self: None  # type: ignore[method-assign]


class _PureLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _Resolver):
    """The pure-Python parser (events only: the builder makes the data)."""

    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _Resolver.__init__(self)



_FAST: type | None = None
try:
    from yaml.cyaml import CParser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    pass
else:
    class _CLoader(CParser, _Resolver):
        """libyaml's parser with our resolver."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            _Resolver.__init__(self)

    _FAST = _CLoader


def _loader_class() -> type:
    choice = os.environ.get("POLICY_TRACKER_YAML", "auto")
    if choice == "pure" or _FAST is None:
        return _PureLoader
    return _FAST


def has_c_loader() -> bool:
    """Whether PyYAML's libyaml binding is available."""
    return _FAST is not None


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - text.rfind("\n", 0, index)


class _Builder:
    """Turns parser events into plain data, refusing what the format forbids."""

    def __init__(self, name: str, check_surrogates: bool, number_keys: bool = False) -> None:
        self.name = name
        self.number_keys = number_keys
        self.marks: dict[int, tuple[object, dict[Any, int]]] = {}
        self.check_surrogates = check_surrogates

    def fail(self, node: Any, message: str) -> LoadError:
        """A LoadError at the start of a node or parser event."""
        mark = node.start_mark
        return LoadError(message, self.name, mark.line + 1, mark.column + 1)

    def build(self, loader: Any) -> Any:
        """The one document of the stream, built from parser events (no node graph is made:
        a node graph of a large file costs several times the memory of its data)."""
        get = loader.get_event
        get()  # StreamStartEvent
        event = get()
        if isinstance(event, yaml.StreamEndEvent):
            raise LoadError("file is empty (expected a mapping)", self.name, 1, 1)
        event = get()  # the root, after DocumentStartEvent
        if not isinstance(event, yaml.MappingStartEvent):
            if isinstance(event, yaml.AliasEvent):
                raise self.fail(event, "aliases (*name) are not allowed: write the value out")
            raise self.fail(event, "the top level must be a mapping of keys to values")
        root = self._collection(event, get)
        get()  # DocumentEndEvent
        event = get()
        if not isinstance(event, yaml.StreamEndEvent):
            raise self.fail(event, "more than one YAML document in the file")
        return root

    def _collection(self, first: Any, get: Callable[[], Any]) -> Any:
        """A mapping or sequence and everything in it, iteratively (no recursion limit).

        This loop runs once per parser event, so it tests classes with `is`, handles the
        commonest case (a plain scalar value) inline and keeps names local.
        """
        scalar_event, mapping_start = yaml.ScalarEvent, yaml.MappingStartEvent
        sequence_start, ends = yaml.SequenceStartEvent, (yaml.MappingEndEvent,
                                                         yaml.SequenceEndEvent)
        marks, plain_text = self.marks, not self.check_surrogates
        stack: list[_Frame] = []
        event = first
        while True:
            cls = event.__class__
            if cls is scalar_event:
                frame = stack[-1]
                if frame.mapping and frame.key is None:
                    frame.take_key(self, event)
                else:
                    tag = event.tag
                    if tag is None or tag == "!":
                        tag = _resolve(None, ScalarNode, event.value, event.implicit)
                    value = event.value if tag is _STR and plain_text \
                        else self._typed(event, tag)
                    mark = event.start_mark
                    packed = (mark.line + 1) << MARK_SHIFT | (mark.column + 1)
                    if frame.mapping:
                        frame.marks[frame.key] = packed
                        frame.value[frame.key] = value
                        frame.key = None
                    else:
                        frame.marks[len(frame.value)] = packed
                        frame.value.append(value)
            elif cls is mapping_start or cls is sequence_start:
                if event.tag is not None and event.tag != "!" and not event.implicit:
                    raise self.fail(event, f"explicit tags such as {event.tag!r} are not "
                                           "allowed (quote the value instead)")
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(event, f"nesting deeper than {MAX_DEPTH} levels")
                if stack and stack[-1].wants_key:
                    raise self.fail(event, "keys must be plain strings (quote this key)")
                mapping = cls is mapping_start
                stack.append(_Frame({} if mapping else [], mapping, event.start_mark))
            elif cls in ends:
                done = stack.pop()
                marks[id(done.value)] = (done.value, done.marks)
                if not stack:
                    return done.value
                stack[-1].add(self, done.value, done.start, None)
            elif cls is yaml.AliasEvent:
                raise self.fail(event, "aliases (*name) are not allowed: write the value out")
            event = get()

    def _typed(self, event: Any, tag: str) -> Any:
        scalar = _SCALARS.get(tag)
        if scalar is None:
            raise self.fail(event, f"explicit tags such as {tag!r} are not allowed "
                                   "(quote the value instead)")
        return scalar(self, event)

    def _str(self, node: Any) -> str:
        value: str = node.value
        if self.check_surrogates:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise self.fail(node, "lone surrogate escape (not a character)") from None
        return value

    def _int(self, node: Any) -> int:
        text = node.value
        base = 16 if text.startswith("0x") else 8 if text.startswith("0o") else 10
        try:
            return int(text[2:] if base != 10 else text, base)
        except ValueError:  # more digits than Python converts (4,300): no real rule has them
            raise self.fail(node, "number too long (quote it if it is text)") from None

    def _float(self, node: Any) -> float:
        value = float(node.value)
        if not math.isfinite(value):
            raise self.fail(node, "number out of range (quote it if it is text)")
        return value

    def _date(self, node: Any) -> str:
        try:
            dt.date.fromisoformat(node.value)
        except ValueError:
            raise self.fail(node, f"invalid date {node.value!r}") from None
        return str(node.value)


class _Frame:
    """A mapping or sequence being built, with the positions of its keys or items."""

    __slots__ = ("value", "mapping", "start", "marks", "key", "key_mark")

    def __init__(self, value: Any, mapping: bool, start: Any) -> None:
        self.value, self.mapping, self.start = value, mapping, start
        self.marks: dict[Any, int] = {}
        self.key: str | None = None
        self.key_mark: Any = None

    @property
    def wants_key(self) -> bool:
        return self.mapping and self.key is None

    def take_key(self, builder: _Builder, event: Any) -> None:
        tag = event.tag
        if tag is None or tag == "!":
            tag = _resolve(None, ScalarNode, event.value, event.implicit)
        if tag not in (_STR, _DATE) and not (builder.number_keys and tag == _INT):
            raise builder.fail(event, "keys must be plain strings (quote this key)")
        key = event.value if not builder.check_surrogates else builder._str(event)
        if key in self.marks:
            first = self.marks[key] >> MARK_SHIFT
            raise builder.fail(event, f"duplicate key {key!r} (first at line {first})")
        if key == "<<" and not event.style:
            raise builder.fail(event, "merge keys (<<) are not allowed: write the values out")
        self.key, self.key_mark = key, event.start_mark

    def add(self, builder: _Builder, value: Any, start: Any, scalar_mark: Any) -> None:
        if self.mapping:
            # A scalar is located at its value, a block at its key.
            mark = scalar_mark or self.key_mark
            key = self.key
            assert key is not None  # the parser alternates keys and values
            self.marks[key] = (mark.line + 1) << MARK_SHIFT | (mark.column + 1)
            self.value[key] = value
            self.key = None
        else:
            self.marks[len(self.value)] = (start.line + 1) << MARK_SHIFT | (start.column + 1)
            self.value.append(value)


# Plain functions, not bound methods: a builder that held its own methods would be a reference
# cycle, and every parsed tree would wait for the garbage collector to be freed.
_SCALARS: dict[str, Callable[[_Builder, Any], Any]] = {
    _STR: _Builder._str, _INT: _Builder._int, _FLOAT: _Builder._float,
    _BOOL: lambda _, n: n.value in ("true", "True", "TRUE"),
    _NULL: lambda _, n: None, _DATE: _Builder._date}


def decode(data: bytes, name: str, max_bytes: int) -> str:
    """Strict UTF-8 (an initial BOM is dropped); refuses NUL and hidden line breaks."""
    if len(data) > max_bytes:
        raise LoadError(f"file is larger than the {max_bytes}-byte limit", name)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        raise LoadError("not a text file (NUL byte)", name, *_position(
            data[:nul].decode("utf-8", "replace"), nul))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = data[:exc.start].decode("utf-8", "replace")
        raise LoadError("not valid UTF-8", name, *_position(prefix, len(prefix))) from None
    for char, label in _HIDDEN_BREAKS.items():
        index = text.find(char)
        if index >= 0:
            raise LoadError(f"{label} is not allowed (editors do not show it as a line break)",
                            name, *_position(text, index))
    bidi = _BIDI.search(text)
    if bidi:
        raise LoadError(f"invisible bidirectional control U+{ord(bidi.group()):04X} "
                        "is not allowed", name, *_position(text, bidi.start()))
    return text


def parse_document(data: bytes, name: str, number_keys: bool, max_bytes: int) -> Document:
    """Parse YAML (or JSON) bytes into a `Document` (see `load.parse_document`)."""
    text = decode(data, name, max_bytes)
    loader_class = _loader_class()
    if loader_class is _PureLoader and len(data) > MAX_BYTES_PURE:
        raise LoadError(f"file is larger than the {MAX_BYTES_PURE}-byte limit of the "
                        "pure-Python YAML parser (install PyYAML with libyaml)", name)
    builder = _Builder(name, "\\u" in text or "\\U" in text, number_keys)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the parse allocates many objects and no cycles; the collector only slows it
    loader = None
    try:
        loader = loader_class(text)
        data_tree = builder.build(loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        if "expected a single document" in (exc.context or ""):
            message = "more than one YAML document in the file"
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise LoadError(f"invalid YAML: {message}", name, line, col) from None
    except yaml.reader.ReaderError as exc:
        index = exc.position if isinstance(exc.position, int) else 0
        raise LoadError("character not allowed in YAML", name, *_position(text, index)) from None
    except yaml.YAMLError:
        raise LoadError("invalid YAML", name) from None
    except RecursionError:
        raise LoadError(f"nesting deeper than {MAX_DEPTH} levels", name) from None
    finally:
        if gc_was_enabled:
            gc.enable()
        if loader is not None:
            loader.dispose()
    return Document(name, data_tree, SourceMap(builder.marks))


_INVISIBLE = re.compile(f"[{INVISIBLE_CLASS}]")  # one policy: policy_tracker.visible


def dump_yaml(data: Any) -> str:
    """Block-style YAML of plain data, keys in their given order, text kept as Unicode unless
    it hides invisible or bidirectional characters (then everything non-ASCII is escaped)."""
    text = str(yaml.dump(data, Dumper=_SafeDumper, sort_keys=False, allow_unicode=True,
                         default_flow_style=False, width=100))
    if _INVISIBLE.search(text):
        text = str(yaml.dump(data, Dumper=_SafeDumper, sort_keys=False, allow_unicode=False,
                             default_flow_style=False, width=100))
    return text


class _SafeDumper(yaml.SafeDumper):
    """Quotes strings that YAML 1.1 readers would mistype (`no`, `012`, `1:20`)."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    node = dumper.represent_str(value)
    if node.style is None and (value.lower() in ("y", "n", "yes", "no", "on", "off")
                               or (value[:1].isdigit() and not _DATE_RE.match(value))):
        node.style = "'"
    return node


_SafeDumper.add_representer(str, _represent_str)
