"""`shuzhi demo` on a PostgreSQL warehouse (SHUZHI_WAREHOUSE_URL) gives the same answers as on the embedded
DuckDB: every golden QuerySpec of tests/service/query/golden/cases.yaml, through the executor of each runtime."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from shuzhi.results.encoders import to_rows
from shuzhi.service.executor import Executor
from shuzhi.spec.resolve import UserContext

CASES = yaml.safe_load((Path(__file__).parents[2] / "service/query/golden/cases.yaml").read_text(encoding="utf-8"))
pytestmark = pytest.mark.postgres


def _norm(v: Any) -> Any:
    return None if isinstance(v, float) and math.isnan(v) else v


def _rows(rt, spec: dict) -> list[list[Any]]:  # type: ignore[no-untyped-def]
    res = Executor.open(rt, UserContext.system(), purpose="insight").run(spec, use_cache=False)
    rows = [[_norm(v) for v in r] for r in to_rows(res.table)]
    return sorted(rows, key=lambda r: json.dumps(r, ensure_ascii=False, default=str))


def _close(a: list[list[Any]], b: list[list[Any]]) -> bool:
    if len(a) != len(b):
        return False
    for ra, rb in zip(a, b, strict=True):
        for x, y in zip(ra, rb, strict=True):
            if isinstance(x, float) or isinstance(y, float):
                if x is None or y is None or not math.isclose(float(x), float(y), rel_tol=1e-6, abs_tol=1e-6):
                    return False
            elif x != y:
                return False
    return True


def test_demo_tables_are_in_postgres(pg_rt, duck_rt) -> None:  # type: ignore[no-untyped-def]
    ext = pg_rt.external()
    assert ext is not None and ext.dialect == "postgres"
    # ds_*: the dataset test may have materialized one there already (tests run in any order)
    assert [t for t in ext.tables() if not t.startswith("ds_")] == duck_rt.warehouse(read_only=True).open().tables()
    assert "_shuzhi_versions" not in ext.tables()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_same_rows_as_duckdb(case: dict, duck_rt, pg_rt) -> None:  # type: ignore[no-untyped-def]
    expected = _rows(duck_rt, case["spec"])
    actual = _rows(pg_rt, case["spec"])
    assert expected, "a golden case returns rows"
    assert _close(actual, expected), f"PostgreSQL differs from DuckDB:\n{actual[:5]}\n{expected[:5]}"


@pytest.mark.mariadb
@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_same_rows_on_mariadb(case: dict, duck_rt, maria_rt) -> None:  # type: ignore[no-untyped-def]
    expected = _rows(duck_rt, case["spec"])
    actual = _rows(maria_rt, case["spec"])
    assert _close(actual, expected), f"MariaDB differs from DuckDB:\n{actual[:5]}\n{expected[:5]}"


def test_data_page_reads_postgres(pg_rt, duck_rt) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.service import tables as svc

    u = UserContext.system()
    assert {t["name"]: t["rows"] for t in svc.list_tables(pg_rt, u) if not t["name"].startswith("ds_")} == \
        {t["name"]: t["rows"] for t in svc.list_tables(duck_rt, u)}
    assert svc.first_rows(pg_rt, "customers", 5, u).num_rows == 5
    pg, duck = svc.profile(pg_rt, "sales_orders", u), svc.profile(duck_rt, "sales_orders", u)
    assert pg["rows"] == duck["rows"]
    assert [(c["name"], c["nulls"], c["distinct"]) for c in pg["columns"]] == \
        [(c["name"], c["nulls"], c["distinct"]) for c in duck["columns"]]


BY_REGION = {"name": "region_sales_wh", "label": "各大区销售", "source": {"table": "sales_orders"}, "steps": [
    {"op": "filter", "conditions": [{"field": "status", "op": "!=", "value": "已取消"}]},
    {"op": "join", "with": {"table": "customers"}, "on": [{"left": "customer_id", "right": "customer_id"}],
     "fields": ["region"]},
    {"op": "aggregate", "group_by": ["region"],
     "aggregates": [{"name": "revenue", "agg": "sum", "field": "amount", "label": "销售额"}]}]}


def test_dataset_materializes_in_postgres(pg_rt, duck_rt) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.service import datasets as service
    from shuzhi.service.datasets_refresh import materialize_now

    got = {}
    for name, rt in (("pg", pg_rt), ("duck", duck_rt)):
        with rt.catalog.session() as s:
            service.save(rt, s, BY_REGION, actor="t")
        if name == "pg":  # the DuckDB runtime holds its warehouse read-only (its preview is the reference)
            materialize_now(rt, "region_sales_wh")
        with rt.catalog.session() as s:
            got[name] = sorted((r[0], round(float(r[1]), 4))
                               for r in service.preview(rt, s, BY_REGION)["rows"])
    assert got["pg"] == got["duck"]
    ext = pg_rt.external()
    assert ext.has_table("ds_region_sales_wh")
    assert ext.engine().execute('SELECT count(*) AS n FROM "ds_region_sales_wh"').column(0)[0].as_py() == \
        len(got["pg"])


@pytest.mark.parametrize(("sql", "code"), [
    ("SELECT pg_read_file('/etc/passwd')", "sql_not_allowed_external"),
    ("SELECT * FROM pg_catalog.pg_authid", "sql_not_allowed_external"),
    ("SELECT * FROM _shuzhi_versions", "sql_not_allowed_external"),
    ("SELECT * INTO copy_t FROM customers", "sql_not_allowed_external"),
    ("SELECT * FROM customers FOR UPDATE", "sql_not_allowed_external"),
    ("DELETE FROM customers", "sql_not_allowed_external"),
    ("SELECT 1; SELECT 2", "sql_multiple_statements"),
    ("SELECT set_config('statement_timeout', '0', false)", "sql_not_allowed_external"),
])
def test_hand_written_sql_on_postgres_is_checked(pg_rt, sql: str, code: str) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.errors import ShuzhiError
    from shuzhi.service.executor import raw_sql_warehouse

    with pytest.raises(ShuzhiError) as err:
        raw_sql_warehouse(pg_rt).read_query(sql, max_rows=10)
    assert err.value.code == code, err.value.en


def test_hand_written_read_only_sql_runs_on_postgres(pg_rt, duck_rt) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.service.executor import raw_sql_warehouse

    sql = ("WITH r AS (SELECT region, count(*) AS n FROM customers GROUP BY region) "
           "SELECT region, n FROM r ORDER BY region")
    pg = raw_sql_warehouse(pg_rt).read_query(sql, max_rows=100, timeout_s=10)
    duck = raw_sql_warehouse(duck_rt).read_query(sql, max_rows=100)
    assert pg.table.to_pylist() == duck.table.to_pylist() and not pg.truncated
    capped = raw_sql_warehouse(pg_rt).read_query("SELECT * FROM customers", max_rows=3)
    assert capped.table.num_rows == 3 and capped.truncated
