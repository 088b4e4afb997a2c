"""`shuzhi ask` for intents beyond one query: the summary first, the yes/no line, the why's drivers, the
forecast's table; --format json carries intent, summary, yesno, explanation, forecast, clarify; a
clarification prints its question and numbered choices; --choice N without a clarification is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shuzhi.cli.ask import print_clarify


@pytest.fixture
def demo(cli, _isolated_env: Path):  # type: ignore[no-untyped-def]
    r = cli("demo", "--scale", "0.02", "--seed", "9", "--end", "2026-10-31")
    assert r.code == 0, r
    return cli


@pytest.mark.slow  # a CLI process per step
def test_ask_intents_from_the_shell(demo) -> None:  # type: ignore[no-untyped-def]
    r = demo("ask", "研发投入强度达到5%了吗")
    assert r.code == 0, r
    first = r.out.splitlines()[0]
    assert first.startswith(("是。今年至今研发投入强度为 ", "否。今年至今研发投入强度为 ")) and "5.00%" in first
    assert any(line.startswith(("是  研发投入强度", "否  研发投入强度")) and ">= 5.00%" in line for line in r.out.splitlines())
    r = demo("ask", "为什么9月销售额下降了", "--format", "json")
    assert r.code == 0, r
    out = json.loads(r.out)
    assert out["intent"] == "why" and out["explanation"]["to"]["period"] == "2026-09"
    assert out["summary"].startswith("2026-09 对比 2026-08") and out["yesno"] is None and out["clarify"] is None
    r = demo("ask", "为什么9月销售额下降了")
    assert r.code == 0 and r.out.startswith("2026-09 对比 2026-08") and "主要因素：" in r.out
    r = demo("ask", "forecast revenue for the next 2 months")
    assert r.code == 0, r
    assert r.out.startswith("Revenue is forecast at ") and "2026-11\t" in r.out and "2026-12\t" in r.out
    r = demo("ask", "上个月销售额", "--choice", "2")
    assert r.code != 0 and "choice" in r.err and "不需要选择" in r.err


def test_a_clarification_prints_its_numbered_choices(capsys) -> None:  # type: ignore[no-untyped-def]
    print_clarify({"text": "「销售」指的是？", "text_en": "Which 'sales'?", "choices": [
        {"text": "销售额", "text_en": "revenue", "spec": {"metrics": ["revenue"]}},
        {"text": "销量", "text_en": "units sold", "spec": {"metrics": ["sales_quantity"]}}]})
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "「销售」指的是？" and out[1] == "  1. 销售额" and out[2] == "  2. 销量" and "--choice N" in out[3]
