"""Answers the parser shapes and the service completes (service/ask_intents.py): two periods compared as one
row with the change (`versus`), two periods side by side (`periods`), the top N together (`sum_rows`) and
periods counted (`count_rows` over a month grain) — each checked against SQL on the demo warehouse."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shuzhi.service.ask import ask
from shuzhi.spec.resolve import UserContext


def _ask(rt: Any, q: str) -> dict[str, Any]:
    return ask(rt, q, UserContext.system())


def _sql(rt: Any, sql: str) -> list[Any]:
    return rt.warehouse(read_only=True).open().run_read_only(sql).to_pylist()


def _revenue(rt: Any, start: str, end: str) -> float:
    s, e = dt.date.fromisoformat(start), dt.date.fromisoformat(end)  # dates only, never text
    row = _sql(rt, "select sum(amount) as v from sales_orders where status <> '已取消' "  # noqa: S608
                   f"and order_date between date '{s}' and date '{e}'")[0]
    return float(row["v"])


def test_two_periods_one_number_with_the_change(ask_rt: Any) -> None:
    a = _ask(ask_rt, "今年4月的销售额比1月多了多少")
    apr, jan = _revenue(ask_rt, "2026-04-01", "2026-04-30"), _revenue(ask_rt, "2026-01-01", "2026-01-31")
    assert a["result"]["rows"] == [[pytest.approx(apr), pytest.approx(jan), pytest.approx(apr - jan)]]
    assert a["chart"] == {"type": "kpi", "value": "revenue_change"}
    growth = _ask(ask_rt, "今年4月的销售额比1月增长了多少")
    assert growth["result"]["rows"][0][2] == pytest.approx(apr / jan - 1)
    assert growth["result"]["columns"][2]["format"] == "percent"


def test_two_periods_side_by_side(ask_rt: Any) -> None:
    a = _ask(ask_rt, "今年和去年3-6月的销售额对比")
    rows = a["result"]["rows"]
    assert [r[0] for r in rows] == ["2025-01-01", "2026-01-01"]
    assert rows[0][1] == pytest.approx(_revenue(ask_rt, "2025-03-01", "2025-06-30"))
    assert rows[1][1] == pytest.approx(_revenue(ask_rt, "2026-03-01", "2026-06-30"))
    assert a["result"]["columns"][0]["name"] == "time_year"


def test_the_top_n_together(ask_rt: Any) -> None:
    a = _ask(ask_rt, "销售额前五的产品一共占总销售额多少比例")
    top = _sql(ask_rt, "select sum(v) as t from (select sum(s.amount) as v from sales_orders s join products p "
                       "using (product_id) where s.status <> '已取消' group by p.product_name order by v desc limit 5)")
    total = _sql(ask_rt, "select sum(amount) as t from sales_orders where status <> '已取消'")[0]["t"]
    assert a["result"]["rows"] == [[pytest.approx(top[0]["t"]), pytest.approx(top[0]["t"] / total)]]


def test_months_counted(ask_rt: Any) -> None:
    a = _ask(ask_rt, "去年有几个月的销售额超过50万")
    want = _sql(ask_rt, "select count(*) as n from (select date_trunc('month', order_date) from sales_orders "
                        "where status <> '已取消' and order_date between '2025-01-01' and '2025-12-31' "
                        "group by 1 having sum(amount) > 500000)")[0]["n"]
    assert a["result"]["rows"] == [[want]] and a["result"]["columns"][0]["label"] == "月数"
