"""The formula language: accepted formulas mean the same on every engine; everything else fails cleanly.

- ACCEPTED: each formula is rendered by sqlglot and EXECUTED on an in-memory DuckDB table with the
  sample rows below, and on PostgreSQL and MariaDB when they are reachable (skipped locally, required
  under CI=true). Spark has no server here: its SQL text is checked instead.
- REFUSED: injection attempts and everything outside the allow-list raise ShuzhiError with the
  stated code, and nothing else; a deterministic fuzz run checks the same for ~300 mutations.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from shuzhi.errors import ShuzhiError
from shuzhi.model.formula import ALLOWED_FUNCTIONS, FormulaError, formula_type_hint, parse_formula
from shuzhi.model.formula_functions import BUILDERS

D, DT = dt.date, dt.datetime
COLUMNS = {
    "id": "BIGINT", "amount": "BIGINT", "cost": "BIGINT", "qty": "BIGINT", "zero_qty": "BIGINT",
    "price": "DOUBLE", "discount_rate": "DOUBLE", "city": "VARCHAR", "province": "VARCHAR",
    "region": "VARCHAR", "name": "VARCHAR", "status": "VARCHAR", "stage": "VARCHAR", "note": "VARCHAR",
    "order_date": "DATE", "ship_date": "DATE", "ts": "TIMESTAMP", "is_new": "BOOLEAN",
}
ROWS = [
    (1, 1000, 600, 3, 0, 2.5, 0.15, "杭州", "浙江", "华东", " Servo-A ", "已完成", "赢单", "a_b\\c",
     D(2025, 1, 31), D(2025, 2, 3), DT(2025, 1, 31, 22, 30), True),
    (2, 250, 300, 4, 0, -1.25, 0.05, None, "江苏", "华东", "motor", "已取消", "输单", "it's",
     D(2024, 12, 30), D(2025, 1, 2), DT(2024, 12, 30, 8, 0), False),
    (3, 7, 0, 0, 0, 0.0, None, "上海", "上海", "华北", "减速机Pro", "进行中", "谈判", None,
     D(2025, 6, 15), None, DT(2025, 6, 15, 0, 0), None),
]
ORDER_DATES = [r[14] for r in ROWS]
METRICS = {"revenue": "SUM(amount)", "cogs": "SUM(cost)", "rd_spend": "SUM(cost)",
           "gross_profit": "revenue - cogs"}


class UnknownField(ShuzhiError):
    pass


def resolve(parts: tuple[str, ...]) -> exp.Expression:
    """The test model: dataset t (also reachable as customers.*), 金额 = amount, profit = amount - cost."""
    name = parts[-1]
    if parts == ("profit",):
        return parse_formula("amount - cost", resolve=resolve).tree
    if parts == ("金额",):
        name = "amount"
    if name not in COLUMNS or (len(parts) == 2 and parts[0] not in ("t", "customers")):
        written = ".".join(parts)
        raise UnknownField("unknown_field", f"没有字段 {written}。", f"There is no field {written}.")
    return exp.column(name, table="t")


def resolve_metric(parts: tuple[str, ...]) -> exp.Expression:
    if len(parts) == 1 and parts[0] in METRICS:
        return parse_formula(METRICS[parts[0]], resolve=resolve_metric, allow_aggregates=True,
                             context="metric").tree
    return resolve(parts)


@dataclass(frozen=True)
class Case:
    formula: str
    want: list[Any]  # one value per sample row, or a single value for aggregates
    agg: bool = False
    skip: tuple[str, ...] = ()  # dialects where the formula is documented as unavailable
    metric: bool = False  # resolve metric names

    def parse(self):  # type: ignore[no-untyped-def]
        return parse_formula(self.formula, resolve=resolve_metric if self.metric else resolve,
                             allow_aggregates=self.agg, context="metric" if self.agg else "field")


def c(formula: str, *want: Any, **kw: Any) -> Case:
    values = list(want[0]) if len(want) == 1 and isinstance(want[0], list) else list(want)
    return Case(formula, values, **kw)


def agg(formula: str, want: Any, **kw: Any) -> Case:
    return Case(formula, [want], agg=True, **kw)


ACCEPTED = [
    # arithmetic, safe division (float, NULL on 0), modulo
    c("amount - cost", 400, -50, 7),
    c("(amount - cost) * 2", 800, -100, 14),
    c("amount - cost * 2", -200, -350, 7),
    c("-amount + 1", -999, -249, -6),
    c("amount / qty", 1000 / 3, 62.5, None),
    c("qty / 2", 1.5, 2.0, 0.0),
    c("amount / zero_qty", None, None, None),
    c("cost / amount * 100", 60.0, 120.0, 0.0),
    c("SAFE_DIVIDE(amount, qty)", 1000 / 3, 62.5, None),
    c("100 - SAFE_DIVIDE(cost, amount) * 100", 40.0, -20.0, 100.0),
    c("amount % 7", 6, 5, 0),
    c("MOD(amount, qty)", 1, 2, None),
    c("MOD(-amount, 3)", -1, -1, -1),
    c("1.5e2 + 0.5", 150.5, 150.5, 150.5),
    # math
    c("ROUND(amount / 10000, 2)", 0.1, 0.03, 0.0),
    c("ROUND(price)", 3, -1, 0),
    c("ROUND(price * 10, -1)", 30, -10, 0),
    c("ROUND(-2.5)", -3, -3, -3),
    c("ABS(price)", 2.5, 1.25, 0.0),
    c("FLOOR(price)", 2, -2, 0),
    c("CEIL(price)", 3, -1, 0),
    c("CEILING(price)", 3, -1, 0),
    c("SQRT(amount)", math.sqrt(1000), math.sqrt(250), math.sqrt(7)),
    c("SQRT(price)", math.sqrt(2.5), None, 0.0),
    c("POWER(qty, 2)", 9, 16, 0),
    c("LN(price)", math.log(2.5), None, None),
    c("LOG10(amount)", 3.0, math.log10(250), math.log10(7)),
    c("EXP(zero_qty)", 1.0, 1.0, 1.0),
    c("SIGN(price)", 1, -1, 0),
    c("GREATEST(discount_rate, 0.1)", 0.15, 0.1, 0.1),
    c("GREATEST(discount_rate, NULL)", 0.15, 0.05, None),
    c("LEAST(amount, cost, qty)", 3, 4, 0),
    # conditions and conditionals
    c("CASE WHEN discount_rate > 0.1 THEN '高折扣' ELSE '常规' END", "高折扣", "常规", "常规"),
    c("CASE stage WHEN '赢单' THEN 1 WHEN '输单' THEN 0 END", 1, 0, None),
    c("IF(is_new, '新品', '老品')", "新品", "老品", "老品"),
    c("IF(amount > 500, 'big')", "big", None, None),
    c("COALESCE(city, '未知')", "杭州", "未知", "上海"),
    c("NULLIF(stage, '谈判')", "赢单", "输单", None),
    c("customers.region = '华东'", True, True, False),
    c("status <> '已取消'", True, False, True),
    c("status != '已取消'", True, False, True),
    c("stage IN ('赢单', '输单')", True, True, False),
    c("stage NOT IN ('赢单')", False, True, True),
    c("amount IN (7, -1, 1000)", True, False, True),
    c("order_date IN (DATE '2025-01-31')", True, False, False),
    c("ship_date IS NOT NULL AND is_new", True, False, False),
    c("ship_date IS NULL OR amount > 500", True, False, True),
    c("NOT (amount > 500)", False, True, True),
    c("NOT is_new", False, True, None),
    c("is_new = TRUE", True, False, None),
    c("amount BETWEEN 7 AND 250", False, True, True),
    c("amount NOT BETWEEN 7 AND 250", True, False, False),
    c("amount >= 250 AND amount < 1000 OR amount <= 7", False, True, True),
    c("name LIKE '%otor%'", False, True, False),
    c("name ILIKE '%servo%'", True, False, False),
    c("note LIKE 'a\\_b%'", True, False, None),
    c("note LIKE '%\\\\%'", True, False, None),
    c("note NOT LIKE '%''%'", True, False, None),
    # text
    c("UPPER(name)", " SERVO-A ", "MOTOR", "减速机PRO"),
    c("LOWER(name)", " servo-a ", "motor", "减速机pro"),
    c("LENGTH(name)", 9, 5, 6),
    c("TRIM(name)", "Servo-A", "motor", "减速机Pro"),
    c("LTRIM(name)", "Servo-A ", "motor", "减速机Pro"),
    c("RTRIM(name)", " Servo-A", "motor", "减速机Pro"),
    c("SUBSTRING(name, 2, 5)", "Servo", "otor", "速机Pro"),
    c("SUBSTR(name, 4)", "rvo-A ", "or", "Pro"),
    c("CONCAT(province, '-', city)", "浙江-杭州", "江苏-", "上海-上海"),
    c("CONCAT(name, amount)", " Servo-A 1000", "motor250", "减速机Pro7"),
    c("CONCAT('it''s ', 'a\\b', '-', stage)", "it's a\\b-赢单", "it's a\\b-输单", "it's a\\b-谈判"),
    c("REPLACE(name, 'o', '0')", " Serv0-A ", "m0t0r", "减速机Pr0"),
    c("LEFT(province, 1)", "浙", "江", "上"),
    c("RIGHT(name, 3)", "-A ", "tor", "Pro"),
    c("POSITION('o' IN name)", 6, 2, 6),
    c("POSITION('机', name)", 0, 0, 3),
    c("STRPOS(name, 'o')", 6, 2, 6),
    c("CONTAINS(name, 'otor')", False, True, False),
    c("STARTS_WITH(province, '浙')", True, False, False),
    c("ENDS_WITH(name, 'Pro')", False, False, True),
    # dates
    c("YEAR(order_date)", 2025, 2024, 2025),
    c("QUARTER(order_date)", 1, 4, 2),
    c("MONTH(order_date)", 1, 12, 6),
    c("DAY(order_date)", 31, 30, 15),
    c("WEEK(order_date)", [d.isocalendar()[1] for d in ORDER_DATES]),
    c("WEEK(ts)", [d.isocalendar()[1] for d in ORDER_DATES]),
    c("DAYOFWEEK(order_date)", [d.isoweekday() for d in ORDER_DATES]),
    c("DAYOFWEEK(ts)", [d.isoweekday() for d in ORDER_DATES]),
    c("YEAR(ts) * 100 + MONTH(ts)", 202501, 202412, 202506),
    c("DATE_TRUNC('month', order_date)", D(2025, 1, 1), D(2024, 12, 1), D(2025, 6, 1)),
    c("DATE_TRUNC('week', order_date)", D(2025, 1, 27), D(2024, 12, 30), D(2025, 6, 9)),
    c("DATE_TRUNC('quarter', order_date)", D(2025, 1, 1), D(2024, 10, 1), D(2025, 4, 1)),
    c("DATE_TRUNC('year', order_date)", D(2025, 1, 1), D(2024, 1, 1), D(2025, 1, 1)),
    c("DATE_TRUNC('day', ts)", ORDER_DATES),
    c("DATE_TRUNC(month, ts)", D(2025, 1, 1), D(2024, 12, 1), D(2025, 6, 1)),
    c("DATE_ADD(order_date, INTERVAL 1 MONTH)", D(2025, 2, 28), D(2025, 1, 30), D(2025, 7, 15)),
    c("DATE_ADD('day', 3, order_date)", D(2025, 2, 3), D(2025, 1, 2), D(2025, 6, 18)),
    c("DATE_ADD(order_date, 1)", D(2025, 2, 1), D(2024, 12, 31), D(2025, 6, 16)),
    c("DATE_ADD(order_date, INTERVAL '2 weeks')", D(2025, 2, 14), D(2025, 1, 13), D(2025, 6, 29)),
    c("DATE_ADD('month', qty, order_date)", D(2025, 4, 30), D(2025, 4, 30), D(2025, 6, 15)),
    c("DATE_ADD(ts, INTERVAL 1 DAY)", D(2025, 2, 1), D(2024, 12, 31), D(2025, 6, 16)),
    c("DATE_SUB(order_date, INTERVAL 1 YEAR)", D(2024, 1, 31), D(2023, 12, 30), D(2024, 6, 15)),
    c("DATE_SUB('quarter', 1, order_date)", D(2024, 10, 31), D(2024, 9, 30), D(2025, 3, 15)),
    c("DATE_DIFF('day', order_date, ship_date)", 3, 3, None),
    c("DATE_DIFF('week', order_date, ship_date)", 1, 0, None),
    c("DATE_DIFF('month', order_date, ship_date)", 1, 1, None),
    c("DATE_DIFF('quarter', order_date, ship_date)", 0, 1, None),
    c("DATE_DIFF('year', order_date, ship_date)", 0, 1, None),
    c("DATE_DIFF(day, ts, ship_date)", 3, 3, None),
    c("DATE_DIFF('day', order_date, CURRENT_DATE) > 0", True, True, True),
    c("TODAY() > order_date", True, True, True),
    # casts and literals
    c("CAST(amount AS VARCHAR)", "1000", "250", "7"),
    c("CAST('12' AS INTEGER) + qty", 15, 16, 12),
    c("CAST(price AS DECIMAL(10, 2))", 2.5, -1.25, 0.0),
    c("CAST('2025-03-01' AS DATE)", D(2025, 3, 1), D(2025, 3, 1), D(2025, 3, 1)),
    c("DATE '2025-03-01' > order_date", True, True, False),
    c("CAST(order_date AS TIMESTAMP)", DT(2025, 1, 31), DT(2024, 12, 30), DT(2025, 6, 15)),
    c("amount::double / 8", 125.0, 31.25, 0.875),
    c("CAST(is_new AS BOOLEAN)", True, False, None),
    c("TRUE AND NOT FALSE", True, True, True),
    c("NULL", None, None, None),
    # names: quoted, backticks, Chinese, two parts, substituted formulas, comments
    c('"amount" + 1', 1001, 251, 8),
    c("`amount` + 1", 1001, 251, 8),
    c("金额 * 2", 2000, 500, 14),
    c("t.amount + t.cost", 1600, 550, 7),
    c("profit * 2", 800, -100, 14),
    c("amount -- comment; DROP TABLE t", 1000, 250, 7),
    c("amount /* ; DROP TABLE t */ + 1", 1001, 251, 8),
    # aggregates (metrics) and derived metrics
    agg("SUM(amount)", 1257),
    agg("COUNT(*)", 3),
    agg("COUNT(city)", 2),
    agg("COUNT(DISTINCT region)", 2),
    agg("AVG(qty)", 7 / 3),
    agg("MIN(order_date)", D(2024, 12, 30)),
    agg("MAX(amount)", 1000),
    agg("MEDIAN(amount)", 250, skip=("mysql",)),
    agg("SUM(DISTINCT zero_qty)", 0),
    agg("AVG(DISTINCT zero_qty)", 0.0),
    agg("SUM(amount) / SUM(qty)", 1257 / 7),
    agg("SUM(qty) / SUM(qty + zero_qty)", 1.0),
    agg("SUM(CASE WHEN status <> '已取消' THEN amount ELSE 0 END)", 1007),
    agg("COUNT(DISTINCT IF(is_new, id, NULL))", 1),
    agg("ROUND(AVG(price), 2)", 0.42),
    Case("revenue - cogs", [357], metric=True),
    Case("gross_profit / revenue", [357 / 1257], metric=True),
    Case("SAFE_DIVIDE(rd_spend, revenue)", [900 / 1257], metric=True),
]
DIALECTS = ("duckdb", "postgres", "mysql", "spark")


def _lit(v: Any) -> exp.Expression:
    if v is None:
        return exp.Null()
    if isinstance(v, bool):
        return exp.Boolean(this=v)
    if isinstance(v, (int, float)):
        return exp.Literal.number(v)
    return exp.Literal.string(str(v))  # str(date) and str(datetime) are ISO


def sample_rows() -> exp.Query:
    """The sample table as a sqlglot query (so every engine gets it in its own dialect)."""
    selects = [exp.select(*[exp.Cast(this=_lit(v), to=exp.DataType.build(t)).as_(n)
                            for (n, t), v in zip(COLUMNS.items(), row, strict=True)]) for row in ROWS]
    query: exp.Query = selects[0]
    for s in selects[1:]:
        query = exp.union(query, s, distinct=False)
    return query


def _same(got: Any, want: Any) -> bool:
    if want is None or got is None:
        return want is None and got is None
    if isinstance(want, bool):
        return isinstance(got, (bool, int)) and bool(got) == want  # MySQL has no boolean type
    if isinstance(want, (int, float)):
        return isinstance(got, (int, float, Decimal)) and not isinstance(got, bool) and math.isclose(
            float(got), want, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(want, dt.datetime):
        return isinstance(got, dt.datetime) and got == want
    if isinstance(want, dt.date):  # a DATE, not a timestamp
        return type(got) is dt.date and got == want
    return got == want


Runner = Callable[[str], list[tuple]]


def run_case(case: Case, dialect: str, run: Runner, source: exp.Expression) -> None:
    tree = case.parse().tree
    query = exp.select(tree.as_("v")).from_(source.copy())
    if not case.agg and not case.metric:
        query = query.order_by(exp.column("id", table="t"))
    sql = query.sql(dialect=dialect)
    got = [row[0] for row in run(sql)]
    assert len(got) == len(case.want) and all(_same(g, w) for g, w in zip(got, case.want, strict=True)), (
        f"{case.formula} on {dialect}: got {got!r}, want {case.want!r}\n{sql}")


def _unavailable(name: str, reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{name} is not reachable ({reason}); CI=true requires it", pytrace=False)
    pytest.skip(f"{name} is not reachable ({reason})")


@pytest.fixture(scope="module")
def duck() -> Iterator[Runner]:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS " + sample_rows().sql(dialect="duckdb"))
    yield lambda sql: con.execute(sql).fetchall()
    con.close()


@pytest.fixture(scope="module")
def pg(pg_server: str) -> Iterator[Runner]:
    import psycopg

    with psycopg.connect(pg_server.replace("+psycopg", ""), autocommit=True) as con:
        yield lambda sql: con.execute(sql).fetchall()  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def maria() -> Iterator[Runner]:
    import pymysql

    url = urlparse(os.environ.get("SHUZHI_TEST_MARIADB_URL", "mysql://root@127.0.0.1:3306"))
    try:
        con = pymysql.connect(host=url.hostname, port=url.port or 3306, user=url.username or "root",
                              password=url.password or "", autocommit=True, connect_timeout=3,
                              charset="utf8mb4")
    except Exception as exc:  # noqa: BLE001
        _unavailable("MariaDB", str(exc).splitlines()[0])

    def run(sql: str) -> list[tuple]:
        with con.cursor() as cur:
            cur.execute(sql)
            return list(cur.fetchall())

    yield run
    con.close()


def _ids(cases: list[Case]) -> list[str]:
    return [case.formula for case in cases]


@pytest.mark.parametrize("case", ACCEPTED, ids=_ids(ACCEPTED))
def test_accepted_on_duckdb(case: Case, duck: Runner) -> None:
    run_case(case, "duckdb", duck, exp.to_table("t"))


@pytest.mark.postgres
@pytest.mark.parametrize("case", ACCEPTED, ids=_ids(ACCEPTED))
def test_accepted_on_postgres(case: Case, pg: Runner) -> None:
    run_case(case, "postgres", pg, sample_rows().subquery("t"))


@pytest.mark.mariadb
@pytest.mark.parametrize("case", [x for x in ACCEPTED if "mysql" not in x.skip], ids=_ids(
    [x for x in ACCEPTED if "mysql" not in x.skip]))
def test_accepted_on_mariadb(case: Case, maria: Runner) -> None:
    run_case(case, "mysql", maria, sample_rows().subquery("t"))


def test_every_allowed_function_has_one_builder() -> None:
    assert set(BUILDERS) == set(ALLOWED_FUNCTIONS)
    assert all(0 <= low <= (high or low) for low, high, _, _ in ALLOWED_FUNCTIONS.values())


def test_every_allowed_function_is_executed_by_a_case() -> None:
    calls = re.compile(r"([A-Za-z_][A-Za-z_0-9]*)\s*\(")
    used = {m.upper() for case in ACCEPTED for m in calls.findall(case.formula)}
    used |= {"CURRENT_DATE"} if any("CURRENT_DATE" in case.formula for case in ACCEPTED) else set()
    assert set(ALLOWED_FUNCTIONS) <= used, sorted(set(ALLOWED_FUNCTIONS) - used)


@pytest.mark.parametrize("case", ACCEPTED, ids=_ids(ACCEPTED))
def test_renders_for_every_dialect(case: Case) -> None:
    tree = case.parse().tree
    for dialect in DIALECTS:
        sql = tree.sql(dialect=dialect, unsupported_level=sqlglot.ErrorLevel.RAISE)
        assert sql and "/*" not in sql


@pytest.mark.parametrize(("formula", "dialect", "expected"), [
    ("amount / qty", "postgres", "CAST(t.amount AS DOUBLE PRECISION) / NULLIF(t.qty, 0)"),
    ("amount / qty", "spark", "CAST(t.amount AS DOUBLE) / NULLIF(t.qty, 0)"),
    ("amount / qty", "mysql", "CAST(t.amount AS DOUBLE) / NULLIF(t.qty, 0)"),
    ("ROUND(price, 2)", "postgres", "ROUND(CAST(t.price AS DECIMAL(38, 10)), 2)"),
    ("YEAR(order_date)", "postgres", "CAST(EXTRACT(YEAR FROM t.order_date) AS BIGINT)"),
    ("LOG10(amount)", "postgres", "LOG10(CASE WHEN t.amount > 0 THEN t.amount END)"),
    ("IF(is_new, 1, 0)", "spark", "IF(t.is_new, 1, 0)"),
    ("IF(is_new, 1, 0)", "postgres", "CASE WHEN t.is_new THEN 1 ELSE 0 END"),
    ("CONCAT(province, city)", "spark", "CONCAT(COALESCE(t.province, ''), COALESCE(t.city, ''))"),
    ("LENGTH(name)", "mysql", "CHAR_LENGTH(t.name)"),
    ("DATE_TRUNC('week', order_date)", "spark", "CAST(TRUNC(t.order_date, 'WEEK') AS DATE)"),
    ("DATE_ADD('month', 2, order_date)", "spark", "CAST(ADD_MONTHS(CAST(t.order_date AS DATE), 2) AS DATE)"),
    ("DATE_DIFF('day', order_date, ship_date)", "spark",
     "DATEDIFF(CAST(t.ship_date AS DATE), CAST(t.order_date AS DATE))"),
    ("CAST(amount AS VARCHAR)", "spark", "CAST(t.amount AS STRING)"),
    ("name = 'a\\'' OR 1=1 --'", "mysql", "t.name = 'a\\\\'' OR 1=1 --'"),
])
def test_rendered_sql_shape(formula: str, dialect: str, expected: str) -> None:
    assert parse_formula(formula, resolve=resolve).tree.sql(dialect=dialect) == expected


REFUSED: list[tuple[str, str, dict[str, Any]]] = [
    # injection attempts
    ("amount; DROP TABLE users", "formula_not_allowed", {}),
    ("1); DROP TABLE x; --", "formula_not_allowed", {}),
    ("(SELECT password_hash FROM users)", "formula_not_allowed", {}),
    ("amount + (SELECT 1)", "formula_not_allowed", {}),
    ("EXISTS(SELECT 1)", "formula_not_allowed", {}),
    ("amount IN (SELECT id FROM users)", "formula_not_allowed", {}),
    ("read_csv('/etc/passwd')", "formula_not_allowed", {}),
    ("pg_sleep(10)", "formula_not_allowed", {}),
    ("load_extension('x')", "formula_not_allowed", {}),
    ("SUM(amount) OVER ()", "formula_not_allowed", {"allow_aggregates": True}),
    ("ROW_NUMBER() OVER (ORDER BY amount)", "formula_not_allowed", {}),
    ("a.b.c", "formula_not_allowed", {}),
    ("pg_catalog.pg_user.usename", "formula_not_allowed", {}),
    ("@x", "formula_not_allowed", {}),
    ("$1", "formula_not_allowed", {}),
    ("?", "formula_not_allowed", {}),
    (":name", "formula_not_allowed", {}),
    ("'a' || (SELECT 1)", "formula_not_allowed", {}),
    ("'a' || 'b'", "formula_not_allowed", {}),
    ("amount /* */ ; select 1", "formula_not_allowed", {}),
    ("COPY", "formula_not_allowed", {}),
    ("ATTACH", "formula_not_allowed", {}),
    ("COPY t TO '/tmp/x.csv'", "formula_not_allowed", {}),
    ("ATTACH '/tmp/x.db' AS x", "formula_not_allowed", {}),
    ("INSTALL httpfs", "formula_not_allowed", {}),
    ("LOAD httpfs", "formula_not_allowed", {}),
    ("PRAGMA version", "formula_not_allowed", {}),
    ("SET threads = 1", "formula_not_allowed", {}),
    ("DROP TABLE t", "formula_not_allowed", {}),
    ("SELECT 1", "formula_not_allowed", {}),
    ("WITH x AS (SELECT 1) SELECT * FROM x", "formula_not_allowed", {}),
    ("VALUES (1)", "formula_not_allowed", {}),
    ("CURRENT_USER", "formula_not_allowed", {}),
    ("duckdb_tables()", "formula_not_allowed", {}),
    ("TRY_CAST(amount AS INT)", "formula_not_allowed", {}),
    ("amount -> 'x'", "formula_syntax", {}),
    ("NULL2.5", "formula_syntax", {}),
    # outside the allow-list
    ("SUMM(amount)", "formula_not_allowed", {"allow_aggregates": True}),
    ("amount cost", "formula_not_allowed", {}),
    ("amount IS TRUE", "formula_not_allowed", {}),
    ("amount DIV 2", "formula_not_allowed", {}),
    ("amount ^ 2", "formula_not_allowed", {}),
    ("ARRAY[1]", "formula_not_allowed", {}),
    ("name[1]", "formula_not_allowed", {}),
    ("t.*", "formula_not_allowed", {}),
    ("*", "formula_not_allowed", {}),
    ("INTERVAL 1 DAY", "formula_not_allowed", {}),
    ("CAST(amount AS BLOB)", "formula_not_allowed", {}),
    ("CAST(amount AS DECIMAL(50, 2))", "formula_not_allowed", {}),
    ("name LIKE 'a!%' ESCAPE '!'", "formula_not_allowed", {}),
    ("amount IN ()", "formula_not_allowed", {}),
    ("amount IN (cost)", "formula_not_allowed", {}),
    ("amount <=> cost", "formula_not_allowed", {}),
    ("UPPER(DISTINCT name)", "formula_not_allowed", {}),
    ("1e999", "formula_not_allowed", {}),
    # arguments
    ("ROUND(1, 2, 3)", "formula_arguments", {}),
    ("COUNT()", "formula_arguments", {"allow_aggregates": True}),
    ("IF(is_new)", "formula_arguments", {}),
    ("COALESCE()", "formula_arguments", {}),
    ("CURRENT_DATE(1)", "formula_arguments", {}),
    ("DATE_DIFF('day', order_date)", "formula_arguments", {}),
    ("DATE_TRUNC('hour', order_date)", "formula_arguments", {}),
    ("DATE_ADD(order_date, INTERVAL 1 HOUR)", "formula_arguments", {}),
    ("ROUND(amount, qty)", "formula_arguments", {}),
    ("SUM(*)", "formula_arguments", {"allow_aggregates": True}),
    ("MAX(DISTINCT amount)", "formula_arguments", {"allow_aggregates": True}),
    ("COUNT(DISTINCT amount, cost)", "formula_arguments", {"allow_aggregates": True}),
    # aggregates
    ("SUM(amount)", "formula_aggregate_not_allowed", {}),
    ("COUNT(*)", "formula_aggregate_not_allowed", {}),
    ("MAX(amount) - 1", "formula_aggregate_not_allowed", {"context": "filter"}),
    ("SUM(SUM(amount))", "formula_not_allowed", {"allow_aggregates": True}),
    ("SUM(AVG(amount) + 1)", "formula_not_allowed", {"allow_aggregates": True}),
    ("SUM(amount) / amount", "formula_mixed_aggregate", {"allow_aggregates": True}),
    # shape
    ("", "formula_empty", {}),
    ("   \n ", "formula_empty", {}),
    ("-- only a comment", "formula_empty", {}),
    ("/* */", "formula_empty", {}),
    ("amount + " + "1 + " * 1000 + "1", "formula_too_long", {}),
    ("(" * 150 + "1" + ")" * 150, "formula_too_complex", {}),
    ("SQRT(" * 40 + "amount" + ")" * 40, "formula_too_complex", {}),
    ("amount +", "formula_syntax", {}),
    ("amount * / cost", "formula_syntax", {}),
    ("IF(is_new,,1)", "formula_syntax", {}),
    ("ROUND(amount,)", "formula_syntax", {}),
    ("amount > > 1", "formula_not_allowed", {}),
    ("'unterminated", "formula_syntax", {}),
    ("IF（is_new，1，0）", "formula_syntax", {}),
    ("CASE WHEN amount > 1 THEN 1", "formula_syntax", {}),
    ("amount + 1 # x", "formula_syntax", {}),
    ("amount + 1", "formula_not_condition", {"context": "filter"}),
]


@pytest.mark.parametrize(("formula", "code", "kw"), REFUSED, ids=[f"{r[1]}:{r[0][:40]}" for r in REFUSED])
def test_refused(formula: str, code: str, kw: dict[str, Any]) -> None:
    with pytest.raises(ShuzhiError) as info:
        parse_formula(formula, resolve=resolve, **kw)
    err = info.value
    assert err.code == code, (err.code, err.en)
    assert err.status == 400 and isinstance(err, FormulaError)
    assert err.zh.endswith(("。", "？", "）")) and err.en.endswith((".", "?", ")")), (err.zh, err.en)


def test_unknown_function_suggests_the_closest() -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula("SUMM(amount)", allow_aggregates=True)
    assert info.value.details["suggestion"] == "SUM" and "SUM？" in info.value.zh and "SUM?" in info.value.en


def test_syntax_error_says_where() -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula("amount * / cost")
    err = info.value
    assert err.details["col"] == 10 and err.details["token"] == "/"
    assert "第 10 个字符" in err.zh and "near character 10" in err.en and "“/”" in err.zh


def test_references_are_ordered_unique_and_as_written() -> None:
    calls: list[tuple[str, ...]] = []

    def spy(parts: tuple[str, ...]) -> exp.Expression:
        calls.append(parts)
        return resolve(parts)

    f = parse_formula("amount + cost + amount + customers.region", resolve=spy)
    assert f.references == ["amount", "cost", "customers.region"]
    assert calls == [("amount",), ("cost",), ("amount",), ("customers", "region")]
    assert parse_formula('"Amount" + `x y`').references == ["Amount", "x y"]


def test_resolver_errors_pass_through_and_three_part_names_never_reach_it() -> None:
    with pytest.raises(UnknownField):
        parse_formula("amount + nope", resolve=resolve)
    calls: list[tuple[str, ...]] = []
    with pytest.raises(FormulaError):
        parse_formula("a.b.c", resolve=lambda p: calls.append(p) or exp.column("x"))  # type: ignore
    assert calls == []


def test_substitution_keeps_precedence_and_leaves_the_resolved_tree_alone() -> None:
    shared = parse_formula("amount - cost", resolve=resolve).tree
    f = parse_formula("profit * profit", resolve=lambda p: shared)
    assert f.tree.sql() == "(t.amount - t.cost) * (t.amount - t.cost)"
    assert shared.parent is None and shared.sql() == "t.amount - t.cost"
    assert parse_formula("x", resolve=lambda p: shared).tree is not shared


def test_resolve_none_keeps_plain_columns() -> None:
    assert parse_formula("customers.region = '华东'").tree.sql() == "customers.region = '华东'"


def test_comments_never_reach_the_output() -> None:
    tree = parse_formula("amount /* x */ + 1 -- y\n + cost").tree
    assert tree.sql() == "amount + 1 + cost" and all(not n.comments for n in tree.walk())


def test_aggregates_flags() -> None:
    assert not parse_formula("amount - cost").has_aggregate
    assert parse_formula("SUM(amount)", allow_aggregates=True).has_aggregate
    assert parse_formula("revenue - cogs", resolve=resolve_metric, context="derived").has_aggregate
    with pytest.raises(FormulaError, match="nested"):
        parse_formula("SUM(revenue)", resolve=resolve_metric, allow_aggregates=True)


@pytest.mark.parametrize(("formula", "hint"), [
    ("amount - cost", "number"), ("amount / qty", "number"), ("status <> 'x'", "boolean"),
    ("CONCAT(a, b)", "string"), ("IF(a, '新品', '老品')", "string"), ("YEAR(d)", "number"),
    ("DATE_TRUNC('month', d)", "date"), ("CURRENT_DATE", "date"), ("CAST(x AS DATE)", "date"),
    ("COALESCE(city, '未知')", "string"), ("amount", None), ("name LIKE 'a%'", "boolean"),
    ("DATE_DIFF('day', a, b)", "number"), ("CASE WHEN a THEN NULL ELSE 1 END", "number"),
])
def test_type_hints(formula: str, hint: str | None) -> None:
    assert parse_formula(formula).type_hint == hint
    assert formula_type_hint(parse_formula(formula).tree) == hint


def test_typed_columns_inform_hints_and_filters() -> None:
    def typed(parts: tuple[str, ...]) -> exp.Expression:
        col = exp.column(parts[-1], table="t")
        col.type = exp.DataType.build("BOOLEAN" if parts[-1] == "flag" else "DOUBLE")
        return col

    assert parse_formula("amount", resolve=typed).type_hint == "number"
    assert parse_formula("flag", resolve=typed, context="filter").type_hint == "boolean"
    with pytest.raises(FormulaError) as info:
        parse_formula("amount", resolve=typed, context="filter")
    assert info.value.code == "formula_not_condition"


# --- fuzz --------------------------------------------------------------------------------------------
SNIPPETS = ["'", '"', '`', ';', '--', '/*', '*/', '(', ')', ',', ' SELECT ', ' FROM t', '$1', '@x', '?',
            ':p', '||', ' OVER ()', 'DISTINCT ', '*', '\\', '\n', '（', '，', 'read_csv(', '::int', ' AS ',
            ' INTERVAL 1 DAY', 'CASE WHEN ', ' END', 'NULL', '1e999', '\x00', 'é', '🙂', ' DROP TABLE t',
            ' IN (', 'SUM(', '.', 'a.b.c', "''", '%', '/', '0', ' AND ', ' NOT ', 'IF(', 'DATE_ADD(',
            "'day'", 'ATTACH ', 'COPY ']
TOKENS = ['amount', 'cost', '(', ')', ',', '+', '-', '*', '/', '%', '=', '<>', 'AND', 'OR', 'NOT', 'IN',
          'IS', 'NULL', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'SUM', 'COUNT', 'DISTINCT', 'IF', 'CAST',
          'AS', 'DATE', "'x'", '1', '2.5', 'SELECT', 'FROM', 'OVER', 'INTERVAL', 'DAY', 'LIKE',
          'BETWEEN', ';', '--', 't.amount']
OUTPUT_TYPES = {  # every node type a formula tree may contain
    exp.Column, exp.Identifier, exp.Literal, exp.Boolean, exp.Null, exp.Paren, exp.Neg, exp.Not, exp.Add,
    exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.And, exp.Or,
    exp.Is, exp.In,
    exp.Between, exp.Like, exp.ILike, exp.Escape, exp.Case, exp.If, exp.Cast, exp.DataType, exp.DataTypeParam,
    exp.Coalesce, exp.Nullif, exp.Abs, exp.Round, exp.Floor, exp.Ceil, exp.Sqrt, exp.Ln, exp.Exp, exp.Pow,
    exp.Sign, exp.Greatest, exp.Least, exp.Upper, exp.Lower, exp.Length, exp.Trim, exp.Substring, exp.Concat,
    exp.Replace, exp.Left, exp.Right, exp.StrPosition, exp.Year, exp.Month, exp.Day, exp.Extract, exp.Var,
    exp.DateDiff, exp.DateTrunc, exp.DateAdd, exp.DateSub, exp.CurrentDate, exp.Anonymous, exp.Sum, exp.Count,
    exp.Avg, exp.Min, exp.Max, exp.Median, exp.Distinct, exp.Star,
}


def _mutate(rng: random.Random, seeds: list[str]) -> str:
    text = rng.choice(seeds)
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(5)
        i, j = sorted(rng.randrange(len(text) + 1) for _ in range(2))
        if op == 0:
            text = text[:i] + rng.choice(SNIPPETS) + text[i:]
        elif op == 1:
            text = text[:i] + text[j:]
        elif op == 2:
            text = text[:j] + text[i:j] + text[j:]
        elif op == 3:
            text = f"{text} {rng.choice(['+', 'AND', '/', '||', ';', ','])} {rng.choice(seeds)}"
        else:
            text = " ".join(rng.choices(TOKENS, k=rng.randint(1, 12)))
    return text


def test_fuzz_only_shuzhi_errors_and_safe_trees() -> None:
    rng = random.Random(20261126)
    seeds = [case.formula for case in ACCEPTED] + [r[0] for r in REFUSED if len(r[0]) < 200]
    def accept_all(parts: tuple[str, ...]) -> exp.Expression:
        return exp.column(parts[-1], table="t")

    outcomes = {"ok": 0, "refused": 0}
    for _ in range(300):
        text = _mutate(rng, seeds)
        try:
            f = parse_formula(text, resolve=accept_all, allow_aggregates=rng.random() < 0.5,
                              context=rng.choice(["field", "metric", "filter", "derived"]))
        except ShuzhiError:
            outcomes["refused"] += 1
            continue
        outcomes["ok"] += 1
        kinds = {type(n) for n in f.tree.walk()}
        assert kinds <= OUTPUT_TYPES, (text, kinds - OUTPUT_TYPES)
        assert all(n.name == "LOG10" for n in f.tree.find_all(exp.Anonymous)), text
        for dialect in DIALECTS:
            sql = exp.select(f.tree.copy().as_("v")).from_("t").sql(dialect=dialect)
            back = sqlglot.parse(sql, read=dialect)
            assert len(back) == 1 and len(list(back[0].find_all(exp.Select))) == 1, (text, sql)
    assert outcomes["ok"] > 20 and outcomes["refused"] > 100, outcomes
