"""The parser's reading of a compared answer's shape (stages/computes.py, cue_words.py, time_words.py): the
amount less, two members of one field against each other, the top N's share alone, a change's percent, a rate
against last year said plainly, and two periods side by side."""

from __future__ import annotations

from nl_fixtures import ask


def _computes(spec: dict) -> list[str]:  # type: ignore[type-arg]
    return [next(iter(m["compute"])) for m in spec["metrics"] if isinstance(m, dict) and "compute" in m]


def test_asked_as_less_marks_the_difference(nl_env) -> None:  # noqa: ANN001
    r = ask(nl_env, "上个月的订单数比前一个月少了多少")
    assert r.intent_args.get("less") and "pop_value" in _computes(r.spec)
    assert not ask(nl_env, "上个月的订单数比前一个月多了多少").intent_args.get("less")
    assert not ask(nl_env, "上个月订单数是多少").intent_args.get("less")


def test_two_members_said_with_a_comparison_are_compared(nl_env) -> None:  # noqa: ANN001
    r = ask(nl_env, "去年华南大区的毛利率比华东大区低多少")
    assert r.intent_args["members"] == {"field": "customers.region", "values": ["华南", "华东"], "change": "difference"}
    assert r.intent_args.get("less")
    both = ask(nl_env, "去年华南大区和华东大区的毛利率")  # no comparison asked: the two together
    assert "members" not in both.intent_args


def test_the_share_alone_after_a_top_n_is_summed(nl_env) -> None:  # noqa: ANN001
    assert ask(nl_env, "今年前五大产品的销售额占比").intent_args.get("sum_rows")
    assert not ask(nl_env, "今年前五大产品的销售额和占比").intent_args.get("sum_rows")


def test_a_percent_after_a_change_word_is_the_growth_not_a_share(nl_env) -> None:  # noqa: ANN001
    r = ask(nl_env, "今年销售额和去年同期相比变化了百分之几")
    assert _computes(r.spec) == ["yoy"] and not r.spec["dimensions"]
    trend = ask(nl_env, "今年销售额的变化")
    assert trend.spec["dimensions"]  # a change with no size asked is still the series


def test_a_rate_against_last_year_compares_the_whole_year(nl_env) -> None:  # noqa: ANN001
    r = ask(nl_env, "今年毛利率比去年低了多少")
    assert r.intent_args["versus"] == {"start": "2025-01-01", "end": "2025-12-31", "change": "difference"}
    assert "versus" not in ask(nl_env, "今年毛利率比去年同期低了多少").intent_args
    assert "versus" not in ask(nl_env, "今年销售额比去年多了多少").intent_args  # a total: the same dates


def test_versus_the_same_period_keeps_both(nl_env) -> None:  # noqa: ANN001
    r = ask(nl_env, "各渠道今年的订单数和去年同期对比")
    assert r.intent_args.get("earlier") and "yoy_value" in _computes(r.spec)
    assert not ask(nl_env, "各渠道今年的订单数同比增长了多少").intent_args.get("earlier")
