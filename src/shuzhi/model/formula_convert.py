"""Converting a parsed formula into a fresh tree built from an ALLOW-LIST of node types (_HANDLERS):
nothing else gets through, every column reference goes through the resolver, every call through
formula_functions' builders (see formula.py for the invariants)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Literal, NoReturn

from sqlglot import exp

from shuzhi.model.formula_functions import AGGREGATES, ALLOWED_FUNCTIONS, BUILDERS
from shuzhi.model.formula_syntax import FormulaError, refuse, too_complex, width_hint
from shuzhi.model.formula_trees import paren, safe_divide, safe_mod
from shuzhi.model.formula_types import cast_type

MAX_NODES = 20000  # size of the built tree (builders may repeat an argument, e.g. GREATEST, SQRT)

Resolver = Callable[[tuple[str, ...]], exp.Expression]
Context = Literal["field", "metric", "filter", "derived"]
CONTEXT_LABELS: dict[str, tuple[str, str]] = {
    "field": ("计算字段（逐行计算）", "calculated field (computed row by row)"),
    "filter": ("筛选条件", "filter"),
    "metric": ("指标公式", "metric formula"),
    "derived": ("派生指标公式", "derived metric formula"),
}

_NAME = re.compile(r"[^\W\d]\w*\Z")  # an unquoted name: letters (any script), digits, underscores
_CONSTRUCTS: dict[type, tuple[str, str]] = {  # friendlier names for refused nodes; else the sqlglot key
    exp.DPipe: ("|| 拼接（请用 CONCAT(a, b)）", "|| concatenation (use CONCAT(a, b))"),
    exp.Alias: ("别名或相邻的两个表达式（是否少了运算符？）", "An alias or two adjacent expressions (a missing operator?)"),
    exp.IntDiv: ("DIV 整除（请用 FLOOR(a / b)）", "DIV (use FLOOR(a / b))"),
    exp.Interval: ("INTERVAL（只能用在 DATE_ADD / DATE_SUB 中）", "INTERVAL (only inside DATE_ADD / DATE_SUB)"),
    exp.Distinct: ("DISTINCT（只能用在 COUNT / SUM / AVG 中）", "DISTINCT (only inside COUNT / SUM / AVG)"),
    exp.Escape: ("自定义 ESCAPE（转义字符固定为反斜杠）", "A custom ESCAPE (the escape character is a backslash)"),
    exp.Command: ("SQL 命令", "A SQL command"),
    exp.Concat: ("相邻的两个文本（请用 CONCAT(a, b)）", "Two adjacent texts (use CONCAT(a, b))"),
    exp.Dot: ("多余的点号（名称最多两段）", "A dot access (names have at most two parts)"),
    **{k: ("位运算", "A bitwise operator") for k in (
        exp.BitwiseAnd, exp.BitwiseOr, exp.BitwiseXor, exp.BitwiseNot, exp.BitwiseLeftShift,
        exp.BitwiseRightShift)},
}


def checked_size(tree: exp.Expression) -> exp.Expression:
    if any(n > MAX_NODES for n, _ in enumerate(tree.walk(bfs=False))):
        raise too_complex()
    return tree


class Converter:
    """Rebuilds a parsed formula from allowed nodes only (see the module docstring)."""

    def __init__(self, resolve: Resolver | None, allow_aggregates: bool, context: Context) -> None:
        self.resolve, self.allow_aggregates, self.context = resolve, allow_aggregates, context
        self.refs: dict[str, None] = {}
        self.bare_refs: list[str] = []  # references outside any aggregate that carry no aggregate
        self.agg_depth = 0

    def build(self, node: exp.Expression) -> exp.Expression:
        handler = _HANDLERS.get(type(node))
        if handler is None:
            name = _CONSTRUCTS.get(type(node))
            if name is None:
                key = node.sql_name() if isinstance(node, exp.Func) else node.key.upper()
                name = (f"语法 {key}", f"The construct {key}")
            refuse(*name)
        return handler(self, node)

    def literal(self, node: exp.Literal) -> exp.Expression:
        if node.is_string:
            return exp.Literal.string(str(node.this))
        try:
            ok = abs(float(node.this)) < float("inf")
        except ValueError:
            ok = False
        if not ok:
            refuse(f"数字写法 {node.this}", f"The number {node.this}")
        return exp.Literal.number(str(node.this))

    def column(self, node: exp.Column) -> exp.Expression:
        if isinstance(node.this, exp.Star):
            refuse("*（除 COUNT(*) 外）", "* (outside COUNT(*))")
        idents = list(node.parts)
        names = [p.name for p in idents]
        written = ".".join(names)
        if not all(isinstance(p, exp.Identifier) for p in idents):
            raise FormulaError("formula_syntax", f"名称 {written} 的写法有误。", f"The name {written} is malformed.",
                               details={"token": written})
        if len(idents) > 2:
            refuse(f"三段及以上的名称 {written}", f"The name {written} with three or more parts",
                    "请写成 字段 或 数据集.字段。", "Write field or dataset.field.")
        for ident in idents:
            _check_name(ident)
        self.refs.setdefault(written, None)
        if self.resolve is None:
            return exp.Column(this=idents[-1].copy(), table=idents[0].copy() if len(idents) == 2 else None)
        resolved = self.resolve(tuple(names))
        if not isinstance(resolved, exp.Expression):
            raise TypeError(f"resolve({names!r}) returned {type(resolved).__name__}, not an exp.Expression")
        resolved = resolved.copy()
        has_agg = resolved.find(exp.AggFunc) is not None
        if has_agg and self.agg_depth:
            refuse(f"嵌套聚合（{written} 本身已是聚合）", f"A nested aggregate ({written} is already an aggregate)")
        if not has_agg and not self.agg_depth:
            self.bare_refs.append(written)
        return paren(resolved)

    def binary(self, node: exp.Expression) -> exp.Expression:
        return type(node)(this=self.build(node.this), expression=self.build(node.args["expression"]))

    def unary(self, node: exp.Expression) -> exp.Expression:
        return type(node)(this=self.build(node.this))

    def div(self, node: exp.Div) -> exp.Expression:  # sits where the parsed `/` sat: no extra parentheses
        return safe_divide(self.build(node.this), self.build(node.expression))

    def mod(self, node: exp.Mod) -> exp.Expression:
        return safe_mod(self.build(node.this), self.build(node.expression))

    def is_(self, node: exp.Is) -> exp.Expression:
        if not isinstance(node.expression, exp.Null):
            refuse("IS TRUE 等写法", "IS other than IS [NOT] NULL", "请写成 = TRUE 或直接写条件。",
                    "Write = TRUE or the condition itself.")
        return exp.Is(this=self.build(node.this), expression=exp.Null())

    def in_(self, node: exp.In) -> exp.Expression:
        if any(node.args.get(k) for k in ("query", "unnest", "field")):
            refuse("IN 子查询", "IN with a subquery")
        if not node.expressions:
            refuse("空的 IN ()", "An empty IN ()")
        for v in node.expressions:
            inner = v.this if isinstance(v, exp.Neg) else v
            if not isinstance(inner, (exp.Literal, exp.Boolean, exp.Null)) and not (
                    isinstance(inner, exp.Cast) and isinstance(inner.this, exp.Literal)):
                refuse("IN 列表中的非常量", "A non-constant value in an IN list",
                        "IN (…) 中只能写常量，例如 IN ('赢单', '输单')。",
                        "IN (...) takes constants, e.g. IN ('won', 'lost').")
        return exp.In(this=self.build(node.this), expressions=[self.build(v) for v in node.expressions])

    def between(self, node: exp.Between) -> exp.Expression:
        if node.args.get("symmetric"):
            refuse("BETWEEN SYMMETRIC", "BETWEEN SYMMETRIC")
        return exp.Between(this=self.build(node.this), low=self.build(node.args["low"]),
                           high=self.build(node.args["high"]))

    def like(self, node: exp.Like | exp.ILike) -> exp.Expression:
        """Always ESCAPE '\\': DuckDB has no default escape character, the others use backslash."""
        built = type(node)(this=self.build(node.this), expression=self.build(node.expression))
        out: exp.Expression = exp.Escape(this=built, expression=exp.Literal.string("\\"))
        return exp.Not(this=exp.Paren(this=out)) if node.args.get("negate") else out

    def case(self, node: exp.Case) -> exp.Expression:
        ifs = [exp.If(this=self.build(i.this), true=self.build(i.args["true"])) for i in node.args["ifs"]]
        subject, default = node.this, node.args.get("default")
        return exp.Case(this=self.build(subject) if subject else None, ifs=ifs,
                        default=self.build(default) if default else None)

    def cast(self, node: exp.Cast) -> exp.Expression:
        if any(node.args.get(k) for k in ("format", "safe", "action", "default")):
            refuse("带格式的 CAST", "CAST with FORMAT or options")
        return exp.Cast(this=self.build(node.this), to=cast_type(node.to, refuse))

    def position(self, node: exp.StrPosition) -> exp.Expression:  # POSITION(sub IN text)
        if node.args.get("position") or node.args.get("occurrence"):
            refuse("POSITION 的额外参数", "Extra POSITION arguments")
        return self.call("POSITION", [node.args["substr"], node.this])

    def call(self, name: str, raw: list[exp.Expression]) -> exp.Expression:
        spec = ALLOWED_FUNCTIONS.get(name)
        if spec is None:
            close = difflib.get_close_matches(name, ALLOWED_FUNCTIONS, n=1, cutoff=0.6)
            hint_zh = f"你是不是想用 {close[0]}？" if close else "可用的函数见公式文档。"
            hint_en = f"Did you mean {close[0]}?" if close else "See the formula documentation."
            raise FormulaError("formula_not_allowed", f"公式中不允许使用函数 {name}。{hint_zh}",
                               f"The function {name} is not allowed in a formula. {hint_en}",
                               details={"construct": name, "suggestion": close[0] if close else None})
        low, high = spec[0], spec[1]
        if not low <= len(raw) <= (high if high is not None else len(raw)):
            want_zh = str(low) if low == high else f"{low} 到 {high}"
            want_en = str(low) if low == high else f"{low} to {high}"
            raise FormulaError("formula_arguments", f"函数 {name} 需要 {want_zh} 个参数，实际写了 {len(raw)} 个。",
                               f"The function {name} takes {want_en} argument(s), but {len(raw)} were given.",
                               details={"function": name, "given": len(raw)})
        if name in AGGREGATES:
            if not self.allow_aggregates:
                zh_ctx, en_ctx = CONTEXT_LABELS[self.context]
                raise FormulaError("formula_aggregate_not_allowed", f"{zh_ctx}中不能使用聚合函数 {name}；聚合请定义为指标。",
                                   f"A {en_ctx} cannot use the aggregate function {name}; "
                                   "define a metric instead.",
                                   details={"function": name})
            if self.agg_depth:
                refuse(f"嵌套聚合 {name}(…)", f"A nested aggregate {name}(...)")
        self.agg_depth += name in AGGREGATES
        try:
            return checked_size(BUILDERS[name](_Call(self, name, raw)))
        finally:
            self.agg_depth -= name in AGGREGATES


def _check_name(ident: exp.Identifier) -> None:
    name = ident.name
    if ident.quoted:
        if not name.strip() or any(ord(ch) < 32 for ch in name):
            refuse("空的或含控制字符的名称", "An empty name or a name with control characters")
        return
    if name[:1] in ("$", "@", ":", "?"):
        refuse(f"参数或占位符 {name}", f"The parameter or placeholder {name}")
    if not _NAME.match(name):
        hz, he = width_hint(name)
        raise FormulaError("formula_syntax",
                           hz or f"名称 {name} 含有特殊字符；若它是字段名，请用双引号括起来，例如 \"{name}\"。",
                           he.strip() or f"The name {name} contains special characters; if it is a field, "
                           f"quote it: \"{name}\".", details={"token": name})


class _Call:
    """The formula_functions.CallContext handed to a builder."""

    def __init__(self, conv: Converter, name: str, raw: list[exp.Expression]) -> None:
        self.conv, self.name, self.raw = conv, name, raw

    def arg(self, i: int) -> exp.Expression:
        return self.conv.build(self.raw[i])

    def build(self, node: exp.Expression) -> exp.Expression:
        return self.conv.build(node)

    def fail(self, zh: str, en: str) -> NoReturn:
        raise FormulaError("formula_arguments", f"函数 {self.name} 的参数有误：{zh}",
                           f"Bad argument to {self.name}: {en}", details={"function": self.name})


C = Converter
_HANDLERS: dict[type, Callable[[Converter, exp.Expression], exp.Expression]] = {  # the allow-list
    exp.Literal: C.literal,
    exp.Boolean: lambda c, n: exp.Boolean(this=bool(n.this)),
    exp.Null: lambda c, n: exp.Null(),
    exp.Column: C.column,
    **{cls: C.unary for cls in (exp.Paren, exp.Neg, exp.Not)},
    **{cls: C.binary for cls in (
        exp.Add, exp.Sub, exp.Mul, exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.And, exp.Or)},
    exp.Div: C.div,
    exp.Mod: C.mod,
    exp.Is: C.is_,
    exp.In: C.in_,
    exp.Between: C.between,
    exp.Like: C.like,
    exp.ILike: C.like,
    exp.Case: C.case,
    exp.Cast: C.cast,
    exp.Anonymous: lambda c, n: c.call(str(n.this).upper(), list(n.expressions)),
    exp.StrPosition: C.position,
    exp.CurrentDate: lambda c, n: exp.CurrentDate(),
    exp.Star: lambda c, n: refuse("*（除 COUNT(*) 外）", "* (outside COUNT(*))"),
}
