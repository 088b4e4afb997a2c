"""Counts of any thing and aggregates of any numeric field (issue 16): the parser's spec for each question,
and that spec run on the small demo warehouse gives the number plain SQL gives. Also: an imported table
(a model the parser never saw) is counted and aggregated by its own words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

from nl_fixtures import TODAY, ask
from shuzhi.ai.nl import Lexicon, parse_question
from shuzhi.engines.duckdb_engine import DuckDBEngine
from shuzhi.engines.warehouse import Warehouse
from shuzhi.model.index import ModelIndex
from shuzhi.model.schema import SemanticModel
from shuzhi.service import run_query
from shuzhi.spec.resolve import UserContext

# (question, the spec's first metric: a model metric name or (aggregate, field) of an ad-hoc item,
#  where conditions, the time_range field, SQL giving the same one number)
CASES: list[tuple[str, Any, list[dict[str, Any]], str | None, str]] = [
    ("我们一共有多少家供应商", ("count_distinct", "suppliers.supplier_id"), [], None,
     "select count(*) from suppliers"),
    ("how many suppliers do we have", ("count_distinct", "suppliers.supplier_id"), [], None,
     "select count(*) from suppliers"),
    ("现在还在进行中的研发项目有几个", ("count_distinct", "rd_projects.project_id"),
     [{"field": "rd_projects.status", "op": "=", "value": "进行中"}], None,
     "select count(*) from rd_projects where status = '进行中'"),
    ("去年新建了多少个商机", ("count_distinct", "opportunities.opportunity_id"), [], "opportunities.created_date",
     "select count(*) from opportunities where created_date between '2025-01-01' and '2025-12-31'"),
    ("How many deals did we win last quarter", "won_opportunities", [], "time",
     "select count(*) from opportunities where stage = '赢单' and close_date between '2026-07-01' "
     "and '2026-09-30'"),
    ("去年赢了多少单", "won_opportunities", [], "time",
     "select count(*) from opportunities where stage = '赢单' and close_date between '2025-01-01' "
     "and '2025-12-31'"),
    ("去年丢了多少单", ("count_distinct", "opportunities.opportunity_id"),
     [{"field": "opportunities.stage", "op": "=", "value": "输单"}], "time",
     "select count(*) from opportunities where stage = '输单' and close_date between '2025-01-01' "
     "and '2025-12-31'"),
    ("去年新建档的客户有多少家", "new_customers", [], "time",
     "select count(*) from customers where created_date between '2025-01-01' and '2025-12-31'"),
    ("在途商机有多少个", ("count_distinct", "opportunities.opportunity_id"),
     [{"field": "opportunities.stage", "op": "not_in", "values": ["赢单", "输单"]}], None,
     "select count(*) from opportunities where stage not in ('赢单', '输单')"),
    ("公司有多少个工单", ("count_distinct", "production_orders.work_order_id"), [], None,
     "select count(*) from production_orders"),
    ("有多少个批次", ("count_distinct", "quality_inspections.batch_no"), [], None,
     "select count(distinct batch_no) from quality_inspections"),
    ("不良品有多少件", "defect_qty", [], None, "select sum(defect_qty) from quality_inspections"),
    ("在途商机的金额", "pipeline_amount", [], None,
     "select sum(expected_amount) from opportunities where stage not in ('赢单', '输单')"),
    ("研发项目的预算合计", ("sum", "rd_projects.budget"), [], None, "select sum(budget) from rd_projects"),
    ("average unit price", ("avg", "sales_orders.unit_price"), [], None, "select avg(unit_price) from sales_orders"),
    ("外观设计专利有几件", "patent_applications", [{"field": "patents.patent_type", "op": "=", "value": "外观设计"}], None,
     "select count(*) from patents where patent_type = '外观设计'"),
    ("how many opportunities are open", ("count_distinct", "opportunities.opportunity_id"),
     [{"field": "opportunities.stage", "op": "not_in", "values": ["赢单", "输单"]}], None,
     "select count(*) from opportunities where stage not in ('赢单', '输单')"),
    ("今年立项了多少个项目", ("count_distinct", "rd_projects.project_id"), [], "rd_projects.start_date",
     "select count(*) from rd_projects where start_date between '2026-01-01' and '2026-11-26'"),
    ("采购订单有多少张", ("count_distinct", "purchase_orders.po_id"), [], None, "select count(*) from purchase_orders"),
    ("商机的平均预计金额", ("avg", "opportunities.expected_amount"), [], None,
     "select avg(expected_amount) from opportunities"),
    ("去年从供应商买了多少钱", "purchase_amount", [], "time",
     "select sum(amount) from purchase_orders where po_date between '2025-01-01' and '2025-12-31'"),
    ("how much did we buy from suppliers last year", "purchase_amount", [], "time",
     "select sum(amount) from purchase_orders where po_date between '2025-01-01' and '2025-12-31'"),
    ("what did customers buy last year", "revenue", [], "time",
     "select sum(amount) from sales_orders where status <> '已取消' and order_date between '2025-01-01' and '2025-12-31'"),
    ("有多少个新产品", ("count_distinct", "products.product_id"),
     [{"field": "products.is_new_product", "op": "=", "value": True}], None,
     "select count(*) from products where is_new_product"),
    ("去年新签了多少客户", "new_customers", [], "time",
     "select count(*) from customers where created_date between '2025-01-01' and '2025-12-31'"),
    ("how many cancelled orders last year", ("count_distinct", "sales_orders.order_id"),
     [{"field": "sales_orders.status", "op": "=", "value": "已取消"}], "time",
     "select count(distinct order_id) from sales_orders where status = '已取消' "
     "and order_date between '2025-01-01' and '2025-12-31'"),
    ("去年已取消订单的销售额", ("sum", "sales_orders.amount"),
     [{"field": "sales_orders.status", "op": "=", "value": "已取消"}], "time",
     "select sum(amount) from sales_orders where status = '已取消' and order_date between '2025-01-01' and '2025-12-31'"),
    ("已取消订单的金额", ("sum", "sales_orders.amount"), [{"field": "sales_orders.status", "op": "=", "value": "已取消"}],
     None, "select sum(amount) from sales_orders where status = '已取消'"),
    ("采购订单的金额", "purchase_amount", [], None, "select sum(amount) from purchase_orders"),
    ("how many projects are in progress", ("count_distinct", "rd_projects.project_id"),
     [{"field": "rd_projects.status", "op": "=", "value": "进行中"}], None,
     "select count(*) from rd_projects where status = '进行中'"),
    ("现在一共有几个仓库", ("count_distinct", "inventory_snapshots.warehouse"), [], None,
     "select count(distinct warehouse) from inventory_snapshots"),
    ("一共有多少条产线", ("count_distinct", "production_orders.production_line"), [], None,
     "select count(distinct production_line) from production_orders"),
    ("今年开工了多少个工单", ("count_distinct", "production_orders.work_order_id"), [], "production_orders.start_date",
     "select count(*) from production_orders where start_date between '2026-01-01' and '2026-11-26'"),
    ("今年质检了多少次", ("count_distinct", "quality_inspections.inspection_id"), [],
     "quality_inspections.inspection_date",
     "select count(*) from quality_inspections where inspection_date between '2026-01-01' and '2026-11-26'"),
    ("How many customers were onboarded this year", "new_customers", [], "time",
     "select count(*) from customers where created_date between '2026-01-01' and '2026-11-26'"),
    ("去年授权了几项专利", "patents_granted", [], "time",
     "select count(*) from patents where grant_date between '2025-01-01' and '2025-12-31'"),
    ("上个月底的库存数量", ("sum", "inventory_snapshots.on_hand_qty"), [], "time",
     "select sum(on_hand_qty) from inventory_snapshots where snapshot_date = '2026-10-31'"),
]


def _first_metric(spec: dict[str, Any]) -> Any:
    m = spec["metrics"][0]
    return m if isinstance(m, str) else (m["aggregate"], m["field"])


@pytest.fixture(scope="module")
def engine(nl_env: dict[str, Any]) -> DuckDBEngine:
    return DuckDBEngine(Warehouse(nl_env["path"], read_only=True).open())


@pytest.mark.parametrize(("q", "metric", "where", "time_field", "sql"), CASES, ids=[c[0] for c in CASES])
def test_count_or_aggregate_matches_sql(nl_env: dict[str, Any], engine: DuckDBEngine, q: str, metric: Any, where: list[dict[str, Any]],
                                        time_field: str | None, sql: str) -> None:
    r = ask(nl_env, q)
    assert r.spec is not None, r.unknown
    assert not r.unknown, r.unknown
    assert _first_metric(r.spec) == metric
    assert len(r.spec["metrics"]) == 1 and r.spec["dimensions"] == []
    assert r.spec.get("where", []) == where
    assert (r.spec.get("time_range") or {}).get("field") == time_field
    got = run_query(r.spec, nl_env["index"], UserContext.system(), TODAY, engine).table.to_pylist()
    want = engine.execute(sql).column(0)[0].as_py()
    assert len(got) == 1
    assert list(got[0].values())[0] == pytest.approx(want)


def test_no_silent_substitution(nl_env: dict[str, Any]) -> None:
    """The meaning-changing word is read, never dropped for a look-alike metric."""
    assert ask(nl_env, "去年新建档的客户有多少家").spec["metrics"] != ["customer_count"]
    assert ask(nl_env, "去年赢了多少单").spec["metrics"] != ["order_count"]
    assert _first_metric(ask(nl_env, "去年新建了多少个商机").spec) != "pipeline_amount"
    # 新建 of a thing the model has no creation date for is left unread, not ignored
    r = ask(nl_env, "去年新建了多少个供应商")
    assert r.spec is None or any("新建" in u["text"] for u in r.unknown)


def test_aggregation_is_said(nl_env: dict[str, Any]) -> None:
    """The chip names the aggregation: 期末 for a snapshot, 平均 for a price, 求和 for an amount."""
    chips = {c["text"] for q in ("上个月底库存数量最多的5个产品", "各产品线的平均单价", "各研发层级的项目预算合计")
             for c in ask(nl_env, q).interpretation}
    assert {"指标: 结存数量（期末）", "指标: 单价（平均）", "指标: 项目预算（求和）"} <= chips
    r = ask(nl_env, "上个月底库存数量最多的5个产品")
    assert r.spec["dimensions"] == ["products.product_name"] and r.spec["limit"] == 5 and not r.unknown
    assert r.spec["time_range"] == {"field": "time", "relative": "last_month"}


def test_wording(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "各个新产品的销售额")
    assert r.spec["dimensions"] == ["products.product_name"]
    assert r.spec["where"] == [{"field": "products.is_new_product", "op": "=", "value": True}]
    assert ask(nl_env, "新老产品的销售额").spec["dimensions"] == ["products.is_new_product"]
    r = ask(nl_env, "赢单率最高的销售")
    assert r.spec["metrics"] == ["win_rate"] and r.spec["dimensions"] == ["opportunities.owner"]
    assert ask(nl_env, "今年的销售").spec["metrics"] == ["revenue"]
    r = ask(nl_env, "在途商机的金额")
    assert r.spec["metrics"] == ["pipeline_amount"] and "where" not in r.spec and not r.unknown


def test_counts_by_a_dimension(nl_env: dict[str, Any]) -> None:
    """各X的Y数 / Y per X: the thing's count split like any metric."""
    for q, dim, metric in [("各大区的商机数", "customers.region", "opportunities.opportunity_id"),
                           ("各工厂的工单数量", "production_orders.plant", "production_orders.work_order_id"),
                           ("how many work orders per plant", "production_orders.plant", "production_orders.work_order_id"),
                           ("各研发层级的项目数", "rd_projects.rd_layer", "rd_projects.project_id"),
                           ("各阶段的商机有多少个", "opportunities.stage", "opportunities.opportunity_id")]:
        r = ask(nl_env, q)
        assert r.spec["dimensions"] == [dim] and _first_metric(r.spec) == ("count_distinct", metric), q
        assert not r.unknown, (q, r.unknown)
    r = ask(nl_env, "华东有多少个在途商机")
    assert _first_metric(r.spec) == ("count_distinct", "opportunities.opportunity_id") and not r.unknown
    assert {"field": "opportunities.stage", "op": "not_in", "values": ["赢单", "输单"]} in r.spec["where"]
    r = ask(nl_env, "total on-hand quantity by warehouse at the end of last month")
    assert _first_metric(r.spec) == ("sum", "inventory_snapshots.on_hand_qty") and not r.unknown
    assert r.spec["dimensions"] == ["inventory_snapshots.warehouse"]
    for q, metric in [("who is our biggest customer", "revenue"), ("最大的供应商", "purchase_amount"),
                      ("去年最大的5个客户", "revenue")]:
        r = ask(nl_env, q)
        assert r.spec["metrics"] == [metric] and r.spec["order_by"][0] == {"field": metric, "desc": True}, q
    r = ask(nl_env, "哪个项目预算最多")
    assert r.spec["dimensions"] == ["rd_projects.project_name"] and r.spec["limit"] == 1
    assert _first_metric(r.spec) == ("sum", "rd_projects.budget")
    assert ask(nl_env, "how much did we buy last year").spec is None  # who bought is not said: not guessed
    assert ask(nl_env, "how many employees work in the Suzhou plant").spec is None


def test_imported_table(tmp_path: Path) -> None:
    """A table the parser was never written for: its words (label, synonyms, key) make it countable and its
    numeric columns aggregatable, in Chinese and English; the spec runs."""
    path = tmp_path / "imported.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table machines (machine_id varchar, workshop varchar, status varchar, power_kw double, "
                "bought_on date)")
    con.execute("insert into machines values ('M1', '一车间', '运行', 5.5, '2025-03-01'), "
                "('M2', '一车间', '停机', 7.5, '2025-06-01'), ('M3', '二车间', '运行', 11.0, '2026-02-01')")
    con.close()
    model = SemanticModel.model_validate({
        "name": "plant", "label": "设备", "datasets": [{
            "name": "machines", "table": "machines", "label": "设备台账", "label_en": "Machines",
            "primary_key": ["machine_id"],
            "fields": [
                {"name": "machine_id", "type": "string", "label": "设备编号", "synonyms": ["设备号", "machine id"]},
                {"name": "workshop", "type": "string", "label": "车间", "label_en": "Workshop"},
                {"name": "status", "type": "string", "label": "设备状态", "label_en": "Status"},
                {"name": "power_kw", "type": "number", "label": "额定功率", "label_en": "Rated Power",
                 "synonyms": ["功率"], "dimension": False, "default_aggregation": "avg"},
                {"name": "bought_on", "type": "date", "label": "购置日期"}]}],
        "metrics": []})
    index = ModelIndex.build(model)
    lex = Lexicon.build(index, {("machines", "workshop"): ["一车间", "二车间"], ("machines", "status"): ["运行", "停机"]})
    engine = DuckDBEngine(Warehouse(path, read_only=True).open())

    def number(q: str) -> Any:
        r = parse_question(q, lex, today=dt.date(2026, 11, 26))
        assert r.spec is not None and not r.unknown, (q, r.unknown)
        return r.spec, run_query(r.spec, index, UserContext.system(), dt.date(2026, 11, 26), engine).table.to_pylist()

    spec, rows = number("一车间有多少台设备")
    assert _first_metric(spec) == ("count_distinct", "machines.machine_id") and list(rows[0].values()) == [2]
    spec, rows = number("how many machines are 运行")
    assert list(rows[0].values()) == [2]
    spec, rows = number("各车间的平均功率")
    assert _first_metric(spec) == ("avg", "machines.power_kw")
    assert {r["machines.workshop"]: r["power_kw_avg"] for r in rows} == {"一车间": 6.5, "二车间": 11.0}


def test_count_over_having(nl_env: dict[str, Any], engine: DuckDBEngine) -> None:
    """下单金额超过…的客户有几家: QuerySpec has no count of groups; the spec lists the qualifying customers and
    intent_args says the answer is their number (the rows of the result)."""
    r = ask(nl_env, "去年下单金额超过20万的客户有几家")
    assert r.intent_args.get("count_rows") is True
    assert r.spec["dimensions"] == ["customers.customer_name"]
    assert r.spec["having"] == [{"field": "revenue", "op": ">", "value": 200_000}]
    rows = run_query(r.spec, nl_env["index"], UserContext.system(), TODAY, engine).table.num_rows
    want = engine.execute(
        "select count(*) from (select c.customer_name from sales_orders s join customers c using (customer_id) "
        "where s.status <> '已取消' and s.order_date between '2025-01-01' and '2025-12-31' "
        "group by c.customer_name having sum(s.amount) > 200000)").column(0)[0].as_py()
    assert rows == want == 18
    assert "count_rows" not in ask(nl_env, "去年下单金额超过20万的客户").intent_args


def test_created_by_month(nl_env: dict[str, Any], engine: DuckDBEngine) -> None:
    """今年每个月新建了多少个商机: the months are those of the creation date, like the range (a follow-up too)."""
    want = {r["m"]: r["n"] for r in engine.execute(
        "select date_trunc('month', created_date)::date as m, count(*) as n from opportunities "
        "where created_date between '2026-01-01' and '2026-11-26' group by 1").to_pylist()}
    for r in (ask(nl_env, "今年每个月新建了多少个商机"), ask(nl_env, "再按月看", ask(nl_env, "今年新建了多少个商机"))):
        assert r.spec["dimensions"] == [{"field": "opportunities.created_date", "grain": "month"}]
        rows = run_query(r.spec, nl_env["index"], UserContext.system(), TODAY, engine).table.to_pylist()
        assert {x["created_date_month"]: x["opportunities_count"] for x in rows} == want
