"""shuzhi.model.auto: a table's columns → fields, its numbers → generated metrics."""

from __future__ import annotations

from shuzhi.model.auto import auto_metrics, field_type, table_dataset


def test_fields_are_typed_labelled_and_measures_are_not_dimensions() -> None:
    ds = table_dataset("sales", "sales", [("c_a4f3e8", "VARCHAR", "订单号"), ("c_dc45f0", "DOUBLE", "销售额"),
                                          ("qty", "BIGINT", None), ("下单日期", "DATE", None)], label="销售明细")
    f = {x.name: x for x in ds.fields}
    assert f["c_a4f3e8"].type == "string" and f["c_a4f3e8"].label == "订单号" and f["c_a4f3e8"].dimension
    assert f["c_dc45f0"].type == "number" and not f["c_dc45f0"].dimension
    assert f["qty"].type == "integer" and f["qty"].label == "qty"
    dated = next(x for x in ds.fields if x.type == "date")
    assert dated.column == "下单日期" and dated.name.startswith("col_")  # a safe name for a Chinese column
    assert [field_type(t) for t in ("DECIMAL(18,2)", "TIMESTAMP WITH TIME ZONE", "BOOLEAN", "HUGEINT")] == [
        "number", "timestamp", "boolean", "integer"]


def test_metrics_count_and_sum_dated_by_the_first_date() -> None:
    ds = table_dataset("sales", "sales", [("region", "VARCHAR", "地区"), ("amount", "DOUBLE", "销售额"),
                                          ("day", "DATE", "日期"), ("qty", "INTEGER", "数量")], label="销售明细")
    ms = auto_metrics(ds, {"销售额"}, {"revenue"})
    assert [(m.name, m.agg, m.expr, m.time) for m in ms] == [
        ("sales__rows", "count", None, "day"), ("sales__amount", "sum", "amount", "day"),
        ("sales__qty", "sum", "qty", "day")]
    # 销售额 is taken by another metric: this one says which table it sums.
    assert [m.label for m in ms] == ["销售明细记录数", "销售额（销售明细）", "数量"]
    assert all("自动生成" in m.tags and m.status == "draft" for m in ms)


def test_per_row_quantities_average() -> None:
    """交期（天） was summed (issue 14): a header naming days, a rate or a unit price starts as an average,
    in the field's default aggregation (the analysis page's pill) and in its generated metric."""
    ds = table_dataset("po", "po", [("c1", "DOUBLE", "交期（天）"), ("c2", "DOUBLE", "合格率(%)"),
                                    ("c3", "DOUBLE", "单价（元/件）"), ("c4", "DOUBLE", "金额（元）"),
                                    ("c5", "DOUBLE", "工时(h)"), ("c6", "VARCHAR", "供应商")], label="采购")
    assert [f.default_aggregation for f in ds.fields] == ["avg", "avg", "avg", None, None, None]
    ms = {m.expr: m for m in auto_metrics(ds, set(), set())}
    assert [ms[c].agg for c in ("c1", "c2", "c3", "c4", "c5")] == ["avg", "avg", "avg", "sum", "sum"]
    assert "平均值" in (ms["c1"].description or "") and "合计" in (ms["c4"].description or "")
