"""The blind user set's answers run on the small demo warehouse, and a split the model cannot make is
explained (zh + en), not reported as a word nobody understood."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nl_fixtures import ask, failing_answers
from shuzhi.ai.nl.evaluate import load_cases

BLIND = load_cases(Path(__file__).parent / "blind_users.yaml")


def test_every_blind_spec_validates_and_runs(nl_env: dict[str, Any]) -> None:
    failures = failing_answers(nl_env, BLIND)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("q, word", [("按仓库看库存周转率", "仓库"), ("inventory turnover by warehouse", "warehouse")])
def test_turnover_by_warehouse_says_why(nl_env: dict[str, Any], q: str, word: str) -> None:
    r = ask(nl_env, q)
    assert r.spec is not None and r.spec["metrics"] == ["inventory_turnover"] and not r.spec["dimensions"]
    u = next(x for x in r.unknown if x["text"] == word)
    zh, en = u["reason"].split(" / ")
    assert "销售成本" in zh and "仓库" in zh and "不能按仓库拆分" in zh
    assert "Cost of Goods Sold" in en and "Warehouse" in en and "cannot be split" in en
    assert u["suggestions"][0] in ("产品线", "Product Line")  # what it can be split by instead
    assert r.confidence < 1


def test_plain_metric_and_filter_say_why(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "各仓库的销售额")
    zh, en = next(x for x in r.unknown if x["text"] == "仓库")["reason"].split(" / ")
    assert zh.startswith("销售额来自销售订单") and "Revenue comes from Sales Orders" in en
    r = ask(nl_env, "深圳仓的销售额")
    zh, en = next(x for x in r.unknown if x["text"] == "深圳仓")["reason"].split(" / ")
    assert "不能按仓库筛选" in zh and "cannot be filtered by Warehouse" in en
    assert "where" not in r.spec  # never silently filtered on something else


def test_turnover_by_product_line_is_fine(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "各产品线的库存周转率")
    assert r.spec["dimensions"] == ["products.product_line"] and not r.unknown
