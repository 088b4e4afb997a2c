"""Hand-written read-only SQL (the SQL page, `shuzhi sql`) on a PostgreSQL warehouse.

Invariants
- The statement is parsed with sqlglot in the postgres dialect and accepted only when it is one query
  (SELECT / WITH / set operations) that reads nothing but published tables (unqualified names listed
  by the warehouse, or its own CTEs) and calls only functions sqlglot knows as ordinary SQL functions:
  any function sqlglot does not model (pg_read_file, dblink, lo_import, set_config, query_to_xml,
  pg_terminate_backend, …) is refused, so are SELECT … INTO and FOR UPDATE / SHARE.
- It then runs inside a READ ONLY transaction with a local statement_timeout, and at most the capped
  rows and bytes are fetched. On other engines (MySQL protocol) hand-written SQL is refused.
"""

from __future__ import annotations

import sqlglot
from sqlalchemy.engine import Engine
from sqlglot import exp

from shuzhi.engines.sql_engine import _driver_errors, rows_to_arrow
from shuzhi.engines.warehouse import ReadResult, _collect
from shuzhi.errors import ShuzhiError

_ROOTS = (exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Subquery)


def _refuse(what: str) -> ShuzhiError:
    return ShuzhiError(
        "sql_not_allowed_external",
        f"外部数据仓库上的手写 SQL 只能是只读查询，只能读已发布的表、只能用常见 SQL 函数（不允许：{what}）。",
        f"Hand-written SQL on the external warehouse must be one read-only query over published tables using "
        f"common SQL functions only (not allowed: {what}).")


def check(sql: str, tables: list[str]) -> str:
    """The statement rendered back in the postgres dialect when it may run (module invariants)."""
    text = sql.strip().rstrip(";").strip()
    if not text:
        raise ShuzhiError("sql_empty", "SQL 语句为空。", "The SQL statement is empty.")
    try:
        trees = [t for t in sqlglot.parse(text, read="postgres") if t is not None]
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as exc:
        msg = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise ShuzhiError("sql_syntax", f"SQL 语法错误：{msg}", f"SQL syntax error: {msg}") from None
    if len(trees) != 1:
        raise ShuzhiError("sql_multiple_statements", "一次只能运行一条 SQL 语句。", "Run one SQL statement at a time.")
    tree = trees[0]
    if not isinstance(tree, _ROOTS):
        raise _refuse(type(tree).__name__.upper())
    ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
    published = set(tables)
    for node in tree.walk():
        if isinstance(node, exp.Anonymous):
            raise _refuse(f"{node.name}()")
        if isinstance(node, exp.Into | exp.Lock):
            raise _refuse("INTO" if isinstance(node, exp.Into) else "FOR UPDATE / SHARE")
        if isinstance(node, exp.Table) and not isinstance(node.this, exp.Func):
            qualified = node.args.get("db") or node.args.get("catalog")
            if qualified or (node.name not in published and node.name not in ctes) or node.name.startswith("_shuzhi"):
                raise _refuse(node.sql("postgres"))
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Func):
            raise _refuse(node.this.sql("postgres"))
    return tree.sql("postgres")


def read_query(engine: Engine, sql: str, tables: list[str], *, max_rows: int | None = None,
               max_bytes: int | None = None, timeout_s: float | None = None) -> ReadResult:
    """check(), then run it in a READ ONLY transaction; at most max_rows + 1 rows are fetched."""
    text = check(sql, tables)
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            if timeout_s:
                conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout_s * 1000)}")  # an int we computed
            cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                cur.execute(text)
                names = [d[0] for d in cur.description or []]
                rows = cur.fetchmany(max_rows + 1) if max_rows is not None else cur.fetchall()
            finally:
                cur.close()
                conn.rollback()
    except (DBAPIError, *_driver_errors()) as exc:
        orig = getattr(exc, "orig", None) or exc
        msg = (str(orig).strip().splitlines() or [type(exc).__name__])[0][:300]
        if "statement timeout" in msg or "canceling statement" in msg:
            raise ShuzhiError("query_timeout", f"查询超过 {timeout_s:g} 秒未完成，已取消。",
                              f"The query did not finish within {timeout_s:g} s and was cancelled.", 504) from None
        raise ShuzhiError("query_failed", f"查询失败：{msg}", f"The query failed: {msg}", 400) from None
    table = rows_to_arrow(names, rows)
    return _collect(table.to_reader(), max_rows, max_bytes)
