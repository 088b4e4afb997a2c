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
    assert ext.tables() == duck_rt.warehouse(read_only=True).open().tables()
    assert "_shuzhi_versions" not in ext.tables()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_same_rows_as_duckdb(case: dict, duck_rt, pg_rt) -> None:  # type: ignore[no-untyped-def]
    expected = _rows(duck_rt, case["spec"])
    actual = _rows(pg_rt, case["spec"])
    assert expected, "a golden case returns rows"
    assert _close(actual, expected), f"PostgreSQL differs from DuckDB:\n{actual[:5]}\n{expected[:5]}"


def test_data_page_reads_postgres(pg_rt, duck_rt) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.service import tables as svc

    u = UserContext.system()
    assert {t["name"]: t["rows"] for t in svc.list_tables(pg_rt, u)} == \
        {t["name"]: t["rows"] for t in svc.list_tables(duck_rt, u)}
    assert svc.first_rows(pg_rt, "customers", 5, u).num_rows == 5
    pg, duck = svc.profile(pg_rt, "sales_orders", u), svc.profile(duck_rt, "sales_orders", u)
    assert pg["rows"] == duck["rows"]
    assert [(c["name"], c["nulls"], c["distinct"]) for c in pg["columns"]] == \
        [(c["name"], c["nulls"], c["distinct"]) for c in duck["columns"]]
