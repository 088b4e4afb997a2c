"""The 专精特新 self-assessment use case: the criteria of assess_criteria.yaml evaluated on the company's
data and on the answers stored for what the data cannot show.

    assess(rt, user, *, year=None, model=None)        → {"criteria": [...], "summary": {...}, ...}
    save_answers(rt, user, values, *, model=None)      → {"answers": {...}, ...}

Every fact (revenue, R&D expense and main-business revenue per year; class I patents) is a QuerySpec run
by the Executor as `user`, so row and column rules apply: a user who sees one region assesses that
region. The rules and their evaluation are pure (shuzhi.ai.innovation.assess_rules / assess_eval).
`year` is the assessment year: the criteria read the years before it (y1 = year - 1, "上年度").
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from shuzhi.ai.innovation.assess_eval import evaluate
from shuzhi.ai.innovation.assess_rules import Rules, coerce_answer, fact_specs, load_rules
from shuzhi.catalog import assessments as store
from shuzhi.errors import ShuzhiError
from shuzhi.service.executor import Executor
from shuzhi.spec.resolve import UserContext

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

FIRST_YEAR = 2000
MAX_ANSWERS = 100


def rules_of(rt: Runtime) -> Rules:
    return load_rules(rt.settings.assess_rules)


def check_year(rt: Runtime, year: Any) -> int:
    """The assessment year: an integer from 2000 to next year (default: this year, per SHUZHI_TODAY)."""
    today = rt.settings.today_date()
    if year is None:
        return today.year
    if isinstance(year, bool) or not isinstance(year, int):
        try:
            year = int(str(year).strip())
        except ValueError:
            raise ShuzhiError("bad_assess_year", f"评估年份应是四位数年份，收到 {year!r}。",
                              f"The assessment year must be a year like 2026; got {year!r}.", 422) from None
    if not FIRST_YEAR <= year <= today.year + 1:
        raise ShuzhiError("assess_year_out_of_range",
                          f"评估年份应在 {FIRST_YEAR}–{today.year + 1} 之间，收到 {year}。",
                          f"The assessment year must be from {FIRST_YEAR} to {today.year + 1}; got {year}.", 422)
    return year


def _members(ex: Executor, field: str) -> list[str]:
    spec = {"dimensions": [field], "where": [{"field": field, "op": "not_null"}], "order_by": [{"field": field}],
            "limit": 1000}
    return [str(next(iter(r.values()))) for r in ex.rows(spec)]


def main_business(ex: Executor, rules: Rules, answers: dict[str, Any]) -> tuple[list[str], str]:
    """The main-business members and where the list comes from (answer, rules file, or all members)."""
    if answers.get("main_business"):
        return list(answers["main_business"]), "answer"
    if rules.main_business.values:
        return list(rules.main_business.values), "rules"
    try:
        return _members(ex, rules.main_business.field), "all"
    except ShuzhiError:  # a model without that field: the main-business facts say why (notes)
        return [], "none"


def facts(ex: Executor, rules: Rules, year: int, members: list[str]) -> tuple[dict[str, float | None], list[dict]]:
    """{fact name: value} for every fact the rules name (None where the data has none), and notes on
    facts that could not be read at all (a model without that metric or field)."""
    values: dict[str, float | None] = {n: None for n in rules.fact_names()}
    notes: list[dict[str, Any]] = []
    for name, years, spec in fact_specs(rules, year, members):
        try:
            rows = ex.rows(spec)
        except ShuzhiError as exc:
            notes.append({"fact": name, "code": exc.code, "zh": exc.zh, "en": exc.en})
            continue
        metric = spec["metrics"][0]
        if years is None:
            v = rows[0].get(metric) if rows else None
            values[name] = float(v) if v is not None else 0.0  # a count over no rows is 0
            continue
        by_year = {r["year"].year if isinstance(r["year"], dt.date) else int(str(r["year"])[:4]): r.get(metric)
                   for r in rows if r.get("year") is not None}
        for i in range(1, years + 1):
            v = by_year.get(year - i)
            values[f"{name}_y{i}"] = float(v) if v is not None else None
    return values, notes


def _questions(rules: Rules, answers: dict[str, Any], times: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"key": q.key, "type": q.type, "label": q.label.zh, "label_en": q.label.en, "unit": q.unit,
             "min": q.min, "max": q.max if q.max is not None else (1.0 if q.type == "fraction" else None),
             "value": answers.get(q.key), **times.get(q.key, {"updated_at": None, "updated_by": None})}
            for q in rules.questions]


def assess(rt: Runtime, user: UserContext, *, year: int | None = None, model: str | None = None) -> dict[str, Any]:
    """The self-assessment of `year` (default: this year) on `model` (default: the default model)."""
    rules = rules_of(rt)
    y = check_year(rt, year)
    ex = Executor.open(rt, user, model=model, purpose="api")
    name = ex.index.model.name
    with rt.catalog.session() as s:
        answers, times = store.answers(s, name), store.answer_times(s, name)
    members, members_from = main_business(ex, rules, answers)
    values, notes = facts(ex, rules, y, members)
    out = evaluate(rules, values, answers)
    labels = {f.name: f.label for f in rules.facts}
    fact_rows = []
    for fname in rules.fact_names():
        base, _, suffix = fname.rpartition("_y")
        offset = int(suffix) if base in labels and suffix.isdigit() else None
        label = labels[base if offset else fname]
        fact_rows.append({"name": fname, "label": label.zh, "label_en": label.en,
                          "year": y - offset if offset else None, "as_of": None if offset else f"{y - 1}-12-31",
                          "value": values[fname]})
    return {
        **out,
        "year": y, "years": [y - 1, y - 2, y - 3], "model": name,
        "document": rules.document.zh, "document_en": rules.document.en, "rules_version": rules.version,
        "main_business": members, "main_business_from": members_from,
        "ip_related_tech_fields": rules.ip_related.tech_fields,
        "facts": fact_rows, "questions": _questions(rules, answers, times), "notes": notes,
    }


def questions(rt: Runtime, *, model: str | None = None) -> dict[str, Any]:
    """The items to answer, each with its stored answer (who and when)."""
    rules = rules_of(rt)
    name = rt.model_index(model, None)[0].model.name
    with rt.catalog.session() as s:
        answers, times = store.answers(s, name), store.answer_times(s, name)
    return {"model": name, "answers": answers, "questions": _questions(rules, answers, times)}


def save_answers(rt: Runtime, user: UserContext, values: dict[str, Any], *, model: str | None = None
                 ) -> dict[str, Any]:
    """Store answers (all checked first; one bad answer stores none); a None value clears one."""
    rules = rules_of(rt)
    if not isinstance(values, dict) or not values:
        raise ShuzhiError("no_assess_answers", "没有要保存的自评填报项。", "No self-assessment answers to save.", 422)
    if len(values) > MAX_ANSWERS:
        raise ShuzhiError("too_many_assess_answers", f"一次最多保存 {MAX_ANSWERS} 项。",
                          f"At most {MAX_ANSWERS} answers at once.", 422)
    clean = {k: coerce_answer(rules, k, v) for k, v in values.items()}
    name = rt.model_index(model, None)[0].model.name
    with rt.catalog.session() as s:
        store.save_answers(s, name, clean, user.username)
    return questions(rt, model=name)
