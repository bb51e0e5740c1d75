"""Policy-level checks: one mutation of the sample policy per message, located precisely."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from policy_tracker.store import check_policy

SAMPLE = Path(__file__).resolve().parent / "data" / "sample" / "example-residence"

# (file to edit, text to replace, replacement, expected message, expected line:col)
MUTATIONS = {
    "unknown-source": ("national/2010-01-01-act.yaml", "{source: act-1, article: Art. 9}",
                       "{source: act-9, article: Art. 9}",
                       "citation names unknown source 'act-9'", "29:47"),
    "unknown-snapshot-source": ("national/2010-01-01-act.yaml", "sources: [act-1]",
                                "sources: [act-7]",
                                "unknown source 'act-7'; declare it in policy.yaml sources",
                                "13:13"),
    "extends-cycle": ("policy.yaml", "extends: national", "extends: coastal",
                      "track 'coastal' extends 'coastal', which makes a cycle", "17:14"),
    "file-name-date": ("national/2015-06-01-amendment.yaml", "effective: 2015-06-01",
                       "effective: 2015-06-02",
                       "file name date 2015-06-01 differs from the effective date 2015-06-02",
                       "9:16"),
    "repeal-but-in-force": ("national/2015-06-01-amendment.yaml", "  status: in_force\n",
                            "  status: in_force\n  repeal: {by: {en: Act No. 9}, date: 2019-01-01}\n",
                            "status is in_force but 'repeal' says what ended it: use repealed, "
                            "superseded or expired", "11:3"),
    "repealed-without-repeal": ("national/2015-06-01-amendment.yaml", "status: in_force",
                                "status: repealed", "snapshot is missing 'repeal'", "1:1"),
    "repealed-before-effect": ("national/2015-06-01-amendment.yaml", "  status: in_force\n",
                               "  status: repealed\n  repeal: {by: {en: Act No. 9}, "
                               "date: 2015-01-01}\n",
                               "dates out of order: repealed 2015-01-01 is before effective "
                               "2015-06-01", "11:39"),
    "draft-takes-effect": ("national/2021-10-01-draft.yaml", "comment_deadline: 2021-11-30",
                           "effective: 2022-01-01",
                           "snapshot.dates must not have 'effective': a draft is never law and "
                           "never takes effect", "6:16"),
    "draft-file-date": ("national/2021-10-01-draft.yaml", "published: 2021-10-01",
                        "published: 2021-10-02",
                        "file name date 2021-10-01 differs from the published date 2021-10-02",
                        "5:16"),
    "comment-deadline-before-publication": ("national/2021-10-01-draft.yaml",
                                            "comment_deadline: 2021-11-30",
                                            "comment_deadline: 2021-09-30",
                                            "dates out of order: comment deadline 2021-09-30 "
                                            "is before published 2021-10-01", "6:23"),
    "overlay-path-missing": ("coastal/2016-04-01-pilot.yaml", "    max_age:",
                             "    min_age:",
                             "overlay path 'eligibility.min_age' does not exist in the base "
                             "rules (2015-amendment)", "16:5"),
    "duplicate-snapshot-id": ("national/2020-03-01-card.yaml", "id: 2020-card",
                              "id: 2010-act", "snapshot id '2010-act' is also used by", "2:7"),
    "effect-snapshot-unknown": ("policy.yaml", "by_snapshot: 2010-act", "by_snapshot: 2011-act",
                                "effects[0].by_snapshot names unknown '2011-act'", "79:18"),
    "effect-track-unknown": ("policy.yaml", "track: coastal\n    by:", "track: inland\n    by:",
                             "effects[1].track names unknown 'inland'", "88:12"),
    "policy-id": ("policy.yaml", "id: example-residence", "id: example",
                  "policy id 'example' differs from its folder name 'example-residence'", "4:7"),
    "extends-unknown": ("policy.yaml", "extends: national", "extends: federal",
                        "track 'coastal' extends unknown track 'federal'; tracks: national, "
                        "coastal", "17:14"),
    "published-before-promulgated": ("national/2010-01-01-act.yaml", "published: 2009-12-02",
                                     "published: 2009-11-30",
                                     "dates out of order: published 2009-11-30 is before "
                                     "promulgated 2009-12-01", "10:16"),
}


@pytest.fixture
def policy_copy(tmp_path: Path) -> Path:
    target = tmp_path / "example-residence"
    shutil.copytree(SAMPLE, target)
    return target


def test_sample_policy_is_valid() -> None:
    assert check_policy(str(SAMPLE)).problems == ()


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_each_policy_problem_is_reported_with_its_position(case: str, policy_copy: Path,
                                                           run_cli: Any) -> None:
    name, old, new, message, at = MUTATIONS[case]
    path = policy_copy / name
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    result = run_cli("validate", str(policy_copy))
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}:{at}: {message}"), first


def test_folder_that_is_not_a_track(policy_copy: Path, run_cli: Any) -> None:
    (policy_copy / "inland").mkdir()
    result = run_cli("validate", str(policy_copy))
    assert result.exit_code == 2
    assert f"{policy_copy / 'inland'}: folder 'inland' is not a track declared in policy.yaml; " \
           "tracks: national, coastal" in result.stderr


def test_every_problem_in_every_file_is_reported(policy_copy: Path, run_cli: Any) -> None:
    for name, old, new, *_ in (MUTATIONS["unknown-source"], MUTATIONS["file-name-date"]):
        path = policy_copy / name
        path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")
    result = run_cli("validate", str(policy_copy))
    lines = result.stderr.splitlines()
    assert len(lines) == 3
    assert lines[-1] == "error: 2 problems found"
    assert all(re.match(rf"{re.escape(str(policy_copy))}/.+:\d+:\d+: ", line) for line in lines[:2])


def test_other_commands_show_the_first_problem_and_the_count(policy_copy: Path,
                                                             run_cli: Any) -> None:
    for name, old, new, *_ in (MUTATIONS["unknown-source"], MUTATIONS["file-name-date"]):
        path = policy_copy / name
        path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")
    result = run_cli("--policies", str(policy_copy.parent), "show")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: ")
    assert result.stderr.rstrip().endswith("(and 1 more problem; run 'policy-tracker validate')")
