"""What is measured (issue 16, fix round): classifiers and units, a line table's rows, done-status verbs, quantity
verbs, other aggregations of a field, the money of one thing, on-file counts, row conditions on a thing's field, a
money amount said of an everyday count, counts over a status value per member, planned dates, not-yet flags — each
question's spec run on the small demo warehouse gives what plain SQL gives; the time between two dates (no such
field in the model) is reported, never answered with another number. The wordings are our own."""

from __future__ import annotations

from typing import Any

import pytest

from nl_fixtures import TODAY, ask
from shuzhi.engines.duckdb_engine import DuckDBEngine
from shuzhi.engines.warehouse import Warehouse
from shuzhi.service import run_query
from shuzhi.spec.resolve import UserContext

# (question, SQL giving the one number the answer must be)
NUMBERS: list[tuple[str, str]] = [
    ("去年被取消的订单明细行有几条", "select count(*) from sales_orders where status = '已取消' and order_date between '2025-01-01' and '2025-12-31'"),
    ("How many order lines were cancelled last year",
     "select count(*) from sales_orders where status = '已取消' and order_date between '2025-01-01' and '2025-12-31'"),
    ("待发货的有多少金额", "select sum(amount) from sales_orders where status = '待发货'"),
    ("今年一共下了几张采购单", "select count(*) from purchase_orders where po_date between '2026-01-01' and '2026-11-26'"),
    ("上季度做了几次质量检验", "select count(*) from quality_inspections where inspection_date between '2026-07-01' and '2026-09-30'"),
    ("上个月报废了多少件",
     "select sum(scrap_qty) from production_orders where start_date between '2026-10-01' and '2026-10-31'"),
    ("去年送检了多少件", "select sum(inspected_qty) from quality_inspections where inspection_date between '2025-01-01' and '2025-12-31'"),
    ("上季度卖出去几件直线导轨",
     "select sum(s.quantity) from sales_orders s join products p using (product_id) where s.status <> '已取消' "
     "and p.product_line = '直线导轨' and s.order_date between '2026-07-01' and '2026-09-30'"),
    ("how many units did we sell last quarter",
     "select sum(quantity) from sales_orders where status <> '已取消' and order_date between '2026-07-01' and '2026-09-30'"),
    ("去年平均每张采购单多少钱", "select avg(amount) from purchase_orders where po_date between '2025-01-01' and '2025-12-31'"),
    ("去年最大的一张采购单是多少钱", "select max(amount) from purchase_orders where po_date between '2025-01-01' and '2025-12-31'"),
    ("工单的平均良品数量", "select avg(good_qty) from production_orders"),
    ("今年实际工时一共多少个小时", "select sum(actual_hours) from production_orders where start_date between '2026-01-01' and '2026-11-26'"),
    ("档案里有多少家华东客户", "select count(*) from customers where region = '华东'"),
    ("how many customers are on file", "select count(*) from customers"),
    ("预算超过100万的研发项目有几个", "select count(*) from rd_projects where budget > 1000000"),
    ("计划本年度结项的项目有多少个",
     "select count(*) from rd_projects where planned_end_date between '2026-01-01' and '2026-12-31'"),
    ("已完成但还没产业化的研发项目有多少个",
     "select count(*) from rd_projects where status = '已完成' and not industrialized"),
    ("华东客户的商机去年赢了几个",
     "select count(*) from opportunities o join customers c using (customer_id) where o.stage = '赢单' "
     "and c.region = '华东' and o.close_date between '2025-01-01' and '2025-12-31'"),
    ("上季度发现缺陷的检验有几次",
     "select count(*) from quality_inspections where defect_type <> '无缺陷' "
     "and inspection_date between '2026-07-01' and '2026-09-30'"),
    ("how much did customers buy from us last month",
     "select sum(amount) from sales_orders where status <> '已取消' and order_date between '2026-10-01' and '2026-10-31'"),
    ("除了华东以外，其他大区去年一共卖了多少钱",
     "select sum(s.amount) from sales_orders s join customers c using (customer_id) where s.status <> '已取消' "
     "and c.region <> '华东' and s.order_date between '2025-01-01' and '2025-12-31'"),
    ("上季度末所有仓库加起来有多少件库存",
     "select sum(on_hand_qty) from inventory_snapshots where snapshot_date = '2026-09-30'"),
    # 多少金额的 / 花了多少钱: an amount of money is asked, never a count of rows or of the value's field
    ("今年多少金额的订单已取消",
     "select sum(amount) from sales_orders where status = '已取消' and order_date between '2026-01-01' and '2026-11-26'"),
    ("上季度折旧摊销花了多少钱",
     "select sum(amount) from rd_expenses where expense_category = '折旧摊销' "
     "and expense_month between '2026-07-01' and '2026-09-30'"),
    # 多少客户下单: the customers doing it (the model's buying-customer count), not orders split by customer
    ("上个月华东有多少客户下单",
     "select count(distinct s.customer_id) from sales_orders s join customers c using (customer_id) "
     "where s.status <> '已取消' and c.region = '华东' and s.order_date between '2026-10-01' and '2026-10-31'"),
    # 输掉 (lost) is the lost stage, as 输了 / 丢掉 are
    ("输掉的商机预计金额合计是多少", "select sum(expected_amount) from opportunities where stage = '输单'"),
    ("输掉的商机预计金额加起来多少", "select sum(expected_amount) from opportunities where stage = '输单'"),  # 加起来: a sum
    ("how many customers ordered last month",
     "select count(distinct customer_id) from sales_orders where status <> '已取消' "
     "and order_date between '2026-10-01' and '2026-10-31'"),
]

# a count over a having: the answer is the number of qualifying rows (intent_args["count_rows"])
COUNT_ROWS: list[tuple[str, str]] = [
    ("去年下单超过50万的客户有几家",
     "select count(*) from (select customer_id from sales_orders where status <> '已取消' and order_date between '2025-01-01' and '2025-12-31' "
     "group by 1 having sum(amount) > 500000)"),
    ("今年赢单超过1个的负责人有几个",
     "select count(*) from (select owner from opportunities where stage = '赢单' and close_date between '2026-01-01' and '2026-11-26' "
     "group by 1 having count(*) > 1)"),
]

# rankings and breakdowns: (question, dimension, SQL giving the same rows in order)
TABLES: list[tuple[str, str, str]] = [
    ("目录价最便宜的5个产品", "products.product_name",
     "select product_name, list_price from products order by list_price, product_name limit 5"),
    ("预算最低的3个研发项目", "rd_projects.project_name",
     "select project_name, budget from rd_projects order by budget limit 3"),
    ("各类型专利分别有几件", "patents.patent_type",
     "select patent_type, count(*) from patents group by 1 order by 1"),
    # 客户档案里…: the file's own rows by the field, not split by the names of the thing the file is of
    ("客户档案里按大区的客户数", "customers.region", "select region, count(*) from customers group by 1 order by 1"),
]


@pytest.fixture(scope="module")
def engine(nl_env: dict[str, Any]) -> DuckDBEngine:
    return DuckDBEngine(Warehouse(nl_env["path"], read_only=True).open())


def _run(nl_env: dict[str, Any], engine: DuckDBEngine, spec: dict[str, Any]) -> list[dict[str, Any]]:
    return run_query(spec, nl_env["index"], UserContext.system(), TODAY, engine).table.to_pylist()


def _sql(engine: DuckDBEngine, sql: str) -> list[tuple[Any, ...]]:
    table = engine.execute(sql)
    return list(zip(*(c.to_pylist() for c in table.columns), strict=True))


@pytest.mark.parametrize(("q", "sql"), NUMBERS, ids=[c[0] for c in NUMBERS])
def test_one_number_matches_sql(nl_env: dict[str, Any], engine: DuckDBEngine, q: str, sql: str) -> None:
    r = ask(nl_env, q)
    assert r.spec is not None and r.clarify is None, (r.unknown, r.clarify)
    assert not r.unknown, r.unknown
    assert r.confidence >= 0.75
    assert r.spec["dimensions"] == [] and len(r.spec["metrics"]) == 1
    got = _run(nl_env, engine, r.spec)
    want = _sql(engine, sql)[0][0]
    assert len(got) == 1
    assert float(list(got[0].values())[0]) == pytest.approx(float(want))


@pytest.mark.parametrize(("q", "sql"), COUNT_ROWS, ids=[c[0] for c in COUNT_ROWS])
def test_count_over_having_matches_sql(nl_env: dict[str, Any], engine: DuckDBEngine, q: str, sql: str) -> None:
    r = ask(nl_env, q)
    assert r.spec is not None and r.clarify is None and not r.unknown, (r.unknown, r.clarify)
    assert r.intent_args.get("count_rows") is True
    assert len(_run(nl_env, engine, r.spec)) == _sql(engine, sql)[0][0]


@pytest.mark.parametrize(("q", "dim", "sql"), TABLES, ids=[c[0] for c in TABLES])
def test_ranking_of_things_matches_sql(nl_env: dict[str, Any], engine: DuckDBEngine, q: str, dim: str, sql: str) -> None:
    r = ask(nl_env, q)
    assert r.spec is not None and r.clarify is None and not r.unknown, (r.unknown, r.clarify)
    assert r.spec["dimensions"] == [dim]
    got = [tuple(row.values()) for row in _run(nl_env, engine, r.spec)]
    want = _sql(engine, sql)
    if "group by" in sql:  # a breakdown: the same members with the same numbers
        assert sorted((a, float(b)) for a, b in got) == [(a, pytest.approx(float(b))) for a, b in sorted(want)]
    else:  # a ranking: the same numbers in the same order (ties may list other names)
        assert [float(v) for _, v in got] == [pytest.approx(float(v)) for _, v in want]


@pytest.mark.parametrize("q", ["去年工单从开工到完工平均用了多少天", "how long does it take from order to shipment",
                               "今年订单从接单到出货一般要多久"])
def test_time_between_two_dates_is_reported(nl_env: dict[str, Any], q: str) -> None:
    """The model has no duration field: no answer (never the order count instead), and the reason is given."""
    r = ask(nl_env, q)
    assert r.spec is None
    assert any("两个日期之间" in (u.get("reason") or "") for u in r.unknown)


def test_readings_follow_the_model(nl_env: dict[str, Any]) -> None:
    """Each reading comes from the model's words: 卖了多少钱 is revenue, 卖出去几台 the quantity; 下单 is the order
    count, 下单超过20万 the money; 授权了 stays patents granted (a metric's word), 取消了 is a status."""
    assert ask(nl_env, "上个月伺服电机卖了多少钱").spec["metrics"] == ["revenue"]
    assert ask(nl_env, "上个月卖出去几台伺服电机").spec["metrics"] == ["sales_quantity"]
    assert ask(nl_env, "去年下单超过20单的客户有几家").spec["having"][0]["field"] == "order_count"
    assert ask(nl_env, "去年授权了几项专利").spec["metrics"] == ["patents_granted"]
    assert ask(nl_env, "订单行取消了的有几条").spec["where"] == [
        {"field": "sales_orders.status", "op": "=", "value": "已取消"}]
    # a creation word with a second metric is not read as the count's (asked back instead of a guess)
    r = ask(nl_env, "今年建档的新客户贡献了多少销售额")
    assert r.spec is None or r.confidence < 0.75


@pytest.mark.parametrize("q, field", [("海外客户分布在几个国家", "customers.country"),
                                      ("how many countries do our customers come from", "customers.country"),
                                      ("供应商分布在几个国家", "suppliers.country")])
def test_a_count_word_before_a_field_counts_its_values(nl_env: dict[str, Any], q: str, field: str) -> None:
    """A count word right before a dimension word asks for its distinct values, even next to a counted thing."""
    r = ask(nl_env, q)
    assert r.spec["metrics"][0]["field"] == field and r.spec["metrics"][0]["aggregate"] == "count_distinct"
    assert not r.spec["dimensions"]
    assert ask(nl_env, "华东有多少客户").spec["metrics"] == ["customer_count"]  # a thing the model counts stays so


@pytest.mark.parametrize(("q", "sql"), [
    ("去年在册的供应商有几家", "select count(*) from suppliers"),
    ("本月供应商档案里有多少家", "select count(*) from suppliers"),
])
def test_a_period_on_undated_rows_is_dropped_with_a_reason(nl_env: dict[str, Any], engine: DuckDBEngine, q: str,
                                                           sql: str) -> None:
    """Suppliers on file have no date: the period cannot filter them. The question is answered over the whole file
    (never the error metric_without_time), the period is reported with why, and the answer is not shown as sure."""
    r = ask(nl_env, q)
    assert r.spec is not None and r.clarify is None, (r.unknown, r.clarify)
    assert "time_range" not in r.spec
    assert any("没有日期" in (u.get("reason") or "") for u in r.unknown), r.unknown
    assert r.confidence < 0.75
    got = _run(nl_env, engine, r.spec)
    assert float(list(got[0].values())[0]) == pytest.approx(float(_sql(engine, sql)[0][0]))
