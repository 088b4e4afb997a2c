"""The lexicon gets dimension values through a callable (no SQL of its own) and the metrics' everyday
words from the model; the chart reads long-label fields from the model."""

from __future__ import annotations

from typing import Any

from nl_fixtures import demo_values
from shuzhi.ai.nl import Lexicon, parse_question, recommend_chart
from shuzhi.model.index import ModelIndex


def test_from_queries_asks_each_string_dimension(nl_env: dict[str, Any]) -> None:
    asked: list[tuple[str, str, int]] = []

    def fetch(ds: str, f: str, limit: int) -> list[str] | None:
        asked.append((ds, f, limit))
        if (ds, f) == ("customers", "region"):
            return ["华东", "华南"]
        if (ds, f) == ("sales_orders", "channel"):
            return [f"c{i}" for i in range(limit)]  # too many: none kept
        return None

    lex = Lexicon.from_queries(nl_env["index"], fetch, max_distinct=10)
    assert ("customers", "region", 11) in asked and all(limit == 11 for _, _, limit in asked)
    assert all(nl_env["index"].fields[(ds, f)].type == "string" for ds, f, _ in asked)
    assert "华东" in lex.terms and "c1" not in lex.terms
    r = parse_question("华东区销售额", lex, today=nl_env["today"])
    assert r.spec["where"] == [{"field": "customers.region", "op": "=", "value": "华东"}]


def test_values_are_read_through_the_query_pipeline(nl_env: dict[str, Any]) -> None:
    fetch = demo_values(nl_env["path"], nl_env["index"], nl_env["today"])
    vals = fetch("customers", "region", 100) or []
    assert "华东" in vals and None not in vals and len(vals) == len(set(vals)) and vals == sorted(vals)
    assert fetch("customers", "region", 2) == vals[:2]


def test_everyday_words_come_from_the_model(nl_env: dict[str, Any]) -> None:
    idx = nl_env["index"]
    assert "卖了多少钱" in idx.metrics["revenue"].everyday_words
    entries = nl_env["lex"].terms["卖了多少钱"]
    assert entries[0].key == "revenue" and not entries[0].exact
    model = idx.model.model_copy(deep=True)
    for m in model.metrics:
        m.everyday_words = ["卖了多少钱"] if m.name == "cogs" else []
    lex = Lexicon.build(ModelIndex.build(model))
    assert [e.key for e in lex.terms["卖了多少钱"]] == ["cogs"]
    assert "出了多少货" not in lex.terms  # generic code holds no demo words


def test_long_labels_from_the_model(nl_env: dict[str, Any]) -> None:
    idx = nl_env["index"]

    def horizontal(field: str) -> bool:
        return recommend_chart({"metrics": ["revenue"], "dimensions": [field], "limit": 5}, index=idx)["horizontal"]

    # names, people, a hierarchy's finest level, and what the model declares (production lines)
    for f in ("customers.customer_name", "sales_orders.sales_rep", "customers.city", "patents.title",
              "production_orders.production_line"):
        assert horizontal(f), f
    for f in ("customers.region", "sales_orders.channel", "products.product_line"):
        assert not horizontal(f), f
