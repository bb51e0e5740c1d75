"""Pull-request review of OpenFisca parameter files: both sides read as parameters."""

from __future__ import annotations

from collections.abc import Mapping

from .errors import LoadError, NotFoundError, PolicyTrackerError
from .filters import Filters, filter_diff
from .history import read_document_at
from .model import Document, FileChange, FileReview, Severity
from .openfisca import looks_like_openfisca, read_document
from .openfisca_model import ParameterTree
from .openfisca_diff import compare_trees
from .openfisca_store import name_of, repo_name_of


def _side(top: str, commit: str, path: str) -> tuple[Document | None, PolicyTrackerError | None]:
    if not path:
        return None, None
    try:
        doc = read_document_at(top, commit, path)
    except (LoadError, NotFoundError) as exc:
        return None, exc
    return Document(f"{commit[:12]}:{path}", doc.data, doc.source_map), None


def _tree(doc: Document | None, path: str) -> ParameterTree:
    if doc is None:
        return ParameterTree(path, ())
    name = repo_name_of(path)
    index = name_of(path.rsplit("/", 1)[-1])[1]
    return read_document(doc, name, index)


def review_openfisca_file(top: str, base: str, head: str, change: FileChange, filters: Filters,
                          severities: Mapping[str, Severity] | None,
                          format_in: str = "auto", currency: str = "") -> FileReview | None:
    """The review of one changed file when a side of it is OpenFisca parameters, else None."""
    if format_in == "generic":
        return None
    paths = (change.old_path or "").split("/") + (change.new_path or "").split("/")
    if format_in == "auto" and "parameters" not in paths[:-1]:
        return None  # OpenFisca packages keep parameters under a `parameters` folder
    old_doc, old_error = _side(top, base, change.old_path)
    new_doc, new_error = _side(top, head, change.new_path)
    shaped = any(doc is not None and looks_like_openfisca(doc.data) for doc in (old_doc, new_doc))
    if not shaped and format_in != "openfisca":
        return None
    if new_error is not None:
        return FileReview(change.status, change.old_path, change.new_path, None, (new_error,),
                          "could not be read")
    new_tree = _tree(new_doc, change.new_path).with_currency(currency)
    if new_tree.problems:
        return FileReview(change.status, change.old_path, change.new_path, None,
                          new_tree.problems)
    if old_error is not None:
        return FileReview(change.status, change.old_path, change.new_path, None, (old_error,),
                          "the base side could not be read")
    old_tree = _tree(old_doc, change.old_path).with_currency(currency)
    diff = compare_trees(old_tree, new_tree, severities)
    diff = filter_diff(diff, filters)
    return FileReview(change.status, change.old_path, change.new_path, diff)
