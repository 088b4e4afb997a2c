"""Field and formula expressions, time grains and date shifts, as sqlglot trees.

field_expr() turns a model field into a tree under the group's dataset aliases (calculated fields
are expanded recursively). Formulas typed by users are parsed by shuzhi.model.formula, so the only
things that reach SQL are allow-listed nodes, resolved columns and escaped literals.
"""

from __future__ import annotations

from sqlglot import exp

from shuzhi.compile.context import col
from shuzhi.errors import ShuzhiError
from shuzhi.model.checks import field_ref_key
from shuzhi.model.formula import parse_formula
from shuzhi.model.index import ModelIndex


def field_expr(index: ModelIndex, key: tuple[str, str], aliases: dict[str, str]) -> exp.Expression:
    ds, name = key
    fd = index.fields[key]
    if fd.expr is None:
        return col(fd.column or fd.name, aliases[ds])

    def resolve(parts: tuple[str, ...]) -> exp.Expression:
        found = index.field_key(ds, parts[0]) if len(parts) == 1 else None
        if found is None:
            raise index.unknown_field(".".join(parts))
        return field_expr(index, found, aliases)

    return exp.paren(parse_formula(fd.expr, resolve=resolve).tree, copy=False)


def formula_expr(index: ModelIndex, home: str, text: str, aliases: dict[str, str]) -> exp.Expression:
    """A metric's expr or filter, seen from its dataset `home`."""

    def resolve(parts: tuple[str, ...]) -> exp.Expression:
        return field_expr(index, field_ref_key(index, home, parts), aliases)

    return exp.paren(parse_formula(text, resolve=resolve).tree, copy=False)


def as_date(e: exp.Expression) -> exp.Expression:
    return exp.cast(e, "DATE")


def time_grain(e: exp.Expression, grain: str, dialect: str) -> exp.Expression:
    """The first day of e's period as a DATE (weeks start on Monday)."""
    if grain == "week" and dialect == "mysql":
        weekday = exp.Anonymous(this="WEEKDAY", expressions=[e.copy()])
        return as_date(exp.DateSub(this=e, expression=weekday, unit=exp.Var(this="DAY")))
    if grain == "day":
        return as_date(e)
    return as_date(exp.DateTrunc(this=e, unit=exp.Literal.string(grain.upper())))


_STEP = {"day": (1, "DAY"), "week": (7, "DAY"), "month": (1, "MONTH"), "quarter": (3, "MONTH"),
         "year": (1, "YEAR")}


def shift_forward(e: exp.Expression, kind: str, grain: str) -> exp.Expression:
    """Move a period label forward by one comparison step (yoy: a year; pop: one grain)."""
    if kind == "yoy":
        n, unit = (364, "DAY") if grain == "week" else (1, "YEAR")
    else:
        n, unit = _STEP[grain]
    return as_date(exp.DateAdd(this=e, expression=exp.Literal.number(n), unit=exp.Var(this=unit)))


def unsupported(feature: str, dialect: str) -> ShuzhiError:
    return ShuzhiError("unsupported_on_engine", f"{dialect} 不支持 {feature}。",
                       f"{feature} is not supported on {dialect}.")
