"""The package is layered: lower layers never import higher ones; each library has one home."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "policy_tracker"

LAYERS = {
    "errors": 0, "cachedir": 0, "packagedata": -1, "tempfiles": -1, "i18n": 0, "help_examples": 0, "schemacheck": 0, "visible": 0, "argcheck": 1, "model": 1, "catalog": 2, "text": 2,
    "refs": 2, "reportmodel": 3,
    "rules": 3, "classify": 3, "fieldcheck": 3, "validate": 4, "yamlparse": 3.5, "load": 4, "policycache": 4, "diff": 4, "cache": 4,
    "legal": 2, "effects": 4, "gitstream": 4, "streaming": 7, "jsontext": 0,
    "store": 5, "filters": 5, "accept": 5, "timeline": 5, "history": 5, "report_outline": 5, "report": 6, "gittimeline": 6, "render": 6,
    "output": 6, "complete": 6, "review": 7, "operands": 7,
    "openfisca_model": 2, "openfisca": 3, "openfisca_diff": 4, "openfisca_store": 5,
    "openfisca_sides": 6, "openfisca_review": 6, "openfisca_history": 6, "api": 8, "cli": 9,
    "__init__": 10, "__main__": 10,
    "impactmodel": 1.5, "conditions": 5, "profiles": 5, "eligibility": 6, "digest": 6, "impact": 7,
}
# Each third-party library is imported by exactly one module (render/html is Jinja2's home).
HOMES = {"yaml": "yamlparse", "deepdiff": "diff", "git": "history", "click": "cli",
         "jsonschema": "validate", "jinja2": "render.html"}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    return ".".join(rel.parts)


def _layer(module: str) -> int:
    top = module.split(".")[0]
    assert top in LAYERS, f"module {module} has no layer in tests/test_layers.py"
    return LAYERS[top]


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text("utf-8"))
    module = _module_name(path)
    package_parts = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - (node.level - 1)]
                target = ".".join(base[1:] + ([node.module] if node.module else []))
                if not node.module:
                    out.extend((f"policy_tracker.{'.'.join(base[1:] + [a.name])}".rstrip("."),
                                node.lineno) for a in node.names)
                    continue
                out.append((f"policy_tracker.{target}".rstrip("."), node.lineno))
            else:
                out.append((node.module or "", node.lineno))
    return out


def test_lower_layers_never_import_higher_ones() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        if module.startswith("_policies"):
            continue
        for name, line in _imports(path):
            if not name.startswith("policy_tracker."):
                continue
            target = name[len("policy_tracker."):]
            top = target.split(".")[0]
            if not (PACKAGE / f"{top}.py").exists() and not (PACKAGE / top).is_dir():
                continue  # an attribute of the package, such as __version__
            if top == module.split(".")[0]:
                continue  # inside one subpackage (render shares its registry and escaping)
            if _layer(target) >= _layer(module):
                problems.append(f"{module}:{line} imports {target}")
    assert not problems, "layering violations:\n" + "\n".join(problems)


def test_each_library_has_one_home() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        for name, line in _imports(path):
            top = name.split(".")[0]
            if top in HOMES and module != HOMES[top]:
                problems.append(f"{module}:{line} imports {top} (its home is {HOMES[top]})")
    assert not problems, "\n".join(problems)
