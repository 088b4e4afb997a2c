"""Realism: growth, seasonality, regions, new-product ramp-up, and the two injected anomalies."""

# ruff: noqa: S608  (SQL fragments here are literals of this file)

from __future__ import annotations

import statistics
from datetime import date

import duckdb
import pytest
from demo_helpers import END, scalar

from shuzhi.demo import demo_anomalies

REVENUE = "SELECT {dims}, sum(amount) AS revenue FROM sales_orders s JOIN customers c USING (customer_id) WHERE status <> '已取消' GROUP BY ALL"


def monthly(con: duckdb.DuckDBPyConnection, where: str = "TRUE") -> dict[date, float]:
    rows = con.execute(
        "SELECT date_trunc('month', order_date)::DATE, sum(amount) FROM sales_orders s JOIN customers c USING (customer_id) "
        f"WHERE status <> '已取消' AND {where} GROUP BY 1 ORDER BY 1"
    ).fetchall()
    return dict(rows)


def test_revenue_grows_about_15_percent(con: duckdb.DuckDBPyConnection) -> None:
    by_month = monthly(con)
    by_year: dict[int, float] = {}
    for m, v in by_month.items():
        by_year[m.year] = by_year.get(m.year, 0.0) + v
    complete = [
        y for y in by_year if sum(1 for m in by_month if m.year == y) == 12 and date(y, 12, 31) <= END
    ]
    assert complete == [2024, 2025]
    growth = by_year[2025] / by_year[2024] - 1
    assert 0.10 <= growth <= 0.20, growth


def test_seasonality(con: duckdb.DuckDBPyConnection) -> None:
    by_month = monthly(con)
    for year in (2024, 2025):
        months = {m.month: v for m, v in by_month.items() if m.year == year}
        avg = sum(months.values()) / 12
        assert months[1] < avg and months[2] < avg, year  # Spring Festival
        assert months[2] < months[1]
        assert months[12] > avg and months[12] == max(months.values()), year  # year-end peak


def test_east_china_is_largest_region(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(REVENUE.format(dims="region") + " ORDER BY revenue DESC").fetchall()
    assert rows[0][0] == "华东"
    assert rows[0][1] > 2 * rows[1][1]


def test_new_products(con: duckdb.DuckDBPyConnection) -> None:
    assert (
        scalar(
            con, "SELECT count(*) FROM products WHERE is_new_product <> (launch_date >= DATE '2023-11-01')"
        )
        == 0
    )
    n_new = scalar(con, "SELECT count(*) FROM products WHERE is_new_product")
    assert 8 <= n_new <= 20
    # Ramp-up: quantity sold k months after the launch month, summed over new products.
    by_k = dict(
        con.execute(
            "SELECT datediff('month', date_trunc('month', p.launch_date), date_trunc('month', s.order_date)) AS k, "
            "sum(quantity) / count(DISTINCT p.product_id) FROM sales_orders s JOIN products p USING (product_id) "
            "WHERE p.is_new_product AND s.status <> '已取消' AND s.order_date < DATE '2026-10-01' GROUP BY 1"
        ).fetchall()
    )
    assert min(by_k) >= 1  # nothing in the launch month, nothing before
    assert by_k[1] < by_k[3] < by_k[6]
    share = dict(
        con.execute(
            "SELECT year(order_date), sum(amount) FILTER (WHERE is_new_product) / sum(amount) FROM sales_orders "
            "JOIN products USING (product_id) WHERE status <> '已取消' GROUP BY 1"
        ).fetchall()
    )
    assert share[2024] < share[2025] < share[2026]


def test_chinese_text(con: duckdb.DuckDBPyConnection) -> None:
    assert scalar(con, "SELECT count(*) FROM products WHERE product_name NOT LIKE product_code || ' %'") == 0
    assert scalar(con, "SELECT count(*) FROM products WHERE product_name = 'RV-40E 精密摆线减速机'") == 1
    reps = [r[0] for r in con.execute("SELECT DISTINCT sales_rep FROM sales_orders").fetchall()]
    assert 20 <= len(reps) <= 60 and all(2 <= len(r) <= 3 for r in reps)
    assert (
        scalar(
            con,
            "SELECT count(*) FROM patents WHERE patent_type <> '外观设计' AND NOT starts_with(title, '一种')",
        )
        == 0
    )
    assert scalar(con, "SELECT count(*) FROM patents WHERE NOT starts_with(abstract, '本')") == 0
    assert scalar(con, "SELECT count(*) - count(DISTINCT title) FROM patents") == 0


# -- injected anomalies --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def truth(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, object]]:
    return demo_anomalies(con)


def test_ground_truth_shape(truth: dict[str, dict[str, object]]) -> None:
    assert set(truth) == {"emerging_topic", "quality_incident", "sales_drop", "white_space"}
    assert truth["quality_incident"]["term"] is None and truth["sales_drop"]["term"] is None
    q, s = truth["quality_incident"], truth["sales_drop"]
    assert q["plant"] == "常州工厂" and q["defect_type"] == "材料缺陷" and isinstance(q["supplier_id"], int)
    assert isinstance(q["batch_no"], str) and isinstance(q["month"], date) and q["month"].day == 1
    assert isinstance(s["province"], str) and isinstance(s["month"], date) and s["month"].day == 1
    assert s["month"].month not in (1, 2) and s["month"] < date(END.year, END.month, 1)
    assert q["month"] < date(END.year, END.month, 1)
    assert "常州工厂" in str(q["description_zh"]) and str(s["province"]) in str(s["description_zh"])


def test_sales_drop_is_clear(con: duckdb.DuckDBPyConnection, truth: dict[str, dict[str, object]]) -> None:
    s = truth["sales_drop"]
    province, month = str(s["province"]), s["month"]
    assert isinstance(month, date)
    top5 = [
        r[0]
        for r in con.execute(REVENUE.format(dims="province") + " ORDER BY revenue DESC").fetchall()
        if r[0]
    ][:5]
    assert province in top5
    by_month = monthly(con, f"c.province = '{province}'")
    whole = [m for m in by_month if m.year == month.year and m != month and m < date(END.year, END.month, 1)]
    assert len(whole) >= 6
    usual = statistics.median(by_month[m] for m in whole)
    assert by_month[month] <= 0.5 * usual
    assert abs(by_month[month] / usual - float(s["factor"])) < 0.01  # ground truth measured it
    # Only that province/month: the other top provinces are normal that month.
    for other in top5:
        if other != province:
            o = monthly(con, f"c.province = '{other}'")
            assert o[month] > 0.5 * statistics.median(o[m] for m in whole)


def test_quality_incident_is_clear(
    con: duckdb.DuckDBPyConnection, truth: dict[str, dict[str, object]]
) -> None:
    q = truth["quality_incident"]
    rows = con.execute(
        "SELECT date_trunc('month', inspection_date)::DATE, sum(defect_qty) / sum(inspected_qty) FROM quality_inspections "
        "JOIN production_orders USING (work_order_id) WHERE plant = '常州工厂' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    rate = dict(rows)
    month = q["month"]
    usual = statistics.median(v for m, v in rate.items() if m != month)
    assert rate[month] >= 2.5 * usual
    assert max(v for m, v in rate.items() if m != month) < 0.75 * rate[month]  # clearly the worst month
    assert abs(rate[month] / usual - float(q["factor"])) < 0.05

    # The excess is 材料缺陷 on one batch of one supplier.
    by_batch = con.execute(
        "SELECT batch_no, supplier_id, defect_type, sum(defect_qty) AS d, sum(inspected_qty) AS n FROM quality_inspections "
        "JOIN production_orders USING (work_order_id) WHERE plant = '常州工厂' AND date_trunc('month', inspection_date) = ? "
        "GROUP BY ALL ORDER BY d DESC",
        [month],
    ).fetchall()
    total_defects = sum(r[3] for r in by_batch)
    top = by_batch[0]
    assert (top[0], top[1], top[2]) == (q["batch_no"], q["supplier_id"], "材料缺陷")
    assert top[3] >= 0.5 * total_defects
    inspected = sum(r[4] for r in by_batch)
    rest = total_defects - sum(r[3] for r in by_batch if r[0] == q["batch_no"])
    rest_inspected = inspected - sum(r[4] for r in by_batch if r[0] == q["batch_no"])
    assert rest / rest_inspected < 2.0 * usual  # without the bad batch the month is ordinary
    assert (
        scalar(
            con,
            "SELECT count(DISTINCT supplier_id) FROM quality_inspections WHERE batch_no = ?",
            [q["batch_no"]],
        )
        == 1
    )
    assert (
        scalar(con, "SELECT material_category FROM suppliers WHERE supplier_id = ?", [q["supplier_id"]])
        == "稀土磁材"
    )


def test_incident_also_shows_in_yield(
    con: duckdb.DuckDBPyConnection, truth: dict[str, dict[str, object]]
) -> None:
    month = truth["quality_incident"]["month"]
    rows = dict(
        con.execute(
            "SELECT date_trunc('month', start_date)::DATE, sum(scrap_qty) / sum(good_qty + scrap_qty) FROM production_orders "
            "WHERE plant = '常州工厂' AND finish_date IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    usual = statistics.median(v for m, v in rows.items() if m != month)
    assert rows[month] > 1.5 * usual
