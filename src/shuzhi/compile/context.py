"""Shared state of one compilation and the small builders every pass uses.

Naming inside generated SQL (never user text): dimension columns d0, d1, …; metric columns
m__<metric name> (metric names are validated identifiers); dataset aliases t0 (the fact), t1, ….
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp
from sqlglot.errors import ErrorLevel, UnsupportedError

from shuzhi.errors import ShuzhiError
from shuzhi.model.index import JoinStep
from shuzhi.model.sql_guard import dataset_query
from shuzhi.spec.resolve import ResolvedQuery

DIALECTS = ("duckdb", "postgres", "mysql", "spark")


def check_dialect(dialect: str) -> str:
    if dialect not in DIALECTS:
        raise ShuzhiError("bad_dialect", f"不支持的 SQL 方言 {dialect}，可选：{'、'.join(DIALECTS)}。",
                          f"Unsupported SQL dialect {dialect}; choose one of {', '.join(DIALECTS)}.")
    return dialect


NAMES = {"postgres": "PostgreSQL", "mysql": "MySQL/MariaDB", "spark": "Spark SQL", "duckdb": "DuckDB"}


def dataset_subquery(sql: str) -> exp.Subquery:
    """A model dataset's SQL (DuckDB dialect, checked by model.sql_guard) as a subquery, marked so that
    compile_query renders it strictly (render) for another dialect."""
    sub = exp.Subquery(this=dataset_query(sql))
    sub.meta["dataset_sql"] = True
    return sub


def check_datasets(tree: exp.Expression, dialect: str) -> None:
    """Every dataset SQL in the tree renders for `dialect` (else 400 sql_unsupported_dialect)."""
    if dialect != "duckdb":
        for sub in tree.find_all(exp.Subquery):
            if sub.meta.get("dataset_sql"):
                render(sub.this, dialect)


def render(tree: exp.Expression, dialect: str) -> str:
    """The tree as SQL of `dialect`. Functions and types sqlglot translates are written the target's
    way (TRY_CAST, STRFTIME, DuckDB's // …); what it knows the target lacks (arrays in MySQL, …) is
    refused with a bilingual error (400 sql_unsupported_dialect) instead of SQL that fails later."""
    if dialect == "duckdb":
        return tree.sql(dialect=dialect)
    try:
        return tree.sql(dialect=dialect, unsupported_level=ErrorLevel.RAISE)
    except UnsupportedError as exc:
        why = str(exc).splitlines()[0][:300]
        name = NAMES.get(dialect, dialect)
        raise ShuzhiError("sql_unsupported_dialect", f"查询用到了 {name} 不支持的写法（{why}），无法在该数据库上执行；"
                          "请改写公式或数据集，或改用抽取模式。",
                          f"The query uses something {name} does not support ({why}); rewrite the formula or "
                          "dataset, or use extract mode.", 400) from None


def shown(rq: ResolvedQuery, metrics: list[str]) -> list[str]:
    """Metric names as errors show them: an ad-hoc item's hidden metric by its label (单价（平均值）)."""
    return [rq.index.metrics[m].label if m in rq.adhoc else m for m in metrics]


def dim_col(i: int) -> str:
    return f"d{i}"


def metric_col(name: str) -> str:
    return f"m__{name}"


def ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=ident(name), table=ident(table) if table else None)


def literal(value: Any) -> exp.Expression:
    """A typed SQL literal built as a tree (sqlglot escapes it when rendering)."""
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    if isinstance(value, dt.datetime):
        return exp.cast(exp.Literal.string(value.isoformat(sep=" ")), "TIMESTAMP")
    if isinstance(value, dt.date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    return exp.Literal.string(str(value))


@dataclass
class Shift:
    """How a comparison variant moves time: the range goes back, the period labels go forward."""

    kind: str  # "yoy" | "pop"
    grain: str | None  # grain of the comparison's time dimension, if any
    start: dt.date | None = None  # the shifted (earlier) range, when the query has one
    end: dt.date | None = None


@dataclass
class GroupPlan:
    """One fact subquery: leaf metrics of one dataset that share a time binding."""

    name: str
    dataset: str
    time_field: str | None
    metrics: list[str]
    semi: str | None = None
    filters: list[Any] = field(default_factory=list)  # RFilter or ("rule", dataset, tree) entries
    datasets: set[str] = field(default_factory=set)
    joins: list[JoinStep] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    shared_keys: dict[str, tuple[str, str]] = field(default_factory=dict)  # shared dim → member field
    select: exp.Select | None = None


@dataclass
class CoreState:
    rq: ResolvedQuery
    dialect: str
    shift: Shift | None = None
    needed: list[str] = field(default_factory=list)  # metrics to compute, dependencies first
    groups: list[GroupPlan] = field(default_factory=list)
    core: exp.Select | None = None


@dataclass
class CompiledQuery:
    sql: str
    tree: exp.Expression
    columns: list[dict[str, Any]]
    dialect: str
