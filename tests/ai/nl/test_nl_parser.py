"""Parser behaviour: negation, follow-ups, unknown words, hidden metrics, chips, speed, and every
produced spec validates and runs on the small demo warehouse."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import yaml

from nl_fixtures import ask, failing_answers
from shuzhi.ai.nl import Lexicon, parse_question

QUESTIONS = yaml.safe_load((Path(__file__).parent / "questions" / "questions.yaml").read_text(encoding="utf-8"))


def test_negation(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "除了电商和海外，各大区销售额")
    assert r.spec["where"] == [{"field": "sales_orders.channel", "op": "not_in", "values": ["电商", "海外"]}]
    r = ask(nl_env, "revenue not from East China")
    assert r.spec["where"] == [{"field": "customers.region", "op": "!=", "value": "华东"}]
    r = ask(nl_env, "华东和华南，不含电商的销售额")
    assert {"field": "customers.region", "op": "in", "values": ["华东", "华南"]} in r.spec["where"]
    assert {"field": "sales_orders.channel", "op": "!=", "value": "电商"} in r.spec["where"]


def test_followups_chain(nl_env: dict[str, Any]) -> None:
    r1 = ask(nl_env, "今年各大区销售额")
    r2 = ask(nl_env, "再按月看", r1)
    assert r2.spec["dimensions"] == [{"field": "time", "grain": "month"}, "customers.region"]
    r3 = ask(nl_env, "只看伺服电机", r2)
    assert r3.spec["where"] == [{"field": "products.product_line", "op": "=", "value": "伺服电机"}]
    r4 = ask(nl_env, "只看直线导轨", r3)
    assert r4.spec["where"] == [{"field": "products.product_line", "op": "=", "value": "直线导轨"}]
    r5 = ask(nl_env, "换成毛利率", r4)
    assert r5.spec["metrics"] == ["gross_margin"] and r5.spec["time_range"]["relative"] == "this_year"
    r6 = ask(nl_env, "now by channel", ask(nl_env, "revenue by region"))
    assert r6.spec["dimensions"] == ["sales_orders.channel"]
    # a new, complete question is not a follow-up
    r7 = ask(nl_env, "去年各工厂良品率", r5)
    assert r7.spec["metrics"] == ["yield_rate"] and "where" not in r7.spec


def test_unknown_words_are_reported(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "各大区员工满意度")
    assert r.spec is None and r.confidence == 0
    assert any("满意度" in u["text"] for u in r.unknown)
    r = ask(nl_env, "销售额和碳排放")
    assert r.spec == {"metrics": ["revenue"], "dimensions": []}
    assert [u["text"] for u in r.unknown] == ["碳排放"] and r.confidence < 0.8
    r = ask(nl_env, "毛利律")  # a typo is never silent: repaired (率 sounds like 律) and reported as such
    assert r.spec["metrics"] == ["gross_margin"] and r.confidence < 0.8
    assert r.unknown[0]["text"] == "毛利律" and r.unknown[0]["suggestions"] == ["毛利率"]
    r = ask(nl_env, "各大区的消售额")
    assert r.spec["metrics"] == ["revenue"] and "消售额" in r.unknown[0]["reason"] + r.unknown[0]["text"]
    r = ask(nl_env, "良率品")
    assert r.unknown and r.confidence < 0.8
    r = ask(nl_env, "研发投入强渡")
    assert r.spec is None or r.confidence < 0.8


def test_count_fallback_and_hidden_metrics(nl_env: dict[str, Any]) -> None:
    assert ask(nl_env, "华东有多少客户").spec["metrics"] == ["customer_count"]
    assert ask(nl_env, "how many customers in jiangsu").spec["metrics"] == ["customer_count"]
    assert ask(nl_env, "各工厂报废量").spec["metrics"] == ["scrap_qty"]  # named exactly
    labels = {m for m, d in nl_env["index"].metrics.items() if d.hidden}
    for case in QUESTIONS:
        r = ask(nl_env, case["q"])
        if r.spec:
            assert not ({m for m in r.spec["metrics"] if isinstance(m, str)} & labels), case["q"]


def test_interpretation_chips(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "上个月华东区各产品线销售额")
    texts = [c["text"] for c in r.interpretation]
    assert texts == ["时间: 2026年10月", "维度: 产品线", "指标: 销售额", "筛选: 大区 = 华东"]
    assert {c["kind"] for c in r.interpretation} == {"time", "dimension", "metric", "filter"}
    assert all(c["text_en"] for c in r.interpretation)
    r = ask(nl_env, "top 5 customers by revenue this year")
    kinds = [c["kind"] for c in r.interpretation]
    assert "sort" in kinds and "limit" in kinds and r.chart["type"] == "bar"


def test_ambiguity_asks_back(nl_env: dict[str, Any]) -> None:
    # 海外 is both a channel and a region of revenue: a question back with both readings, nothing run (issue 16)
    r = ask(nl_env, "海外的销售额")
    assert r.spec is None and r.clarify is not None
    fields = [c["spec"]["where"][0]["field"] for c in r.clarify["choices"]]
    assert fields == ["sales_orders.channel", "customers.region"]
    assert r.confidence < 0.75
    r = ask(nl_env, "除了海外以外各大区的客户数")  # 各大区 settles it: region, with the other reading as an alternative
    assert r.clarify is None and r.spec["where"][0]["field"] == "customers.region"


def test_every_spec_validates_and_runs(nl_env: dict[str, Any]) -> None:
    failures = failing_answers(nl_env, QUESTIONS)
    assert not failures, "\n".join(failures)


def test_parse_speed(nl_env: dict[str, Any]) -> None:
    qs = [c["q"] for c in QUESTIONS]
    times = []
    for _ in range(3):
        for q in qs:
            t0 = time.perf_counter()
            ask(nl_env, q)
            times.append(time.perf_counter() - t0)
    times.sort()
    p50, p95 = statistics.median(times), times[int(len(times) * 0.95)]
    print(f"\nparse p50 {p50 * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms over {len(times)} parses")
    assert p95 < 0.05


def test_build_from_values(nl_env: dict[str, Any]) -> None:
    lex = Lexicon.build(nl_env["index"], values={("customers", "region"): ["华东", "华南"]})
    r = parse_question("华东区销售额", lex, today=nl_env["today"])
    assert r.spec["where"] == [{"field": "customers.region", "op": "=", "value": "华东"}]
