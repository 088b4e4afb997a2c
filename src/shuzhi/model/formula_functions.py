"""The formula language's functions: the allow-list, and how each call becomes dialect-neutral sqlglot.

Invariants (tests/model/test_formula.py executes every function on DuckDB, PostgreSQL and MariaDB):
- ALLOWED_FUNCTIONS is the complete list of callable names (formula.py refuses anything else) and
  BUILDERS has exactly one builder per name.
- A builder's tree renders with plain ``tree.sql(dialect)`` for duckdb, postgres, mysql and spark and
  means the same there: `/` gives a DOUBLE and NULL for a zero divisor; ROUND rounds half away from
  zero; AVG/MEDIAN average as DOUBLE; WEEK is the ISO week; DAYOFWEEK is 1 (Monday) .. 7;
  DATE_TRUNC / DATE_ADD / DATE_SUB return a DATE; DATE_DIFF counts calendar boundaries; CONCAT
  treats NULL as ''; GREATEST / LEAST ignore NULLs; SQRT / LN / LOG10 are NULL outside their domain.
  sqlglot nodes that render wrongly on one of the four (exp.Week, exp.WeekOfYear, exp.DayOfWeek[Iso],
  exp.Quarter and exp.DayOfYear on postgres; exp.DateDiff with a unit on mysql; exp.Log with a base on
  postgres) are deliberately not used.
- A builder's result is call-shaped (renders NAME(...) / CASE ... END) or wrapped in exp.Paren, so it
  can sit under any operator.
- Builders see arguments only through CallContext: they never resolve names themselves.

The neutral building blocks (safe division, casts, calendar arithmetic) are in formula_trees.py; CAST
targets and type hints in formula_types.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn, Protocol

from sqlglot import exp

from shuzhi.model.formula_trees import (
    cast_to,
    date_add,
    date_diff,
    date_trunc,
    int_literal,
    iso_dow,
    iso_week,
    number,
    paren,
    quarter,
    safe_divide,
    safe_mod,
)

# name -> (min_args, max_args, zh description, en description); used for checks, docs and autocomplete
ALLOWED_FUNCTIONS: dict[str, tuple[int, int | None, str, str]] = {
    "IF": (2, 3, "条件成立取第二个参数，否则取第三个（省略时为空）", "the second argument if true, else the third (or NULL)"),
    "COALESCE": (1, 32, "第一个非空的参数", "the first argument that is not NULL"),
    "NULLIF": (2, 2, "两个参数相等时为空，否则为第一个", "NULL when both arguments are equal, else the first"),
    "SAFE_DIVIDE": (2, 2, "安全除法：小数结果，除数为 0 或空时为空", "safe division: a float, NULL for a 0 or NULL divisor"),
    "ABS": (1, 1, "绝对值", "absolute value"),
    "ROUND": (1, 2, "四舍五入到 n 位小数（默认 0，可为负）", "round half away from zero to n decimals (default 0)"),
    "FLOOR": (1, 1, "向下取整", "round down"),
    "CEIL": (1, 1, "向上取整", "round up"),
    "CEILING": (1, 1, "向上取整（同 CEIL）", "round up (same as CEIL)"),
    "SQRT": (1, 1, "平方根，负数为空", "square root; NULL for negative numbers"),
    "POWER": (2, 2, "x 的 y 次幂", "x raised to the power y"),
    "LN": (1, 1, "自然对数，非正数为空", "natural logarithm; NULL for numbers <= 0"),
    "LOG10": (1, 1, "以 10 为底的对数，非正数为空", "base-10 logarithm; NULL for numbers <= 0"),
    "EXP": (1, 1, "e 的 x 次幂", "e raised to the power x"),
    "SIGN": (1, 1, "符号：1、0 或 -1", "sign: 1, 0 or -1"),
    "MOD": (2, 2, "余数（符号同被除数），除数为 0 时为空", "remainder (sign of the dividend); NULL for a 0 divisor"),
    "GREATEST": (2, 16, "最大的参数（忽略空值）", "the largest argument (NULLs ignored)"),
    "LEAST": (2, 16, "最小的参数（忽略空值）", "the smallest argument (NULLs ignored)"),
    "UPPER": (1, 1, "转为大写", "upper case"),
    "LOWER": (1, 1, "转为小写", "lower case"),
    "LENGTH": (1, 1, "字符个数（一个汉字算 1 个）", "number of characters"),
    "TRIM": (1, 1, "去掉首尾空格", "remove leading and trailing spaces"),
    "LTRIM": (1, 1, "去掉开头空格", "remove leading spaces"),
    "RTRIM": (1, 1, "去掉结尾空格", "remove trailing spaces"),
    "SUBSTRING": (2, 3, "从第 n 个字符（从 1 起）截取，可指定长度", "characters from position n (1-based), optional length"),
    "SUBSTR": (2, 3, "同 SUBSTRING", "same as SUBSTRING"),
    "CONCAT": (1, 32, "拼接文本，空值按空文本", "join texts; NULL counts as empty text"),
    "REPLACE": (3, 3, "把所有的第二个参数替换为第三个参数", "replace every occurrence of the second argument"),
    "LEFT": (2, 2, "左起 n 个字符", "the first n characters"),
    "RIGHT": (2, 2, "右起 n 个字符", "the last n characters"),
    "POSITION": (2, 2, "POSITION(子串 IN 文本)：位置，从 1 起，没有为 0", "POSITION(sub IN text): 1-based, 0 if absent"),
    "STRPOS": (2, 2, "STRPOS(文本, 子串)：同 POSITION", "STRPOS(text, sub): same as POSITION"),
    "CONTAINS": (2, 2, "文本是否包含子串", "whether the text contains the substring"),
    "STARTS_WITH": (2, 2, "文本是否以子串开头", "whether the text starts with the substring"),
    "ENDS_WITH": (2, 2, "文本是否以子串结尾", "whether the text ends with the substring"),
    "YEAR": (1, 1, "年份", "the year"),
    "QUARTER": (1, 1, "季度 1-4", "the quarter 1-4"),
    "MONTH": (1, 1, "月份 1-12", "the month 1-12"),
    "WEEK": (1, 1, "ISO 周数 1-53（周一开始）", "the ISO week 1-53 (weeks start on Monday)"),
    "DAY": (1, 1, "日 1-31", "the day of the month 1-31"),
    "DAYOFWEEK": (1, 1, "星期几：周一 1 … 周日 7", "weekday: Monday 1 .. Sunday 7"),
    "DATE_TRUNC": (2, 2, "DATE_TRUNC(unit, d)：所在周期的第一天（日期）", "DATE_TRUNC(unit, d): first day of the period"),
    "DATE_ADD": (2, 3, "加 n 个单位：(d, INTERVAL n unit) 或 (unit, n, d)", "add n units: (d, INTERVAL n unit)"),
    "DATE_SUB": (2, 3, "减 n 个单位，写法同 DATE_ADD", "subtract n units; same forms as DATE_ADD"),
    "DATE_DIFF": (3, 3, "(unit, 开始, 结束)：跨过的单位边界数", "(unit, start, end): unit boundaries crossed"),
    "CURRENT_DATE": (0, 0, "今天", "today"),
    "TODAY": (0, 0, "今天（同 CURRENT_DATE）", "today (same as CURRENT_DATE)"),
    "SUM": (1, 1, "求和（聚合）", "sum (aggregate)"),
    "COUNT": (1, 1, "计数（聚合）：COUNT(*)、COUNT(x)、COUNT(DISTINCT x)", "count (aggregate), also * and DISTINCT"),
    "AVG": (1, 1, "平均值（聚合）", "average (aggregate)"),
    "MIN": (1, 1, "最小值（聚合）", "minimum (aggregate)"),
    "MAX": (1, 1, "最大值（聚合）", "maximum (aggregate)"),
    "MEDIAN": (1, 1, "中位数（聚合；MySQL 不支持）", "median (aggregate; not on MySQL)"),
}
AGGREGATES = frozenset({"SUM", "COUNT", "AVG", "MIN", "MAX", "MEDIAN"})
DATE_UNITS = ("day", "week", "month", "quarter", "year")



class CallContext(Protocol):
    """What formula.py hands a builder."""

    name: str  # the function name, upper case
    raw: list[exp.Expression]  # parsed, unchecked arguments (read literals and units from here)

    def arg(self, i: int) -> exp.Expression: ...  # argument i, checked and converted

    def build(self, node: exp.Expression) -> exp.Expression: ...  # check and convert any parsed node

    def fail(self, zh: str, en: str) -> NoReturn: ...  # raise formula_arguments for this call


Builder = Callable[[CallContext], exp.Expression]


def unit_of(ctx: CallContext, node: exp.Expression | None) -> str:
    """A date unit written 'month', month, MONTH or 'months'."""
    text = ""
    if isinstance(node, exp.Literal) and node.is_string or isinstance(node, exp.Var):
        text = str(node.this)
    elif isinstance(node, exp.Column) and not node.table and not node.this.quoted:
        text = node.name
    unit = text.strip().lower().removesuffix("s")
    if unit not in DATE_UNITS:
        ctx.fail(f"时间单位必须是 {'、'.join(DATE_UNITS)} 之一，例如 'month'。",
                 f"the time unit must be one of {', '.join(DATE_UNITS)}, for example 'month'.")
    return unit


def _guarded(x: exp.Expression, strict: bool) -> exp.Expression:
    """CASE WHEN x > 0 (x >= 0) THEN x END: NULL outside the domain on every engine (Postgres would raise)."""
    cond = (exp.GT if strict else exp.GTE)(this=paren(x), expression=number(0))
    return exp.Case(ifs=[exp.If(this=cond, true=x.copy())])


def _ignore_nulls(cls: type[exp.Expression], args: list[exp.Expression]) -> exp.Expression:
    """GREATEST(COALESCE(a, b, c), COALESCE(b, a, c), ...): NULLs are ignored on MySQL too."""
    wrapped = [exp.Coalesce(this=a, expressions=[o.copy() for j, o in enumerate(args) if j != i])
               for i, a in enumerate(args)]
    return cls(this=wrapped[0], expressions=wrapped[1:], ignore_nulls=True)


def _amount(ctx: CallContext, n: exp.Expression) -> exp.Expression:
    """How many units: an integer literal stays a literal, an expression is cast to BIGINT."""
    value = int_literal(n)
    if value is not None:
        return number(value)
    if isinstance(n, exp.Literal):
        ctx.fail("数量必须是整数，例如 INTERVAL 3 DAY。", "the amount must be an integer, for example INTERVAL 3 DAY.")
    return cast_to(ctx.build(n), "BIGINT")


def _date_shift(ctx: CallContext, subtract: bool) -> exp.Expression:
    """(d, INTERVAL n unit), (d, INTERVAL 'n unit'), (unit, n, d) or (d, n) for days."""
    raw = ctx.raw
    if len(raw) == 3:
        return date_add(ctx.arg(2), _amount(ctx, raw[1]), unit_of(ctx, raw[0]), subtract)
    n, unit = raw[1], "day"
    if isinstance(n, exp.Interval):
        n, unit_node = n.this, n.args.get("unit")
        if unit_node is None and isinstance(n, exp.Literal) and len(str(n.this).split()) == 2:
            amount, text = str(n.this).split()
            n, unit_node = exp.Literal.string(amount), exp.Literal.string(text)
        unit = unit_of(ctx, unit_node)
    return date_add(ctx.arg(0), _amount(ctx, n), unit, subtract)


def _round(ctx: CallContext) -> exp.Expression:
    """ROUND on DECIMAL(38, 10): half away from zero everywhere, and Postgres has no ROUND(double, int)."""
    x = cast_to(ctx.arg(0), "DECIMAL(38, 10)")
    digits = int_literal(ctx.raw[1]) if len(ctx.raw) == 2 else 0
    if digits is None or not -10 <= digits <= 10:
        ctx.fail("小数位数必须是 -10 到 10 之间的整数，例如 ROUND(x, 2)。",
                 "the number of decimals must be an integer from -10 to 10, for example ROUND(x, 2).")
    return exp.Round(this=x, decimals=number(digits) if len(ctx.raw) == 2 else None)


def _aggregate(cls: type[exp.Expression]) -> Builder:
    """SUM/COUNT/AVG/MIN/MAX/MEDIAN; AVG and MEDIAN in DOUBLE (MySQL's AVG of integers keeps 4 decimals)."""
    averaging = cls in (exp.Avg, exp.Median)

    def build(ctx: CallContext) -> exp.Expression:
        first = ctx.raw[0]
        if isinstance(first, exp.Star):
            if ctx.name != "COUNT":
                ctx.fail("只有 COUNT 可以写 *。", f"only COUNT accepts *, not {ctx.name}.")
            return exp.Count(this=exp.Star())
        distinct = isinstance(first, exp.Distinct)
        if distinct and (ctx.name not in ("COUNT", "SUM", "AVG") or len(first.expressions) != 1):
            ctx.fail("DISTINCT 只能用于 COUNT、SUM、AVG 的一个参数。",
                     "DISTINCT takes one argument of COUNT, SUM or AVG.")
        x = ctx.build(first.expressions[0]) if distinct else ctx.arg(0)
        x = cast_to(x, "DOUBLE") if averaging else x
        return cls(this=exp.Distinct(expressions=[x]) if distinct else x)

    return build


def _unary(cls: type[exp.Expression]) -> Builder:
    return lambda c: cls(this=c.arg(0))


def _bigint(part: Callable[[exp.Expression], exp.Expression]) -> Builder:
    return lambda c: cast_to(part(c.arg(0)), "BIGINT")  # Postgres' EXTRACT returns numeric


def _args(c: CallContext) -> list[exp.Expression]:
    return [c.arg(i) for i in range(len(c.raw))]


def _strpos(c: CallContext, text: int = 0, sub: int = 1) -> exp.Expression:
    return exp.StrPosition(this=c.arg(text), substr=c.arg(sub))


BUILDERS: dict[str, Builder] = {
    "IF": lambda c: exp.If(this=c.arg(0), true=c.arg(1), false=c.arg(2) if len(c.raw) == 3 else None),
    "COALESCE": lambda c: exp.Coalesce(this=c.arg(0), expressions=_args(c)[1:]),
    "NULLIF": lambda c: exp.Nullif(this=c.arg(0), expression=c.arg(1)),
    "SAFE_DIVIDE": lambda c: exp.Paren(this=safe_divide(c.arg(0), c.arg(1))),
    "ABS": _unary(exp.Abs),
    "ROUND": _round,
    "FLOOR": _unary(exp.Floor),
    "CEIL": _unary(exp.Ceil),
    "CEILING": _unary(exp.Ceil),
    "SQRT": lambda c: exp.Sqrt(this=_guarded(c.arg(0), strict=False)),
    "POWER": lambda c: exp.Pow(this=c.arg(0), expression=c.arg(1)),
    "LN": lambda c: exp.Ln(this=_guarded(c.arg(0), strict=True)),
    "LOG10": lambda c: exp.Anonymous(this="LOG10", expressions=[_guarded(c.arg(0), strict=True)]),
    "EXP": _unary(exp.Exp),
    "SIGN": _unary(exp.Sign),
    "MOD": lambda c: safe_mod(c.arg(0), c.arg(1)),
    "GREATEST": lambda c: _ignore_nulls(exp.Greatest, _args(c)),
    "LEAST": lambda c: _ignore_nulls(exp.Least, _args(c)),
    "UPPER": _unary(exp.Upper),
    "LOWER": _unary(exp.Lower),
    "LENGTH": _unary(exp.Length),  # CHAR_LENGTH on MySQL
    "TRIM": _unary(exp.Trim),
    "LTRIM": lambda c: exp.Trim(this=c.arg(0), position="LEADING"),
    "RTRIM": lambda c: exp.Trim(this=c.arg(0), position="TRAILING"),
    "SUBSTRING": lambda c: exp.Substring(this=c.arg(0), start=c.arg(1),
                                         length=c.arg(2) if len(c.raw) == 3 else None),
    "SUBSTR": lambda c: BUILDERS["SUBSTRING"](c),
    "CONCAT": lambda c: exp.Concat(expressions=_args(c), safe=True, coalesce=True),
    "REPLACE": lambda c: exp.Replace(this=c.arg(0), expression=c.arg(1), replacement=c.arg(2)),
    "LEFT": lambda c: exp.Left(this=c.arg(0), expression=c.arg(1)),
    "RIGHT": lambda c: exp.Right(this=c.arg(0), expression=c.arg(1)),
    "POSITION": lambda c: _strpos(c, text=1, sub=0),
    "STRPOS": _strpos,
    "CONTAINS": lambda c: exp.Paren(this=exp.GT(this=_strpos(c), expression=number(0))),
    "STARTS_WITH": lambda c: exp.Paren(this=exp.EQ(this=_strpos(c), expression=number(1))),
    "ENDS_WITH": lambda c: exp.Paren(this=exp.EQ(
        this=exp.Right(this=c.arg(0), expression=exp.Length(this=c.arg(1))), expression=c.arg(1))),
    "YEAR": _bigint(lambda d: exp.Year(this=d)),
    "QUARTER": _bigint(quarter),
    "MONTH": _bigint(lambda d: exp.Month(this=d)),
    "WEEK": lambda c: iso_week(c.arg(0)),
    "DAY": _bigint(lambda d: exp.Day(this=d)),
    "DAYOFWEEK": lambda c: iso_dow(c.arg(0)),
    "DATE_TRUNC": lambda c: date_trunc(unit_of(c, c.raw[0]), c.arg(1)),
    "DATE_ADD": lambda c: _date_shift(c, subtract=False),
    "DATE_SUB": lambda c: _date_shift(c, subtract=True),
    "DATE_DIFF": lambda c: date_diff(unit_of(c, c.raw[0]), c.arg(1), c.arg(2)),
    "CURRENT_DATE": lambda c: exp.CurrentDate(),
    "TODAY": lambda c: exp.CurrentDate(),
    **{name: _aggregate(cls) for name, cls in (("SUM", exp.Sum), ("COUNT", exp.Count), ("AVG", exp.Avg),
                                               ("MIN", exp.Min), ("MAX", exp.Max), ("MEDIAN", exp.Median))},
}
