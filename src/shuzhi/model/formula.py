"""The formula language of calculated fields, metric filters, metrics and derived metrics.

    f = parse_formula("IF(discount_rate > 0.1, '高折扣', '常规')", resolve=resolver)
    f.tree, f.references, f.has_aggregate, f.type_hint

Invariants:
- Pure: no I/O, no engine import; the result is a sqlglot tree and nothing here renders SQL.
- Parsing uses sqlglot's default ("neutral") dialect tokenizer and parser with one change: the
  parser knows no function, so every call arrives as exp.Anonymous and formula_functions rebuilds it
  from its allow-list (sqlglot's per-dialect function parsing never decides what a formula means).
  Identifiers may be quoted with "double quotes" or `backticks`.
- The output tree is built fresh, node by node, from an ALLOW-LIST of node types (formula_convert._HANDLERS). Nothing
  else gets through: no parsed node, no comment. String literals stay exp.Literal, escaped by
  sqlglot when rendered. The tree renders on duckdb, postgres, mysql and spark with the same meaning.
- Every column reference is replaced by a copy of what resolve(parts) returns, parenthesized unless
  call-shaped; parse_formula resolves nothing itself. resolve=None keeps plain columns (validation).
- Only ShuzhiError leaves parse_formula: FormulaError with one of the codes formula_empty,
  formula_too_long, formula_too_complex, formula_syntax, formula_not_allowed, formula_arguments,
  formula_aggregate_not_allowed, formula_mixed_aggregate, formula_not_condition; or the resolver's own.

Modules: formula_syntax.py (tokens, parse, early refusals, FormulaError), formula_convert.py (the
allow-list conversion), formula_functions.py (the callable functions), formula_trees.py (neutral SQL
building blocks), formula_types.py (CAST targets, type hints); this module is the entry point.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from shuzhi.model.formula_convert import Context, Converter, Resolver, checked_size
from shuzhi.model.formula_functions import ALLOWED_FUNCTIONS
from shuzhi.model.formula_syntax import FormulaError, parse_tree, prescan, too_complex
from shuzhi.model.formula_types import TypeHint, formula_type_hint

__all__ = ["ALLOWED_FUNCTIONS", "Context", "Formula", "FormulaError", "Resolver", "formula_type_hint",
           "parse_formula"]

MAX_LENGTH = 4000


@dataclass(frozen=True)
class Formula:
    text: str
    tree: exp.Expression
    references: list[str]  # names as written ("amount", "customers.region"), in order of first use
    has_aggregate: bool  # the tree, including what resolve() substituted, aggregates
    type_hint: TypeHint | None


def parse_formula(text: str, resolve: Resolver | None = None, allow_aggregates: bool = False,
                  context: Context = "field") -> Formula:
    """Parse, check and convert a formula; raises ShuzhiError (FormulaError, or the resolver's own).

    allow_aggregates governs aggregates written in the formula; aggregates that resolve() substitutes
    (metrics in a derived metric) are always accepted, except inside another aggregate.
    context ("field", "metric", "filter", "derived") words the messages; "filter" also requires a
    true/false result when the type is known.
    """
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("formula_empty", "公式不能为空。", "The formula is empty.")
    if len(text) > MAX_LENGTH:
        raise FormulaError("formula_too_long", f"公式不能超过 {MAX_LENGTH} 个字符（现在 {len(text)} 个）。",
                           f"A formula may have at most {MAX_LENGTH} characters (this one has {len(text)}).")
    parsed = parse_tree(text)
    prescan(parsed)
    conv = Converter(resolve, allow_aggregates, context)
    try:
        tree = checked_size(conv.build(parsed))
    except RecursionError:
        raise too_complex() from None
    for node in tree.walk():
        node.comments = None
    has_aggregate = tree.find(exp.AggFunc) is not None
    if has_aggregate and conv.bare_refs:
        name = conv.bare_refs[0]
        raise FormulaError("formula_mixed_aggregate",
                           f"{name} 用在了聚合函数之外，而公式的其他部分是聚合；请把它放进 SUM、MAX 等聚合函数中。",
                           f"{name} is used outside an aggregate while the rest of the formula aggregates; "
                           "wrap it in an aggregate such as SUM or MAX.", details={"reference": name})
    hint = formula_type_hint(tree)
    if context == "filter" and hint not in (None, "boolean"):
        raise FormulaError("formula_not_condition", "筛选条件必须是真/假判断，例如 status <> '已取消'。",
                           "A filter must be a true/false condition, for example status <> 'cancelled'.",
                           details={"type": hint})
    return Formula(text=text, tree=tree, references=list(conv.refs), has_aggregate=has_aggregate,
                   type_hint=hint)
