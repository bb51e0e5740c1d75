"""The corpora of policy YAML with a history that the generic-mode and git tests replay.

Two corpora share one layout (`<folder>/<seq>.yaml`, one file per version, and a
`manifest.csv` of `seq,commit,commit_date,path`):

- `tests/data/corpus/`, shipped: small files written for this project in the shape of
  OpenFisca parameter files (dated `values`, scales of `brackets`, references), with renames,
  versions that are invalid YAML and versions with a duplicate key. Every behaviour the tests
  check is checked on it.
- the external OpenFisca-France corpus (real files, AGPL-3.0, not shipped), read only when
  present: from `$POLICY_TRACKER_CORPUS` when set, else `../shared/corpora/openfisca-france`
  beside the project. Tests on it are marked `corpus` and skip with a reason when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "tests" / "data" / "corpus"
_SET = os.environ.get("POLICY_TRACKER_CORPUS", "")
EXTERNAL = Path(_SET) if _SET else ROOT.parent / "shared" / "corpora" / "openfisca-france"
MISSING = (f"the external OpenFisca corpus is not at {EXTERNAL} "
           "(set POLICY_TRACKER_CORPUS to its folder to run these tests)")

SHIPPED_FOLDERS = ("allowance__monthly", "rate__deductible", "scale__income_tax")
EXTERNAL_FOLDERS = ("aah__montant", "bareme_ir_depuis_1945__bareme", "bmaf__bmaf",
                    "deductible__taux", "smic__smic_b_horaire")

# Versions that are invalid YAML (as committed upstream for the external corpus, whose README
# names them; on purpose in the shipped one).
INVALID = {"allowance__monthly/005.yaml", "rate__deductible/007.yaml",
           "bareme_ir_depuis_1945__bareme/034.yaml", "bmaf__bmaf/007.yaml",
           "deductible__taux/012.yaml", "deductible__taux/013.yaml",
           "smic__smic_b_horaire/008.yaml", "smic__smic_b_horaire/009.yaml",
           "smic__smic_b_horaire/010.yaml"}
# Accepted by PyYAML (which keeps the last), refused here: a key written twice (external
# bareme 031-032: 'last_review' at lines 1219 and 1519; smic 028-029: '2026-01-01' at lines
# 683 and 684).
DUPLICATE_KEYS = {"rate__deductible/006.yaml", "scale__income_tax/004.yaml",
                  "bareme_ir_depuis_1945__bareme/031.yaml",
                  "bareme_ir_depuis_1945__bareme/032.yaml",
                  "smic__smic_b_horaire/028.yaml", "smic__smic_b_horaire/029.yaml"}


def external_present() -> bool:
    """Whether the external corpus can be read."""
    return EXTERNAL.is_dir()


def folder_path(name: str) -> Path:
    """The folder of one corpus folder name, shipped or external."""
    return (SHIPPED if name in SHIPPED_FOLDERS else EXTERNAL) / name


def folder_params(names: tuple[str, ...] | None = None) -> list[Any]:
    """pytest params over the shipped folders and the external ones (marked, skipped when
    absent); `names` restricts the external ones."""
    external_mark = [pytest.mark.corpus,
                     pytest.mark.skipif(not external_present(), reason=MISSING)]
    shipped = [pytest.param(name, id=name) for name in SHIPPED_FOLDERS]
    chosen = EXTERNAL_FOLDERS if names is None else names
    return shipped + [pytest.param(name, id=name, marks=external_mark) for name in chosen]


def file_params(names: set[str]) -> list[Any]:
    """pytest params over `folder/seq.yaml` names, external ones marked and skipped when absent."""
    external_mark = [pytest.mark.corpus,
                     pytest.mark.skipif(not external_present(), reason=MISSING)]
    return [pytest.param(rel, id=rel,
                         marks=() if rel.split("/")[0] in SHIPPED_FOLDERS else external_mark)
            for rel in sorted(names)]
