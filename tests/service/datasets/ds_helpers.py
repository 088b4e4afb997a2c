"""Helpers for dataset tests: plan + compile + run on DuckDB, checking the static schema."""

from __future__ import annotations

from typing import Any

from shuzhi.compile.datasets import compile_dataset
from shuzhi.model.datasets import field_type_of, parse_dataset, plan_dataset


def run(con, sources, steps: list[dict[str, Any]], source: str = "sales_orders", upto: int | None = None,  # type: ignore[no-untyped-def]
        limit: int | None = None) -> tuple[list[str], list[tuple], Any]:
    """Rows of the dataset after `upto` steps; asserts the planned columns and types equal DuckDB's."""
    columns_of, relation_of = sources
    spec = parse_dataset({"name": "t", "source": {"table": source}, "steps": steps})
    plan = plan_dataset(spec, columns_of)
    tree = compile_dataset(plan, relation_of, upto=upto, limit=limit)
    rel = con.sql(tree.sql("duckdb"))
    k = len(steps) if upto is None else upto
    planned = plan.columns_after(k)
    assert rel.columns == [c.name for c in planned]
    assert [field_type_of(str(t)) for t in rel.types] == [c.type for c in planned], (rel.types, planned)
    return rel.columns, rel.fetchall(), tree
