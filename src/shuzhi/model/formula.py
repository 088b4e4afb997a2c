"""The formula language of calculated fields, metric filters, metrics and derived metrics.

    f = parse_formula("IF(discount_rate > 0.1, '高折扣', '常规')", resolve=resolver)
    f.tree, f.references, f.has_aggregate, f.type_hint

Invariants:
- Pure: no I/O, no engine import; the result is a sqlglot tree and nothing here renders SQL.
- Parsing uses sqlglot's default ("neutral") dialect tokenizer and parser with one change: the
  parser knows no function, so every call arrives as exp.Anonymous and formula_functions rebuilds it
  from its allow-list (sqlglot's per-dialect function parsing never decides what a formula means).
  Identifiers may be quoted with "double quotes" or `backticks`.
- The output tree is built fresh, node by node, from an ALLOW-LIST of node types (_HANDLERS). Nothing
  else gets through: no parsed node, no comment. String literals stay exp.Literal, escaped by
  sqlglot when rendered. The tree renders on duckdb, postgres, mysql and spark with the same meaning.
- Every column reference is replaced by a copy of what resolve(parts) returns, parenthesized unless
  call-shaped; parse_formula resolves nothing itself. resolve=None keeps plain columns (validation).
- Only ShuzhiError leaves parse_formula: FormulaError with one of the codes formula_empty,
  formula_too_long, formula_too_complex, formula_syntax, formula_not_allowed, formula_arguments,
  formula_aggregate_not_allowed, formula_mixed_aggregate, formula_not_condition; or the resolver's own.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal, NoReturn

from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.parser import Parser
from sqlglot.tokens import Token, Tokenizer, TokenType

from shuzhi.errors import ShuzhiError
from shuzhi.model.formula_functions import (
    AGGREGATES,
    ALLOWED_FUNCTIONS,
    BUILDERS,
    TypeHint,
    cast_type,
    formula_type_hint,
    paren,
    safe_divide,
    safe_mod,
)

__all__ = ["ALLOWED_FUNCTIONS", "Formula", "FormulaError", "formula_type_hint", "parse_formula"]

MAX_LENGTH = 4000
MAX_DEPTH = 100  # nesting of the parsed formula; keeps sqlglot's recursive generator safe downstream
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
_STATEMENT_WORDS = frozenset("SELECT WITH INSERT UPDATE DELETE MERGE UPSERT DROP CREATE ALTER TRUNCATE COPY "
                             "ATTACH DETACH INSTALL PRAGMA GRANT REVOKE EXECUTE EXEC CALL VACUUM CHECKPOINT "
                             "EXPORT IMPORT UNION VALUES".split())
_EMPTY_ARGUMENT = {(TokenType.COMMA, TokenType.COMMA), (TokenType.COMMA, TokenType.R_PAREN),
                   (TokenType.L_PAREN, TokenType.COMMA)}
_FULL_WIDTH = "（），；：‘’“”"
_PARSE_HINTS = (  # sqlglot's description prefix -> zh, en
    ("Expecting )", "缺少右括号 )", "a closing parenthesis ) is missing"),
    ("Required keyword", "运算符或关键字后缺少内容", "something is missing after an operator or keyword"),
    ("Invalid expression / Unexpected token", "出现了意外的符号", "an unexpected token"),
    ("Expected END", "CASE 缺少 END", "CASE is missing END"),
    ("Expected THEN", "CASE WHEN 缺少 THEN", "CASE WHEN is missing THEN"),
)
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


class FormulaError(ShuzhiError):
    """A formula the user must fix: HTTP 400 with one of the formula_* codes."""

    def __init__(self, code: str, zh: str, en: str, details: dict | None = None) -> None:
        super().__init__(code, zh, en, 400, details=details)


@dataclass(frozen=True)
class Formula:
    text: str
    tree: exp.Expression
    references: list[str]  # names as written ("amount", "customers.region"), in order of first use
    has_aggregate: bool  # the tree, including what resolve() substituted, aggregates
    type_hint: TypeHint | None


class _Tokenizer(Tokenizer):
    IDENTIFIERS = ['"', "`"]


class _Parser(Parser):
    FUNCTIONS: dict = {}  # every call becomes exp.Anonymous
    FUNCTION_PARSERS = {k: Parser.FUNCTION_PARSERS[k] for k in ("CAST", "POSITION")}  # AS / IN syntax
    NO_PAREN_FUNCTION_PARSERS = {"CASE": Parser.NO_PAREN_FUNCTION_PARSERS["CASE"]}
    COLUMN_OPERATORS = {k: v for k, v in Parser.COLUMN_OPERATORS.items()  # a.b and x::type; no JSON arrows
                        if k in (TokenType.DOT, TokenType.DCOLON)}


_STATEMENT_TOKENS = frozenset(Tokenizer.COMMANDS | {TokenType.COMMAND} | set(_Parser.STATEMENT_PARSERS))


def _refuse(what_zh: str, what_en: str, why_zh: str = "", why_en: str = "") -> NoReturn:
    raise FormulaError("formula_not_allowed", f"公式中不允许使用{what_zh}。{why_zh}",
                       f"{what_en} is not allowed in a formula.{' ' + why_en if why_en else ''}",
                       details={"construct": what_en})


def _too_complex() -> FormulaError:
    return FormulaError("formula_too_complex", f"公式嵌套过深或展开后过大（最多 {MAX_DEPTH} 层），请拆成几个计算字段。",
                        f"The formula is nested too deeply or grows too large (at most {MAX_DEPTH} levels); "
                        "split it into several calculated fields.")


def _width_hint(text: str) -> tuple[str, str]:
    if any(ch in text for ch in _FULL_WIDTH):
        return ("公式里有中文标点（如全角括号、逗号），请改用英文标点 ( ) ,。",
                " The formula contains full-width punctuation; use ASCII ( ) , instead.")
    return "", ""


def _syntax_error(text: str, err: dict) -> FormulaError:
    desc = str(err.get("description") or "")
    zh_what, en_what = next(((zh, en) for p, zh, en in _PARSE_HINTS if desc.startswith(p)),
                            ("无法解析", "it cannot be parsed"))
    line, col, token = err.get("line"), err.get("col"), str(err.get("highlight") or "").strip()
    line_zh, line_en = (f"第 {line} 行", f" of line {line}") if line and line > 1 else ("", "")
    where_zh, where_en = (f"{line_zh}第 {col} 个字符附近", f" near character {col}{line_en}") if col else ("", "")
    tok_zh, tok_en = (f"（“{token}”）", f" ('{token}')") if token else ("", "")
    hz, he = _width_hint(text)
    return FormulaError("formula_syntax", f"公式语法错误：{where_zh}{tok_zh}{zh_what}。{hz}",
                        f"Formula syntax error{where_en}{tok_en}: {en_what}.{he}",
                        details={"line": line, "col": col, "token": token or None})


def _parse(text: str) -> exp.Expression:
    try:
        tokens = _Tokenizer().tokenize(text)
    except TokenError:
        hz, he = _width_hint(text)
        raise FormulaError("formula_syntax", f"公式语法错误：有未闭合的引号或无法识别的字符。{hz}",
                           f"Formula syntax error: an unclosed quote or an unknown character.{he}") from None
    if not tokens:
        raise FormulaError("formula_empty", "公式不能为空（注释不算内容）。",
                           "The formula is empty (comments do not count).")
    _check_tokens(tokens)
    try:
        statements = _Parser(max_errors=1).parse(tokens, text)
    except ParseError as e:
        raise _syntax_error(text, e.errors[0] if e.errors else {}) from None
    except RecursionError:
        raise _too_complex() from None
    except Exception:  # noqa: BLE001 - whatever sqlglot trips over is, for the user, a syntax error
        raise _syntax_error(text, {}) from None
    trees = [s for s in statements if s is not None]
    if len(trees) != 1:
        _refuse("多条语句", "More than one statement")
    return trees[0]


def _check_tokens(tokens: list[Token]) -> None:
    """Statements, semicolons and empty arguments (sqlglot would silently read IF(a,,b) as IF(a, b))."""
    if any(t.token_type == TokenType.SEMICOLON for t in tokens):
        _refuse("分号", "A semicolon", "公式只能是一个表达式。", "A formula is a single expression.")
    for prev, tok in pairwise(tokens):
        if (prev.token_type, tok.token_type) in _EMPTY_ARGUMENT:
            pair = prev.text + tok.text
            raise FormulaError("formula_syntax", f"公式语法错误：第 {tok.col} 个字符附近有一个空参数（“{pair}”）。",
                               f"Formula syntax error near character {tok.col}: an empty argument "
                               f"('{pair}').",
                               details={"line": tok.line, "col": tok.col, "token": tok.text})
    first, word = tokens[0], tokens[0].text.upper()
    if word in _STATEMENT_WORDS or first.token_type in _STATEMENT_TOKENS:
        _refuse(f" SQL 语句 {word}", f"The SQL statement {word}",
                f"公式只能是一个表达式；如果 {first.text} 是字段名，请写成 \"{first.text}\"。",
                f"A formula is a single expression; if {first.text} is a field, write \"{first.text}\".")


def _prescan(tree: exp.Expression) -> None:
    """Refuse the gravest constructs first, whatever wraps them, and absurd nesting."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _too_complex()
        if isinstance(node, (exp.Query, exp.Subquery, exp.Exists)):
            _refuse("子查询（SELECT）", "A subquery (SELECT)", "公式只能引用模型中的字段和指标。",
                    "A formula may only refer to the model's fields and metrics.")
        if isinstance(node, exp.Window):
            _refuse("窗口函数（OVER）", "A window function (OVER)", "同比、环比、占比、累计、排名请用查询的计算项。",
                    "Use the query's computes (yoy, pop, percent_of_total, cumulative, rank).")
        if isinstance(node, (exp.Placeholder, exp.Parameter, exp.SessionParameter)):
            _refuse("参数或占位符", "A parameter or placeholder")
        stack.extend((c, depth + 1) for c in node.iter_expressions())


def _checked_size(tree: exp.Expression) -> exp.Expression:
    if any(n > MAX_NODES for n, _ in enumerate(tree.walk(bfs=False))):
        raise _too_complex()
    return tree


class _Converter:
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
            _refuse(*name)
        return handler(self, node)

    def literal(self, node: exp.Literal) -> exp.Expression:
        if node.is_string:
            return exp.Literal.string(str(node.this))
        try:
            ok = abs(float(node.this)) < float("inf")
        except ValueError:
            ok = False
        if not ok:
            _refuse(f"数字写法 {node.this}", f"The number {node.this}")
        return exp.Literal.number(str(node.this))

    def column(self, node: exp.Column) -> exp.Expression:
        if isinstance(node.this, exp.Star):
            _refuse("*（除 COUNT(*) 外）", "* (outside COUNT(*))")
        idents = list(node.parts)
        names = [p.name for p in idents]
        written = ".".join(names)
        if not all(isinstance(p, exp.Identifier) for p in idents):
            raise FormulaError("formula_syntax", f"名称 {written} 的写法有误。", f"The name {written} is malformed.",
                               details={"token": written})
        if len(idents) > 2:
            _refuse(f"三段及以上的名称 {written}", f"The name {written} with three or more parts",
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
            _refuse(f"嵌套聚合（{written} 本身已是聚合）", f"A nested aggregate ({written} is already an aggregate)")
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
            _refuse("IS TRUE 等写法", "IS other than IS [NOT] NULL", "请写成 = TRUE 或直接写条件。",
                    "Write = TRUE or the condition itself.")
        return exp.Is(this=self.build(node.this), expression=exp.Null())

    def in_(self, node: exp.In) -> exp.Expression:
        if any(node.args.get(k) for k in ("query", "unnest", "field")):
            _refuse("IN 子查询", "IN with a subquery")
        if not node.expressions:
            _refuse("空的 IN ()", "An empty IN ()")
        for v in node.expressions:
            inner = v.this if isinstance(v, exp.Neg) else v
            if not isinstance(inner, (exp.Literal, exp.Boolean, exp.Null)) and not (
                    isinstance(inner, exp.Cast) and isinstance(inner.this, exp.Literal)):
                _refuse("IN 列表中的非常量", "A non-constant value in an IN list",
                        "IN (…) 中只能写常量，例如 IN ('赢单', '输单')。",
                        "IN (...) takes constants, e.g. IN ('won', 'lost').")
        return exp.In(this=self.build(node.this), expressions=[self.build(v) for v in node.expressions])

    def between(self, node: exp.Between) -> exp.Expression:
        if node.args.get("symmetric"):
            _refuse("BETWEEN SYMMETRIC", "BETWEEN SYMMETRIC")
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
            _refuse("带格式的 CAST", "CAST with FORMAT or options")
        return exp.Cast(this=self.build(node.this), to=cast_type(node.to, _refuse))

    def position(self, node: exp.StrPosition) -> exp.Expression:  # POSITION(sub IN text)
        if node.args.get("position") or node.args.get("occurrence"):
            _refuse("POSITION 的额外参数", "Extra POSITION arguments")
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
                _refuse(f"嵌套聚合 {name}(…)", f"A nested aggregate {name}(...)")
        self.agg_depth += name in AGGREGATES
        try:
            return _checked_size(BUILDERS[name](_Call(self, name, raw)))
        finally:
            self.agg_depth -= name in AGGREGATES


def _check_name(ident: exp.Identifier) -> None:
    name = ident.name
    if ident.quoted:
        if not name.strip() or any(ord(ch) < 32 for ch in name):
            _refuse("空的或含控制字符的名称", "An empty name or a name with control characters")
        return
    if name[:1] in ("$", "@", ":", "?"):
        _refuse(f"参数或占位符 {name}", f"The parameter or placeholder {name}")
    if not _NAME.match(name):
        hz, he = _width_hint(name)
        raise FormulaError("formula_syntax",
                           hz or f"名称 {name} 含有特殊字符；若它是字段名，请用双引号括起来，例如 \"{name}\"。",
                           he.strip() or f"The name {name} contains special characters; if it is a field, "
                           f"quote it: \"{name}\".", details={"token": name})


class _Call:
    """The formula_functions.CallContext handed to a builder."""

    def __init__(self, conv: _Converter, name: str, raw: list[exp.Expression]) -> None:
        self.conv, self.name, self.raw = conv, name, raw

    def arg(self, i: int) -> exp.Expression:
        return self.conv.build(self.raw[i])

    def build(self, node: exp.Expression) -> exp.Expression:
        return self.conv.build(node)

    def fail(self, zh: str, en: str) -> NoReturn:
        raise FormulaError("formula_arguments", f"函数 {self.name} 的参数有误：{zh}",
                           f"Bad argument to {self.name}: {en}", details={"function": self.name})


_C = _Converter
_HANDLERS: dict[type, Callable[[_Converter, exp.Expression], exp.Expression]] = {  # the allow-list
    exp.Literal: _C.literal,
    exp.Boolean: lambda c, n: exp.Boolean(this=bool(n.this)),
    exp.Null: lambda c, n: exp.Null(),
    exp.Column: _C.column,
    **{cls: _C.unary for cls in (exp.Paren, exp.Neg, exp.Not)},
    **{cls: _C.binary for cls in (
        exp.Add, exp.Sub, exp.Mul, exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.And, exp.Or)},
    exp.Div: _C.div,
    exp.Mod: _C.mod,
    exp.Is: _C.is_,
    exp.In: _C.in_,
    exp.Between: _C.between,
    exp.Like: _C.like,
    exp.ILike: _C.like,
    exp.Case: _C.case,
    exp.Cast: _C.cast,
    exp.Anonymous: lambda c, n: c.call(str(n.this).upper(), list(n.expressions)),
    exp.StrPosition: _C.position,
    exp.CurrentDate: lambda c, n: exp.CurrentDate(),
    exp.Star: lambda c, n: _refuse("*（除 COUNT(*) 外）", "* (outside COUNT(*))"),
}


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
    parsed = _parse(text)
    _prescan(parsed)
    conv = _Converter(resolve, allow_aggregates, context)
    try:
        tree = _checked_size(conv.build(parsed))
    except RecursionError:
        raise _too_complex() from None
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
