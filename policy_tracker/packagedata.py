"""Files installed with the package (message catalogues, schemas, the bundled policies).

Found beside this module rather than through `importlib.resources`: the package is always
installed as files (the bundled policies are read as a folder), and importing
`importlib.resources` costs a short command a few milliseconds of its start."""

from __future__ import annotations

import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def package_path(*parts: str) -> str:
    """The path of a file or folder installed with the package."""
    return os.path.join(_HERE, *parts)


def read_package_text(*parts: str) -> str:
    """A UTF-8 text file installed with the package (FileNotFoundError when absent)."""
    with open(package_path(*parts), encoding="utf-8") as handle:
        return handle.read()
