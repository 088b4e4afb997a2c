"""Business rules (口径) and consistency of the generated data, and the history window."""

# ruff: noqa: S608  (SQL fragments here are literals of this file)

from __future__ import annotations

import duckdb
import pytest
from demo_helpers import END, scalar

MAINLAND_PROVINCES = {
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
    "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
    "宁夏回族自治区", "新疆维吾尔自治区",
}  # fmt: skip
WINDOW_START = "2023-11-01"  # 36 whole months ending with October 2026

# (table, date column) of every fact date; all must lie in [WINDOW_START, END].
FACT_DATES = (
    ("sales_orders", "order_date"),
    ("sales_orders", "ship_date"),
    ("inventory_snapshots", "snapshot_date"),
    ("production_orders", "start_date"),
    ("production_orders", "finish_date"),
    ("quality_inspections", "inspection_date"),
    ("purchase_orders", "po_date"),
    ("opportunities", "created_date"),
    ("opportunities", "close_date"),
    ("rd_expenses", "expense_month"),
    ("patents", "application_date"),
    ("patents", "grant_date"),
)


def count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    n = scalar(con, sql)
    assert isinstance(n, int)
    return n


def none_of(con: duckdb.DuckDBPyConnection, rows: str) -> None:
    """No row matches `rows` (a FROM ... WHERE ... clause without the FROM)."""
    n = count(con, f"SELECT count(*) FROM {rows}")
    assert n == 0, f"{n} rows violate: {rows}"


@pytest.mark.parametrize(("table", "column"), FACT_DATES)
def test_fact_dates_inside_window(con: duckdb.DuckDBPyConnection, table: str, column: str) -> None:
    lo, hi = con.execute(f"SELECT min({column}), max({column}) FROM {table}").fetchone()
    assert str(lo) >= WINDOW_START and hi <= END


def test_window_is_covered_to_the_end(con: duckdb.DuckDBPyConnection) -> None:
    assert str(scalar(con, "SELECT min(order_date) FROM sales_orders")) == WINDOW_START
    assert (END - scalar(con, "SELECT max(order_date) FROM sales_orders")).days <= 3
    months = count(con, "SELECT count(DISTINCT date_trunc('month', order_date)) FROM sales_orders")
    assert months == 36


def test_no_dimension_date_after_end(con: duckdb.DuckDBPyConnection) -> None:
    assert scalar(con, "SELECT max(created_date) FROM customers") <= END
    assert scalar(con, "SELECT max(launch_date) FROM products") <= END
    assert scalar(con, "SELECT max(start_date) FROM rd_projects") <= END


def test_ship_date_null_exactly_for_pending_and_cancelled(con: duckdb.DuckDBPyConnection) -> None:
    bad = "(ship_date IS NULL) <> (status IN ('待发货', '已取消'))"
    none_of(con, f"sales_orders WHERE {bad}")
    none_of(con, "sales_orders WHERE ship_date < order_date")


def test_close_date_only_for_closed_opportunities(con: duckdb.DuckDBPyConnection) -> None:
    none_of(con, "opportunities WHERE (close_date IS NOT NULL) <> (stage IN ('赢单', '输单'))")
    none_of(con, "opportunities WHERE close_date < created_date")


def test_grant_date_only_for_granted_patents(con: duckdb.DuckDBPyConnection) -> None:
    none_of(con, "patents WHERE (grant_date IS NOT NULL) <> (legal_status IN ('已授权', '已失效'))")
    none_of(con, "patents WHERE grant_date <= application_date")
    none_of(con, "patents WHERE commercialized AND grant_date IS NULL")


def test_patent_ids_are_chinese_application_numbers(con: duckdb.DuckDBPyConnection) -> None:
    ids = [r[0] for r in con.execute("SELECT patent_id, patent_type FROM patents").fetchall()]
    weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    for pid in ids:
        assert pid.startswith("CN") and pid[-2] == "."
        r = sum(int(d) * w for d, w in zip(pid[2:14], weights, strict=True)) % 11
        assert pid[-1] == ("X" if r == 10 else str(r))
    typed = con.execute("SELECT substr(patent_id, 7, 1), patent_type FROM patents GROUP BY ALL").fetchall()
    assert set(typed) == {("1", "发明"), ("2", "实用新型"), ("3", "外观设计")}


def test_defects(con: duckdb.DuckDBPyConnection) -> None:
    none_of(con, "quality_inspections WHERE (defect_type = '无缺陷') <> (defect_qty = 0)")
    none_of(con, "quality_inspections WHERE defect_qty > inspected_qty OR inspected_qty <= 0")


def test_inspections_follow_their_work_order(con: duckdb.DuckDBPyConnection) -> None:
    bad = count(
        con,
        "SELECT count(*) FROM quality_inspections q JOIN production_orders p USING (work_order_id) "
        "WHERE q.inspection_date < p.start_date OR q.inspection_date > coalesce(p.finish_date, DATE '2026-10-15')",
    )
    assert bad == 0
    per_wo = scalar(
        con, "SELECT count(*) / (SELECT count(*) FROM production_orders) FROM quality_inspections"
    )
    assert 1.0 <= per_wo <= 2.0
    # In-house lots have no supplier; supplier lots name the supplier in the batch number.
    none_of(con, "quality_inspections WHERE (supplier_id IS NULL) <> batch_no LIKE 'ZZ%'")
    none_of(
        con,
        "quality_inspections WHERE supplier_id IS NOT NULL "
        "AND batch_no NOT LIKE '%-' || lpad(supplier_id::VARCHAR, 3, '0') || '-%'",
    )


def test_production_quantities(con: duckdb.DuckDBPyConnection) -> None:
    none_of(
        con, "production_orders WHERE good_qty + scrap_qty > planned_qty OR good_qty < 0 OR scrap_qty < 0"
    )
    none_of(con, "production_orders WHERE finish_date < start_date")
    none_of(con, "production_orders WHERE planned_qty <= 0 OR planned_hours <= 0 OR actual_hours < 0")
    yield_rate = scalar(con, "SELECT sum(good_qty) / sum(good_qty + scrap_qty) FROM production_orders")
    assert 0.95 < yield_rate < 0.995
    lines = con.execute(
        "SELECT plant, count(DISTINCT production_line) FROM production_orders GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert all(n >= 3 for _, n in lines)


def test_customers_geography(con: duckdb.DuckDBPyConnection) -> None:
    none_of(
        con,
        "customers WHERE region = '海外' AND (province IS NOT NULL OR city IS NOT NULL OR country = '中国')",
    )
    none_of(
        con, "customers WHERE region <> '海外' AND (province IS NULL OR city IS NULL OR country <> '中国')"
    )
    provinces = {
        r[0]
        for r in con.execute("SELECT DISTINCT province FROM customers WHERE province IS NOT NULL").fetchall()
    }
    assert provinces == MAINLAND_PROVINCES
    sold_to = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT province FROM sales_orders JOIN customers USING (customer_id) WHERE province IS NOT NULL"
        ).fetchall()
    }
    assert sold_to == MAINLAND_PROVINCES


def test_customer_names_are_chinese_companies(con: duckdb.DuckDBPyConnection) -> None:
    names = [
        r[0] for r in con.execute("SELECT customer_name FROM customers WHERE region <> '海外'").fetchall()
    ]
    assert len(names) == len(set(names))
    assert all(n.endswith("有限公司") for n in names)
    assert 1500 <= count(con, "SELECT count(*) FROM customers") <= 2500


def test_inventory_one_row_per_warehouse_product_month_end(con: duckdb.DuckDBPyConnection) -> None:
    n_products = count(con, "SELECT count(*) FROM products")
    # End 2026-10-15: month ends from 2023-11-30 to 2026-09-30 (35 of them).
    assert count(con, "SELECT count(*) FROM inventory_snapshots") == 3 * n_products * 35
    assert (
        count(
            con,
            "SELECT count(*) - count(DISTINCT (snapshot_date, warehouse, product_id)) FROM inventory_snapshots",
        )
        == 0
    )
    none_of(con, "inventory_snapshots WHERE snapshot_date <> last_day(snapshot_date)")
    bad_value = "abs(on_hand_value - round(on_hand_qty * p.standard_cost, 2)) > 0.005 OR on_hand_qty < 0"
    none_of(con, f"inventory_snapshots JOIN products p USING (product_id) WHERE {bad_value}")


def test_rd_expenses(con: duckdb.DuckDBPyConnection) -> None:
    none_of(con, "rd_expenses WHERE day(expense_month) <> 1 OR amount <= 0")
    assert (
        count(
            con,
            "SELECT count(*) - count(DISTINCT (expense_month, project_id, expense_category)) FROM rd_expenses",
        )
        == 0
    )
    intensity = scalar(
        con,
        "SELECT (SELECT sum(amount) FROM rd_expenses WHERE year(expense_month) = 2025) / "
        "(SELECT sum(amount) FROM sales_orders WHERE status <> '已取消' AND year(order_date) = 2025)",
    )
    assert 0.03 < intensity < 0.10


def test_rd_projects(con: duckdb.DuckDBPyConnection) -> None:
    none_of(con, "rd_projects WHERE industrialized AND status <> '已完成'")
    none_of(con, "rd_projects WHERE planned_end_date <= start_date OR budget <= 0")
    assert count(con, "SELECT count(*) FROM rd_projects WHERE industrialized") > 0
    assert count(con, "SELECT count(*) - count(DISTINCT project_name) FROM rd_projects") == 0


def test_amount_rule_is_exact(con: duckdb.DuckDBPyConnection) -> None:
    none_of(con, "sales_orders WHERE amount <> round(quantity * unit_price * (1 - discount_rate), 2)")
    none_of(con, "sales_orders WHERE quantity <= 0 OR unit_price <= 0 OR cost <= 0")
    none_of(
        con,
        "sales_orders WHERE discount_rate < 0 OR discount_rate > 0.2 OR discount_rate <> round(discount_rate, 2)",
    )


def test_gross_margin_by_product_line(con: duckdb.DuckDBPyConnection) -> None:
    margins = dict(
        con.execute(
            "SELECT product_line, 1 - sum(cost) / sum(amount) FROM sales_orders JOIN products USING (product_id) "
            "WHERE status <> '已取消' GROUP BY 1"
        ).fetchall()
    )
    assert all(0.28 <= m <= 0.48 for m in margins.values()), margins
    assert max(margins.values()) - min(margins.values()) >= 0.08
    # Standard cost below list price for every product.
    none_of(con, "products WHERE standard_cost >= list_price OR standard_cost <= 0")


def test_orders_respect_customers_and_launches(con: duckdb.DuckDBPyConnection) -> None:
    none_of(con, "sales_orders s JOIN customers c USING (customer_id) WHERE s.order_date < c.created_date")
    none_of(con, "sales_orders s JOIN products p USING (product_id) WHERE s.order_date < p.launch_date")
    none_of(con, "opportunities o JOIN customers c USING (customer_id) WHERE o.created_date < c.created_date")


def test_order_header_fields_consistent(con: duckdb.DuckDBPyConnection) -> None:
    # One order has one date, customer, rep, channel, status and ship date; lines are numbered 1..n.
    varying = count(
        con,
        "SELECT count(*) FROM (SELECT order_id FROM sales_orders GROUP BY 1 HAVING count(DISTINCT (order_date, customer_id, "
        "sales_rep, channel, status, coalesce(ship_date, DATE '1900-01-01'))) > 1 OR max(line_no) <> count(*) OR min(line_no) <> 1)",
    )
    assert varying == 0
    none_of(
        con,
        "sales_orders WHERE order_id <> 'SO' || strftime(order_date, '%Y%m%d') || '-' || substr(order_id, 12)",
    )


def test_channels_follow_customers(con: duckdb.DuckDBPyConnection) -> None:
    none_of(
        con, "sales_orders JOIN customers USING (customer_id) WHERE (channel = '海外') <> (region = '海外')"
    )
    none_of(
        con,
        "sales_orders JOIN customers USING (customer_id) WHERE channel = '经销' AND customer_type <> '经销商'",
    )
    # Each customer has one account owner: the same rep on its orders and its opportunities.
    none_of(con, "(SELECT customer_id FROM sales_orders GROUP BY 1 HAVING count(DISTINCT sales_rep) > 1)")
    none_of(
        con,
        "opportunities o JOIN (SELECT DISTINCT customer_id, sales_rep FROM sales_orders) s USING (customer_id) "
        "WHERE o.owner <> s.sales_rep",
    )


def test_purchasing(con: duckdb.DuckDBPyConnection) -> None:
    none_of(con, "suppliers WHERE is_domestic <> (country = '中国')")
    none_of(
        con,
        "purchase_orders p JOIN suppliers s USING (supplier_id) WHERE p.material_category <> s.material_category",
    )
    none_of(con, "purchase_orders WHERE amount <= 0")
    share = scalar(
        con,
        "SELECT sum(amount) FILTER (WHERE NOT is_domestic) / sum(amount) FROM purchase_orders JOIN suppliers USING (supplier_id)",
    )
    assert 0.05 < share < 0.5
    assert 50 <= count(con, "SELECT count(*) FROM suppliers") <= 70
