"""Every step kind compiled to one WITH statement and executed on the demo warehouse; rows are compared
with hand-written SQL, and the planned column types with what DuckDB returns (ds_helpers.run)."""

from __future__ import annotations

import pytest
from ds_helpers import run
from sqlglot import exp

NOT_CANCELLED = {"op": "filter", "conditions": [{"field": "status", "op": "!=", "value": "已取消"}]}


def q(con, sql: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    return con.execute(sql).fetchall()


def test_select_keeps_and_drops(demo_con, sources) -> None:  # type: ignore[no-untyped-def]
    cols, rows, _ = run(demo_con, sources, [{"op": "select", "fields": ["region", "customer_id"]}], "customers")
    assert cols == ["region", "customer_id"] and len(rows) == q(demo_con, "SELECT count(*) FROM customers")[0][0]
    cols, _, _ = run(demo_con, sources, [{"op": "select", "exclude": ["city", "country"]}], "customers")
    assert "city" not in cols and "province" in cols


def test_filter_formula_and_conditions(demo_con, sources) -> None:  # type: ignore[no-untyped-def]
    _, rows, _ = run(demo_con, sources, [{"op": "filter", "formula": "amount > 10000 AND channel IN ('直销', '电商')"},
                                         {"op": "select", "fields": ["order_id", "line_no"]}])
    assert sorted(rows) == sorted(q(demo_con, "SELECT order_id, line_no FROM sales_orders WHERE amount > 10000 "
                                              "AND channel IN ('直销', '电商')"))
    steps = [{"op": "filter", "match": "any", "conditions": [
        {"field": "order_date", "op": "between", "values": ["2025-03-01", "2025-03-31"]},
        {"field": "sales_rep", "op": "starts_with", "value": "王"}]}, {"op": "select", "fields": ["order_id", "line_no"]}]
    _, rows, _ = run(demo_con, sources, steps)
    assert sorted(rows) == sorted(q(demo_con, "SELECT order_id, line_no FROM sales_orders WHERE order_date BETWEEN "
                                              "DATE '2025-03-01' AND DATE '2025-03-31' OR sales_rep LIKE '王%'"))
    _, rows, _ = run(demo_con, sources, [{"op": "filter", "conditions": [{"field": "ship_date", "op": "is_null"},
                                                                         {"field": "status", "op": "not_in",
                                                                          "values": ["已取消"]}]}])
    assert len(rows) == q(demo_con, "SELECT count(*) FROM sales_orders WHERE ship_date IS NULL AND status <> '已取消'")[0][0]
    assert {r[-1] for r in rows} == {"待发货"}


def test_calculate_types_and_replace(demo_con, sources) -> None:  # type: ignore[no-untyped-def]
    steps = [{"op": "calculate", "name": "毛利", "formula": "amount - cost", "label": "毛利"},
             {"op": "calculate", "name": "年", "formula": "YEAR(order_date)"},
             {"op": "calculate", "name": "发货天数", "formula": "ship_date - order_date"},
             {"op": "calculate", "name": "档位", "formula": "IF(amount >= 10000, '大单', '小单')"},
             {"op": "calculate", "name": "quantity", "formula": "quantity * 2"},
             {"op": "calculate", "name": "次日", "formula": "order_date + 1"},
             {"op": "calculate", "name": "折后", "formula": "unit_price", "type": "integer"},
             {"op": "select", "fields": ["毛利", "年", "发货天数", "档位", "quantity", "次日", "折后"]}]
    _, rows, _ = run(demo_con, sources, steps)
    ref = q(demo_con, "SELECT amount - cost, year(order_date), ship_date - order_date, CASE WHEN amount >= 10000 THEN "
                      "'大单' ELSE '小单' END, quantity * 2, order_date + 1, TRY_CAST(unit_price AS BIGINT) "
                      "FROM sales_orders")
    assert sorted(rows, key=repr) == sorted(ref, key=repr)


def test_aggregate(demo_con, sources) -> None:  # type: ignore[no-untyped-def]
    steps = [NOT_CANCELLED, {"op": "aggregate", "group_by": ["channel"], "aggregates": [
        {"name": "revenue", "agg": "sum", "field": "amount"}, {"name": "lines", "agg": "count"},
        {"name": "orders", "agg": "count_distinct", "field": "order_id"}, {"name": "qty", "agg": "sum", "field": "quantity"},
        {"name": "avg_price", "agg": "avg", "field": "unit_price"}, {"name": "mid", "agg": "median", "field": "amount"},
        {"name": "first_day", "agg": "min", "field": "order_date"}, {"name": "last_rep", "agg": "max", "field": "sales_rep"}]}]
    _, rows, _ = run(demo_con, sources, steps)
    ref = q(demo_con, "SELECT channel, sum(amount), count(*), count(DISTINCT order_id), sum(quantity), avg(unit_price), "
                      "median(amount), min(order_date), max(sales_rep) FROM sales_orders WHERE status <> '已取消' GROUP BY 1")
    assert sorted(map(_round, rows)) == sorted(map(_round, ref))
    _, rows, _ = run(demo_con, sources, [{"op": "aggregate", "aggregates": [{"name": "n", "agg": "count"}]}])
    assert rows == q(demo_con, "SELECT count(*) FROM sales_orders")


def _round(row: tuple) -> tuple:
    return tuple(round(v, 6) if isinstance(v, float) else v for v in row)


@pytest.mark.parametrize("how", ["left", "inner", "right", "full"])
def test_join_kinds(demo_con, sources, how: str) -> None:  # type: ignore[no-untyped-def]
    # customers with id <= 10300 joined to their opportunities: some customers have none, some
    # opportunities' customers are outside the filter, so each join kind differs.
    steps = [{"op": "filter", "formula": "customer_id <= 10300"}, {"op": "select", "fields": ["customer_id", "region"]},
             {"op": "join", "how": how, "with": {"table": "opportunities"},
              "on": [{"left": "customer_id", "right": "customer_id"}], "fields": ["opportunity_id", "stage"]}]
    _, rows, _ = run(demo_con, sources, steps, "customers")
    key = "COALESCE(c.customer_id, o.customer_id)" if how in ("right", "full") else "c.customer_id"
    sql = (f"SELECT {key}, c.region, o.opportunity_id, o.stage FROM (SELECT customer_id, region FROM customers "  # noqa: S608
           f"WHERE customer_id <= 10300) c {how.upper()} JOIN opportunities o ON c.customer_id = o.customer_id")
    ref = q(demo_con, sql)
    assert sorted(rows, key=repr) == sorted(ref, key=repr)
    assert len(rows) > 0


def test_join_default_fields_suffix_collisions(demo_con, sources) -> None:  # type: ignore[no-untyped-def]
    steps = [{"op": "join", "with": {"table": "customers"}, "on": [{"left": "customer_id", "right": "customer_id"}]},
             {"op": "join", "with": {"table": "products"}, "on": [{"left": "product_id", "right": "product_id"}],
              "fields": [{"name": "product_line", "as": "产品线"}]}]
    cols, rows, _ = run(demo_con, sources, steps, limit=3)
    assert cols[-1] == "产品线" and "region" in cols and cols.count("customer_id") == 1 and len(rows) == 3
    # customers.created_date does not collide; joining customers twice suffixes the second copy
    cols, _, _ = run(demo_con, sources, [steps[0], {**steps[0]}], limit=1)
    assert "region_customers" in cols


def test_union_by_name_with_fill(demo_con, sources) -> None:  # type: ignore[no-untyped-def]
    steps = [{"op": "select", "fields": ["supplier_id", "country"]},
             {"op": "union", "with": {"table": "customers"}, "fill_missing": True},
             {"op": "union", "with": {"table": "suppliers"}, "distinct": True}]
    _, rows, _ = run(demo_con, sources, steps, "suppliers")
    ref = q(demo_con, "SELECT supplier_id, country FROM suppliers UNION ALL SELECT NULL, country FROM customers "
                      "UNION SELECT supplier_id, country FROM suppliers")
    assert sorted(rows, key=repr) == sorted(ref, key=repr)
    # integer unioned with number becomes number (run() checks the type against DuckDB)
    _, rows, _ = run(demo_con, sources, [{"op": "select", "fields": ["quantity"]},
                                         {"op": "rename", "columns": {"quantity": "amount"}},
                                         {"op": "union", "with": {"table": "rd_expenses"}}])
    assert len(rows) == q(demo_con, "SELECT (SELECT count(*) FROM sales_orders) + (SELECT count(*) FROM rd_expenses)")[0][0]


def test_sort_limit_and_order_kept_through_later_steps(demo_con, sources) -> None:  # type: ignore[no-untyped-def]
    steps = [{"op": "sort", "by": [{"field": "amount", "desc": True}, {"field": "order_id"}], "limit": 10},
             {"op": "select", "fields": ["order_id", "amount"]}, {"op": "rename", "columns": {"amount": "金额"}}]
    _, rows, tree = run(demo_con, sources, steps)
    assert rows == q(demo_con, "SELECT order_id, amount FROM sales_orders ORDER BY amount DESC, order_id LIMIT 10")
    assert tree.args.get("order") is not None  # re-applied by the final SELECT


def test_rename_labels_retype(demo_con, sources) -> None:  # type: ignore[no-untyped-def]
    steps = [{"op": "select", "fields": ["order_id", "line_no", "order_date"]},
             {"op": "rename", "columns": {"order_id": "订单号"}, "labels": {"订单号": "销售订单号"}},
             {"op": "retype", "columns": {"line_no": "string", "order_date": "timestamp"}},
             {"op": "retype", "columns": {"订单号": "integer"}}]
    cols, rows, _ = run(demo_con, sources, steps, limit=2)
    assert cols == ["订单号", "line_no", "order_date"]
    assert rows[0][0] is None and isinstance(rows[0][1], str)  # 'SO2023...' does not convert: NULL, not an error


def test_pivot_and_unpivot(demo_con, sources) -> None:  # type: ignore[no-untyped-def]
    steps = [NOT_CANCELLED, {"op": "pivot", "index": ["channel"], "column": "status", "field": "amount",
                             "values": ["已完成", {"value": "待发货", "name": "pending"}]}]
    cols, rows, _ = run(demo_con, sources, steps)
    assert cols == ["channel", "已完成", "pending"]
    ref = q(demo_con, "SELECT channel, sum(amount) FILTER (WHERE status = '已完成'), sum(amount) FILTER (WHERE status = "
                      "'待发货') FROM sales_orders WHERE status <> '已取消' GROUP BY 1")
    assert sorted(map(_round, rows)) == sorted(map(_round, ref))
    counted = [{"op": "pivot", "column": "region", "agg": "count", "values": ["华东", "海外"]}]
    _, rows, _ = run(demo_con, sources, counted, "customers")
    assert rows == q(demo_con, "SELECT count(*) FILTER (WHERE region = '华东'), count(*) FILTER (WHERE region = '海外') "
                               "FROM customers")
    back = steps + [{"op": "unpivot", "columns": ["已完成", "pending"], "name_column": "状态", "value_column": "金额",
                     "drop_nulls": True}]
    cols, rows, _ = run(demo_con, sources, back)
    assert cols == ["channel", "状态", "金额"]
    ref = q(demo_con, "SELECT channel, CASE status WHEN '已完成' THEN '已完成' ELSE 'pending' END, sum(amount) FROM "
                      "sales_orders WHERE status IN ('已完成', '待发货') GROUP BY 1, 2")
    assert sorted(map(_round, rows)) == sorted(map(_round, ref))


def test_unpivot_with_duckdb_unpivot_reference(demo_con, sources) -> None:  # type: ignore[no-untyped-def]
    steps = [{"op": "unpivot", "columns": ["good_qty", "scrap_qty", "planned_hours"]},
             {"op": "select", "fields": ["work_order_id", "attribute", "value"]}]
    _, rows, _ = run(demo_con, sources, steps, "production_orders")
    ref = q(demo_con, "SELECT work_order_id, attribute, value FROM (UNPIVOT (SELECT work_order_id, "
                      "CAST(good_qty AS DOUBLE) AS good_qty, CAST(scrap_qty AS DOUBLE) AS scrap_qty, planned_hours "
                      "FROM production_orders) ON good_qty, scrap_qty, planned_hours INTO NAME attribute VALUE value)")
    assert sorted(rows) == sorted(ref)


def test_deduplicate(demo_con, sources) -> None:  # type: ignore[no-untyped-def]
    _, rows, _ = run(demo_con, sources, [{"op": "select", "fields": ["order_id", "customer_id"]},
                                         {"op": "deduplicate"}])
    assert len(rows) == q(demo_con, "SELECT count(*) FROM (SELECT DISTINCT order_id, customer_id FROM sales_orders)")[0][0]
    steps = [{"op": "deduplicate", "fields": ["customer_id"], "order_by": [{"field": "amount", "desc": True},
                                                                          {"field": "order_id"}, {"field": "line_no"}]},
             {"op": "select", "fields": ["customer_id", "order_id", "line_no", "amount"]}]
    _, rows, _ = run(demo_con, sources, steps)
    ref = q(demo_con, "SELECT customer_id, order_id, line_no, amount FROM sales_orders QUALIFY row_number() OVER "
                      "(PARTITION BY customer_id ORDER BY amount DESC, order_id, line_no) = 1")
    assert sorted(rows) == sorted(ref)


def test_chain_is_one_with_statement_and_preview_after_each_step(demo_con, sources) -> None:  # type: ignore[no-untyped-def]
    steps = [NOT_CANCELLED, {"op": "calculate", "name": "profit", "formula": "amount - cost"},
             {"op": "join", "with": {"table": "customers"}, "on": [{"left": "customer_id", "right": "customer_id"}],
              "fields": ["region"]},
             {"op": "aggregate", "group_by": ["region"], "aggregates": [{"name": "profit", "agg": "sum", "field": "profit"}]},
             {"op": "sort", "by": [{"field": "profit", "desc": True}]}]
    _, rows, tree = run(demo_con, sources, steps)
    sql = tree.sql("duckdb")
    assert sql.startswith("WITH ") and sql.count("WITH ") == 1 and [c.alias for c in tree.ctes] == [
        "s0", "s1", "s2", "o3", "s3", "s4", "s5"]
    ref = q(demo_con, "SELECT c.region, sum(s.amount - s.cost) FROM sales_orders s LEFT JOIN customers c "
                      "USING (customer_id) WHERE s.status <> '已取消' GROUP BY 1 ORDER BY 2 DESC")
    assert [r[0] for r in rows] == [r[0] for r in ref] and list(map(_round, rows)) == list(map(_round, ref))
    for k in range(len(steps) + 1):  # every prefix runs and has the planned schema
        _, part, t = run(demo_con, sources, steps, upto=k, limit=7)
        assert len(part) <= 7 and len(t.ctes) == k + 1 + (1 if k >= 3 else 0)


def test_injection_stays_literal_and_identifier(demo_con, sources) -> None:  # type: ignore[no-untyped-def]
    evil_value = "华东'; DROP TABLE customers; --"
    steps = [{"op": "filter", "conditions": [{"field": "region", "op": "in", "values": [evil_value, "华南"]}]},
             {"op": "calculate", "name": 'x"; DROP TABLE customers; --', "formula": "'a''b'"},
             {"op": "rename", "columns": {"region": "r) FROM customers; DELETE FROM customers; --"}},
             {"op": "pivot", "index": [], "column": "r) FROM customers; DELETE FROM customers; --", "agg": "count",
              "values": [evil_value, "华南"]}]
    cols, rows, tree = run(demo_con, sources, steps, "customers")
    assert cols == [evil_value, "华南"]
    assert rows == q(demo_con, "SELECT 0, count(*) FROM customers WHERE region = '华南'")
    statements = [s for s in __import__("sqlglot").parse(tree.sql("duckdb"), read="duckdb") if s is not None]
    assert len(statements) == 1 and not any(isinstance(n, exp.Drop | exp.Delete) for n in statements[0].walk())
    assert q(demo_con, "SELECT count(*) FROM customers")[0][0] > 0
