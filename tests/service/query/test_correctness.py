"""The compiler's answers checked against hand-written SQL on the demo warehouse (DuckDB)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from semantic_env import TODAY

from shuzhi.service import run_query
from shuzhi.spec.resolve import UserContext

USER = UserContext.system()


def q(duck, idx, spec):  # type: ignore[no-untyped-def]
    return run_query(spec, idx, USER, TODAY, duck).table.to_pylist()


def raw(duck, sql: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    with duck.warehouse.cursor() as cur:
        return cur.execute(sql).fetchall()


def test_revenue_by_region_matches_sql(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    got = {r["customers.region"]: r["revenue"] for r in q(duck, demo_index, {
        "metrics": ["revenue"], "dimensions": ["customers.region"]})}
    want = dict(raw(duck, "SELECT c.region, SUM(s.amount) FROM sales_orders s JOIN customers c USING (customer_id) "
                          "WHERE s.status <> '已取消' GROUP BY 1"))
    assert got.keys() == want.keys()
    assert all(math.isclose(got[k], want[k], rel_tol=1e-9) for k in want)


def test_yoy_by_month_matches_sql(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    rows = q(duck, demo_index, {"metrics": ["revenue", {"name": "yoy", "compute": {"yoy": "revenue"}}],
                                "dimensions": [{"field": "time", "grain": "month", "name": "m"}],
                                "time_range": {"start": "2026-03-01", "end": "2026-05-31"}})
    monthly = dict(raw(duck, "SELECT date_trunc('month', order_date)::DATE, SUM(amount) FROM sales_orders "
                             "WHERE status <> '已取消' GROUP BY 1"))
    assert [r["m"] for r in rows] == [dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)]
    for r in rows:
        prev = monthly[r["m"].replace(year=r["m"].year - 1)]
        assert math.isclose(r["yoy"], monthly[r["m"]] / prev - 1, rel_tol=1e-9)


def test_pop_for_quarters_and_null_when_no_earlier_period(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    rows = q(duck, demo_index, {"metrics": ["revenue", {"name": "qoq", "compute": {"pop": "revenue"}}],
                                "dimensions": [{"field": "time", "grain": "quarter", "name": "q"}]})
    assert rows[0]["qoq"] is None  # the first quarter of history has nothing before it
    for a, b in zip(rows, rows[1:], strict=False):
        assert math.isclose(b["qoq"], b["revenue"] / a["revenue"] - 1, rel_tol=1e-9)


def test_percent_of_total_sums_to_one(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    rows = q(duck, demo_index, {"metrics": [{"name": "s", "compute": {"percent_of_total": "revenue"}}],
                                "dimensions": ["products.product_line"]})
    assert math.isclose(sum(r["s"] for r in rows), 1.0, rel_tol=1e-9)
    rows = q(duck, demo_index, {"metrics": [{"name": "s", "compute": {"percent_of_total": "revenue"}}],
                                "dimensions": [{"field": "time", "grain": "year", "name": "y"}, "customers.region"]})
    by_year: dict = {}
    for r in rows:
        by_year[r["y"]] = by_year.get(r["y"], 0) + r["s"]
    assert all(math.isclose(v, 1.0, rel_tol=1e-9) for v in by_year.values())  # share within each year


def test_inventory_value_is_never_summed_over_time(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    year = q(duck, demo_index, {"metrics": ["inventory_value"], "time_range": {"start": "2025-01-01", "end": "2025-12-31"}})
    want = raw(duck, "SELECT SUM(on_hand_value) FROM inventory_snapshots WHERE snapshot_date = "
                     "(SELECT max(snapshot_date) FROM inventory_snapshots WHERE snapshot_date <= DATE '2025-12-31' "
                     "AND snapshot_date >= DATE '2025-01-01')")[0][0]
    assert math.isclose(year[0]["inventory_value"], want, rel_tol=1e-9)


def test_rd_intensity_uses_both_facts_on_one_axis(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    rows = q(duck, demo_index, {"metrics": ["rd_spend", "revenue", "rd_intensity"],
                                "dimensions": [{"field": "time", "grain": "year", "name": "y"}]})
    for r in rows:
        if r["revenue"]:
            assert math.isclose(r["rd_intensity"], r["rd_spend"] / r["revenue"], rel_tol=1e-9)


def test_limit_offset_and_order(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    spec = {"metrics": ["revenue"], "dimensions": ["customers.province"],
            "order_by": [{"field": "revenue", "desc": True}]}
    all_rows = q(duck, demo_index, spec)
    page = q(duck, demo_index, {**spec, "limit": 3, "offset": 2})
    assert page == all_rows[2:5]
    assert [r["revenue"] for r in all_rows] == sorted((r["revenue"] for r in all_rows), reverse=True)


def test_where_on_a_measure_column_and_having(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    rows = q(duck, demo_index, {"metrics": ["order_count"], "dimensions": ["sales_orders.channel"],
                                "where": [{"field": "sales_orders.amount", "op": ">", "value": 50000}],
                                "having": [{"field": "order_count", "op": ">=", "value": 10}]})
    want = {k: v for k, v in raw(duck, "SELECT channel, COUNT(DISTINCT order_id) FROM sales_orders WHERE amount > 50000 "
                                        "AND status <> '已取消' GROUP BY 1") if v >= 10}
    assert {r["sales_orders.channel"]: r["order_count"] for r in rows} == want


def test_having_on_a_dimension_keeps_one_members_share(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    # having on a dimension column applies after the computes: 华东's share of every region's revenue, one row
    spec = {"metrics": ["revenue", {"name": "share", "compute": {"percent_of_total": "revenue"}}],
            "dimensions": ["customers.region"]}
    every = {r["customers.region"]: r["share"] for r in q(duck, demo_index, spec)}
    rows = q(duck, demo_index, {**spec, "having": [{"field": "customers.region", "op": "=", "value": "华东"}]})
    assert len(rows) == 1 and math.isclose(rows[0]["share"], every["华东"], rel_tol=1e-12) and rows[0]["share"] < 1


@pytest.mark.parametrize(("spec", "code"), [
    ({"metrics": ["revenu"]}, "unknown_metric"),
    ({"metrics": ["销售额x"]}, "unknown_metric"),
    ({"metrics": ["revenue"], "dimensions": ["customers.regoin"]}, "unknown_field"),
    ({"metrics": ["revenue"], "dimensions": ["status"]}, "ambiguous_field"),
    ({"metrics": ["revenue"], "dimensions": ["sales_orders.amount"]}, "not_a_dimension"),
    ({"metrics": ["revenue"], "dimensions": [{"field": "customers.region", "grain": "month"}]}, "grain_on_non_time_field"),
    ({"metrics": ["revenue"], "dimensions": [{"field": "time"}]}, "time_needs_grain"),
    ({"metrics": ["revenue"], "dimensions": ["suppliers.country"]}, "fan_out"),
    ({"metrics": ["rd_spend"], "where": [{"field": "customers.region", "op": "=", "value": "华东"}]}, "not_reachable"),
    ({"metrics": ["revenue"], "where": [{"field": "sales_orders.quantity", "op": "=", "value": "many"}]},
     "bad_filter_value"),
    ({"metrics": ["revenue"], "where": [{"field": "sales_orders.quantity", "op": "contains", "value": "1"}]}, "bad_op"),
    ({"metrics": ["revenue"], "where": [{"field": "customers.region", "op": "like", "value": "x"}]}, "spec_invalid"),
    ({"metrics": ["revenue"], "dimensions": [{"field": "time", "grain": "fortnight"}]}, "spec_invalid"),
    ({"metrics": [{"name": "y", "compute": {"yoy": "revenue"}}]}, "comparison_needs_time"),
    ({"metrics": ["revenue"], "having": [{"field": "cogs", "op": ">", "value": 1}]}, "unknown_having_field"),
    ({"metrics": ["revenue"], "order_by": [{"field": "cogs"}]}, "unknown_order_field"),
    ({"metrics": ["revenue", "revenue"]}, "duplicate_name"),
    ({"metrics": ["project_success_rate"], "dimensions": [{"field": "time", "grain": "year"}],
      "where": [{"field": "sales_orders.channel", "op": "=", "value": "直销"}]}, "not_reachable"),
])
def test_bad_specs_are_clear_4xx(duck, demo_index, spec, code) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.errors import ShuzhiError

    with pytest.raises(ShuzhiError) as e:
        run_query(spec, demo_index, USER, TODAY, duck)
    assert e.value.code == code, e.value.en
    assert 400 <= e.value.status < 500
    assert e.value.zh and e.value.en


def test_unknown_names_suggest_the_closest(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.errors import ShuzhiError

    with pytest.raises(ShuzhiError) as e:
        run_query({"metrics": ["gross_margn"]}, demo_index, USER, TODAY, duck)
    assert "gross_margin" in e.value.en and "gross_margin" in e.value.zh
    with pytest.raises(ShuzhiError) as e:
        run_query({"metrics": ["revenue"], "dimensions": ["customers.provnce"]}, demo_index, USER, TODAY, duck)
    assert "customers.province" in e.value.en


def test_fan_out_is_refused(demo_index) -> None:  # type: ignore[no-untyped-def]
    """customer_count would be fine; a sum over customers split by order lines is refused."""
    from shuzhi.errors import ShuzhiError
    from shuzhi.model.index import ModelIndex
    from shuzhi.model.schema import MetricDef

    model = demo_index.model.model_copy(deep=True)
    model.metrics.append(MetricDef(name="customer_rows", label="客户行数", dataset="customers", agg="count"))
    model.metrics.append(MetricDef(name="distinct_customers", label="客户", dataset="customers", agg="count_distinct",
                                   expr="customer_id"))
    idx = ModelIndex.build(model)
    from shuzhi.service import plan_query

    with pytest.raises(ShuzhiError) as e:
        plan_query({"metrics": ["customer_rows"], "dimensions": ["sales_orders.channel"]}, idx, USER, TODAY)
    assert e.value.code == "fan_out"
    plan_query({"metrics": ["distinct_customers"], "dimensions": ["sales_orders.channel"]}, idx, USER, TODAY)


def test_sql_datasets_and_calculated_fields(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.model.index import ModelIndex
    from shuzhi.model.schema import DatasetDef, FieldDef, MetricDef

    model = demo_index.model.model_copy(deep=True)
    model.datasets.append(DatasetDef(
        name="big_lines", sql="SELECT order_id, order_date, amount, customer_id FROM sales_orders WHERE amount >= 50000",
        fields=[FieldDef(name="order_id", type="string"), FieldDef(name="order_date", type="date"),
                FieldDef(name="amount", type="number", dimension=False), FieldDef(name="customer_id", type="integer"),
                FieldDef(name="size_band", type="string",
                         expr="CASE WHEN amount >= 100000 THEN '10万以上' ELSE '5-10万' END")],
        joins=[{"to": "customers", "on": {"customer_id": "customer_id"}}]))
    model.metrics.append(MetricDef(name="big_amount", label="大单金额", dataset="big_lines", agg="sum", expr="amount",
                                   time="order_date"))
    idx = ModelIndex.build(model)
    rows = q(duck, idx, {"metrics": ["big_amount"], "dimensions": ["big_lines.size_band"]})
    want = dict(raw(duck, "SELECT CASE WHEN amount >= 100000 THEN '10万以上' ELSE '5-10万' END, SUM(amount) "
                          "FROM sales_orders WHERE amount >= 50000 GROUP BY 1"))
    assert {r["big_lines.size_band"]: r["big_amount"] for r in rows} == pytest.approx(want)
    from shuzhi.errors import ShuzhiError

    model.datasets[-1] = model.datasets[-1].model_copy(update={"sql": "DELETE FROM sales_orders"})
    with pytest.raises(ShuzhiError) as e:
        ModelIndex.build(model)
    assert e.value.code == "model_invalid" and "SELECT" in e.value.en


def test_current_date_in_formulas_is_the_pinned_today(demo_index) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.model.index import ModelIndex
    from shuzhi.model.schema import MetricDef
    from shuzhi.service import plan_query

    model = demo_index.model.model_copy(deep=True)
    model.metrics.append(MetricDef(name="recent_orders", label="近期订单", dataset="sales_orders", agg="count",
                                   filter="order_date >= DATE_SUB('day', 30, CURRENT_DATE)", time="order_date"))
    sql = plan_query({"metrics": ["recent_orders"]}, ModelIndex.build(model), USER, TODAY).sql
    assert "2026-11-26" in sql and "CURRENT_DATE" not in sql.upper()


def test_shared_dimension_matches_each_fact(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    rows = {r["product_line"]: r for r in q(duck, demo_index, {
        "metrics": ["revenue", "rd_spend", "rd_intensity"], "dimensions": ["product_line"]})}
    rev = dict(raw(duck, "SELECT p.product_line, SUM(s.amount) FROM sales_orders s JOIN products p USING (product_id) "
                         "WHERE s.status <> '已取消' GROUP BY 1"))
    rd = dict(raw(duck, "SELECT r.product_line, SUM(e.amount) FROM rd_expenses e JOIN rd_projects r USING (project_id) "
                        "GROUP BY 1"))
    for line, r in rows.items():
        assert math.isclose(r["revenue"], rev[line], rel_tol=1e-9)
        assert math.isclose(r["rd_spend"], rd[line], rel_tol=1e-9)
        assert math.isclose(r["rd_intensity"], rd[line] / rev[line], rel_tol=1e-9)


def test_shared_dimension_unreachable_for_a_fact(duck, demo_index) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.errors import ShuzhiError

    with pytest.raises(ShuzhiError) as e:
        run_query({"metrics": ["purchase_amount"], "dimensions": ["product_line"]}, demo_index, USER, TODAY, duck)
    assert e.value.code == "not_reachable"
