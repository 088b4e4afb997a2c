"""Reading a formula: tokens and parse (sqlglot's neutral dialect, every call left anonymous), the
refusals that come before any conversion (statements, semicolons, empty arguments, subqueries, window
functions, parameters, absurd nesting) and the errors a user must fix (FormulaError)."""

from __future__ import annotations

from itertools import pairwise
from typing import NoReturn

from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.parser import Parser
from sqlglot.tokens import Token, Tokenizer, TokenType

from shuzhi.errors import ShuzhiError

MAX_DEPTH = 100  # nesting of the parsed formula; keeps sqlglot's recursive generator safe downstream

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


class FormulaError(ShuzhiError):
    """A formula the user must fix: HTTP 400 with one of the formula_* codes."""

    def __init__(self, code: str, zh: str, en: str, details: dict | None = None) -> None:
        super().__init__(code, zh, en, 400, details=details)


class _Tokenizer(Tokenizer):
    IDENTIFIERS = ['"', "`"]


class _Parser(Parser):
    FUNCTIONS: dict = {}  # every call becomes exp.Anonymous
    FUNCTION_PARSERS = {k: Parser.FUNCTION_PARSERS[k] for k in ("CAST", "POSITION")}  # AS / IN syntax
    NO_PAREN_FUNCTION_PARSERS = {"CASE": Parser.NO_PAREN_FUNCTION_PARSERS["CASE"]}
    COLUMN_OPERATORS = {k: v for k, v in Parser.COLUMN_OPERATORS.items()  # a.b and x::type; no JSON arrows
                        if k in (TokenType.DOT, TokenType.DCOLON)}


_STATEMENT_TOKENS = frozenset(Tokenizer.COMMANDS | {TokenType.COMMAND} | set(_Parser.STATEMENT_PARSERS))


def refuse(what_zh: str, what_en: str, why_zh: str = "", why_en: str = "") -> NoReturn:
    raise FormulaError("formula_not_allowed", f"公式中不允许使用{what_zh}。{why_zh}",
                       f"{what_en} is not allowed in a formula.{' ' + why_en if why_en else ''}",
                       details={"construct": what_en})


def too_complex() -> FormulaError:
    return FormulaError("formula_too_complex", f"公式嵌套过深或展开后过大（最多 {MAX_DEPTH} 层），请拆成几个计算字段。",
                        f"The formula is nested too deeply or grows too large (at most {MAX_DEPTH} levels); "
                        "split it into several calculated fields.")


def width_hint(text: str) -> tuple[str, str]:
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
    hz, he = width_hint(text)
    return FormulaError("formula_syntax", f"公式语法错误：{where_zh}{tok_zh}{zh_what}。{hz}",
                        f"Formula syntax error{where_en}{tok_en}: {en_what}.{he}",
                        details={"line": line, "col": col, "token": token or None})


def parse_tree(text: str) -> exp.Expression:
    try:
        tokens = _Tokenizer().tokenize(text)
    except TokenError:
        hz, he = width_hint(text)
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
        raise too_complex() from None
    except Exception:  # noqa: BLE001 - whatever sqlglot trips over is, for the user, a syntax error
        raise _syntax_error(text, {}) from None
    trees = [s for s in statements if s is not None]
    if len(trees) != 1:
        refuse("多条语句", "More than one statement")
    return trees[0]


def _check_tokens(tokens: list[Token]) -> None:
    """Statements, semicolons and empty arguments (sqlglot would silently read IF(a,,b) as IF(a, b))."""
    if any(t.token_type == TokenType.SEMICOLON for t in tokens):
        refuse("分号", "A semicolon", "公式只能是一个表达式。", "A formula is a single expression.")
    for prev, tok in pairwise(tokens):
        if (prev.token_type, tok.token_type) in _EMPTY_ARGUMENT:
            pair = prev.text + tok.text
            raise FormulaError("formula_syntax", f"公式语法错误：第 {tok.col} 个字符附近有一个空参数（“{pair}”）。",
                               f"Formula syntax error near character {tok.col}: an empty argument "
                               f"('{pair}').",
                               details={"line": tok.line, "col": tok.col, "token": tok.text})
    first, word = tokens[0], tokens[0].text.upper()
    if word in _STATEMENT_WORDS or first.token_type in _STATEMENT_TOKENS:
        refuse(f" SQL 语句 {word}", f"The SQL statement {word}",
                f"公式只能是一个表达式；如果 {first.text} 是字段名，请写成 \"{first.text}\"。",
                f"A formula is a single expression; if {first.text} is a field, write \"{first.text}\".")


def prescan(tree: exp.Expression) -> None:
    """Refuse the gravest constructs first, whatever wraps them, and absurd nesting."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise too_complex()
        if isinstance(node, (exp.Query, exp.Subquery, exp.Exists)):
            refuse("子查询（SELECT）", "A subquery (SELECT)", "公式只能引用模型中的字段和指标。",
                    "A formula may only refer to the model's fields and metrics.")
        if isinstance(node, exp.Window):
            refuse("窗口函数（OVER）", "A window function (OVER)", "同比、环比、占比、累计、排名请用查询的计算项。",
                    "Use the query's computes (yoy, pop, percent_of_total, cumulative, rank).")
        if isinstance(node, (exp.Placeholder, exp.Parameter, exp.SessionParameter)):
            refuse("参数或占位符", "A parameter or placeholder")
        stack.extend((c, depth + 1) for c in node.iter_expressions())
