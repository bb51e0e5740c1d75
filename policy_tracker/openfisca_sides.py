"""Diff operands read as OpenFisca parameters: a file, a folder or `REF:path`."""

from __future__ import annotations

import os
import posixpath

from .errors import InputError, LoadError, ValidationError
from .load import load_document
from .model import Document
from .openfisca import looks_like_openfisca, read_document
from .openfisca_model import ParameterTree
from .openfisca_store import (detect, name_of, read_tree, repo_name_of, root_of,
                              tree_of_documents)
from .refs import parse_operand

FORMATS_IN = ("auto", "openfisca", "generic")


def checked(tree: ParameterTree) -> ParameterTree:
    """The tree, or a ValidationError naming every problem found while reading it."""
    if tree.problems:
        raise ValidationError(tree.problems)
    return tree


def open_file(path: str, format_in: str = "auto") -> ParameterTree | Document:
    """A file operand, loaded once: its parameters when it has their shape (or `format_in` is
    `openfisca`), else the document for the other modes."""
    try:
        doc = load_document(path)
    except LoadError as exc:
        # Numbered children (`0:`) are OpenFisca's, refused everywhere else.
        if format_in == "generic" or "keys must be plain strings" not in exc.message:
            raise
        try:
            doc = load_document(path, number_keys=True)
        except LoadError:
            raise exc from None
        if format_in == "auto" and not looks_like_openfisca(doc.data):
            raise exc from None
    if format_in == "openfisca" or format_in == "auto" and looks_like_openfisca(doc.data):
        root = root_of(path)
        return checked(tree_of_documents(path, [(os.path.relpath(os.path.abspath(path), root),
                                                 doc)]))
    return doc


def open_openfisca(text: str, format_in: str = "auto",
                   git_dir: str | None = None) -> ParameterTree | None:
    """The operand as a parameter tree, or None when it is not read as OpenFisca parameters."""
    if format_in not in FORMATS_IN:
        raise InputError(f"unknown input format {format_in!r}; formats: "
                         f"{', '.join(FORMATS_IN)}")
    if format_in == "generic":
        return None
    if os.path.exists(text):
        if format_in == "openfisca" or detect(text):
            return checked(read_tree(text))
        return None
    ref_path = parse_operand(text)
    if ref_path is None:
        return None
    from .history import read_document_at  # lazy: GitPython is slow to import

    doc = read_document_at(git_dir or ".", ref_path[0], ref_path[1])
    if format_in == "openfisca" or looks_like_openfisca(doc.data):
        return checked(read_document(doc, repo_name_of(ref_path[1])))
    return None


def tree_of_document(doc: Document, path: str) -> ParameterTree | None:
    """A document shown as `path` (a repository path), read as parameters when it has their
    shape; None otherwise."""
    if not looks_like_openfisca(doc.data):
        return None
    return checked(read_document(doc, repo_name_of(path), name_of(posixpath.basename(path))[1]))
