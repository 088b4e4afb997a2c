"""KPI cards compare like with like: 同比 is the period against the same days a year before; 环比 a month
against the month before (the latest month of a longer period)."""

from __future__ import annotations

import datetime as dt

from shuzhi.spec.kpi_windows import kpi_windows, spark_at_data

D = dt.date
TODAY = D(2026, 12, 7)


def _value(tr):  # type: ignore[no-untyped-def]
    return {"metrics": ["revenue", {"name": "revenue_yoy", "compute": {"yoy": "revenue"}},
                        {"name": "revenue_pop", "compute": {"pop": "revenue"}}], "time_range": tr}


def test_year_to_date_against_the_same_days_last_year_and_month_against_last_month() -> None:
    value, pop, w = kpi_windows(_value({"field": "time", "relative": "this_year"}), (D(2023, 1, 1), D(2026, 12, 6)), TODAY)
    # the data ends on 12-06: the period is cut there, and so are both comparisons
    assert value["time_range"] == {"field": "time", "start": "2026-01-01", "end": "2026-12-06"}
    assert [m if isinstance(m, str) else m["name"] for m in value["metrics"]] == ["revenue", "revenue_yoy"]
    assert w["yoy"] == {"start": "2026-01-01", "end": "2026-12-06", "base_start": "2025-01-01",
                        "base_end": "2025-12-06", "scope": "period"}
    assert pop is not None and pop["time_range"] == {"field": "time", "start": "2026-12-01", "end": "2026-12-06"}
    assert pop["metrics"] == ["revenue", {"name": "revenue_pop", "compute": {"pop": "revenue"}}]
    assert w["pop"] == {"start": "2026-12-01", "end": "2026-12-06", "base_start": "2026-11-01",
                        "base_end": "2026-11-06", "scope": "month"}
    assert w["yoy"] != w["pop"]  # 同比 and 环比 of 今年 are two different comparisons


def test_a_month_against_the_month_before() -> None:
    value, pop, w = kpi_windows(_value({"field": "time", "relative": "last_month"}), (D(2023, 1, 1), D(2026, 12, 6)), TODAY)
    assert pop is None and value["time_range"]["start"] == "2026-11-01" and value["time_range"]["end"] == "2026-11-30"
    assert (w["pop"]["base_start"], w["pop"]["base_end"]) == ("2026-10-01", "2026-10-31")
    assert (w["yoy"]["base_start"], w["yoy"]["base_end"]) == ("2025-11-01", "2025-11-30")
    _, _, mtd = kpi_windows(_value({"field": "time", "relative": "this_month"}), None, TODAY)
    assert (mtd["pop"]["base_start"], mtd["pop"]["base_end"]) == ("2026-11-01", "2026-11-07")


def test_without_a_period_or_outside_the_data_nothing_moves() -> None:
    plain = {"metrics": ["revenue"]}
    assert kpi_windows(plain, None, TODAY) == (plain, None, None)
    empty = _value({"field": "time", "relative": "this_year"})
    assert kpi_windows(empty, (D(2023, 1, 1), D(2025, 12, 31)), TODAY) == (empty, None, None)  # the card says so


def test_rates_compare_by_difference() -> None:
    value, pop, _ = kpi_windows(_value({"field": "time", "relative": "this_year"}), None, TODAY, points=True)
    assert value["metrics"][1] == {"name": "revenue_yoy", "compute": {"yoy_value": "revenue"}}
    assert pop is not None and pop["metrics"][1] == {"name": "revenue_pop", "compute": {"pop_value": "revenue"}}


def test_sparklines_end_at_the_data() -> None:
    spark = {"metrics": ["revenue"], "time_range": {"field": "time", "relative": "last_12_months"}}
    assert spark_at_data(spark, (D(2023, 1, 1), D(2025, 12, 31)), TODAY)["time_range"] == {
        "field": "time", "start": "2025-01-01", "end": "2025-12-31"}
    assert spark_at_data(spark, (D(2023, 1, 1), D(2026, 12, 7)), TODAY) is spark  # fresh data: as it was
