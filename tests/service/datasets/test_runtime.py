"""Saved datasets on a real runtime: versions, restore, cycles, datasets on datasets, atomic
materialization, refresh of dependants after data_refreshed, the semantic model, bad steps."""

from __future__ import annotations

import pytest

from shuzhi.catalog import datasets as store
from shuzhi.errors import ShuzhiError
from shuzhi.service import datasets as service
from shuzhi.service import datasets_refresh
from shuzhi.spec.resolve import UserContext

BY_REGION = {"name": "region_sales", "label": "各大区销售", "source": {"table": "sales_orders"}, "steps": [
    {"op": "filter", "conditions": [{"field": "status", "op": "!=", "value": "已取消"}]},
    {"op": "join", "with": {"table": "customers"}, "on": [{"left": "customer_id", "right": "customer_id"}],
     "fields": ["region"]},
    {"op": "aggregate", "group_by": ["region", "order_date"],
     "aggregates": [{"name": "revenue", "agg": "sum", "field": "amount", "label": "销售额"}]}]}


def save(rt, data, **kw):  # type: ignore[no-untyped-def]
    with rt.catalog.session() as s:
        r = service.save(rt, s, data, actor="t", **kw)
        return r.name, r.version, r.columns


def count(rt, sql: str) -> int:  # type: ignore[no-untyped-def]
    with rt.warehouse().cursor() as cur:
        return cur.execute(sql).fetchone()[0]


def test_versions_and_restore(rt) -> None:  # type: ignore[no-untyped-def]
    assert save(rt, BY_REGION, create=True)[1] == 1
    assert save(rt, BY_REGION)[1] == 1  # unchanged: no new version
    changed = {**BY_REGION, "steps": BY_REGION["steps"][:2]}
    name, version, cols = save(rt, changed, create=False)
    assert version == 2 and "amount" in [c["name"] for c in cols]
    with rt.catalog.session() as s:
        assert [v.version for v in store.dataset_versions(s, name)] == [1, 2]
        assert service.restore(rt, s, name, 1, actor="t").version == 3
        assert store.get_dataset(s, name).columns[-1] == {"name": "revenue", "type": "number", "label": "销售额"}
    with pytest.raises(ShuzhiError) as e:
        save(rt, BY_REGION, create=True)
    assert e.value.code == "dataset_exists" and e.value.status == 409


def test_dataset_on_dataset_and_cycles(rt) -> None:  # type: ignore[no-untyped-def]
    save(rt, BY_REGION)
    top = {"name": "east", "source": {"dataset": "region_sales"}, "steps": [
        {"op": "filter", "conditions": [{"field": "region", "op": "=", "value": "华东"}]},
        {"op": "aggregate", "aggregates": [{"name": "total", "agg": "sum", "field": "revenue"}]}]}
    save(rt, top)
    with rt.catalog.session() as s:
        got = service.preview(rt, s, store.get_dataset(s, "east").definition)["rows"][0][0]
    expected = count(rt, "SELECT sum(amount) FROM sales_orders JOIN customers USING (customer_id) "
                         "WHERE status <> '已取消' AND region = '华东'")
    assert got == pytest.approx(expected)
    # region_sales reading east (which reads region_sales) is a cycle; so is reading itself
    loop = {**BY_REGION, "source": {"dataset": "east"}, "steps": []}
    for bad in (loop, {**BY_REGION, "steps": [{"op": "union", "with": {"dataset": "region_sales"}}]}):
        with pytest.raises(ShuzhiError) as e:
            save(rt, bad)
        assert e.value.code == "dataset_cycle" and "region_sales" in e.value.zh
    with rt.catalog.session() as s, pytest.raises(ShuzhiError) as e:
        service.delete(rt, s, "region_sales")
    assert e.value.code == "dataset_in_use"


def test_bad_steps_name_the_step_bilingually(rt) -> None:  # type: ignore[no-untyped-def]
    cases = [
        ([{"op": "select", "fields": ["order_id"]}, {"op": "filter", "formula": "amount > 1"}], 2, "amount"),
        ([{"op": "calculate", "name": "x", "formula": "SUM(amount)"}], 1, "formula_aggregate_not_allowed"),
        ([{"op": "aggregate", "aggregates": [{"name": "s", "agg": "sum", "field": "status"}]}], 1, "status"),
        ([{"op": "filter", "conditions": [{"field": "amount", "op": "=", "value": "abc"}]}], 1, "abc"),
        ([{"op": "join", "with": {"table": "customers"}, "on": [{"left": "order_id", "right": "customer_id"}]}], 1,
         "order_id"),
        ([{"op": "pivot", "column": "status", "agg": "sum"}], 1, "field"),
        ([{"op": "rename", "columns": {"amount": "Cost"}}], 1, "Cost"),
        ([{"op": "union", "with": {"table": "customers"}}], 1, "fill_missing"),
        ([{"op": "explode"}], 1, "explode"),
    ]
    for steps, k, needle in cases:
        with pytest.raises(ShuzhiError) as e:
            save(rt, {"name": "bad", "source": {"table": "sales_orders"}, "steps": steps})
        err = e.value
        assert err.status == 400 and err.details["step"] == k, (steps, err.code, err.en)
        assert err.zh.startswith(f"第 {k} 步") and err.en.startswith(f"Step {k}"), err.zh
        assert needle in err.en or needle == err.code, (needle, err.en)


def test_pivot_values_filled_at_save(rt) -> None:  # type: ignore[no-untyped-def]
    data = {"name": "by_status", "source": {"table": "sales_orders"},
            "steps": [{"op": "pivot", "index": ["channel"], "column": "status", "field": "amount"}]}
    _, _, cols = save(rt, data)
    assert [c["name"] for c in cols] == ["channel", "已发货", "已取消", "已完成", "待发货"]
    with pytest.raises(ShuzhiError) as e:
        save(rt, {**data, "steps": [{"op": "pivot", "column": "order_id", "agg": "count"}]})
    assert e.value.code == "dataset_pivot_too_many"


def test_materialize_refresh_and_atomic_failure(rt) -> None:  # type: ignore[no-untyped-def]
    save(rt, {**BY_REGION, "mode": "materialized"})
    save(rt, {"name": "region_total", "mode": "materialized", "source": {"dataset": "region_sales"}, "steps": [
        {"op": "aggregate", "group_by": ["region"], "aggregates": [{"name": "revenue", "agg": "sum", "field": "revenue"}]}]})
    job = datasets_refresh.submit_materialize(rt, "region_sales", actor="t")
    rt.jobs.wait(job, timeout=60)
    with rt.catalog.session() as s:
        from shuzhi.catalog.jobs import get_job

        result = get_job(s, job).result
        assert [d["dataset"] for d in result["materialized"]] == ["region_sales", "region_total"]
        assert store.get_dataset(s, "region_total").materialized_version == 1
    before = count(rt, "SELECT count(*) FROM ds_region_sales")
    total = count(rt, "SELECT sum(revenue) FROM ds_region_total")
    # new sales rows arrive: the event refreshes both, parents first
    with rt.warehouse().cursor() as cur:
        cur.execute("INSERT INTO sales_orders SELECT order_id || '-X', line_no, DATE '2030-01-01', ship_date, customer_id, "
                    "product_id, sales_rep, channel, quantity, unit_price, discount_rate, amount, cost, status "
                    "FROM sales_orders WHERE status <> '已取消' LIMIT 3")
    job = datasets_refresh.on_data_refreshed(rt, {"tables": ["sales_orders"], "reason": "import"})
    assert job is not None
    rt.jobs.wait(job, timeout=60)
    assert count(rt, "SELECT count(*) FROM ds_region_sales") > before
    assert count(rt, "SELECT sum(revenue) FROM ds_region_total") > total
    assert datasets_refresh.on_data_refreshed(rt, {"tables": ["ds_region_sales"], "reason": "dataset"}) is None
    # the parent table disappears: materializing fails and the previous table stays whole
    rows = count(rt, "SELECT count(*) FROM ds_region_sales")
    with rt.warehouse().cursor() as cur:
        cur.execute("ALTER TABLE customers RENAME TO customers_gone")
    with pytest.raises(ShuzhiError):
        datasets_refresh.materialize_now(rt, "region_sales")
    assert count(rt, "SELECT count(*) FROM ds_region_sales") == rows
    assert count(rt, "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE '%__stage'") == 0
    with rt.catalog.session() as s:
        assert store.get_dataset(s, "region_sales").refresh_error["code"] == "dataset_source_missing"


def test_query_spec_over_datasets_added_to_the_model(rt) -> None:  # type: ignore[no-untyped-def]
    save(rt, BY_REGION)  # virtual: added with sql
    save(rt, {"name": "rep_sales", "mode": "materialized", "source": {"table": "sales_orders"}, "steps": [
        {"op": "aggregate", "group_by": ["sales_rep", "customer_id"],
         "aggregates": [{"name": "amount", "agg": "sum", "field": "amount"}]}]})
    with rt.catalog.session() as s, pytest.raises(ShuzhiError) as e:
        service.add_to_model(rt, s, "rep_sales", model=None, actor="t")
    assert e.value.code == "dataset_not_materialized"
    datasets_refresh.materialize_now(rt, "rep_sales")
    from shuzhi.model.schema import JoinDef, MetricDef

    with rt.catalog.session() as s:
        a = service.add_to_model(rt, s, "region_sales", model=None, actor="t", may_change_rules=True)
        assert a["dataset"]["sql"].startswith("WITH")
        b = service.add_to_model(rt, s, "rep_sales", model=None, actor="t",
                                 joins=[JoinDef(to="customers", on={"customer_id": "customer_id"})])
        assert b["dataset"]["table"] == "ds_rep_sales" and b["model_version"] == a["model_version"] + 1
        from shuzhi.catalog.semantic import get_model, save_model

        model, _ = get_model(s)
        model.metrics += [MetricDef(name="ds_revenue", label="数据集销售额", dataset="region_sales", agg="sum",
                                    expr="revenue", time="order_date"),
                          MetricDef(name="rep_amount", label="销售员销售额", dataset="rep_sales", agg="sum", expr="amount")]
        save_model(s, model, actor="t")
        lineage = service.lineage(rt, s, "rep_sales")
        assert lineage["models"] == [{"model": model.name, "dataset": "rep_sales"}] and lineage["tables"] == ["sales_orders"]
    from shuzhi.service.query import query as run_spec

    res = run_spec(rt, {"metrics": ["ds_revenue"], "dimensions": ["region_sales.region"],
                    "time_range": {"field": "region_sales.order_date", "start": "2025-01-01", "end": "2025-12-31"}},
                   UserContext.system(), use_cache=False)
    got = {r["region_sales.region"] if "region_sales.region" in r else r["region"]: r["ds_revenue"]
           for r in res.table.to_pylist()}
    with rt.warehouse().cursor() as cur:
        ref = dict(cur.execute("SELECT region, sum(amount) FROM sales_orders JOIN customers USING (customer_id) WHERE "
                               "status <> '已取消' AND order_date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31' "
                               "GROUP BY 1").fetchall())
    assert got.keys() == ref.keys() and all(got[k] == pytest.approx(ref[k]) for k in ref)
    res = run_spec(rt, {"metrics": ["rep_amount"], "dimensions": ["customers.region"]}, UserContext.system(), use_cache=False)
    assert sum(r["rep_amount"] for r in res.table.to_pylist()) == pytest.approx(
        count(rt, "SELECT sum(amount) FROM sales_orders"))


def test_a_dataset_never_takes_an_imported_tables_name(rt) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.catalog.tables import record_import

    with rt.catalog.session() as s:
        record_import(s, "ds_region_sales", columns=[{"name": "x", "label": "x", "type": "BIGINT"}],
                      source_file="x.csv", source_format="csv", source_sheet=None, options={}, mode="replace",
                      rows=1, rejected=0, imported_by="t", job_id=None)
    with pytest.raises(ShuzhiError) as e:
        save(rt, BY_REGION, create=True)
    assert e.value.code == "dataset_table_taken" and e.value.status == 409 and "ds_region_sales" in e.value.en
