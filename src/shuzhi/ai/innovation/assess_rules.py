"""The 专精特新 self-assessment's rules: the criteria file (assess_criteria.yaml), its checked shape, the
QuerySpecs of its facts, and the answers a person gives for what the data cannot show.

    load_rules(path=None)                    → Rules (the packaged file, or a copy named by the caller)
    fact_specs(rules, year, main_business)   → [(fact name, year offset or None, QuerySpec dict)]
    coerce_answer(rules, key, value)         → the answer as stored (typed, range-checked) or a ShuzhiError

Invariants
- Pure: no SQL, no I/O beyond reading the rules file; the service runs the specs through the Executor.
- A fact named NAME with `years: N` yields NAME_y1 .. NAME_yN, y1 being the calendar year before the
  assessment year; with `stock: true` it yields NAME, counted as at the end of y1.
- Placeholders in a fact's `where`: $main_business (the main-business members), $main_business_field,
  $ip_tech_fields, $ip_project_field, $end_y1 (the last day of y1, ISO).
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from shuzhi.errors import ShuzhiError

RULES_FILE = Path(__file__).with_name("assess_criteria.yaml")
LEVELS = ("专精特新", "小巨人")
LEVEL_EN = {"专精特新": "Specialised SME (provincial)", "小巨人": "Little Giant (national)"}
CATEGORIES = ("基本条件", "专业化", "精细化", "特色化", "创新能力", "产业链配套", "主导产品", "综合评价")
CATEGORY_EN = {"基本条件": "Eligibility", "专业化": "Specialisation", "精细化": "Refinement",
               "特色化": "Distinctiveness", "创新能力": "Innovation", "产业链配套": "Supply-chain role",
               "主导产品": "Lead product", "综合评价": "Overall score"}
Op = Literal[">=", ">", "<=", "<", "=="]
NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Text(_Strict):
    zh: str
    en: str


class Band(_Strict):
    min: float | None = None  # inclusive
    max: float | None = None  # exclusive
    value: float


class Bands(_Strict):
    by: str  # a fact or answer whose value picks the band
    bands: list[Band] = Field(min_length=1)


class Source(_Strict):
    doc: str
    clause: str
    text: str


class Criterion(_Strict):
    id: str
    level: Literal["专精特新", "小巨人"]
    category: str
    name: Text
    formula: str
    op: Op
    threshold: float | Bands
    alternative: str | None = None  # met also when this is true (another route the rules allow)
    applies_if: str | None = None  # when false, the criterion does not apply (another revenue band)
    unit: str
    gap: str | None = None  # an expression over threshold, value, facts and answers
    gap_unit: str | None = None
    gap_label: Text | None = None
    source: Source
    checked: list[str] = []

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        if v not in CATEGORIES:
            raise ValueError(f"category must be one of {', '.join(CATEGORIES)}")
        return v


class Fact(_Strict):
    name: str
    label: Text
    metric: str
    years: int | None = Field(default=None, ge=1, le=10)
    stock: bool = False
    where: list[Any] = []


class Question(_Strict):
    key: str
    type: Literal["number", "integer", "fraction", "boolean", "list"]
    label: Text
    unit: str | None = None
    min: float | None = None
    max: float | None = None


class MainBusiness(_Strict):
    field: str
    values: list[str] | None = None


class IpRelated(_Strict):
    tech_fields: list[str] = []
    project_field: str


class Rules(_Strict):
    version: int
    document: Text
    main_business: MainBusiness
    ip_related: IpRelated
    facts: list[Fact]
    questions: list[Question]
    criteria: list[Criterion]

    def question(self, key: str) -> Question:
        for q in self.questions:
            if q.key == key:
                return q
        known = ", ".join(q.key for q in self.questions)
        raise ShuzhiError("unknown_assess_item", f"没有这个自评填报项：{key}（可填：{known}）。",
                          f"There is no self-assessment item {key} (known: {known}).", 422)

    def fact_names(self) -> list[str]:
        out = []
        for f in self.facts:
            out += [f.name] if f.stock else [f"{f.name}_y{i}" for i in range(1, (f.years or 1) + 1)]
        return out


def _bad_rules(path: Path, why: str) -> ShuzhiError:
    return ShuzhiError("bad_assess_rules", f"自评规则文件 {path} 有误：{why}",
                       f"The self-assessment rules file {path} is not valid: {why}", 500)


@functools.lru_cache(maxsize=8)
def _load(path: Path, mtime: float) -> Rules:
    from shuzhi.ai.innovation.assess_eval import names_in

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        rules = Rules.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise _bad_rules(path, str(exc).splitlines()[0]) from None
    keys = [q.key for q in rules.questions]
    known = set(rules.fact_names()) | set(keys)
    ids = [c.id for c in rules.criteria]
    for name in [*keys, *ids, *(f.name for f in rules.facts)]:
        if not NAME.match(name):
            raise _bad_rules(path, f"bad name {name!r}")
    if len(set(ids)) != len(ids) or len(set(keys)) != len(keys) or known & set(ids):
        raise _bad_rules(path, "ids, question keys and facts must be unique")
    for c in rules.criteria:
        exprs = [c.formula, c.alternative, c.applies_if, c.gap,
                 c.threshold.by if isinstance(c.threshold, Bands) else None]
        for e in filter(None, exprs):
            unknown = names_in(e) - known - {"threshold", "value"}
            if unknown:
                raise _bad_rules(path, f"{c.id}: unknown name(s) {', '.join(sorted(unknown))} in {e!r}")
    return rules


def load_rules(path: Path | None = None) -> Rules:
    """The rules (checked once per file version)."""
    p = Path(path) if path else RULES_FILE
    try:
        mtime = p.stat().st_mtime
    except OSError:
        raise _bad_rules(p, "the file cannot be read") from None
    return _load(p, mtime)


def _flat(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for x in items:
        out += _flat(x) if isinstance(x, list) else [x]
    return out


def _fill(node: Any, env: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        return {k: _fill(v, env) for k, v in node.items()}
    if isinstance(node, list):
        return [_fill(v, env) for v in node]
    if isinstance(node, str) and node.startswith("$"):
        if node[1:] not in env:
            raise ShuzhiError("bad_assess_rules", f"自评规则里的占位符 {node} 不存在。",
                              f"The placeholder {node} in the self-assessment rules is unknown.", 500)
        return env[node[1:]]
    return node


def fact_specs(rules: Rules, year: int, main_business: list[str]) -> list[tuple[str, int | None, dict[str, Any]]]:
    """(fact, year offset or None for a stock, QuerySpec): one spec per fact, split by year where needed.

    A per-year fact asks for its metric by calendar year on `time` (each metric's own date) over the
    years it needs; the caller files the rows by year."""
    env = {"main_business": main_business, "main_business_field": rules.main_business.field,
           "ip_tech_fields": rules.ip_related.tech_fields, "ip_project_field": rules.ip_related.project_field,
           "end_y1": f"{year - 1}-12-31"}
    out: list[tuple[str, int | None, dict[str, Any]]] = []
    for f in rules.facts:
        where = _fill(_flat(f.where), env)
        spec: dict[str, Any] = {"metrics": [f.metric]}
        if where:
            spec["where"] = where
        if f.stock:
            out.append((f.name, None, spec))
            continue
        n = f.years or 1
        spec["dimensions"] = [{"name": "year", "field": "time", "grain": "year"}]
        spec["time_range"] = {"field": "time", "start": f"{year - n}-01-01", "end": f"{year - 1}-12-31"}
        out.append((f.name, n, spec))
    return out


_TRUE = {"true", "yes", "y", "1", "是", "有", "对", "已", "t"}
_FALSE = {"false", "no", "n", "0", "否", "无", "没有", "不", "f"}


def _type_error(q: Question, value: Any) -> ShuzhiError:
    kinds = {"number": ("数字", "a number"), "integer": ("整数", "a whole number"),
             "fraction": ("比例（如 0.35 或 35%）", "a fraction (0.35 or 35%)"),
             "boolean": ("是/否", "yes or no"), "list": ("名称列表", "a list of names")}
    zh, en = kinds[q.type]
    return ShuzhiError("bad_assess_answer", f"{q.label.zh}（{q.key}）应是{zh}，收到 {value!r}。",
                       f"{q.label.en} ({q.key}) must be {en}; got {value!r}.", 422)


def _number(q: Question, value: Any) -> float:
    if isinstance(value, bool):
        raise _type_error(q, value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        scale, per = 1.0, 1.0
        if q.type == "fraction" and text.endswith("%"):
            text, per = text[:-1], 100.0  # divided, so that 35% is exactly 0.35
        elif text.endswith("亿"):
            text, scale = text[:-1], 1e8
        elif text.endswith("万"):
            text, scale = text[:-1], 1e4
        try:
            value = float(text) * scale / per
        except ValueError:
            raise _type_error(q, value) from None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise _type_error(q, value)
    return float(value)


def coerce_answer(rules: Rules, key: str, value: Any) -> Any:
    """`value` as stored for `key`: typed and in range; None clears the answer. Strings are parsed the
    way a person types them (是/否, 35%, 3000万)."""
    q = rules.question(key)
    if value is None:
        return None
    if q.type == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise _type_error(q, value)
    if q.type == "list":
        items = [s.strip() for s in re.split(r"[,，、]", value)] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(s, str) and 0 < len(s) <= 100 for s in items) \
                or not items or len(items) > 100:
            raise _type_error(q, value)
        return items
    number = _number(q, value)
    if q.type == "integer":
        if number != int(number):
            raise _type_error(q, value)
        number = int(number)
    low = q.min if q.min is not None else 0.0
    high = q.max if q.max is not None else (1.0 if q.type == "fraction" else None)
    if number < low or (high is not None and number > high):
        rng = f"{low:g}–{high:g}" if high is not None else f"≥ {low:g}"
        raise ShuzhiError("assess_answer_out_of_range", f"{q.label.zh}（{q.key}）应在 {rng} 之间，收到 {value!r}。",
                          f"{q.label.en} ({q.key}) must be within {rng}; got {value!r}.", 422)
    return number
