"""What kind of metric: additive, ratio or other; and a ratio's numerator and denominator as metrics.

Invariants
- Formulas are read only through model.formula.parse_formula (its allow-list), never with a second
  parser: a derived metric whose formula is a division is a ratio (the allow-list tree of `a / b`
  is CAST(a AS DOUBLE) / NULLIF(b, 0)); sums and differences of additive metrics are additive.
- Nothing here evaluates a formula: a ratio's numerator and denominator become two hidden derived
  metrics (RATIO_NUM, RATIO_DEN) of a variant of the model index (ratio_index), which the compiler
  answers like any other metric, as the same user, through the same QuerySpec runner.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlglot import exp

from shuzhi.errors import ShuzhiError
from shuzhi.model.formula import parse_formula
from shuzhi.model.index import ModelIndex
from shuzhi.model.schema import MetricDef

RATIO_NUM = "_ratio_num"
RATIO_DEN = "_ratio_den"
MAX_VARIANTS = 64


@dataclass(frozen=True)
class MetricKind:
    """additive: member values add up to the total (sum, count, their +/- combinations);
    ratio: a derived metric whose formula is numerator / denominator (mix/rate applies);
    other: neither (count_distinct, semi-additive, products...)."""

    kind: str
    numerator: str | None = None
    denominator: str | None = None
    refs: tuple[str, ...] = ()


def _refs(tree: exp.Expression) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c.name for c in tree.find_all(exp.Column)))


def _additive_tree(tree: exp.Expression, idx: ModelIndex, depth: int) -> bool:
    if isinstance(tree, exp.Paren):
        return _additive_tree(tree.this, idx, depth)
    if isinstance(tree, exp.Add | exp.Sub):
        return _additive_tree(tree.left, idx, depth) and _additive_tree(tree.right, idx, depth)
    if isinstance(tree, exp.Neg):
        return _additive_tree(tree.this, idx, depth)
    if isinstance(tree, exp.Column):
        return name_kind(idx, tree.name, depth + 1).kind == "additive"
    return False


def _operand(node: exp.Expression, wrapper: type[exp.Expression]) -> exp.Expression:
    """The operand safe division wrapped (CAST(a AS DOUBLE) → a, NULLIF(b, 0) → b)."""
    return node.this if isinstance(node, wrapper) else node


def name_kind(idx: ModelIndex, name: str, depth: int = 0) -> MetricKind:
    m = idx.metric(name)
    if depth > 10:
        return MetricKind("other")
    if m.formula is None:
        ok = m.agg in ("sum", "count") and m.time_aggregation is None
        return MetricKind("additive" if ok else "other")
    tree = parse_formula(m.formula, context="derived").tree
    while isinstance(tree, exp.Paren):
        tree = tree.this
    if isinstance(tree, exp.Div):
        num, den = _operand(tree.this, exp.Cast), _operand(tree.expression, exp.Nullif)
        return MetricKind("ratio", num.sql(), den.sql(), _refs(tree))
    return MetricKind("additive" if _additive_tree(tree, idx, depth) else "other", refs=_refs(tree))


_variants: dict[tuple[int, str], tuple[ModelIndex, ModelIndex]] = {}
_lock = threading.Lock()


def ratio_index(idx: ModelIndex, metric: str) -> ModelIndex:
    """`idx` plus two hidden derived metrics, RATIO_NUM and RATIO_DEN: the numerator and the
    denominator of the ratio metric `metric` (validated like any model; kept per index and metric)."""
    key = (id(idx), metric)
    with _lock:
        hit = _variants.get(key)
    if hit is not None and hit[0] is idx:
        return hit[1]
    kind = name_kind(idx, metric)
    if kind.kind != "ratio" or kind.numerator is None or kind.denominator is None:
        raise ShuzhiError("not_a_ratio", f"指标 {metric} 不是比率指标。", f"The metric {metric} is not a ratio.", 500)
    parts = [MetricDef(name=RATIO_NUM, label=f"{metric} 分子", formula=kind.numerator, hidden=True),
             MetricDef(name=RATIO_DEN, label=f"{metric} 分母", formula=kind.denominator, hidden=True)]
    model = idx.model.model_copy(update={"metrics": [*idx.model.metrics, *parts]})
    variant = ModelIndex.build(model)
    with _lock:
        while len(_variants) >= MAX_VARIANTS:
            _variants.pop(next(iter(_variants)))
        _variants[key] = (idx, variant)
    return variant
