"""Reading policy files: regular files only, within a size cap, each remembered so that no
output ever replaces an input; and the entry points of parsing (`yamlparse`, imported on first
use: importing PyYAML is a tenth of what a short run takes, and a run whose documents all come
from the cache never needs it).

Plain scalars follow YAML 1.2 core typing, not PyYAML's YAML 1.1 (see docs/format.md, "How
YAML is read"): `no`, `on`, `012`, `1:20` stay strings as written. Every failure becomes a
`LoadError` with line and column.
"""

from __future__ import annotations

import os
import stat
from typing import Any

from .errors import EnvironmentFailure, LoadError
from .model import Document

MAX_BYTES = int(os.environ.get("POLICY_TRACKER_MAX_BYTES", 16 * 1024 * 1024))


def parse_document(data: bytes, name: str, number_keys: bool = False) -> Document:
    """Parse YAML (or JSON) bytes into a `Document`; the top level must be a mapping.
    `number_keys` accepts whole-number keys, kept as their text (OpenFisca names children
    `0:`, `1:` as openfisca-core does)."""
    from .yamlparse import parse_document as parse

    return parse(data, name, number_keys, MAX_BYTES)


def has_c_loader() -> bool:
    """Whether PyYAML's libyaml binding is available."""
    from .yamlparse import has_c_loader as has_c

    return has_c()


def dump_yaml(data: Any) -> str:
    """Block-style YAML of plain data (see `yamlparse.dump_yaml`)."""
    from .yamlparse import dump_yaml as dump

    return dump(data)


_READ: set[str] = set()


def files_read() -> tuple[str, ...]:
    """Every file this process has read as input: outputs must never replace one of them."""
    return tuple(sorted(_READ))


def read_bytes(path: str, follow_links: bool = True) -> bytes:
    """Read a regular file, never more than the size cap, never a device or a FIFO (nor a
    symbolic link, unless `follow_links`)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    _READ.add(os.path.realpath(path))
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise LoadError("no such file", path) from None
    except IsADirectoryError:
        raise LoadError("is a directory, not a file", path) from None
    except OSError as exc:
        if not follow_links and os.path.islink(path):
            raise LoadError("is a symbolic link; policy files must be regular files",
                            path) from None
        raise EnvironmentFailure(f"cannot read: {exc.strerror}", path) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise LoadError("is a directory, not a file", path)
        if not stat.S_ISREG(mode):
            raise LoadError("not a regular file", path)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise EnvironmentFailure(f"cannot read: {exc.strerror}", path) from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise LoadError(f"file is larger than the {MAX_BYTES}-byte limit", path)
    return data


def load_document(path: str, number_keys: bool = False) -> Document:
    """Read and parse one YAML or JSON file."""
    return parse_document(read_bytes(path), path, number_keys)
