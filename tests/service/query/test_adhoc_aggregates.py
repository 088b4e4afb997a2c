"""Ad-hoc aggregates (a metric item {name, field, aggregate}) on the demo warehouse, checked against
hand-written SQL (issue 14: 交期（天） was summed because a field's aggregation could not be chosen).

What this protects:
- avg / median / min / max / count / count_distinct of a field give what SQL gives, per dimension member,
  and a comparison (yoy) can name an ad-hoc item;
- count_distinct of customer_id equals the model's customer_count; a sum over a snapshot table keeps the
  model's semi-additive rule (sum(on_hand_value) by quarter = inventory_value by quarter);
- row rules filter ad-hoc aggregates; column rules deny their fields (403); the model's allowed list is
  enforced (a sum of ids is a 4xx naming what is allowed).
"""

from __future__ import annotations

import math

import pytest
from semantic_env import TODAY

from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex
from shuzhi.model.schema import ColumnRuleDef, RowRuleDef
from shuzhi.service import run_query
from shuzhi.spec.resolve import UserContext

ADMIN = UserContext.system()
EAST = UserContext("li", "viewer", {"region": "华东"})


def q(duck, idx, spec, user=ADMIN):  # type: ignore[no-untyped-def]
    return run_query(spec, idx, user, TODAY, duck).table.to_pylist()


def raw(duck, sql: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    with duck.warehouse.cursor() as cur:
        return cur.execute(sql).fetchall()


@pytest.mark.parametrize(("agg", "sql"), [
    ("avg", "AVG(s.unit_price)"), ("median", "MEDIAN(s.unit_price)"), ("min", "MIN(s.unit_price)"),
    ("max", "MAX(s.unit_price)"), ("count", "COUNT(s.unit_price)"), ("count_distinct", "COUNT(DISTINCT s.unit_price)"),
    ("sum", "SUM(s.unit_price)"),
])
def test_unit_price_by_region_matches_sql(duck, demo_index, agg: str, sql: str) -> None:  # type: ignore[no-untyped-def]
    got = {r["customers.region"]: r["p"] for r in q(duck, demo_index, {
        "metrics": [{"name": "p", "field": "sales_orders.unit_price", "aggregate": agg}],
        "dimensions": ["customers.region"]})}
    want = dict(raw(duck, f"SELECT c.region, {sql} FROM sales_orders s JOIN customers c USING (customer_id) GROUP BY 1"))  # noqa: S608 - the test's own fixed SQL
    assert got.keys() == want.keys()
    assert all(math.isclose(got[k], want[k], rel_tol=1e-9) for k in want)


def test_distinct_customers_equal_the_model_metric(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    rows = q(duck, demo_index, {"metrics": ["customer_count",
                                            {"name": "c", "field": "sales_orders.customer_id", "aggregate": "count_distinct"}],
                                "dimensions": [{"field": "time", "grain": "year"}]})
    assert rows and all(r["c"] >= r["customer_count"] for r in rows)  # the metric leaves cancelled orders out
    plain = q(duck, demo_index, {"metrics": [{"name": "c", "field": "sales_orders.customer_id", "aggregate": "count_distinct"}]})
    assert plain[0]["c"] == raw(duck, "SELECT COUNT(DISTINCT customer_id) FROM sales_orders")[0][0]


def test_snapshot_sum_stays_semi_additive(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    rows = q(duck, demo_index, {"metrics": ["inventory_value",
                                            {"name": "v", "field": "inventory_snapshots.on_hand_value", "aggregate": "sum"}],
                                "dimensions": [{"field": "time", "grain": "quarter"}]})
    assert rows and all(math.isclose(r["v"], r["inventory_value"], rel_tol=1e-9) for r in rows)


def test_yoy_over_an_adhoc_item(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    rows = q(duck, demo_index, {"metrics": [{"name": "p", "field": "sales_orders.unit_price", "aggregate": "avg"},
                                            {"name": "p_yoy", "compute": {"yoy": "p"}}],
                                "dimensions": [{"field": "time", "grain": "year", "name": "y"}]})
    assert rows[0]["p_yoy"] is None
    for a, b in zip(rows, rows[1:], strict=False):
        assert math.isclose(b["p_yoy"], b["p"] / a["p"] - 1, rel_tol=1e-9)


def test_columns_describe_the_aggregate(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    res = run_query({"metrics": [{"name": "p", "field": "sales_orders.unit_price", "aggregate": "avg"},
                                 {"name": "amt", "field": "sales_orders.amount", "aggregate": "sum"}]},
                    demo_index, ADMIN, TODAY, duck)
    p, amt = res.columns
    assert p["label"] == "单价（平均值）" and p["metric"] is None and p["type"] == "number"
    assert amt["format"] == "currency" and amt["unit"] == "元"  # like revenue = sum(amount)


@pytest.fixture(scope="module")
def secured(demo_index) -> ModelIndex:  # type: ignore[no-untyped-def]
    model = demo_index.model.model_copy(deep=True)
    model.row_rules = [RowRuleDef(name="own_region", dataset="customers", filter="region = {{ user.region }}")]
    model.column_rules = [ColumnRuleDef(name="no_cost_for_viewers", fields=["sales_orders.cost"], deny_roles=["viewer"])]
    return ModelIndex.build(model)


def test_rules_apply_to_adhoc_aggregates(duck, secured) -> None:  # type: ignore[no-untyped-def]
    spec = {"metrics": [{"name": "n", "field": "sales_orders.order_id", "aggregate": "count_distinct"}],
            "dimensions": ["customers.region"]}
    assert [r["customers.region"] for r in q(duck, secured, spec, EAST)] == ["华东"]
    for field in ("sales_orders.cost", "cost"):
        with pytest.raises(ShuzhiError) as exc:
            q(duck, secured, {"metrics": [{"name": "c", "field": field, "aggregate": "avg"}]}, EAST)
        assert exc.value.status == 403 and exc.value.code == "field_restricted"


def test_the_models_allowed_list_is_enforced(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ShuzhiError) as exc:
        q(duck, demo_index, {"metrics": [{"name": "x", "field": "customers.region", "aggregate": "avg"}]})
    err = exc.value
    assert err.status == 400 and err.code == "aggregate_not_allowed"
    assert "计数、去重计数" in err.zh and "count, count_distinct" in err.en
