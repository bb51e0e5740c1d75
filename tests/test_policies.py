"""Every policy shipped in policies/ validates, and the default policy is the Green Card data."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy_tracker.api import check_paths, default_policy
from policy_tracker.store import list_policy_ids

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"


@pytest.mark.parametrize("policy", list_policy_ids(str(POLICIES)))
def test_policy_validates(policy: str) -> None:
    problems = check_paths([str(POLICIES / policy)])
    assert problems == [], "\n".join(str(p) for p in problems)


def test_every_yaml_file_belongs_to_a_checked_policy() -> None:
    ids = set(list_policy_ids(str(POLICIES)))
    for path in POLICIES.rglob("*.y*ml"):
        assert path.relative_to(POLICIES).parts[0] in ids, path


def test_default_policy_is_the_green_card_dataset() -> None:
    assert default_policy(str(POLICIES)) == "cn-permanent-residence"
