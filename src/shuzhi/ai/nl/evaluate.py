"""Accuracy of the question parser over a question set (tests/ai/nl/questions/questions.yaml, `shuzhi eval-ask`).

A case is {q, cat, previous?, expect}; `expect` lists the essential spec parts — metrics (computes as
"kind:metric"), dims (time grains as "time:month"), where, having, time [start, end] after resolving
relative ranges, order ("name desc|asc"), limit — or `spec: null`, plus optional `unknown` words that
must be reported as not understood. A parsed spec is reduced to the same parts and compared exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from shuzhi.ai.nl.lexicon import Lexicon
from shuzhi.ai.nl.parser import parse_question
from shuzhi.spec.query_spec import parse_spec
from shuzhi.spec.time_ranges import relative_range


def essentials(spec: dict[str, Any] | None, today: dt.date) -> dict[str, Any]:
    """The parts of a QuerySpec dict a question set compares."""
    if spec is None:
        return {"spec": None}
    metrics = []
    for m in spec.get("metrics", []):
        if isinstance(m, str):
            metrics.append(m)
        elif "compute" in m:
            kind, base = next(iter(m["compute"].items()))
            metrics.append(f"{kind}:{base}")
        else:  # an ad-hoc aggregate (nl/measures.py): how and what it aggregates
            metrics.append(f"{m['aggregate']}:{m['field']}")
    dims = [d if isinstance(d, str) else f"{d['field']}:{d['grain']}" if d.get("grain") else d["field"]
            for d in spec.get("dimensions", [])]
    out: dict[str, Any] = {"metrics": metrics, "dims": dims}

    def cond(c: dict[str, Any]) -> list[Any]:
        v = c.get("values", c.get("value"))
        return [c["field"], c["op"], sorted(v, key=str) if isinstance(v, list) else v]

    out["where"] = sorted((cond(c) for c in spec.get("where", [])), key=str)
    out["having"] = sorted(([h["field"], h["op"], [float(v) for v in h["values"]] if "values" in h
                             else float(h["value"])] for h in spec.get("having", [])), key=str)
    tr = spec.get("time_range")
    if tr:
        s, e = relative_range(tr["relative"], today) if tr.get("relative") else (tr.get("start"), tr.get("end"))
        out["time"] = [str(s), str(e)]
    else:
        out["time"] = None
    ob = spec.get("order_by") or []
    out["order"] = f"{ob[0]['field']} {'desc' if ob[0].get('desc') else 'asc'}" if ob else None
    out["limit"] = spec.get("limit")
    return out


def expected(exp: dict[str, Any]) -> dict[str, Any]:
    """A case's `expect` in the form `essentials` returns."""
    if "spec" in exp and exp["spec"] is None:
        return {"spec": None}

    def num(v: Any) -> Any:
        return [float(x) for x in v] if isinstance(v, list) else float(v)

    return {
        "metrics": list(exp.get("metrics", [])),
        "dims": list(exp.get("dims", [])),
        "where": sorted(([w[0], w[1], sorted(w[2], key=str) if isinstance(w[2], list) else w[2]]
                         for w in exp.get("where", [])), key=str),
        "having": sorted(([h[0], h[1], num(h[2])] for h in exp.get("having", [])), key=str),
        "time": [str(x) for x in exp["time"]] if exp.get("time") else None,
        "order": exp.get("order"),
        "limit": exp.get("limit"),
    }


def load_cases(path: str | Path) -> list[dict[str, Any]]:
    """Read a question set (a YAML list of cases); raises ValueError on a malformed case."""
    cases = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    if not isinstance(cases, list):
        raise ValueError(f"{path}: expected a list of cases")
    for i, c in enumerate(cases):
        if not isinstance(c, dict) or not isinstance(c.get("q"), str) or not isinstance(c.get("expect"), dict):
            raise ValueError(f"{path}: case {i + 1} needs q (text) and expect (mapping)")
        c.setdefault("cat", "other")
    return cases


@dataclass
class CaseResult:
    case: dict[str, Any]
    ok: bool
    got: dict[str, Any]
    want: dict[str, Any]
    unknown: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class Report:
    results: list[CaseResult]

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def correct(self) -> int:
        return sum(r.ok for r in self.results)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def by_category(self) -> dict[str, tuple[int, int, float]]:
        """category → (correct, total, accuracy), sorted by category."""
        acc: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r in self.results:
            a = acc[str(r.case.get("cat", "other"))]
            a[0] += r.ok
            a[1] += 1
        return {k: (ok, n, ok / n) for k, (ok, n) in sorted(acc.items())}

    @property
    def failures(self) -> list[CaseResult]:
        return [r for r in self.results if not r.ok]

    def to_dict(self) -> dict[str, Any]:
        return {"accuracy": self.accuracy, "correct": self.correct, "total": self.total,
                "by_category": {k: {"correct": ok, "total": n, "accuracy": a}
                                for k, (ok, n, a) in self.by_category().items()},
                "failures": [{"q": r.case["q"], "cat": r.case.get("cat"), "expected": r.want, "got": r.got,
                              "error": r.error} for r in self.failures]}


def run_case(case: dict[str, Any], lex: Lexicon, today: dt.date) -> CaseResult:
    want = expected(case["expect"])
    try:
        prev = parse_question(case["previous"], lex, today=today) if case.get("previous") else None
        r = parse_question(case["q"], lex, today=today, previous=prev)
        if r.spec is not None:
            parse_spec(r.spec)  # what the parser produces must always be a valid QuerySpec
    except Exception as e:  # noqa: BLE001 - a crash is a failed case, reported with its message
        return CaseResult(case, False, {"error": str(e)}, want, error=f"{type(e).__name__}: {e}")
    got = essentials(r.spec, today)
    said = [u["text"] for u in r.unknown]
    ok = got == want
    if ok and case["expect"].get("unknown"):
        joined = " ".join(said)
        ok = all(w in joined for w in case["expect"]["unknown"])
    return CaseResult(case, ok, got, want, said)


def evaluate(cases: list[dict[str, Any]], lex: Lexicon, today: dt.date) -> Report:
    """Parse every case (with its `previous` question first, for follow-ups) and compare."""
    return Report([run_case(c, lex, today) for c in cases])


_TODAY_RE = re.compile(r"^#.*\btoday\s*=\s*(\d{4}-\d{2}-\d{2})")


def declared_today(path: str | Path) -> dt.date | None:
    """The `today = YYYY-MM-DD` a question set declares in its leading comment lines, if any."""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        m = _TODAY_RE.match(line)
        if m:
            return dt.date.fromisoformat(m.group(1))
    return None
