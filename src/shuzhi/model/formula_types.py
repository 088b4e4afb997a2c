"""Types in the formula language: the CAST targets it accepts, and a best-effort type for a built tree."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, NoReturn

from sqlglot import exp

from shuzhi.model.formula_trees import int_literal

TypeHint = Literal["number", "string", "boolean", "date"]

# --- CAST targets: canonical type per accepted spelling ------------------------------------------
_CAST_TYPES = {exp.DataType.build(spelling).this: canonical for canonical, spellings in (
    ("VARCHAR", "VARCHAR NVARCHAR CHAR NCHAR TEXT"), ("BIGINT", "INT BIGINT SMALLINT TINYINT"),
    ("DOUBLE", "DOUBLE FLOAT"), ("DECIMAL", "DECIMAL"), ("DATE", "DATE"), ("TIMESTAMP", "TIMESTAMP DATETIME"),
    ("BOOLEAN", "BOOLEAN"),
) for spelling in spellings.split()}


def cast_type(to: exp.DataType, refuse: Callable[..., NoReturn]) -> exp.DataType:
    """VARCHAR, BIGINT, DOUBLE, DECIMAL(p, s) (bare DECIMAL pinned to 38, 10), DATE, TIMESTAMP or BOOLEAN."""
    canonical = _CAST_TYPES.get(to.this)
    if canonical is None:
        refuse(f"转换为类型 {to.sql()}", f"CAST to {to.sql()}",
               "可用类型：VARCHAR、BIGINT、DOUBLE、DECIMAL(p, s)、DATE、TIMESTAMP、BOOLEAN。",
               "Allowed types: VARCHAR, BIGINT, DOUBLE, DECIMAL(p, s), DATE, TIMESTAMP, BOOLEAN.")
    if canonical != "DECIMAL":
        return exp.DataType.build(canonical)
    params = [int_literal(p.this) for p in to.expressions] or [38, 10]  # DuckDB: 18,3; MySQL: 10,0
    precision, scale = (params + [0])[:2]
    valid = len(params) <= 2 and precision is not None and scale is not None and 0 <= scale <= precision <= 38
    if not valid or precision == 0:
        refuse(f"类型 {to.sql()}", f"The type {to.sql()}", "DECIMAL 的精度为 1-38，小数位不超过精度。",
               "DECIMAL takes a precision of 1-38 and a scale no larger than it.")
    return exp.DataType.build(f"DECIMAL({precision}, {scale})")


# --- type hints ----------------------------------------------------------------------------------
_STRING_NODES = (exp.Upper, exp.Lower, exp.Trim, exp.Substring, exp.Concat, exp.Replace, exp.Left, exp.Right)
_NUMBER_NODES = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg, exp.Abs, exp.Round, exp.Floor,
                 exp.Ceil, exp.Sqrt, exp.Ln, exp.Exp, exp.Pow, exp.Sign, exp.Length, exp.StrPosition,
                 exp.Year, exp.Month, exp.Day, exp.Extract, exp.DateDiff, exp.Count, exp.Sum, exp.Avg,
                 exp.Median, exp.Anonymous)
_BOOLEAN_NODES = (exp.Predicate, exp.Connector, exp.Not, exp.Boolean, exp.Escape)


def _type_of(dt: exp.DataType | None) -> TypeHint | None:
    if dt is None:
        return None
    for hint, types in (("string", exp.DataType.TEXT_TYPES), ("number", exp.DataType.NUMERIC_TYPES),
                        ("boolean", {exp.DType.BOOLEAN}), ("date", exp.DataType.TEMPORAL_TYPES)):
        if dt.is_type(*types):
            return hint  # type: ignore[return-value]
    return None


def formula_type_hint(tree: exp.Expression) -> TypeHint | None:
    """Best effort "number" | "string" | "boolean" | "date", or None when unknown (e.g. an untyped column)."""
    if isinstance(tree, exp.Cast):
        return _type_of(tree.to)
    if isinstance(tree, exp.Literal):
        return "string" if tree.is_string else "number"
    for hint, kinds in (("boolean", _BOOLEAN_NODES), ("date", exp.CurrentDate), ("string", _STRING_NODES),
                        ("number", _NUMBER_NODES)):
        if isinstance(tree, kinds):
            return hint  # type: ignore[return-value]
    if isinstance(tree, exp.Case):
        branches = [i.args.get("true") for i in tree.args.get("ifs", [])] + [tree.args.get("default")]
    elif isinstance(tree, exp.If):
        branches = [tree.args.get("true"), tree.args.get("false")]
    elif isinstance(tree, (exp.Coalesce, exp.Nullif, exp.Greatest, exp.Least, exp.Min, exp.Max, exp.Paren)):
        branches = [tree.this, *tree.expressions]
    else:
        return _type_of(tree.type) if isinstance(tree, exp.Column) else None
    return next((h for b in branches if b is not None and (h := formula_type_hint(b))), None)
