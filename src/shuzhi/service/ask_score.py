"""Scoring asked questions against SQL: the whole ask use case (parse, intents, clarification, the query
as the asker) compared with the numbers a hand-written SQL statement gives on the same warehouse.

A question set in this form (tests/ai/nl/questions/blind_sql*.yaml, written from the schema and the 口径
only) says for each question what the answer must be, not how the parser should read it:

    - q: 我们一共有多少家供应商
      area: purchasing
      kind: count
      lang: zh
      shape: number            # number | table | yesno | why | forecast | refuse
      sql: SELECT count(*) FROM suppliers
      ordered: true            # table: the order of the rows is part of the answer
      answer: yes              # yesno: the expected answer (sql gives the number compared)
      metric: revenue          # why / forecast: the metric asked about
      period: 2026-10          # why: the period whose change is explained (YYYY-MM, YYYY-Qn, YYYY)
      horizon: 3               # forecast: months ahead

and an ambiguous set (`readings: [{text, sql}]`) says a question back is the right answer.

Invariants
- The SQL is the set author's (DuckDB dialect), run read-only where the default model is answered
  (a developer's tool: `shuzhi eval-ask`): on the warehouse, or for a direct-mode model checked as one
  read-only SELECT (model.sql_guard), rendered in its database's dialect and run on its engine through
  the executor. Nothing of the question reaches SQL.
- Numbers agree within 0.5 % (or 1e-6); a row's labels are compared as text (dates as YYYY-MM-DD, a
  month bucket 2026-03 as 2026-03-01); a table must have the same rows (order too when `ordered`), each
  SQL value found among the answer row's numbers.
- "Shown with confidence" is an answer with a result, no question back, and confidence ≥ 0.75: a wrong
  one is the costliest mistake, counted separately (`wrong_confident`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from shuzhi.errors import ShuzhiError
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

CONFIDENT = 0.75
REL_TOL = 0.005
SHAPES = ("number", "table", "yesno", "why", "forecast", "refuse", "clarify")


@dataclass
class CaseScore:
    q: str
    ok: bool
    shown: bool                     # shown with confidence (a result, no question back, confidence ≥ 0.75)
    why: str = ""                   # what was wrong
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def wrong_confident(self) -> bool:
        return self.shown and not self.ok


@dataclass
class SetScore:
    cases: list[CaseScore]

    @property
    def total(self) -> int:
        return len(self.cases)

    @property
    def correct(self) -> int:
        return sum(c.ok for c in self.cases)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def wrong_confident(self) -> int:
        return sum(c.wrong_confident for c in self.cases)

    def by(self, key: str) -> dict[str, tuple[int, int]]:
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for c in self.cases:
            k = str(c.meta.get(key) or "-")
            out[k][0] += c.ok
            out[k][1] += 1
        return {k: (v[0], v[1]) for k, v in sorted(out.items())}

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "correct": self.correct, "accuracy": round(self.accuracy, 4),
                "wrong_confident": self.wrong_confident,
                "wrong_confident_share": round(self.wrong_confident / self.total, 4) if self.total else 0.0,
                "by_area": self.by("area"), "by_kind": self.by("kind"), "by_lang": self.by("lang"),
                "by_shape": self.by("shape"),
                "failures": [{"q": c.q, "why": c.why, "shown_with_confidence": c.shown, **c.meta}
                             for c in self.cases if not c.ok]}


def is_sql_set(cases: list[dict[str, Any]]) -> bool:
    """A set scored against SQL (its cases say `shape` or `readings`), not against expected spec parts."""
    return bool(cases) and all("shape" in c or "readings" in c for c in cases)


def check_cases(cases: list[dict[str, Any]]) -> None:
    for i, c in enumerate(cases, 1):
        q = c.get("q")
        if not isinstance(q, str) or not q.strip():
            raise ShuzhiError("bad_question_set", f"第 {i} 题没有问题文本 q。", f"Case {i} has no question text q.")
        shape = c.get("shape", "clarify" if "readings" in c else None)
        if shape not in SHAPES:
            raise ShuzhiError("bad_question_set", f"第 {i} 题的 shape 应是 {'、'.join(SHAPES)} 之一。",
                              f"Case {i}: shape must be one of {', '.join(SHAPES)}.")
        if shape in ("number", "table", "yesno") and not isinstance(c.get("sql"), str):
            raise ShuzhiError("bad_question_set", f"第 {i} 题（{shape}）需要 sql。", f"Case {i} ({shape}) needs sql.")


def score_set(rt: Runtime, cases: list[dict[str, Any]], user: UserContext | None = None) -> SetScore:
    """Ask every question as `user` (default: the system) through the ask use case and score it."""
    from shuzhi.service.ask import ask

    check_cases(cases)
    user = user or UserContext.system()
    wh = truth_reader(rt)
    scores = []
    for c in cases:
        meta = {k: c.get(k) for k in ("area", "kind", "lang", "shape") if c.get(k) is not None}
        if "readings" in c:
            meta["shape"] = "clarify"
        try:
            answer = ask(rt, c["q"], user)
        except ShuzhiError as e:
            scores.append(CaseScore(c["q"], False, False, f"error: {e.code}", meta))
            continue
        meta.update(_answer_meta(answer))
        scores.append(_score(c, answer, wh, meta))
    return SetScore(scores)


def _answer_meta(answer: dict[str, Any]) -> dict[str, Any]:
    spec = answer.get("spec")
    return {"got_intent": answer.get("intent", "query"), "confidence": answer.get("confidence"),
            "got_spec": spec, "clarified": bool(answer.get("clarify")),
            "got_rows": (answer.get("result") or {}).get("rows", [])[:5]}


def _shown(answer: dict[str, Any]) -> bool:
    return (answer.get("result") is not None and not answer.get("clarify")
            and (answer.get("confidence") or 0) >= CONFIDENT)


def _score(c: dict[str, Any], answer: dict[str, Any], wh: Any, meta: dict[str, Any]) -> CaseScore:
    q, shown = c["q"], _shown(answer)
    shape = meta["shape"]
    if shape == "clarify":
        if answer.get("clarify") and len(answer["clarify"].get("choices") or []) >= 2:
            return CaseScore(q, True, False, "", meta)
        readings = [_sql_rows(wh, r["sql"]) for r in c.get("readings", []) if r.get("sql")]
        if answer.get("result") is not None and any(_same_table(rows, answer["result"], False)[0]
                                                    for rows in readings):
            return CaseScore(q, False, False, "answered one reading without asking", meta)
        return CaseScore(q, False, shown, "no question back", meta)
    if shape == "refuse":
        return CaseScore(q, not shown, shown, "answered a concept the data does not have" if shown else "", meta)
    if answer.get("clarify"):
        return CaseScore(q, False, False, "asked back", meta)
    if shape == "why":
        return _score_intent(c, answer, meta, "why", shown)
    if shape == "forecast":
        return _score_intent(c, answer, meta, "forecast", shown)
    if answer.get("result") is None:
        return CaseScore(q, False, False, "no answer", meta)
    try:
        truth = _sql_rows(wh, c["sql"])
    except ShuzhiError as e:
        return CaseScore(q, False, shown, f"the set's SQL failed: {e.en}", meta)
    if shape == "yesno":
        yn = answer.get("yesno")
        if answer.get("intent") != "yesno" or not yn:
            return CaseScore(q, False, shown, "not answered yes or no", meta)
        want = str(c.get("answer")).lower() in ("yes", "true", "是")
        if bool(yn.get("answer")) != want:
            return CaseScore(q, False, shown, f"answered {'yes' if yn.get('answer') else 'no'}", meta)
        value = truth[1][0][0] if truth[1] and truth[1][0] else None
        if not _close(value, yn.get("value")):
            return CaseScore(q, False, shown, f"number {yn.get('value')} ≠ {value}", meta)
        return CaseScore(q, True, shown, "", meta)
    if shape == "number":
        rows = answer["result"]["rows"]
        if len(truth[1]) != 1:
            return CaseScore(q, False, shown, "the set's SQL gives more than one row", meta)
        want = truth[1][0][-1]
        if len(rows) != 1:
            return CaseScore(q, False, shown, f"{len(rows)} rows for one number", meta)
        nums = _numbers(answer["result"], rows[0])
        if not any(_close(want, v) for v in nums):
            return CaseScore(q, False, shown, f"{nums} ≠ {want}", meta)
        return CaseScore(q, True, shown, "", meta)
    ok, why = _same_table(truth, answer["result"], bool(c.get("ordered")))
    return CaseScore(q, ok, shown, why, meta)


def _score_intent(c: dict[str, Any], answer: dict[str, Any], meta: dict[str, Any], intent: str,
                  shown: bool) -> CaseScore:
    q = c["q"]
    if answer.get("intent") != intent:
        return CaseScore(q, False, shown, f"intent {answer.get('intent', 'query')}, not {intent}", meta)
    metrics = [m if isinstance(m, str) else m.get("name") for m in (answer.get("spec") or {}).get("metrics", [])]
    if c.get("metric") and c["metric"] not in metrics:
        return CaseScore(q, False, shown, f"metric {metrics}, not {c['metric']}", meta)
    payload = answer.get("explanation" if intent == "why" else "forecast")
    if not payload:
        return CaseScore(q, False, shown, f"no {intent} result", meta)
    if intent == "why" and c.get("period"):
        got = (answer.get("intent_args") or {}).get("period") or payload.get("period") or payload.get("current")
        if got is not None and not _same_period(str(c["period"]), got):
            return CaseScore(q, False, shown, f"period {got}, not {c['period']}", meta)
    if intent == "forecast" and c.get("horizon"):
        n = len(payload.get("points") or payload.get("forecast") or [])
        if n and n != int(c["horizon"]):
            return CaseScore(q, False, shown, f"horizon {n}, not {c['horizon']}", meta)
    return CaseScore(q, True, shown, "", meta)


def _same_period(want: str, got: Any) -> bool:
    """'2026-10' / '2026-Q3' / '2026' against a period given as a string or {"start", "end"}."""
    start = got.get("start") if isinstance(got, dict) else str(got)
    if not start:
        return False
    m = re.fullmatch(r"(\d{4})-Q([1-4])", want)
    if m:
        return str(start)[:7] == f"{m[1]}-{(int(m[2]) - 1) * 3 + 1:02d}"
    return str(start).startswith(want)


class _DirectReader:
    """The set's SQL on a direct-mode model's own database (its engine, its dialect)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def run_read_only(self, sql: str) -> Any:
        from shuzhi.compile.context import render
        from shuzhi.model.sql_guard import dataset_query

        return self.engine.execute(render(dataset_query(sql), self.engine.dialect))


def truth_reader(rt: Runtime) -> Any:
    """Where the set's SQL runs: the default model's database (see the module invariants)."""
    from shuzhi.service.executor import Executor

    ex = Executor.open(rt, UserContext.system(), purpose="api")
    if ex.index.model.connection or rt.external() is not None:  # its own database, or SHUZHI_WAREHOUSE_URL
        return _DirectReader(ex.engine()[0])
    return rt.warehouse(read_only=True).open()


def _sql_rows(wh: Any, sql: str) -> tuple[list[str], list[list[Any]]]:
    table = wh.run_read_only(sql)
    return table.column_names, [list(r.values()) for r in table.to_pylist()]


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) or type(v).__name__ == "Decimal"


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return (a in (None, 0)) and (b in (None, 0))
    if not (_is_num(a) and _is_num(b)):
        return False
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= max(1e-6, REL_TOL * max(abs(a), abs(b)))


def _label(v: Any) -> str:
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return v.isoformat()
    s = str(v).strip()
    if re.fullmatch(r"\d{4}-\d{2}", s):
        return s + "-01"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]00:00:00.*", s):
        return s[:10]
    return s


def _numbers(result: dict[str, Any], row: list[Any]) -> list[Any]:
    return [v for v, col in zip(row, result["columns"], strict=False)
            if col.get("type") in ("number", "integer") or _is_num(v)]


def _keys(result: dict[str, Any], row: list[Any]) -> Counter[str]:
    return Counter(_label(v) for v, col in zip(row, result["columns"], strict=False)
                   if not (col.get("type") in ("number", "integer") or _is_num(v)) and v is not None)


def _same_table(truth: tuple[list[str], list[list[Any]]], result: dict[str, Any], ordered: bool) -> tuple[bool, str]:
    _cols, want = truth
    rows = result["rows"]
    if len(rows) != len(want):
        return False, f"{len(rows)} rows, want {len(want)}"
    got_keys = [_keys(result, r) for r in rows]
    used: set[int] = set()
    order = []
    for w in want:
        wk = Counter(_label(v) for v in w if not _is_num(v) and v is not None)
        wv = [v for v in w if _is_num(v) or v is None]
        match = next((i for i, k in enumerate(got_keys) if i not in used and k == wk
                      and all(any(_close(x, y) for y in _numbers(result, rows[i])) for x in wv)), None)
        if match is None:
            near = next((i for i, k in enumerate(got_keys) if k == wk), None)
            if near is None:
                return False, f"no row for {dict(wk) or w}"
            return False, f"row {dict(wk)}: {_numbers(result, rows[near])} ≠ {wv}"
        used.add(match)
        order.append(match)
    if ordered and order != sorted(order):
        return False, "rows in another order"
    return True, ""
