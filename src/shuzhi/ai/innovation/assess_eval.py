"""Evaluating the 专精特新 criteria: a small, safe expression language with unknowns, each criterion's
value / threshold / met / gap, and a verdict per level.

    names_in(expr)                           the names an expression reads (and a check of its syntax)
    evaluate(rules, facts, answers)          → {"criteria": [...], "summary": {...}}

Expressions are Python syntax limited to numbers, names, + - * /, comparisons, and / or / not and
min / max / abs. Unknowns are None and travel (three-valued logic): arithmetic with an unknown is
unknown, `x or unknown` is true when x is true and unknown otherwise, division by zero is unknown.
So a criterion whose input is missing is `met: null`, never guessed.
"""

from __future__ import annotations

import ast
import functools
import math
import operator
from collections.abc import Callable
from typing import Any

from shuzhi.ai.innovation.assess_rules import CATEGORY_EN, LEVEL_EN, LEVELS, Bands, Criterion, Rules
from shuzhi.errors import ShuzhiError

Val = float | bool | None
_ARITH: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_CMP: dict[type, Callable[[float, float], bool]] = {
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Eq: operator.eq, ast.NotEq: operator.ne}
_OPS = {">=": ast.GtE, ">": ast.Gt, "<=": ast.LtE, "<": ast.Lt, "==": ast.Eq}
_FUNCS: dict[str, Callable[..., float]] = {"min": min, "max": max, "abs": abs}


def _bad(expr: str, why: str) -> ShuzhiError:
    return ShuzhiError("bad_assess_formula", f"自评公式 {expr!r} 无效：{why}",
                       f"The self-assessment formula {expr!r} is not valid: {why}", 500)


@functools.lru_cache(maxsize=512)
def _parse(expr: str) -> ast.expr:
    try:
        tree = ast.parse(expr, mode="eval").body
    except SyntaxError as exc:
        raise _bad(expr, exc.msg) from None
    for node in ast.walk(tree):
        ok = isinstance(node, ast.BinOp | ast.UnaryOp | ast.BoolOp | ast.Compare | ast.Name | ast.Load | ast.Call
                        | ast.And | ast.Or | ast.Not | ast.USub | ast.UAdd) or type(node) in _ARITH \
            or type(node) in _CMP
        if isinstance(node, ast.Constant):
            ok = isinstance(node.value, int | float) and not isinstance(node.value, complex)
        if isinstance(node, ast.Call):
            ok = isinstance(node.func, ast.Name) and node.func.id in _FUNCS and not node.keywords and bool(node.args)
        if not ok:
            raise _bad(expr, f"{type(node).__name__} is not allowed")
    return tree


def names_in(expr: str) -> set[str]:
    tree = _parse(expr)
    funcs = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in funcs}


def _num(v: Val) -> float | None:
    return None if v is None else float(v)


def _truth(v: Val) -> bool | None:
    return None if v is None else bool(v)


def _or(vals: list[bool | None]) -> bool | None:
    return True if True in vals else (None if None in vals else False)


def _and(vals: list[bool | None]) -> bool | None:
    return False if False in vals else (None if None in vals else True)


def _eval(node: ast.expr, env: dict[str, Val]) -> Val:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return env.get(node.id)
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, env)
        if isinstance(node.op, ast.Not):
            t = _truth(v)
            return None if t is None else not t
        n = _num(v)
        return None if n is None else (-n if isinstance(node.op, ast.USub) else n)
    if isinstance(node, ast.BoolOp):
        vals = [_truth(_eval(v, env)) for v in node.values]
        return _or(vals) if isinstance(node.op, ast.Or) else _and(vals)
    if isinstance(node, ast.BinOp):
        a, b = _num(_eval(node.left, env)), _num(_eval(node.right, env))
        if a is None or b is None or (isinstance(node.op, ast.Div) and b == 0):
            return None
        r = _ARITH[type(node.op)](a, b)
        return r if math.isfinite(r) else None
    if isinstance(node, ast.Compare):
        left = _num(_eval(node.left, env))
        results: list[bool | None] = []
        for op, comp in zip(node.ops, node.comparators, strict=True):
            right = _num(_eval(comp, env))
            results.append(None if left is None or right is None else _CMP[type(op)](left, right))
            left = right
        return _and(results)
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    args = [_num(_eval(a, env)) for a in node.args]
    return None if any(a is None for a in args) else _FUNCS[node.func.id](*args)  # type: ignore[misc]


def evaluate_expr(expr: str, env: dict[str, Val]) -> Val:
    return _eval(_parse(expr), env)


def _threshold(c: Criterion, env: dict[str, Val]) -> tuple[float | None, bool]:
    """(threshold, whether a band covers the case); a band picked by an unknown is unknown."""
    if not isinstance(c.threshold, Bands):
        return c.threshold, True
    by = _num(evaluate_expr(c.threshold.by, env))
    if by is None:
        return None, True
    for b in c.threshold.bands:
        if (b.min is None or by >= b.min) and (b.max is None or by < b.max):
            return b.value, True
    return None, False


def _money(v: float, lang: str) -> str:
    if lang == "en":
        return f"{v / 1e6:,.2f} million yuan" if abs(v) >= 1e6 else f"{v:,.0f} yuan"
    if abs(v) >= 1e8:
        return f"{v / 1e8:.2f}亿元"
    return f"{v / 1e4:.1f}万元" if abs(v) >= 1e4 else f"{v:.0f}元"


def gap_text(amount: float, unit: str, label: Any, lang: str) -> str:
    """"研发费用差 132.0万元" / "R&D expense short by 1.32 million yuan"."""
    zh = lang != "en"
    if unit == "元":
        shown = _money(amount, lang)
    elif unit == "ratio":
        shown = f"{amount * 100:.1f} 个百分点" if zh else f"{amount * 100:.1f} percentage points"
    else:
        en_unit = {"项": "", "年": " years", "分": " points", "人": " people"}.get(unit, f" {unit}")
        shown = f"{amount:g} {unit}" if zh else f"{amount:g}{en_unit}"
    if label is not None:
        return f"{label.zh} {shown}" if zh else f"{label.en} {shown}"
    return f"差 {shown}" if zh else f"short by {shown}"


def _gap(c: Criterion, value: float | None, threshold: float | None, env: dict[str, Val]) -> tuple[float | None, str]:
    unit = c.gap_unit or c.unit
    if c.gap:
        g = _num(evaluate_expr(c.gap, {**env, "threshold": threshold, "value": value}))
    elif c.unit == "bool" or value is None or threshold is None:
        g = None
    else:
        g = threshold - value if c.op in (">=", ">") else value - threshold
    if g is None:
        return None, unit
    if unit == "项":
        g = float(math.ceil(g - 1e-9))
    return (round(g, 2) if unit == "元" else g), unit


def _criterion(c: Criterion, env: dict[str, Val], questions: set[str]) -> dict[str, Any]:
    reads = set().union(*(names_in(e) for e in (c.formula, c.alternative, c.applies_if, c.gap) if e))
    applies = _truth(evaluate_expr(c.applies_if, env)) if c.applies_if else True
    threshold, covered = _threshold(c, env)
    applicable = None if applies is None else (applies and covered)
    raw = evaluate_expr(c.formula, env)
    value = _num(raw)
    primary = None if value is None or threshold is None else _CMP[_OPS[c.op]](value, threshold)
    alt = _truth(evaluate_expr(c.alternative, env)) if c.alternative else None
    met = (_or([primary, alt]) if c.alternative else primary) if applicable else None
    # the gap to the threshold itself, also while another route (an unanswered alternative) is open
    gap, gap_unit = _gap(c, value, threshold, env) if applicable and primary is False else (None, c.gap_unit or c.unit)
    missing = sorted(n for n in names_in(c.formula) if env.get(n) is None)
    # unknown: every unanswered item that could settle it (the value's, another route's, the band's)
    waiting = sorted(n for n in reads if n in questions and env.get(n) is None) if met is None and applicable is not False else []
    row: dict[str, Any] = {
        "id": c.id, "name": c.name.zh, "name_en": c.name.en, "level": c.level, "level_en": LEVEL_EN[c.level],
        "category": c.category, "category_en": CATEGORY_EN[c.category], "unit": c.unit, "op": c.op,
        "value": value, "threshold": threshold, "met": met, "applicable": applicable,
        "via_alternative": bool(applicable and primary is not True and alt is True),
        "gap": gap, "gap_unit": gap_unit if gap is not None else None,
        "gap_text": gap_text(gap, gap_unit, c.gap_label, "zh") if gap is not None else None,
        "gap_text_en": gap_text(gap, gap_unit, c.gap_label, "en") if gap is not None else None,
        "asks": sorted(n for n in reads if n in questions),  # the stored answers it reads
        "needs": waiting,  # unanswered items that could settle an unknown result
        "no_data": [n for n in missing if n not in questions],  # facts the data could not give
        "inputs": {n: env.get(n) for n in sorted(reads)},
        "formula": c.formula, "alternative": c.alternative, "applies_if": c.applies_if,
        "source": {**c.source.model_dump(), "checked": c.checked},
    }
    return row


def _verdict(rows: list[dict[str, Any]]) -> str:
    mets = [r["met"] for r in rows if r["applicable"] is not False]
    return "not_met" if False in mets else ("incomplete" if None in mets else "met")


VERDICT_TEXT = {"met": ("满足认定条件", "meets the criteria"), "not_met": ("尚未满足", "does not meet the criteria yet"),
                "incomplete": ("待补充信息", "needs more answers")}


def evaluate(rules: Rules, facts: dict[str, float | None], answers: dict[str, Any]) -> dict[str, Any]:
    """Every criterion evaluated over the facts (from the data) and the stored answers, and the summary."""
    keys = [q.key for q in rules.questions]
    env: dict[str, Val] = {k: None for k in keys}
    env.update({k: v for k, v in answers.items() if k in env and not isinstance(v, list)})
    env.update(facts)
    rows = [_criterion(c, env, set(keys)) for c in rules.criteria]
    levels = []
    for level in LEVELS:
        mine = [r for r in rows if r["level"] == level]
        verdict = _verdict(mine)
        counts = {"met": sum(r["met"] is True for r in mine), "not_met": sum(r["met"] is False for r in mine),
                  "unknown": sum(r["met"] is None and r["applicable"] is not False for r in mine),
                  "not_applicable": sum(r["applicable"] is False for r in mine)}
        # what stands between the company and this level: criteria short of their threshold (with the gap,
        # also while another route is still open) and the answers still missing
        short = [{"id": r["id"], "name": r["name"], "name_en": r["name_en"], "gap_text": r["gap_text"],
                  "gap_text_en": r["gap_text_en"]}
                 for r in mine if r["applicable"] is not False and (r["met"] is False or r["gap"] is not None)]
        to_answer = sorted({k for r in mine if r["applicable"] is not False and r["met"] is None for k in r["needs"]})
        levels.append({"level": level, "level_en": LEVEL_EN[level], **counts, "total": len(mine),
                       "verdict": verdict, "verdict_text": VERDICT_TEXT[verdict][0],
                       "verdict_text_en": VERDICT_TEXT[verdict][1], "short": short, "to_answer": to_answer})
    return {"criteria": rows, "summary": {"levels": levels}}
