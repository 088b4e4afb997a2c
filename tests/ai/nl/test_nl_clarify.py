"""A question back instead of a guess (shuzhi.ai.nl.clarify, docs/ask-clarify.md): ambiguous questions get 2–3
runnable choices and no spec; clear questions wrapped in filler words are answered, never asked back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.nl_fixtures import ask, failing_answers

from shuzhi.ai.nl.answer import Clarify
from shuzhi.ai.nl.evaluate import load_cases, run_case

HERE = Path(__file__).parent / "questions"
AMBIGUOUS = load_cases(HERE / "ambiguous_own.yaml")
CLEAR = load_cases(HERE / "clear_with_filler.yaml")


def test_set_shapes() -> None:
    # seven of the first 31 (去年赢了多少单, 商机多少个 …) are answered since counts of things are read (test_nl_counts.py)
    assert len(AMBIGUOUS) >= 20 and len(CLEAR) >= 25
    for cases in (AMBIGUOUS, CLEAR):
        assert 5 <= sum(c["q"].isascii() for c in cases) <= len(cases) - 5, "both Chinese and English"
        assert len({c["q"] for c in cases}) == len(cases), "duplicate questions"
    assert {c["cat"] for c in AMBIGUOUS} == {"qualifier", "ambiguous", "rank"}


@pytest.mark.parametrize("case", AMBIGUOUS, ids=lambda c: c["q"])
def test_ambiguous_question_asks_back(case: dict[str, Any], nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, case["q"])
    assert r.spec is None and r.chart is None and r.clarify is not None, r.spec
    Clarify.model_validate(r.clarify)  # the answer's contract (answer.py): text, text_en, choices with valid specs
    assert 2 <= len(r.clarify["choices"]) <= 3
    assert all(c["text"] and c["text_en"] for c in r.clarify["choices"])
    assert r.confidence < 0.75
    assert run_case(case, nl_env["lex"], nl_env["today"]).ok, "an expected reading is missing from the choices"


def test_every_choice_runs(nl_env: dict[str, Any]) -> None:
    failures = failing_answers(nl_env, AMBIGUOUS)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("case", CLEAR, ids=lambda c: c["q"])
def test_filler_words_never_ask_back(case: dict[str, Any], nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, case["q"])
    assert r.clarify is None and r.spec is not None
    assert not r.unknown, r.unknown  # filler is not reported as a word nobody understood
    assert r.confidence >= 0.75
    assert run_case(case, nl_env["lex"], nl_env["today"]).ok


def test_a_word_set_apart_is_reported_not_asked(nl_env: dict[str, Any]) -> None:
    # joined by 和 / after per: the rest is answered, the word reported, and the answer is not confident
    for q, metric, word in (("销售额和碳排放", "revenue", "碳排放"), ("revenue per employee", "revenue", "employee")):
        r = ask(nl_env, q)
        assert r.clarify is None and r.spec["metrics"] == [metric]
        assert any(u["text"] == word for u in r.unknown) and r.confidence < 0.75


def test_context_settles_an_ambiguous_value(nl_env: dict[str, Any]) -> None:
    for q in ("海外渠道营收同比", "不含海外的各大区销售额", "北京有多少客户", "海外客户有多少"):
        r = ask(nl_env, q)
        assert r.clarify is None and r.spec is not None, q


def test_a_picked_choice_becomes_the_answer(nl_env: dict[str, Any]) -> None:
    from shuzhi.ai.nl.clarify import choose

    r = ask(nl_env, "去年海外的销售额")  # 海外: the channel or the region
    fields = set()
    for i in (0, 1):
        picked = choose(r, i, nl_env["lex"], nl_env["today"])
        assert picked.spec == r.clarify["choices"][i]["spec"] and picked.clarify is None
        assert picked.chart["type"] == "kpi" and picked.confidence == 1.0 and picked.spec["metrics"] == ["revenue"]
        fields.add(picked.spec["where"][0]["field"])
        follow = ask(nl_env, "按产品线看", picked)  # a follow-up refines the picked reading
        assert follow.spec["where"] == picked.spec["where"] and follow.spec["dimensions"] == ["products.product_line"]
    assert fields == {"sales_orders.channel", "customers.region"}
    with pytest.raises(IndexError):
        choose(r, 3, nl_env["lex"], nl_env["today"])


def test_things_on_file_or_active_are_asked(nl_env: dict[str, Any]) -> None:
    # only the thing and a count word (with a period, or read as the active count): on file, or active?
    for q in ("咱们有几家客户", "customers last year, how many", "本月的客户有几家"):
        r = ask(nl_env, q)
        assert r.clarify is not None and r.spec is None and len(r.clarify["choices"]) >= 2, q
    # a word that says which (下过单, 新开) or a filter settles it
    for q in ("上个月下过单的客户有几家", "华东的客户有几家"):
        r = ask(nl_env, q)
        assert r.clarify is None and r.spec is not None, q


def test_growth_without_a_base_is_asked(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "本季度营收增长了多少")
    assert r.clarify is not None and len(r.clarify["choices"]) == 2
    kinds = {next(iter(m["compute"])) for c in r.clarify["choices"] for m in c["spec"]["metrics"] if isinstance(m, dict)}
    assert kinds == {"yoy", "pop"}
    for q in ("本季度营收同比增长了多少", "本季度营收比上季度增长了多少"):
        assert ask(nl_env, q).clarify is None, q


def test_units_and_relation_words_are_not_qualifiers(nl_env: dict[str, Any]) -> None:
    # a unit (小时, units), a word after its Chinese thing (控制, 这么), a verb between two understood words
    for q in ("本月的赢单率怎么这么高", "how many customers bought orders last month",
              "did last month's revenue top 3 million yuan"):
        r = ask(nl_env, q)
        assert r.clarify is None or "没看懂" not in r.clarify["text"], q


def test_an_open_how_much_over_a_shared_word_is_asked(nl_env: dict[str, Any]) -> None:
    # 卖了多少 is the quantity's everyday word and the start of revenue's 卖了多少钱: money or pieces?
    r = ask(nl_env, "上个月华南卖了多少")
    assert r.clarify is not None and {c["spec"]["metrics"][0] for c in r.clarify["choices"]} >= {
        "sales_quantity", "revenue"}
    # a unit settles it; a breakdown shows its measure; a judging word over a loose word asks
    for q in ("上个月华南卖了多少件", "上个月华南卖了多少钱", "今年的销售", "各渠道每个月卖了多少"):
        assert ask(nl_env, q).clarify is None, q
    assert ask(nl_env, "去年哪个销售代表销售最好").clarify is not None


def test_the_best_by_no_measure_is_asked(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "which product was the best last year")
    assert r.clarify is not None and r.spec is None
    metrics = [c["spec"]["metrics"][0] for c in r.clarify["choices"]]
    assert len(set(metrics)) == len(metrics) >= 2
    assert all(c["spec"]["dimensions"] == ["products.product_name"] for c in r.clarify["choices"])


def test_the_bar_or_the_unit_picks_the_reading(nl_env: dict[str, Any]) -> None:
    # a money bar over a count word (下单): the amount is measured; a count of a thing read as its amount
    r = ask(nl_env, "上季度下单超过5万的客户")
    assert r.spec["metrics"] == ["revenue"] and r.spec["having"][0]["field"] == "revenue"
    r = ask(nl_env, "华南客户的商机去年输了多少个")
    assert r.clarify is None and r.spec["metrics"][0]["aggregate"] in ("count", "count_distinct")


def test_a_rolling_or_calendar_window_is_asked(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "最近两个月的毛利")
    assert r.clarify is not None and len(r.clarify["choices"]) == 2
    ends = {c["spec"]["time_range"]["end"] for c in r.clarify["choices"]}
    assert nl_env["today"].isoformat() in ends and len(ends) == 2
    assert ask(nl_env, "最近两个月每个月的毛利").clarify is None  # a trend by month shows its months


def test_things_or_their_lines_are_asked(nl_env: dict[str, Any]) -> None:
    # 订单 counts 订单号 of a 订单号 + 行号 key: the distinct orders, or the lines?
    r = ask(nl_env, "上个月有几个订单")
    assert r.clarify is not None and len(r.clarify["choices"]) == 2
    for q in ("上个月总共有几个订单", "上个月的订单数"):
        assert ask(nl_env, q).clarify is None, q


def test_all_or_a_named_subset_is_asked(nl_env: dict[str, Any]) -> None:
    # the plain count of patents, while the model also counts the granted ones
    r = ask(nl_env, "目前有多少个专利")
    assert r.clarify is not None and {c["spec"]["metrics"][0] for c in r.clarify["choices"]} == {
        "patent_applications", "patents_granted"}
    assert ask(nl_env, "目前总共有多少个专利").clarify is None


def test_a_bar_counted_per_thing_or_period_is_listed_and_counted(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "去年有几个月的毛利率低于30%")
    assert r.clarify is None and r.spec["dimensions"] == [{"field": "time", "grain": "month"}]
    assert r.intent_args.get("count_rows") and r.spec["having"][0]["field"] == "gross_margin"
    r = ask(nl_env, "预计金额不到10万的在途商机有几个")  # each deal's own amount, the deals counted
    assert r.clarify is None and r.spec["metrics"][0]["aggregate"] == "count_distinct"
    assert {"field": "opportunities.expected_amount", "op": "<", "value": 100000.0} in r.spec["where"]


def test_a_ranking_of_the_named_thing_is_answered(nl_env: dict[str, Any]) -> None:
    r = ask(nl_env, "项目预算最低的3个研发项目")
    assert r.clarify is None and r.spec["dimensions"] == ["rd_projects.project_name"] and r.spec["limit"] == 3
