"""Self-service datasets on a direct-mode model: a virtual dataset joins `huajing_pg` as SQL that is
translated for PostgreSQL and answers as on the warehouse; a materialized one (its table lives in the
warehouse) is refused clearly."""

from __future__ import annotations

import math

import pytest

from shuzhi.errors import ShuzhiError
from shuzhi.service import datasets as service
from shuzhi.service.query import query as run_spec
from shuzhi.spec.resolve import UserContext

BY_REGION = {"name": "region_sales", "label": "各大区销售", "source": {"table": "sales_orders"}, "steps": [
    {"op": "filter", "conditions": [{"field": "status", "op": "!=", "value": "已取消"}]},
    {"op": "join", "with": {"table": "customers"}, "on": [{"left": "customer_id", "right": "customer_id"}],
     "fields": ["region"]},
    {"op": "retype", "columns": {"amount": "number"}},  # TRY_CAST: CAST on PostgreSQL
    {"op": "aggregate", "group_by": ["region", "order_date"],
     "aggregates": [{"name": "revenue", "agg": "sum", "field": "amount", "label": "销售额"}]}]}


def test_a_virtual_dataset_answers_on_postgresql_as_on_the_warehouse(direct) -> None:  # type: ignore[no-untyped-def]
    c, _ = direct
    rt = c.app.state.runtime
    with rt.catalog.session() as s:
        service.save(rt, s, BY_REGION, actor="t")
        service.save(rt, s, {**BY_REGION, "name": "region_copy", "mode": "materialized"}, actor="t")
        for model in ("huajing", "huajing_pg"):
            added = service.add_to_model(rt, s, "region_sales", model=model, actor="t", may_change_rules=True)
            assert added["dataset"]["sql"].startswith("WITH")
        metrics = [m["name"] for m in added["metrics"]]
        with pytest.raises(ShuzhiError) as err:
            service.add_to_model(rt, s, "region_copy", model="huajing_pg", actor="t")
        assert err.value.code == "dataset_materialized_direct" and err.value.status == 400
        s.commit()
    got = {}
    for model in ("huajing", "huajing_pg"):
        res = run_spec(rt, {"model": model, "metrics": metrics, "dimensions": ["region_sales.region"],
                            "order_by": [{"field": "region_sales.region"}]}, UserContext.system(), use_cache=False)
        got[model] = [list(r.values()) for r in res.table.to_pylist()]
    assert len(got["huajing"]) == 8 and len(got["huajing_pg"]) == 8 and metrics
    for a, b in zip(got["huajing"], got["huajing_pg"], strict=True):
        assert a[0] == b[0] and all(math.isclose(float(x), float(y), rel_tol=1e-9) for x, y in zip(a[1:], b[1:], strict=True)), (a, b)
