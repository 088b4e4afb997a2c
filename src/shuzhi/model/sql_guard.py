"""Checks on SQL that people write: a model's `sql:` datasets and an administrator's SQL.

    tree = dataset_query("SELECT region, sum(amount) FROM sales GROUP BY 1")   # exp.Query, or ShuzhiError
    problem = refusal(tree, ADMIN_TABLE_FUNCTIONS)                           # None, or (kind, name)

Invariants
- Pure: sqlglot only (duckdb dialect), no engine, no I/O. The warehouse's DuckDB sandbox (no file,
  network, ATTACH or extension access; engines/warehouse.py) is the second, independent barrier.
- A table function (a function in FROM / JOIN / LATERAL position) is accepted only from an ALLOW-list:
  model SQL may generate rows (range, generate_series, unnest) and walk JSON values (json_each,
  json_tree), nothing else. Anything that reads files, URLs, other databases or runs SQL text
  (read_*, *_scan, glob, sniff_csv, parquet_*, query, query_table, iceberg_*, delta_*, ...) is refused
  wherever it appears, also in a scalar position.
- A table name that looks like a file or a URL (`FROM '/etc/passwd'`, `FROM 'x.csv'`) is refused:
  DuckDB would read such a "table" as a file.
- Statements that write, attach, load, set or copy are refused anywhere in the tree.
- Every refusal is a ShuzhiError naming the offending function or table, never the data.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

from shuzhi.errors import ShuzhiError

# Table functions a model's dataset SQL may call (all pure: they read no file, URL or database).
MODEL_TABLE_FUNCTIONS: frozenset[str] = frozenset({"range", "generate_series", "unnest", "json_each", "json_tree"})
# Administrators may also inspect the catalog (duckdb_tables(), pragma_table_info(...), SUMMARIZE).
ADMIN_TABLE_FUNCTIONS: frozenset[str] = MODEL_TABLE_FUNCTIONS | {
    "summary", "histogram", "histogram_values", "repeat", "repeat_row", "pg_timezone_names",
    "icu_calendar_names", "test_all_types",
}
_ADMIN_PREFIXES = ("duckdb_", "pragma_")
# Functions that reach outside the warehouse (files, URLs, other databases, SQL text, settings and
# extensions); refused in any position, whatever the allow-list says.
EXTERNAL = re.compile(
    r"^(read_\w+|\w*_scan|scan_\w+|glob|sniff_csv|parquet_\w+|iceberg_\w+|delta_\w+|query|query_table|"
    r"json_execute_serialized_sql|\w*external_resource\w*|\w*grammar_extension|checkpoint|force_checkpoint|"
    r"enable_\w+|disable_\w+|truncate_duckdb_logs|python_\w+|which_secret|getenv|load_\w+|install_\w+|"
    r"sqlite_\w+|postgres_\w+|mysql_\w+|st_read\w*|http_\w+|duckdb_secrets|duckdb_logs\w*)$",
    re.IGNORECASE,
)
# Statement nodes that write or reach outside the warehouse; refused anywhere in a read-only tree.
FORBIDDEN_NODES: tuple[type[exp.Expression], ...] = tuple(
    getattr(exp, name)
    for name in (
        "Insert", "Update", "Delete", "Merge", "Create", "Drop", "Alter", "Copy",
        "Attach", "Detach", "Use", "Set", "Pragma", "Command", "Into", "TruncateTable",
        "Transaction", "Commit", "Rollback", "LoadData", "Install", "Export",
    )
    if hasattr(exp, name)
)
PATH_LIKE = re.compile(
    r"[/\\~]|://|^\.|\.(csv|tsv|txt|parquet|json|ndjson|jsonl|xlsx?|db|duckdb|sqlite3?|gz|zst|arrow|avro)$",
    re.IGNORECASE,
)


def function_names(fn: exp.Func) -> set[str]:
    """The names a function node may have in DuckDB (sqlglot turns range() into GENERATE_SERIES...)."""
    names = {fn.name.lower()} if isinstance(fn, exp.Anonymous) else {fn.sql_name().lower()}
    try:
        rendered = fn.sql(dialect="duckdb")
    except Exception:  # noqa: BLE001 - an odd node: its sqlglot name is enough
        rendered = ""
    head = rendered.split("(", 1)[0].strip().lower()
    if head and re.fullmatch(r"[\w.]+", head):
        names.add(head.rsplit(".", 1)[-1])
    return {n for n in names if n}


def _admin_allowed(name: str) -> bool:
    return name in ADMIN_TABLE_FUNCTIONS or name.startswith(_ADMIN_PREFIXES)


def refusal(tree: exp.Expression, allowed: frozenset[str] | str = MODEL_TABLE_FUNCTIONS) -> tuple[str, str] | None:
    """Why the query may not run: ("write", node name) or ("external", function / table name); None if fine.

    `allowed` is a set of table-function names, or "admin" for the administrator's list."""
    is_allowed = _admin_allowed if allowed == "admin" else (lambda n: n in allowed)  # type: ignore[operator]
    for node in tree.walk():
        if isinstance(node, FORBIDDEN_NODES):
            return "write", node.key.upper()
        if isinstance(node, exp.Func):
            names = function_names(node)
            bad = sorted(n for n in names if EXTERNAL.match(n))
            if bad:
                return "external", bad[0]
            in_from = isinstance(node.parent, exp.From | exp.Join | exp.Lateral) or (
                isinstance(node.parent, exp.Table) and node.arg_key == "this")
            if in_from and not any(is_allowed(n) for n in names):
                return "external", sorted(names)[0]
        elif isinstance(node, exp.Table):
            if isinstance(node.this, exp.Literal):
                return "external", str(node.this.this)
            for part in (node.catalog, node.db, node.name):
                if part and PATH_LIKE.search(part):
                    return "external", part
    return None


def parse_single(sql: str) -> exp.Expression:
    """Exactly one statement, parsed as DuckDB SQL (raises ShuzhiError sql_syntax / sql_multiple_statements)."""
    try:
        trees = [t for t in sqlglot.parse(sql, read="duckdb") if t is not None]
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as exc:
        msg = _first_line(exc)
        raise ShuzhiError("sql_syntax", f"SQL 语法错误：{msg}", f"SQL syntax error: {msg}") from None
    except RecursionError:
        raise ShuzhiError("sql_too_complex", "SQL 嵌套过深，无法检查。", "The SQL is nested too deeply to check.") from None
    if len(trees) != 1:
        raise ShuzhiError("sql_multiple_statements", "一次只能执行一条 SQL 语句。",
                          "Only one SQL statement can be run at a time.")
    return trees[0]


def dataset_query(sql: str) -> exp.Query:
    """A model dataset's SQL as a checked tree: one read-only SELECT using only allowed table functions."""
    try:
        tree = parse_single(sql)
    except ShuzhiError as err:
        if err.code == "sql_syntax":
            raise ShuzhiError("dataset_sql_syntax", f"数据集 SQL 语法错误：{err.zh.split('：', 1)[-1]}",
                              f"Dataset SQL syntax error: {err.en.split(': ', 1)[-1]}") from None
        raise _not_select() from None
    if not isinstance(tree, exp.Query):
        raise _not_select()
    why = refusal(tree, MODEL_TABLE_FUNCTIONS)
    if why is None:
        return tree
    kind, name = why
    if kind == "write":
        raise _not_select()
    allowed = "、".join(sorted(MODEL_TABLE_FUNCTIONS))
    raise ShuzhiError(
        "dataset_sql_external",
        f"数据集 SQL 只能读取数据仓库中的表，不能使用 {name}（不能读取文件、网址或其他数据库；允许的表函数：{allowed}）。",
        f"Dataset SQL may only read warehouse tables, not {name} (no files, URLs or other databases; "
        f"allowed table functions: {', '.join(sorted(MODEL_TABLE_FUNCTIONS))}).",
    )


def _not_select() -> ShuzhiError:
    return ShuzhiError("dataset_sql_not_select", "数据集 SQL 必须是一条只读的 SELECT 查询。",
                       "Dataset SQL must be one read-only SELECT query.")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]
