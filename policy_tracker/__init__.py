"""policy-tracker: track how a policy's rules change over time.

The public API (see README.md, "Python API")::

    from policy_tracker import load_policy, resolve, compare

Names are imported on first use so that the command line starts fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "api": ("Filters", "diff_sides", "filter_diff", "load_policy", "load_snapshot",
            "open_operand", "parse_date", "resolve", "version_of", "check_paths",
            "build_timeline", "field_history", "compare_tracks", "build_effects"),
    "diff": ("compare",),
    "errors": ("DiffBudgetError", "EnvironmentFailure", "InputError", "LoadError",
               "NotFoundError", "PolicyTrackerError", "UsageError", "ValidationError"),
    "model": ("Change", "ChangeKind", "Diff", "Direction", "Policy", "RuleTree", "Severity",
              "Snapshot", "Version"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'policy_tracker' has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
