"""Golden tests: spec → SQL for each dialect, spec → rows on DuckDB, and the same rows on PostgreSQL
and MariaDB. Set SHUZHI_UPDATE_GOLDEN=1 to rewrite the expected files, then review the diff."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from semantic_env import TODAY

from shuzhi.results.encoders import to_rows
from shuzhi.service import plan_query, run_query
from shuzhi.spec.resolve import UserContext

HERE = Path(__file__).parent / "golden"
CASES = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
UPDATE = os.environ.get("SHUZHI_UPDATE_GOLDEN") == "1"
DIALECTS = ("duckdb", "postgres", "mysql", "spark")
USER = UserContext.system()


def _ids(cases: list[dict]) -> list[str]:
    return [c["name"] for c in cases]


def _check_file(path: Path, actual: str) -> None:
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{path.name} was missing and has been written; review and commit it")
    assert actual == path.read_text(encoding="utf-8"), f"{path} differs (SHUZHI_UPDATE_GOLDEN=1 to accept)"


def _norm(v: Any) -> Any:
    if isinstance(v, float):
        return None if math.isnan(v) else float(f"{v:.9g}")
    return v


def _rows(table) -> list[list[Any]]:  # type: ignore[no-untyped-def]
    return [[_norm(v) for v in row] for row in to_rows(table)]


def _sorted(rows: list[list[Any]]) -> list[list[Any]]:
    return sorted(rows, key=lambda r: json.dumps(r, ensure_ascii=False, default=str))


def _close(a: list[list[Any]], b: list[list[Any]]) -> bool:
    if len(a) != len(b):
        return False
    for ra, rb in zip(a, b, strict=True):
        for x, y in zip(ra, rb, strict=True):
            if isinstance(x, float) and isinstance(y, int | float) and not isinstance(y, bool):
                if not math.isclose(x, y, rel_tol=1e-6, abs_tol=1e-6):
                    return False
            elif x != y:
                return False
    return True


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_sql_per_dialect(case: dict, demo_index) -> None:  # type: ignore[no-untyped-def]
    assert case.get("protects"), "every golden case says what it protects"
    for dialect in DIALECTS:
        sql = plan_query(case["spec"], demo_index, USER, TODAY, dialect).sql
        _check_file(HERE / "sql" / f"{case['name']}.{dialect}.sql", sql + "\n")


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_rows_on_duckdb(case: dict, demo_index, duck) -> None:  # type: ignore[no-untyped-def]
    result = run_query(case["spec"], demo_index, USER, TODAY, duck)
    body = {"columns": [{"name": c["name"], "type": c["type"]} for c in result.columns], "rows": _rows(result.table)}
    assert result.table.num_rows > 0, "a golden case must return rows"
    _check_file(HERE / "rows" / f"{case['name']}.json", json.dumps(body, ensure_ascii=False, indent=1) + "\n")


@pytest.mark.parametrize("engine", [pytest.param("pg_engine", marks=pytest.mark.postgres),
                                    pytest.param("maria_engine", marks=pytest.mark.mariadb)])
@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_same_rows_on_other_engines(case: dict, engine: str, demo_index, duck, request) -> None:  # type: ignore[no-untyped-def]
    other = request.getfixturevalue(engine)
    expected = _sorted(_rows(run_query(case["spec"], demo_index, USER, TODAY, duck).table))
    actual = _sorted(_rows(run_query(case["spec"], demo_index, USER, TODAY, other).table))
    assert _close(actual, expected), f"{other.dialect} differs from DuckDB:\n{actual[:5]}\n{expected[:5]}"
