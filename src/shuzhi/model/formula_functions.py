"""The formula language's functions: the allow-list and how each call becomes dialect-neutral sqlglot.

Invariants (checked by tests/model/test_formula.py on DuckDB, PostgreSQL and MariaDB):
- ALLOWED_FUNCTIONS is the complete list of callable names; anything else is refused by formula.py.
- Every builder returns a tree that renders with plain ``tree.sql(dialect)`` for duckdb, postgres,
  mysql and spark and means the same thing there: division yields a DOUBLE and NULL for a zero
  divisor, ROUND rounds half away from zero, WEEK is the ISO week, DAYOFWEEK is 1 (Monday) .. 7,
  DATE_TRUNC / DATE_ADD / DATE_SUB return a DATE, DATE_DIFF counts calendar boundaries,
  CONCAT treats NULL as '', GREATEST / LEAST ignore NULLs, SQRT / LN / LOG10 give NULL outside
  their domain. sqlglot nodes whose rendering is wrong somewhere (exp.Week, exp.DayOfWeek,
  exp.Quarter on postgres, exp.DateDiff with a unit on mysql, ...) are not used.
- A builder's result is either call-shaped (renders as NAME(...)) or wrapped in exp.Paren, so the
  caller may place it under any operator.
- Builders see arguments only through CallContext; they never resolve names or open anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, NoReturn, Protocol

from sqlglot import exp

# name -> (min_args, max_args or None for "any number", zh description, en description)
ALLOWED_FUNCTIONS: dict[str, tuple[int, int | None, str, str]] = {
    # conditional
    "IF": (2, 3, "条件成立取第二个参数，否则取第三个（省略时为空）", "second argument if the condition holds, else the third (NULL when omitted)"),
    "COALESCE": (1, 32, "返回第一个非空的参数", "the first argument that is not NULL"),
    "NULLIF": (2, 2, "两个参数相等时返回空，否则返回第一个", "NULL when both arguments are equal, else the first"),
    # math
    "SAFE_DIVIDE": (2, 2, "安全除法：除数为 0 或空时返回空，结果为小数", "safe division: NULL when the divisor is 0 or NULL; a decimal result"),
    "ABS": (1, 1, "绝对值", "absolute value"),
    "ROUND": (1, 2, "四舍五入到指定小数位（默认 0 位，可为负数）", "round half away from zero to n decimals (default 0, may be negative)"),
    "FLOOR": (1, 1, "向下取整", "round down to an integer"),
    "CEIL": (1, 1, "向上取整", "round up to an integer"),
    "CEILING": (1, 1, "向上取整（同 CEIL）", "round up to an integer (same as CEIL)"),
    "SQRT": (1, 1, "平方根，负数返回空", "square root; NULL for negative numbers"),
    "POWER": (2, 2, "乘方：第一个参数的第二个参数次幂", "the first argument raised to the power of the second"),
    "LN": (1, 1, "自然对数，非正数返回空", "natural logarithm; NULL for numbers <= 0"),
    "LOG10": (1, 1, "以 10 为底的对数，非正数返回空", "base-10 logarithm; NULL for numbers <= 0"),
    "EXP": (1, 1, "e 的 x 次幂", "e raised to the power x"),
    "SIGN": (1, 1, "符号：正数 1、零 0、负数 -1", "sign: 1, 0 or -1"),
    "MOD": (2, 2, "取余（符号同被除数），除数为 0 时返回空", "remainder (sign of the dividend); NULL when the divisor is 0"),
    "GREATEST": (2, 16, "最大的参数（忽略空值）", "the largest argument (NULLs ignored)"),
    "LEAST": (2, 16, "最小的参数（忽略空值）", "the smallest argument (NULLs ignored)"),
    # text
    "UPPER": (1, 1, "转为大写", "upper case"),
    "LOWER": (1, 1, "转为小写", "lower case"),
    "LENGTH": (1, 1, "字符个数（一个汉字算 1 个）", "number of characters (a Chinese character counts 1)"),
    "TRIM": (1, 1, "去掉首尾空格", "remove leading and trailing spaces"),
    "LTRIM": (1, 1, "去掉开头空格", "remove leading spaces"),
    "RTRIM": (1, 1, "去掉结尾空格", "remove trailing spaces"),
    "SUBSTRING": (2, 3, "从第 n 个字符（从 1 起）开始截取，可指定长度", "characters from position n (1-based), optionally of a given length"),
    "SUBSTR": (2, 3, "同 SUBSTRING", "same as SUBSTRING"),
    "CONCAT": (1, 32, "拼接文本，空值按空文本处理", "join texts; NULL counts as empty text"),
    "REPLACE": (3, 3, "把文本中所有的第二个参数替换为第三个参数", "replace every occurrence of the second argument by the third"),
    "LEFT": (2, 2, "左起 n 个字符", "the first n characters"),
    "RIGHT": (2, 2, "右起 n 个字符", "the last n characters"),
    "POSITION": (2, 2, "子串第一次出现的位置（从 1 起，没有则为 0）：POSITION(子串 IN 文本)",
                 "position of the first occurrence (1-based, 0 if absent): POSITION(sub IN text)"),
    "STRPOS": (2, 2, "同 POSITION，参数顺序为 (文本, 子串)", "same as POSITION with arguments (text, sub)"),
    "CONTAINS": (2, 2, "文本是否包含子串", "whether the text contains the substring"),
    "STARTS_WITH": (2, 2, "文本是否以子串开头", "whether the text starts with the substring"),
    "ENDS_WITH": (2, 2, "文本是否以子串结尾", "whether the text ends with the substring"),
    # dates
    "YEAR": (1, 1, "年份", "the year"),
    "QUARTER": (1, 1, "季度（1-4）", "the quarter (1-4)"),
    "MONTH": (1, 1, "月份（1-12）", "the month (1-12)"),
    "WEEK": (1, 1, "ISO 周数（1-53，周一为一周开始）", "the ISO week number (1-53, weeks start on Monday)"),
    "DAY": (1, 1, "日（1-31）", "the day of the month (1-31)"),
    "DAYOFWEEK": (1, 1, "星期几：周一 1 … 周日 7", "day of the week: Monday 1 .. Sunday 7"),
    "DATE_TRUNC": (2, 2, "截断到 day/week/month/quarter/year 的第一天，结果为日期",
                   "the first day of the day/week/month/quarter/year, as a DATE"),
    "DATE_ADD": (2, 3, "日期加上若干天/周/月/季/年：DATE_ADD(d, INTERVAL n unit) 或 DATE_ADD(unit, n, d)",
                 "add days/weeks/months/quarters/years: DATE_ADD(d, INTERVAL n unit) or DATE_ADD(unit, n, d)"),
    "DATE_SUB": (2, 3, "日期减去若干天/周/月/季/年，用法同 DATE_ADD", "subtract days/weeks/...; same forms as DATE_ADD"),
    "DATE_DIFF": (3, 3, "DATE_DIFF(unit, 开始, 结束)：两个日期之间跨过的 day/week/month/quarter/year 边界数",
                  "DATE_DIFF(unit, start, end): number of day/week/month/quarter/year boundaries crossed"),
    "CURRENT_DATE": (0, 0, "今天的日期", "today's date"),
    "TODAY": (0, 0, "今天的日期（同 CURRENT_DATE）", "today's date (same as CURRENT_DATE)"),
    # aggregates (only where the formula may aggregate: metrics)
    "SUM": (1, 1, "求和（聚合）", "sum (aggregate)"),
    "COUNT": (1, 1, "计数（聚合）：COUNT(*)、COUNT(x)、COUNT(DISTINCT x)", "count (aggregate): COUNT(*), COUNT(x), COUNT(DISTINCT x)"),
    "AVG": (1, 1, "平均值（聚合）", "average (aggregate)"),
    "MIN": (1, 1, "最小值（聚合）", "minimum (aggregate)"),
    "MAX": (1, 1, "最大值（聚合）", "maximum (aggregate)"),
    "MEDIAN": (1, 1, "中位数（聚合；MySQL 不支持）", "median (aggregate; not available on MySQL)"),
}

AGGREGATES = frozenset({"SUM", "COUNT", "AVG", "MIN", "MAX", "MEDIAN"})
DISTINCT_OK = frozenset({"COUNT", "SUM", "AVG"})
DATE_UNITS = ("day", "week", "month", "quarter", "year")


class CallContext(Protocol):
    """What formula.py hands a builder: the call's name, raw arguments and checked conversions."""

    name: str
    raw: list[exp.Expression]

    def arg(self, i: int) -> exp.Expression:
        """Argument i, checked against the allow-list and converted (names resolved)."""
        ...

    def build(self, node: exp.Expression) -> exp.Expression:
        """Check and convert any parsed node (used for DISTINCT x and INTERVAL n unit)."""
        ...

    def fail(self, zh: str, en: str) -> NoReturn:
        """Raise formula_arguments naming this call."""
        ...


Builder = Callable[[CallContext], exp.Expression]

_ATOMIC = (exp.Column, exp.Literal, exp.Boolean, exp.Null, exp.Paren, exp.Cast, exp.Case, exp.If,
           exp.Coalesce, exp.Nullif, exp.AggFunc, exp.Anonymous, exp.Round, exp.Abs, exp.Floor, exp.Ceil,
           exp.Sqrt, exp.Ln, exp.Exp, exp.Pow, exp.Sign, exp.Greatest, exp.Least, exp.Upper, exp.Lower,
           exp.Length, exp.Trim, exp.Substring, exp.Replace, exp.Left, exp.Right, exp.StrPosition,
           exp.Year, exp.Month, exp.Day, exp.Extract, exp.CurrentDate)


def paren(e: exp.Expression) -> exp.Expression:
    """Wrap e in parentheses unless it renders call-shaped (safe under any operator)."""
    return e if isinstance(e, _ATOMIC) else exp.Paren(this=e)


def _num(v: int | float) -> exp.Literal:
    return exp.Literal.number(v)


def _cast(e: exp.Expression, to: str) -> exp.Cast:
    target = exp.DataType.build(to)
    if isinstance(e, exp.Cast) and e.to == target:
        return e
    return exp.Cast(this=e, to=target)


def safe_divide(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    """CAST(a AS DOUBLE) / NULLIF(b, 0): float result for integers, NULL for a zero divisor."""
    return exp.Div(this=_cast(a, "DOUBLE"), expression=exp.Nullif(this=b, expression=_num(0)))


def safe_mod(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    return exp.Paren(this=exp.Mod(this=paren(a), expression=exp.Nullif(this=b, expression=_num(0))))


def int_literal(node: exp.Expression) -> int | None:
    """The integer a literal like 3, -3 or '3' stands for, else None."""
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


def unit_of(ctx: CallContext, node: exp.Expression, allowed: tuple[str, ...] = DATE_UNITS) -> str:
    """A date unit written as 'month', month or MONTHS."""
    text = None
    if isinstance(node, exp.Literal) and node.is_string:
        text = node.this
    elif isinstance(node, exp.Column) and not node.table and not node.this.quoted:
        text = node.name
    elif isinstance(node, exp.Var):
        text = node.name
    unit = (text or "").strip().lower()
    unit = unit[:-1] if unit.endswith("s") else unit
    if unit not in allowed:
        ctx.fail(f"时间单位必须是 {'、'.join(allowed)} 之一，例如 'month'。",
                 f"The time unit must be one of {', '.join(allowed)}, for example 'month'.")
    return unit


def _guarded(x: exp.Expression, strict: bool) -> exp.Expression:
    """CASE WHEN x > 0 (or >= 0) THEN x END: NULL outside the domain on every engine."""
    cond = (exp.GT if strict else exp.GTE)(this=paren(x), expression=_num(0))
    return exp.Case(ifs=[exp.If(this=cond, true=x.copy())])


def _ignore_nulls(cls: type[exp.Expression], args: list[exp.Expression]) -> exp.Expression:
    """GREATEST/LEAST over COALESCE(a_i, others...): NULLs ignored on MySQL too."""
    wrapped = [exp.Coalesce(this=a, expressions=[o.copy() for j, o in enumerate(args) if j != i])
               for i, a in enumerate(args)]
    return cls(this=wrapped[0], expressions=wrapped[1:], ignore_nulls=True)


def _quarter(d: exp.Expression) -> exp.Expression:
    return exp.Extract(this=exp.var("QUARTER"), expression=d)


def days_between(a: exp.Expression, b: exp.Expression) -> exp.Expression:
    """Whole days from a to b (b - a) as an integer; both taken as DATEs."""
    return exp.DateDiff(this=_cast(b, "DATE"), expression=_cast(a, "DATE"), date_part_boundary=True)


def date_trunc(unit: str, d: exp.Expression) -> exp.Expression:
    if unit == "day":
        return _cast(d, "DATE")
    return _cast(exp.DateTrunc(this=d, unit=exp.var(unit.upper())), "DATE")


def date_add(d: exp.Expression, n: exp.Expression, unit: str, subtract: bool = False) -> exp.Expression:
    cls = exp.DateSub if subtract else exp.DateAdd
    return _cast(cls(this=_cast(d, "DATE"), expression=n, unit=exp.var(unit.upper())), "DATE")


def iso_week(d: exp.Expression) -> exp.Expression:
    """ISO week: the week's Thursday decides the year; week = days since that year's 1 Jan // 7 + 1."""
    thursday = date_add(date_trunc("week", d), _num(3), "day")
    days = days_between(date_trunc("year", thursday), thursday.copy())
    return _cast(exp.Paren(this=exp.Add(this=exp.Floor(this=exp.Div(this=days, expression=_num(7))),
                                        expression=_num(1))), "BIGINT")


def iso_dow(d: exp.Expression) -> exp.Expression:
    """1 = Monday .. 7 = Sunday, from the day count since Monday 1900-01-01."""
    base = _cast(exp.Literal.string("1900-01-01"), "DATE")
    days = days_between(base, d)
    inner = exp.Mod(this=exp.Paren(this=exp.Add(this=exp.Mod(this=days, expression=_num(7)), expression=_num(7))),
                    expression=_num(7))
    return _cast(exp.Paren(this=exp.Add(this=inner, expression=_num(1))), "BIGINT")


def date_diff(unit: str, a: exp.Expression, b: exp.Expression) -> exp.Expression:
    """Calendar boundaries crossed from a to b (DuckDB's date_diff semantics, on every engine)."""
    if unit == "day":
        return days_between(a, b)
    if unit == "week":
        weeks = exp.Div(this=days_between(date_trunc("week", a), date_trunc("week", b)), expression=_num(7))
        return _cast(exp.Floor(this=weeks), "BIGINT")
    years = exp.Paren(this=exp.Sub(this=exp.Year(this=b), expression=exp.Year(this=a)))
    if unit == "year":
        return _cast(years, "BIGINT")
    per, part = (12, lambda d: exp.Month(this=d)) if unit == "month" else (4, _quarter)
    total = exp.Add(this=exp.Mul(this=years, expression=_num(per)),
                    expression=exp.Paren(this=exp.Sub(this=part(b.copy()), expression=part(a.copy()))))
    return _cast(exp.Paren(this=total), "BIGINT")


def _count_n(ctx: CallContext, n: exp.Expression) -> exp.Expression:
    """An amount of units: integer literals stay literals, anything else is cast to BIGINT."""
    value = int_literal(n)
    if value is not None:
        return _num(value) if value >= 0 else exp.Neg(this=_num(-value))
    return _cast(ctx.build(n), "BIGINT")


def _date_shift(ctx: CallContext, subtract: bool) -> exp.Expression:
    raw = ctx.raw
    if len(raw) == 3:  # (unit, n, d)
        return date_add(ctx.arg(2), _count_n(ctx, raw[1]), unit_of(ctx, raw[0]), subtract)
    if isinstance(raw[1], exp.Interval):  # (d, INTERVAL n unit)
        n, unit_node = raw[1].this, raw[1].args.get("unit")
        if unit_node is None and isinstance(n, exp.Literal) and n.is_string and len(n.this.split()) == 2:
            amount, unit_text = n.this.split()
            n, unit_node = exp.Literal.number(amount) if int_literal(exp.Literal.number(amount)) is not None \
                else n, exp.Literal.string(unit_text)
        if unit_node is None:
            ctx.fail("INTERVAL 需要写明单位，例如 INTERVAL 3 DAY。", "INTERVAL needs a unit, for example INTERVAL 3 DAY.")
        return date_add(ctx.arg(0), _count_n(ctx, n), unit_of(ctx, unit_node), subtract)
    return date_add(ctx.arg(0), _count_n(ctx, raw[1]), "day", subtract)  # (d, n days)


def _round(ctx: CallContext) -> exp.Expression:
    x = _cast(ctx.arg(0), "DECIMAL(38, 10)")  # numeric ROUND: half away from zero, and Postgres accepts it
    if len(ctx.raw) == 1:
        return exp.Round(this=x)
    digits = int_literal(ctx.raw[1])
    if digits is None or not -10 <= digits <= 10:
        ctx.fail("ROUND 的小数位数必须是 -10 到 10 之间的整数，例如 ROUND(x, 2)。",
                 "ROUND's number of decimals must be an integer between -10 and 10, for example ROUND(x, 2).")
    return exp.Round(this=x, decimals=_num(digits) if digits >= 0 else exp.Neg(this=_num(-digits)))


def _aggregate(cls: type[exp.Expression]) -> Builder:
    """AVG and MEDIAN average in DOUBLE: MySQL's AVG of integers keeps only 4 decimals."""
    averaging = cls in (exp.Avg, exp.Median)

    def as_double(e: exp.Expression) -> exp.Expression:
        return _cast(e, "DOUBLE") if averaging else e

    def build(ctx: CallContext) -> exp.Expression:
        first = ctx.raw[0]
        if isinstance(first, exp.Star):
            if ctx.name != "COUNT":
                ctx.fail(f"只有 COUNT 可以写 *，{ctx.name}(*) 没有意义。",
                         f"Only COUNT accepts *; {ctx.name}(*) has no meaning.")
            return exp.Count(this=exp.Star())
        if isinstance(first, exp.Distinct):
            if ctx.name not in DISTINCT_OK or len(first.expressions) != 1:
                ctx.fail(f"DISTINCT 只能用于 COUNT、SUM、AVG 的单个参数，不能用于 {ctx.name}。",
                         f"DISTINCT works with a single argument of COUNT, SUM or AVG, not with {ctx.name}.")
            return cls(this=exp.Distinct(expressions=[as_double(ctx.build(first.expressions[0]))]))
        return cls(this=as_double(ctx.arg(0)))

    return build


def _substring(ctx: CallContext) -> exp.Expression:
    length = ctx.arg(2) if len(ctx.raw) == 3 else None
    return exp.Substring(this=ctx.arg(0), start=ctx.arg(1), length=length)


def _trim(position: str | None) -> Builder:
    return lambda c: exp.Trim(this=c.arg(0), position=position)


def _strpos(text: int, sub: int) -> Builder:
    return lambda c: exp.StrPosition(this=c.arg(text), substr=c.arg(sub))


def _unary(cls: type[exp.Expression]) -> Builder:
    return lambda c: cls(this=c.arg(0))


def _bigint(cls: Callable[..., exp.Expression]) -> Builder:
    return lambda c: _cast(cls(c.arg(0)), "BIGINT")


def _args(c: CallContext) -> list[exp.Expression]:
    return [c.arg(i) for i in range(len(c.raw))]


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
    "LENGTH": _unary(exp.Length),
    "TRIM": _trim(None),
    "LTRIM": _trim("LEADING"),
    "RTRIM": _trim("TRAILING"),
    "SUBSTRING": _substring,
    "SUBSTR": _substring,
    "CONCAT": lambda c: exp.Concat(expressions=_args(c), safe=True, coalesce=True),
    "REPLACE": lambda c: exp.Replace(this=c.arg(0), expression=c.arg(1), replacement=c.arg(2)),
    "LEFT": lambda c: exp.Left(this=c.arg(0), expression=c.arg(1)),
    "RIGHT": lambda c: exp.Right(this=c.arg(0), expression=c.arg(1)),
    "POSITION": _strpos(1, 0),
    "STRPOS": _strpos(0, 1),
    "CONTAINS": lambda c: exp.Paren(this=exp.GT(this=_strpos(0, 1)(c), expression=_num(0))),
    "STARTS_WITH": lambda c: exp.Paren(this=exp.EQ(this=_strpos(0, 1)(c), expression=_num(1))),
    "ENDS_WITH": lambda c: exp.Paren(this=exp.EQ(
        this=exp.Right(this=c.arg(0), expression=exp.Length(this=c.arg(1))), expression=c.arg(1))),
    "YEAR": _bigint(lambda d: exp.Year(this=d)),
    "QUARTER": _bigint(_quarter),
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
    "SUM": _aggregate(exp.Sum),
    "COUNT": _aggregate(exp.Count),
    "AVG": _aggregate(exp.Avg),
    "MIN": _aggregate(exp.Min),
    "MAX": _aggregate(exp.Max),
    "MEDIAN": _aggregate(exp.Median),
}

assert set(BUILDERS) == set(ALLOWED_FUNCTIONS), "every allowed function needs a builder"


# --- CAST targets ---------------------------------------------------------------------------------
_CAST_TYPES: dict[exp.DType, str] = {}
for _names, _canonical in (
    (("VARCHAR", "NVARCHAR", "CHAR", "NCHAR", "TEXT"), "VARCHAR"),
    (("INT", "BIGINT", "SMALLINT", "TINYINT"), "BIGINT"),
    (("DOUBLE", "FLOAT"), "DOUBLE"),
    (("DECIMAL",), "DECIMAL"),
    (("DATE",), "DATE"),
    (("TIMESTAMP", "DATETIME"), "TIMESTAMP"),
    (("BOOLEAN",), "BOOLEAN"),
):
    for _n in _names:
        _CAST_TYPES[exp.DataType.build(_n).this] = _canonical


def cast_type(to: exp.DataType, refuse: Callable[..., NoReturn]) -> exp.DataType:
    """The canonical type for CAST(x AS to): string, integer, double, decimal(p, s), date, timestamp, boolean."""
    canonical = _CAST_TYPES.get(to.this)
    if canonical is None:
        refuse(f"转换为类型 {to.sql()}", f"CAST to {to.sql()}",
               "可用类型：VARCHAR、BIGINT、DOUBLE、DECIMAL(p, s)、DATE、TIMESTAMP、BOOLEAN。",
               "Allowed types: VARCHAR, BIGINT, DOUBLE, DECIMAL(p, s), DATE, TIMESTAMP, BOOLEAN.")
    if canonical != "DECIMAL":
        return exp.DataType.build(canonical)
    params = [int_literal(p.this) for p in to.expressions]
    if not params:  # engines disagree on a bare DECIMAL (DuckDB 18,3; MySQL 10,0): pin it
        params = [38, 10]
    precision, scale = (params + [0])[:2]
    if len(params) > 2 or precision is None or scale is None or not (1 <= precision <= 38 and 0 <= scale <= precision):
        refuse(f"类型 {to.sql()}", f"The type {to.sql()}", "DECIMAL 的精度须在 1-38 之间，小数位不超过精度。",
               "DECIMAL takes a precision of 1-38 and a scale no larger than it.")
    return exp.DataType.build(f"DECIMAL({precision}, {scale})")


# --- type hints -----------------------------------------------------------------------------------
TypeHint = Literal["number", "string", "boolean", "date"]
_STRING_NODES = (exp.Upper, exp.Lower, exp.Trim, exp.Substring, exp.Concat, exp.Replace, exp.Left, exp.Right)
_NUMBER_NODES = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg, exp.Abs, exp.Round, exp.Floor, exp.Ceil,
                 exp.Sqrt, exp.Ln, exp.Exp, exp.Pow, exp.Sign, exp.Length, exp.StrPosition, exp.Year, exp.Month,
                 exp.Day, exp.Extract, exp.DateDiff, exp.Count, exp.Sum, exp.Avg, exp.Median, exp.Anonymous)
_BOOLEAN_NODES = (exp.Predicate, exp.Connector, exp.Not, exp.Boolean, exp.Escape)
_BRANCHING = (exp.If, exp.Case, exp.Coalesce, exp.Nullif, exp.Greatest, exp.Least, exp.Min, exp.Max, exp.Paren)


def _type_of(dt: exp.DataType | None) -> TypeHint | None:
    if dt is None or dt.this == exp.DType.UNKNOWN:
        return None
    if dt.is_type(*exp.DataType.TEXT_TYPES):
        return "string"
    if dt.is_type(*exp.DataType.NUMERIC_TYPES):
        return "number"
    if dt.is_type(exp.DType.BOOLEAN):
        return "boolean"
    if dt.is_type(*exp.DataType.TEMPORAL_TYPES):
        return "date"
    return None


def formula_type_hint(tree: exp.Expression) -> TypeHint | None:
    """Best effort: "number" | "string" | "boolean" | "date" | None (unknown, e.g. a bare column)."""
    if isinstance(tree, exp.Cast):
        return _type_of(tree.to)
    if isinstance(tree, exp.Literal):
        return "string" if tree.is_string else "number"
    if isinstance(tree, _BOOLEAN_NODES):
        return "boolean"
    if isinstance(tree, exp.CurrentDate):
        return "date"
    if isinstance(tree, _STRING_NODES):
        return "string"
    if isinstance(tree, _NUMBER_NODES):
        return "number"
    if isinstance(tree, _BRANCHING):
        if isinstance(tree, exp.Case):
            branches = [i.args.get("true") for i in tree.args.get("ifs", [])] + [tree.args.get("default")]
        elif isinstance(tree, exp.If):
            branches = [tree.args.get("true"), tree.args.get("false")]
        else:
            branches = [tree.this, *tree.expressions]
        for b in branches:
            hint = formula_type_hint(b) if b is not None else None
            if hint:
                return hint
        return None
    return _type_of(tree.type) if isinstance(tree, exp.Column) else None
