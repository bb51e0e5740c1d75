"""OpenFisca parameter files and folders on disk (or at a git ref): names and detection.

A parameter's name is its dotted path from the root of the tree: the nearest folder called
`parameters` above it (as in every OpenFisca country package), else the folder given.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable

from .errors import LoadError
from .load import load_document
from .model import Document
from .openfisca import looks_like_openfisca, merge_trees, read_document
from .openfisca_model import ParameterTree

EXTENSIONS = (".yaml", ".yml")
INDEX = "index"


def root_of(path: str) -> str:
    """The root a path's names start from: a `parameters` folder above it, else its folder."""
    here = os.path.abspath(path)
    probe = here
    while True:
        if os.path.basename(probe) == "parameters":
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    return here if os.path.isdir(here) else os.path.dirname(here)


def name_of(rel: str) -> tuple[str, bool]:
    """The dotted name of a file path relative to the root, and whether it is an index."""
    parts = [p for p in rel.replace(os.sep, "/").split("/") if p and p != "."]
    if not parts:
        return "", False
    stem, ext = posixpath.splitext(parts[-1])
    if ext in EXTENSIONS:
        parts[-1] = stem
    if parts[-1] == INDEX:
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def repo_name_of(path: str) -> str:
    """The dotted name of a file path inside a repository (from its `parameters` folder)."""
    parts = path.split("/")
    if "parameters" in parts:
        cut = len(parts) - 1 - parts[::-1].index("parameters")
        parts = parts[cut + 1:]
    else:
        parts = parts[-1:]
    return name_of("/".join(parts))[0]


def tree_of_documents(name: str, docs: Iterable[tuple[str, Document]]) -> ParameterTree:
    """Documents with their paths relative to the root, read as one tree."""
    trees = []
    for rel, doc in docs:
        dotted, index = name_of(rel)
        trees.append(read_document(doc, dotted, index))
    return merge_trees(name, trees)


def yaml_files(folder: str) -> list[str]:
    """Every YAML file under a folder, sorted, hidden files and folders left out."""
    found: list[str] = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.join(top, f) for f in sorted(files)
                     if f.endswith(EXTENSIONS) and not f.startswith("."))
    return sorted(found)


def detect(path: str) -> bool:
    """Whether a file or folder has OpenFisca's shape (a folder: its first YAML files)."""
    if os.path.isdir(path):
        if os.path.isfile(os.path.join(path, "policy.yaml")):
            return False
        for file in yaml_files(path)[:20]:
            if os.path.basename(file) == "index.yaml":
                continue
            try:
                return looks_like_openfisca(load_document(file, number_keys=True).data)
            except LoadError:
                continue
        return False
    try:
        return looks_like_openfisca(load_document(path, number_keys=True).data)
    except LoadError:
        return False


def read_tree(path: str) -> ParameterTree:
    """A file or a folder read as OpenFisca parameters; problems are kept in the tree."""
    root = root_of(path)
    files = yaml_files(path) if os.path.isdir(path) else [path]
    docs: list[tuple[str, Document]] = []
    problems: list[LoadError] = []
    for file in files:
        try:
            docs.append((os.path.relpath(os.path.abspath(file), root),
                         load_document(file, number_keys=True)))
        except LoadError as exc:
            problems.append(exc)
    tree = tree_of_documents(path, docs)
    if problems:
        tree = ParameterTree(tree.name, tree.parameters, tree.nodes,
                             tuple(problems) + tree.problems)
    return tree
