"""Realistic, deterministic policy corpora for the benchmarks.

A corpus is written in this project's snapshot format (docs/format.md): a `snapshot` block
and a `rules` tree of keyed lists (routes, their documents and clauses, fees, procedure
steps) with `{value, cite}` wrappers, item-level citations, notes, doubt flags, scalar lists
and free-text clauses in English and Chinese. The same seed always gives the same bytes.

    python bench/generate.py snapshot --size 200k --seed 1 -o /tmp/medium.yaml
    python bench/generate.py series --size 200k --revisions 50 -o /tmp/series/
    python bench/generate.py repo --size 200k --revisions 1000 -o /tmp/repo
    python bench/generate.py folder-repo --files 1000 --commits 5000 -o /tmp/scale

A *series* is what an editor would commit over time: each revision changes a few percent of
the values (clustered in a few routes, as an amendment touches a few articles), adds and
removes a few items and reorders some lists. `build_repo` turns a series into a packed git
repository, one commit per revision, through `git fast-import`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

SIZES = {"5k": 5_000, "200k": 200_000, "5m": 5_000_000}
"""The named corpus sizes (bytes of YAML, approximately)."""

POLICY_PATH = "policies/bench/policy.yaml"
SERIES_PATH = "policies/bench/national/rules.yaml"
FOLDER_PATH = "policies/bench/national"
"""Where a generated repository keeps the policy, the one-file series and the folder."""

GENERATOR_VERSION = "2"
"""Bump when the output for a given seed changes (cached corpora are keyed by it)."""

CHANGE_FRACTION = 0.02
"""Share of a snapshot's values that one revision changes."""

_WORDS = (
    "applicant", "spouse", "employer", "residence", "permit", "income", "tax", "record",
    "contract", "term", "period", "authority", "review", "decision", "appeal", "notice",
    "evidence", "certificate", "payment", "deposit", "quota", "region", "province", "city",
    "district", "bank", "account", "health", "insurance", "housing", "lease", "degree",
    "diploma", "salary", "threshold", "employment", "investment", "capital", "enterprise",
    "shareholder", "talent", "family", "dependant", "child", "parent", "marriage",
    "registration", "police", "clearance", "translation", "original", "copy", "notarised",
    "verified", "stamped", "digital", "portal", "office", "interview", "fee", "waiver",
    "renewal", "extension", "revocation", "suspension", "exemption", "transition", "grace",
    "consecutive", "annual", "monthly", "calendar", "working", "days", "years", "months",
    "submitted", "issued", "valid", "expired", "approved",
)
_ZH = "申请人配偶雇主居留许可收入纳税记录合同期限主管机关审查决定复议通知证明材料缴费存款名额地区" \
      "省市区银行账户健康保险住房租赁学位文凭工资标准就业投资资本企业股东人才家庭子女父母婚姻登记" \
      "无犯罪翻译原件复印件公证核实盖章电子平台窗口面谈费用减免续期延期撤销暂停豁免过渡宽限连续年度"
_CATEGORIES = ("investment", "employment", "talent", "family", "study", "retirement",
               "humanitarian", "special")
_CURRENCIES = ("CNY", "USD", "EUR")
_SOURCES = 6
_EPOCH = dt.date(2000, 1, 1)


def catalog_fields() -> list[dict[str, Any]]:
    """The field catalogue of the generated policy, as `policy.yaml` writes it."""
    def entry(path: str, en: str, zh: str, **extra: Any) -> dict[str, Any]:
        return {"path": path, "label": {"en": en, "zh": zh}, **extra}
    routes = "eligibility.routes"
    return [
        entry("eligibility", "Eligibility", "申请条件"),
        entry(routes, "Route", "申请类别", key="id", direction="adding_is_looser"),
        entry(f"{routes}[*].title", "Title", "名称", direction="neutral"),
        entry(f"{routes}[*].min_years", "Minimum years", "最低年限", unit="years",
              direction="higher_is_stricter"),
        entry(f"{routes}[*].min_investment", "Minimum investment", "最低投资额", unit="CNY",
              direction="higher_is_stricter"),
        entry(f"{routes}[*].max_age", "Maximum age", "最高年龄", unit="years",
              direction="higher_is_looser"),
        entry(f"{routes}[*].requirements", "Requirements", "要求",
              direction="adding_is_stricter"),
        entry(f"{routes}[*].documents", "Document", "材料", key="id",
              direction="adding_is_stricter"),
        entry(f"{routes}[*].documents[*].issued_within_days", "Issued within", "签发期限",
              unit="days", direction="higher_is_looser"),
        entry(f"{routes}[*].documents[*].copies", "Copies", "份数",
              direction="higher_is_stricter"),
        entry(f"{routes}[*].clauses", "Clause", "条款", key="id"),
        entry("eligibility.max_age", "Maximum age", "最高年龄", unit="years",
              direction="higher_is_looser"),
        entry("fees", "Fee", "费用", key="id", direction="adding_is_stricter"),
        entry("fees[*].amount", "Amount", "金额", direction="higher_is_stricter"),
        entry("procedure", "Procedure", "程序"),
        entry("procedure.steps", "Step", "步骤", key="id", ordered=True),
        entry("procedure.steps[*].days", "Step duration", "步骤时限", unit="days",
              direction="higher_is_stricter"),
        entry("procedure.decision_days", "Decision deadline", "审批时限", unit="days",
              direction="higher_is_stricter"),
        entry("card.validity_years", "Card validity", "证件有效期", unit="years",
              direction="higher_is_looser"),
    ]


# --- YAML text ------------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff ._/()-]*\Z|\d{4}-\d\d-\d\d\Z")
# Words that some YAML reader (1.1 or 1.2) would not read back as text.
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"}
_WRAP = 88


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if _PLAIN.match(text) and not text.endswith(" ") and text.lower() not in _RESERVED \
            and "  " not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(value: Any) -> str:
    """A short mapping or list of scalars on one line, as people write wrappers."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def _is_flat(value: Any) -> bool:
    """Small enough to write in flow style: scalars, or one level of scalars/short mappings."""
    if isinstance(value, dict):
        return len(value) <= 4 and all(
            not isinstance(v, list) and (not isinstance(v, dict) or _is_leafy(v))
            and not (isinstance(v, str) and len(v) > _WRAP) for v in value.values())
    if isinstance(value, list):
        return len(value) <= 6 and all(not isinstance(v, (dict, list)) for v in value)
    return True


def _is_leafy(value: dict[str, Any]) -> bool:
    return len(value) <= 3 and all(not isinstance(v, (dict, list)) for v in value.values())


def _folded(text: str, indent: str) -> list[str]:
    """A long one-line text as a `>-` block: folding joins the lines with single spaces."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > _WRAP:
            lines.append(indent + current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(indent + current)
    return lines


def emit(value: Any, indent: str, out: list[str]) -> None:
    """Block-style YAML for a mapping's entries (or a list's items) at `indent`."""
    if isinstance(value, dict):
        for key, child in value.items():
            _emit_entry(f"{indent}{key}:", child, indent, out)
    else:
        for child in value:
            _emit_entry(f"{indent}-", child, indent, out, item=True)


def _emit_entry(head: str, child: Any, indent: str, out: list[str], item: bool = False) -> None:
    inner = indent + "  "
    if isinstance(child, str) and len(child) > _WRAP and " " in child and \
            child == " ".join(child.split()):
        out.append(f"{head} >-")
        out.extend(_folded(child, inner))
    elif not isinstance(child, (dict, list)) or (child and _is_flat(child)) or not child:
        out.append(f"{head} {_flow(child)}")
    elif item and isinstance(child, dict):
        # `- key: value` with the rest of the mapping aligned under the first key
        lines: list[str] = []
        emit(child, inner, lines)
        lines[0] = f"{head} {lines[0][len(inner):]}"
        out.extend(lines)
    else:
        out.append(head)
        emit(child, inner, out)


def to_yaml(document: dict[str, Any]) -> str:
    """The whole document as block YAML (used for small files and the snapshot block)."""
    out: list[str] = []
    emit(document, "", out)
    return "\n".join(out) + "\n"


# --- content --------------------------------------------------------------------------------

@dataclass
class _Ids:
    """Counters for new identities, so an id is never reused within a series."""

    route: int = 0
    doc: int = 0
    clause: int = 0
    fee: int = 0
    step: int = 0

    def next(self, kind: str) -> int:
        value: int = getattr(self, kind) + 1
        setattr(self, kind, value)
        return value


def _words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(low, high)))


def _zh(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice(_ZH) for _ in range(rng.randint(low, high)))


def _title(rng: random.Random) -> dict[str, str]:
    return {"en": _words(rng, 2, 5).capitalize(), "zh": _zh(rng, 3, 8)}


def _cite(rng: random.Random) -> dict[str, str]:
    return {"source": f"act-{rng.randint(1, _SOURCES)}", "article": f"Art. {rng.randint(1, 120)}"}


def _wrapped(rng: random.Random, value: Any) -> Any:
    """A value written plainly (a third of the time) or as a `{value, cite}` wrapper."""
    roll = rng.random()
    if roll < 0.33:
        return value
    out: dict[str, Any] = {"value": value, "cite": _cite(rng)}
    if roll > 0.93:
        out["note"] = {"en": _words(rng, 4, 9), "zh": _zh(rng, 6, 14)}
    if roll > 0.97:
        out["unconfirmed"] = True
    return out


def _sentence(rng: random.Random) -> str:
    parts = [_words(rng, 6, 14) for _ in range(rng.randint(2, 4))]
    text = ", ".join(parts).capitalize() + "."
    if rng.random() < 0.2:
        text += f' See "{_words(rng, 1, 3)}" (section {rng.randint(1, 40)}).'
    return text


def _document(rng: random.Random, ids: _Ids) -> dict[str, Any]:
    item: dict[str, Any] = {"id": f"doc-{ids.next('doc'):05d}", "title": _title(rng),
                            "copies": rng.randint(1, 3), "certified": rng.random() < 0.5,
                            "issued_within_days": _wrapped(rng, rng.choice((30, 60, 90, 180)))}
    if rng.random() < 0.3:
        item["translation"] = rng.choice(("required", "optional", "not accepted"))
    return item


def _clause(rng: random.Random, ids: _Ids) -> dict[str, Any]:
    item: dict[str, Any] = {"id": f"cl-{ids.next('clause'):05d}", "text": _sentence(rng),
                            "text_zh": _zh(rng, 20, 60) + "。"}
    if rng.random() < 0.6:
        item["cite"] = _cite(rng)
    return item


def _route(rng: random.Random, ids: _Ids) -> dict[str, Any]:
    number = ids.next("route")
    category = rng.choice(_CATEGORIES)
    item: dict[str, Any] = {
        "id": f"{category}-{number:05d}", "title": _title(rng), "category": category,
        "min_years": _wrapped(rng, rng.randint(0, 10)),
        "max_age": rng.choice((None, 45, 50, 55, 60, 65)),
        "requirements": sorted({_words(rng, 2, 4) for _ in range(rng.randint(2, 6))}),
        "documents": [_document(rng, ids) for _ in range(rng.randint(2, 6))],
        "clauses": [_clause(rng, ids) for _ in range(rng.randint(1, 4))],
    }
    if category in ("investment", "employment"):
        item["min_investment"] = _wrapped(rng, rng.randint(10, 500) * 10_000)
    if rng.random() < 0.3:
        item["quota"] = {"per_year": rng.randint(50, 5000), "region": _words(rng, 1, 2)}
    if rng.random() < 0.4:
        item["cite"] = _cite(rng)
    return item


def _fee(rng: random.Random, ids: _Ids) -> dict[str, Any]:
    return {"id": f"fee-{ids.next('fee'):04d}", "title": _title(rng),
            "amount": _wrapped(rng, rng.randint(1, 400) * 50),
            "currency": rng.choice(_CURRENCIES), "refundable": rng.random() < 0.2}


def _step(rng: random.Random, ids: _Ids) -> dict[str, Any]:
    return {"id": f"step-{ids.next('step'):03d}", "title": _title(rng),
            "days": _wrapped(rng, rng.randint(5, 60))}


def _sources() -> list[dict[str, Any]]:
    return [{"id": f"act-{n}", "title": {"en": f"Example Residence Instrument {n}",
                                         "zh": f"示例居留文件第{n}号"},
             "url": f"https://example.org/act-{n}", "publisher": "Example Gazette"}
            for n in range(1, _SOURCES + 1)]


@dataclass
class Policy:
    """A mutable snapshot being edited revision after revision, with its YAML cached per route."""

    seed: str
    revision: int = 0
    ids: _Ids = field(default_factory=_Ids)
    routes: list[dict[str, Any]] = field(default_factory=list)
    fees: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    general: dict[str, Any] = field(default_factory=dict)
    initial_routes: int = 0
    _text: dict[str, str] = field(default_factory=dict)

    def meta(self) -> dict[str, Any]:
        """The `snapshot` block of the current revision."""
        day = _EPOCH + dt.timedelta(days=7 * self.revision)
        return {"id": f"rev-{self.revision:05d}",
                "title": {"en": f"Example Residence Measures, revision {self.revision}",
                          "zh": f"示例居留办法（第{self.revision}次修订）"},
                "instrument_type": "measures", "document_number": f"Order No. {self.revision + 1}",
                "issuers": [{"en": "Ministry of Examples", "zh": "示例部"}],
                "dates": {"effective": day.isoformat()},
                # As in the sample policy: ids of policy.yaml's sources, and one inline.
                "status": "in_force", "sources": [s["id"] for s in _sources()[:-1]]
                + _sources()[-1:]}

    def filename(self) -> str:
        """`YYYY-MM-DD-slug.yaml`, the effective date of the current revision."""
        return f"{self.meta()['dates']['effective']}-rev-{self.revision:05d}.yaml"

    def route_text(self, route: dict[str, Any]) -> str:
        """The YAML of one route item (cached until the route is touched)."""
        key = route["id"]
        text = self._text.get(key)
        if text is None:
            lines: list[str] = []
            emit([route], "      ", lines)
            text = "\n".join(lines) + "\n"
            self._text[key] = text
        return text

    def touch(self, route: dict[str, Any]) -> None:
        """Forget the cached YAML of a route that was changed."""
        self._text.pop(route["id"], None)

    def to_yaml(self) -> str:
        """The current revision as a snapshot file."""
        head: list[str] = []
        emit({"snapshot": self.meta()}, "", head)
        head.append("rules:")
        head.append("  eligibility:")
        emit(self.general["eligibility"], "    ", head)
        head.append("    routes:")
        parts = ["\n".join(head) + "\n"]
        parts.extend(self.route_text(r) for r in self.routes)
        tail: list[str] = []
        emit({"fees": self.fees, "procedure": {**self.general["procedure"], "steps": self.steps},
              "card": self.general["card"]}, "  ", tail)
        parts.append("\n".join(tail) + "\n")
        return "".join(parts)

    def to_data(self) -> dict[str, Any]:
        """The current revision as plain data (what a loader should read back)."""
        return {"snapshot": self.meta(), "rules": {
            "eligibility": {**self.general["eligibility"], "routes": self.routes},
            "fees": self.fees, "procedure": {**self.general["procedure"], "steps": self.steps},
            "card": self.general["card"]}}


def new_policy(size: int, seed: int | str = 1) -> Policy:
    """A first revision of about `size` bytes of YAML."""
    rng = random.Random(f"policy:{seed}")
    policy = Policy(str(seed))
    policy.general = {
        "eligibility": {"max_age": _wrapped(rng, 60), "min_income": _wrapped(rng, 120_000),
                        "residence_test": {"days_per_year": _wrapped(rng, 183),
                                           "consecutive_years": _wrapped(rng, 5)}},
        "procedure": {"decision_days": _wrapped(rng, 90), "authority": "Ministry of Examples",
                      "appeal_days": _wrapped(rng, 60)},
        "card": {"name": "Permanent Residence Card", "validity_years": _wrapped(rng, 10)}}
    policy.fees = [_fee(rng, policy.ids) for _ in range(max(2, size // 40_000))]
    policy.steps = [_step(rng, policy.ids) for _ in range(6)]
    total = len(policy.to_yaml())
    while total < size:
        route = _route(rng, policy.ids)
        policy.routes.append(route)
        total += len(policy.route_text(route))
    policy.initial_routes = len(policy.routes)
    return policy


# --- revisions ------------------------------------------------------------------------------

def _leaf_count(policy: Policy) -> int:
    """About how many values a snapshot holds (scalars under rules)."""
    def count(node: Any) -> int:
        if isinstance(node, dict):
            return sum(count(v) for v in node.values())
        if isinstance(node, list):
            return sum(count(v) for v in node)
        return 1
    total: int = count(policy.to_data()["rules"])
    return total


def _edit_value(rng: random.Random, route: dict[str, Any], ids: _Ids) -> None:
    """Change one value somewhere in a route."""
    roll = rng.randrange(8)
    if roll == 0:
        _bump(route, "min_years", lambda v: max(0, v + rng.choice((-1, 1))))
    elif roll == 1 and "min_investment" in route:
        _bump(route, "min_investment", lambda v: max(10_000, v + rng.choice((-5, 5)) * 10_000))
    elif roll == 2 and route["documents"]:
        doc = rng.choice(route["documents"])
        _bump(doc, "issued_within_days", lambda v: rng.choice((30, 60, 90, 120, 180)))
    elif roll == 3 and route["documents"]:
        doc = rng.choice(route["documents"])
        doc["copies"] = max(1, doc["copies"] + rng.choice((-1, 1)))
        doc["certified"] = not doc["certified"] if rng.random() < 0.5 else doc["certified"]
    elif roll == 4 and route["clauses"]:
        clause = rng.choice(route["clauses"])
        words = clause["text"].split(" ")
        words[rng.randrange(len(words))] = rng.choice(_WORDS)
        clause["text"] = " ".join(words)
    elif roll == 5:
        route["max_age"] = rng.choice((None, 45, 50, 55, 60, 65, 70))
    elif roll == 6 and isinstance(route["min_years"], dict):
        route["min_years"]["cite"] = _cite(rng)  # a citation alone changes
    else:
        route["title"] = {"en": _words(rng, 2, 5).capitalize(), "zh": route["title"]["zh"]}


def _bump(node: dict[str, Any], key: str, change: Any) -> None:
    value = node[key]
    if isinstance(value, dict):
        value["value"] = change(value["value"])
    else:
        node[key] = change(value)


def _edit_items(rng: random.Random, policy: Policy, route: dict[str, Any]) -> None:
    """Add, remove or reorder items of one route (or, rarely, of the policy's own lists)."""
    roll = rng.randrange(7)
    if roll == 0:
        route["documents"].insert(rng.randint(0, len(route["documents"])),
                                  _document(rng, policy.ids))
    elif roll == 1 and len(route["documents"]) > 1:
        route["documents"].pop(rng.randrange(len(route["documents"])))
    elif roll == 2:
        route["requirements"] = sorted(set(route["requirements"]) | {_words(rng, 2, 4)})
    elif roll == 3 and len(route["requirements"]) > 1:
        route["requirements"].pop(rng.randrange(len(route["requirements"])))
    elif roll == 4 and len(route["clauses"]) > 1 and rng.random() < 0.5:
        route["clauses"].pop(rng.randrange(len(route["clauses"])))
    elif roll == 4:
        route["clauses"].append(_clause(rng, policy.ids))
    elif roll == 5:
        rng.shuffle(route["documents"])  # an unordered keyed list: no change to report
    else:
        i, j = rng.randrange(len(policy.steps)), rng.randrange(len(policy.steps))
        policy.steps[i], policy.steps[j] = policy.steps[j], policy.steps[i]


def revise(policy: Policy, fraction: float = CHANGE_FRACTION, leaves: int | None = None) -> None:
    """Turn `policy` into its next revision (deterministic from the seed and revision)."""
    policy.revision += 1
    rng = random.Random(f"revision:{policy.seed}:{policy.revision}")
    leaves = leaves if leaves is not None else _leaf_count(policy)
    edits = max(1, round(leaves * fraction))
    touched = rng.sample(policy.routes, max(1, min(len(policy.routes), edits // 8)))
    for _ in range(edits):
        route = rng.choice(touched)
        _edit_value(rng, route, policy.ids)
        policy.touch(route)
    for _ in range(rng.randint(2, 4)):
        route = rng.choice(touched)
        _edit_items(rng, policy, route)
        policy.touch(route)
    # Routes come and go, but the snapshot keeps about its size over a long series.
    band = max(1, policy.initial_routes // 20)
    if rng.random() < 0.3 and len(policy.routes) > max(1, policy.initial_routes - band):
        gone = policy.routes.pop(rng.randrange(len(policy.routes)))
        policy.touch(gone)
    if rng.random() < 0.3 and len(policy.routes) < policy.initial_routes + band:
        policy.routes.insert(rng.randint(0, len(policy.routes)), _route(rng, policy.ids))
    if rng.random() < 0.1:
        fee = rng.choice(policy.fees)
        _bump(fee, "amount", lambda v: v + 50)
    if rng.random() < 0.2 and len(policy.routes) > 3:
        i = rng.randrange(len(policy.routes) - 1)  # two routes swap places: not a change
        policy.routes[i], policy.routes[i + 1] = policy.routes[i + 1], policy.routes[i]


def series(size: int, revisions: int, seed: int | str = 1,
           fraction: float = CHANGE_FRACTION) -> Iterator[tuple[str, bytes]]:
    """`revisions` successive versions of one snapshot: (file name, YAML bytes)."""
    policy = new_policy(size, seed)
    leaves = _leaf_count(policy)
    for n in range(revisions):
        if n:
            revise(policy, fraction, leaves)
        yield policy.filename(), policy.to_yaml().encode("utf-8")


def snapshot_bytes(size: int, seed: int | str = 1) -> bytes:
    """One snapshot of about `size` bytes."""
    return new_policy(size, seed).to_yaml().encode("utf-8")


def policy_yaml() -> bytes:
    """The `policy.yaml` of the generated policy (its catalogue and bibliography)."""
    head = {"policy": {"id": "bench", "title": {"en": "Benchmark residence", "zh": "基准居留"},
                       "jurisdiction": "Example Republic",
                       "description": {"en": "Generated for benchmarks; not real law.",
                                       "zh": "为基准测试生成，并非真实法律。"}},
            "tracks": [{"id": "national", "title": {"en": "National", "zh": "全国"}}],
            "fields": catalog_fields(),
            "sources": _sources()[:-1]}
    return to_yaml(head).encode("utf-8")


# --- git ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Commit:
    """One commit to write: its message and the files it sets (None: deletes the file)."""

    message: str
    files: tuple[tuple[str, bytes | None], ...]


def _git(repo: str, *args: str) -> str:
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    done = subprocess.run(["git", "-C", repo, *args], env=env, capture_output=True, check=True)
    return done.stdout.decode("utf-8", "replace")


def build_repo(repo: str, commits: Iterable[Commit], branch_at: dict[int, str] | None = None,
               start: int = 1420070400) -> int:
    """A packed git repository with one commit per item, written by `git fast-import`.

    `branch_at` names extra branches to leave at given commit numbers (1-based). Returns the
    number of commits. Commit n is dated `start` (seconds since 1970, UTC) + n hours.
    """
    os.makedirs(repo, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    proc = subprocess.Popen(["git", "-C", repo, "fast-import", "--quiet", "--done"],
                            stdin=subprocess.PIPE, env=env)
    assert proc.stdin is not None
    write = proc.stdin.write
    count = 0
    for count, commit in enumerate(commits, 1):
        message = commit.message.encode("utf-8")
        stamp = start + 3600 * count
        write(b"commit refs/heads/main\nmark :%d\n" % count)
        write(b"author Bench Editor <editor@example.invalid> %d +0000\n" % stamp)
        write(b"committer Bench Editor <editor@example.invalid> %d +0000\n" % stamp)
        write(b"data %d\n%s\n" % (len(message), message))
        for path, data in commit.files:
            if data is None:
                write(b"D %s\n" % path.encode("utf-8"))
            else:
                write(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode("utf-8"), len(data),
                                                              data))
        for name in (branch_at or {}).get(count, "").split():
            write(b"reset refs/heads/%s\nfrom :%d\n\n" % (name.encode("ascii"), count))
    write(b"done\n")
    proc.stdin.close()
    if proc.wait() != 0:
        raise RuntimeError(f"git fast-import failed in {repo}")
    _git(repo, "repack", "-a", "-d", "-q", "--window=50", "--depth=50")
    _git(repo, "gc", "--quiet", "--prune=now")
    return count


def series_commits(path: str, size: int, revisions: int, seed: int | str = 1,
                   fraction: float = CHANGE_FRACTION,
                   also_first: tuple[tuple[str, bytes], ...] = ()) -> Iterator[Commit]:
    """The commits of one file's series: revision n sets `path` to version n.

    `also_first` are files the first commit adds too (the policy's `policy.yaml`).
    """
    for n, (_, data) in enumerate(series(size, revisions, seed, fraction)):
        yield Commit(f"Revision {n}", ((path, data),) + (also_first if n == 0 else ()))


def folder_commits(folder: str, files: int, commits: int, seed: int | str = 1,
                   size: int = SIZES["5k"],
                   also_first: tuple[tuple[str, bytes], ...] = ()) -> Iterator[Commit]:
    """A folder of `files` snapshots: one commit adds them all, each later one edits 1-3."""
    rng = random.Random(f"folder:{seed}")
    policies = [new_policy(size, f"{seed}:{n}") for n in range(files)]
    names = [f"{folder}/{p.filename()[:10]}-s{n:04d}.yaml" for n, p in enumerate(policies)]
    leaves = [_leaf_count(p) for p in policies]
    yield Commit("Add every snapshot", also_first + tuple(
        (name, p.to_yaml().encode("utf-8")) for name, p in zip(names, policies)))
    for number in range(2, commits + 1):
        changed = []
        for n in sorted(rng.sample(range(files), rng.randint(1, 3))):
            revise(policies[n], CHANGE_FRACTION, leaves[n])
            changed.append((names[n], policies[n].to_yaml().encode("utf-8")))
        yield Commit(f"Edit {len(changed)} snapshot(s) ({number})", tuple(changed))


# --- a many-file tree, like a real parameter repository ---------------------------------------

TREE_PATH = "parameters"


def _parameter(name: str, values: list[tuple[str, float | int]], seed: str) -> bytes:
    """One OpenFisca-like parameter file: a description, dated values, metadata."""
    rng = random.Random(seed)
    lines = [f"description: {name.replace('_', ' ').capitalize()} ({_words(rng, 2, 6)})",
             "values:"]
    for day, value in values:
        lines += [f"  {day}:", f"    value: {value}"]
    lines += ["metadata:", f"  unit: {rng.choice(('currency', '/1', 'year', 'month'))}",
              f"  reference: https://example.invalid/{name}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _value(rng: random.Random) -> float | int:
    return rng.choice((rng.randint(0, 5000), round(rng.random(), 4)))


def _invalid(rng: random.Random, good: bytes) -> bytes:
    """A revision a real history has: broken YAML, or a key written twice."""
    if rng.random() < 0.5:
        return good + b"broken: [unclosed\n"
    return good + b"metadata:\n  unit: again\n"


def tree_commits(files: int, commits: int, seed: int | str = 1) -> Iterator[Commit]:
    """`files` parameter files in a tree of folders (with a `policy.yaml` catalogue here and
    there), then commits that each touch 1-30 of them: edits, added dates, about 1% renames
    and 1% invalid revisions (fixed by the file's next edit)."""
    rng = random.Random(f"tree:{seed}")
    areas = [f"{TREE_PATH}/{_words(rng, 1, 1)}_{a}" for a in range(12)]
    folders = [f"{rng.choice(areas)}/{_words(rng, 1, 1)}_{f}/{_words(rng, 1, 1)}"
               for f in range(max(1, files // 12))]
    paths = sorted({f"{rng.choice(folders)}/{_words(rng, 1, 2).replace(' ', '_')}_{n}.yaml"
                    for n in range(files)})
    history = {p: [(f"{rng.randint(1990, 2015)}-01-01", _value(rng))] for p in paths}
    content = {p: _parameter(p.rsplit("/", 1)[1][:-5], history[p], f"{seed}:{p}")
               for p in paths}
    heads = sorted({f"{f.rsplit('/', 2)[0]}/policy.yaml" for f in folders[::7]})
    yield Commit("Add every parameter", tuple((h, policy_yaml()) for h in heads)
                 + tuple(content.items()))
    year = 2016
    for number in range(2, commits + 1):
        changed: list[tuple[str, bytes | None]] = []
        if number % 40 == 0:
            year += 1
        for path in rng.sample(paths, min(len(paths), rng.randint(1, 30))):
            if rng.random() < 0.01:  # a rename (git mv and a small edit)
                new = path.replace(".yaml", f"_r{number}.yaml")
                paths[paths.index(path)] = new
                history[new], content[new] = history.pop(path), content.pop(path)
                content[new] = content[new].replace(b"description: ", b"description: New ", 1)
                changed += [(path, None), (new, content[new])]
                continue
            day = f"{year}-{rng.randint(1, 12):02d}-01"
            if rng.random() < 0.6 and day > history[path][-1][0]:  # a new value from a date
                history[path].append((day, _value(rng)))
            else:  # a correction of one value
                i = rng.randrange(len(history[path]))
                history[path][i] = (history[path][i][0], _value(rng))
            content[path] = _parameter(path.rsplit("/", 1)[1][:-5], history[path],
                                       f"{seed}:{path}")
            data = _invalid(rng, content[path]) if rng.random() < 0.01 else content[path]
            changed.append((path, data))
        yield Commit(f"Update {len(changed)} parameter(s) ({number})", tuple(changed))


# --- command line ---------------------------------------------------------------------------

def _size(text: str) -> int:
    if text.lower() in SIZES:
        return SIZES[text.lower()]
    return int(text)


def main(argv: list[str] | None = None) -> int:
    """Write a snapshot, a series, a repository or a folder repository."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("kind", choices=("snapshot", "series", "repo", "folder-repo", "policy",
                                         "tree-repo"))
    parser.add_argument("--size", type=_size, default=SIZES["200k"],
                        help="bytes, or one of: " + ", ".join(SIZES))
    parser.add_argument("--seed", default="1")
    parser.add_argument("--revisions", type=int, default=100)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.kind == "snapshot":
        with open(args.output, "wb") as handle:
            handle.write(snapshot_bytes(args.size, args.seed))
    elif args.kind == "policy":
        with open(args.output, "wb") as handle:
            handle.write(policy_yaml())
    elif args.kind == "series":
        os.makedirs(args.output, exist_ok=True)
        for name, data in series(args.size, args.revisions, args.seed):
            with open(os.path.join(args.output, name), "wb") as handle:
                handle.write(data)
    elif args.kind == "tree-repo":
        build_repo(args.output, tree_commits(args.files, args.commits, args.seed))
    elif args.kind == "repo":
        build_repo(args.output, series_commits(SERIES_PATH, args.size, args.revisions,
                                               args.seed, also_first=((POLICY_PATH,
                                                                       policy_yaml()),)))
    else:
        build_repo(args.output, folder_commits(FOLDER_PATH, args.files, args.commits, args.seed,
                                               also_first=((POLICY_PATH, policy_yaml()),)),
                   branch_at={1000: "at-1000"} if args.commits > 1000 else None)
    print(f"wrote {args.output} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
