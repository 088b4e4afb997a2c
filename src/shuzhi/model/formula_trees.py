"""Dialect-neutral sqlglot building blocks of the formula language: parentheses, safe division, casts,
integer literals and the calendar arithmetic (ISO week and weekday, truncation, shifts, differences).

Every result renders with plain ``tree.sql(dialect)`` on duckdb, postgres, mysql and spark with the same
meaning (see formula_functions.py for the guarantees), and is call-shaped or parenthesized.
"""

from __future__ import annotations

from sqlglot import exp

_ATOMIC = (exp.Column, exp.Literal, exp.Boolean, exp.Null, exp.Paren, exp.Cast, exp.Case, exp.If,
           exp.Coalesce, exp.Nullif, exp.AggFunc, exp.Anonymous, exp.Round, exp.Abs, exp.Floor, exp.Ceil,
           exp.Sqrt, exp.Ln, exp.Exp, exp.Pow, exp.Sign, exp.Greatest, exp.Least, exp.Upper, exp.Lower,
           exp.Length, exp.Trim, exp.Substring, exp.Replace, exp.Left, exp.Right, exp.StrPosition, exp.Year,
           exp.Month, exp.Day, exp.Extract, exp.CurrentDate)


def paren(e: exp.Expression) -> exp.Expression:
    """e, wrapped in parentheses unless it renders call-shaped."""
    return e if isinstance(e, _ATOMIC) else exp.Paren(this=e)


def number(v: int) -> exp.Expression:
    """An integer literal (a negative one as a negation)."""
    return exp.Literal.number(v) if v >= 0 else exp.Neg(this=exp.Literal.number(-v))


def cast_to(e: exp.Expression, to: str) -> exp.Cast:
    """CAST(e AS to), unless e already is exactly that cast."""
    target = exp.DataType.build(to)
    return e if isinstance(e, exp.Cast) and e.to == target else exp.Cast(this=e, to=target)


def safe_divide(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    """CAST(a AS DOUBLE) / NULLIF(b, 0): a float even for integers (Postgres!), NULL for a zero divisor."""
    return exp.Div(this=cast_to(a, "DOUBLE"), expression=exp.Nullif(this=b, expression=number(0)))


def safe_mod(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.Paren(this=exp.Mod(this=paren(a), expression=exp.Nullif(this=b, expression=number(0))))


def int_literal(node: exp.Expression | None) -> int | None:
    """The integer a literal such as 3, -3 or '3' stands for, else None."""
    sign = 1
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Neg):
        sign, node = -1, node.this
    if isinstance(node, exp.Literal):
        text = str(node.this).strip()
        if text.lstrip("+-").isdigit() and len(text) < 12:
            return sign * int(text)
    return None


def quarter(d: exp.Expression) -> exp.Expression:
    return exp.Extract(this=exp.var("QUARTER"), expression=d)


def days_between(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    """Whole days from a to b (b - a), both as DATEs: (b - a) on Postgres, DATEDIFF / DATE_DIFF elsewhere."""
    return exp.DateDiff(this=cast_to(b, "DATE"), expression=cast_to(a, "DATE"), date_part_boundary=True)


def date_trunc(unit: str, d: exp.Expression) -> exp.Expression:
    if unit == "day":  # Spark's TRUNC knows no 'DAY'
        return cast_to(d, "DATE")
    return cast_to(exp.DateTrunc(this=d, unit=exp.var(unit.upper())), "DATE")


def date_add(d: exp.Expression, n: exp.Expression, unit: str, subtract: bool = False) -> exp.Expression:
    cls = exp.DateSub if subtract else exp.DateAdd
    return cast_to(cls(this=cast_to(d, "DATE"), expression=paren(n), unit=exp.var(unit.upper())), "DATE")


def iso_week(d: exp.Expression) -> exp.Expression:
    """The week's Thursday decides the ISO year; week = days since that year's 1 January // 7 + 1."""
    thursday = date_add(date_trunc("week", d), number(3), "day")
    days = days_between(date_trunc("year", thursday), thursday.copy())
    week = exp.Add(this=exp.Floor(this=exp.Div(this=days, expression=number(7))), expression=number(1))
    return cast_to(exp.Paren(this=week), "BIGINT")


def iso_dow(d: exp.Expression) -> exp.Expression:
    """1 = Monday .. 7 = Sunday, counted from Monday 1900-01-01 (a positive modulo for earlier dates)."""
    days = days_between(cast_to(exp.Literal.string("1900-01-01"), "DATE"), d)
    positive = exp.Paren(this=exp.Add(this=exp.Mod(this=days, expression=number(7)), expression=number(7)))
    return cast_to(exp.Paren(this=exp.Add(this=exp.Mod(this=positive, expression=number(7)), expression=number(1))),
                 "BIGINT")


def date_diff(unit: str, a: exp.Expression, b: exp.Expression) -> exp.Expression:
    """Calendar boundaries crossed from a to b (DuckDB's date_diff), built from parts every engine has."""
    if unit == "day":
        return days_between(a, b)
    if unit == "week":
        weeks = exp.Div(this=days_between(date_trunc("week", a), date_trunc("week", b)), expression=number(7))
        return cast_to(exp.Floor(this=weeks), "BIGINT")
    years = exp.Paren(this=exp.Sub(this=exp.Year(this=b), expression=exp.Year(this=a)))
    if unit == "year":
        return cast_to(years, "BIGINT")
    per, part = (12, lambda x: exp.Month(this=x)) if unit == "month" else (4, quarter)
    within = exp.Paren(this=exp.Sub(this=part(b.copy()), expression=part(a.copy())))
    return cast_to(exp.Paren(this=exp.Add(this=exp.Mul(this=years, expression=number(per)), expression=within)),
                 "BIGINT")
