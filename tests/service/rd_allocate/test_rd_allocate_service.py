"""The allocation use case on a small demo: success rates equal SQL, every candidate listed, the choice
optimal for the scores and within the limits, running projects competing or kept, must / exclude, bad inputs."""

from __future__ import annotations

import itertools

import pytest

from shuzhi.errors import ShuzhiError
from shuzhi.service.rd_allocate import allocate, candidates, parse_amount
from shuzhi.spec.resolve import UserContext

SYSTEM = UserContext.system()


def sql(rt, text: str, params: list | None = None) -> list[tuple]:  # type: ignore[no-untyped-def]
    with rt.warehouse().cursor() as cur:
        return cur.execute(text, params or []).fetchall()


def test_success_probabilities_equal_sql_with_shrinkage(rd_rt) -> None:  # type: ignore[no-untyped-def]
    counts = {(layer, field): (int(s), int(n)) for layer, field, s, n in sql(rd_rt, """
        SELECT rd_layer, tech_field,
               COUNT(*) FILTER (WHERE status = '已完成' AND industrialized),
               COUNT(*) FILTER (WHERE status IN ('已完成', '已终止'))
        FROM rd_projects GROUP BY ALL HAVING COUNT(*) FILTER (WHERE status IN ('已完成', '已终止')) > 0""")}
    k = 4.0
    s_all, n_all = sum(s for s, _ in counts.values()), sum(n for _, n in counts.values())
    p_all = (s_all + 1) / (n_all + 2)

    def layer_p(layer: str) -> float:
        s = sum(v[0] for (lay, _), v in counts.items() if lay == layer)
        n = sum(v[1] for (lay, _), v in counts.items() if lay == layer)
        return (s + k * p_all) / (n + k)

    out = candidates(rd_rt, SYSTEM)
    table = {(r["rd_layer"], r["tech_field"]): r for r in out["success_rates"]}
    assert set(table) == set(counts)
    for (layer, field), (s, n) in counts.items():
        r = table[(layer, field)]
        assert (r["successes"], r["finished"]) == (s, n)
        assert r["probability"] == pytest.approx((s + k * layer_p(layer)) / (n + k), abs=1e-12)
        assert r["overall"] == {"probability": pytest.approx(p_all), "successes": s_all, "finished": n_all}
    for c in out["candidates"]:
        s, n = counts.get((c["rd_layer"], c["tech_field"]), (0, 0))
        assert c["success"]["probability"] == pytest.approx((s + k * layer_p(c["rd_layer"])) / (n + k))
        ev = next(p for p in c["parts"] if p["name"] == "expected_value")
        assert ev["success_probability"] == pytest.approx(c["success"]["probability"], abs=1e-4)


def test_every_candidate_listed_and_running_costs_are_what_remains(rd_rt) -> None:  # type: ignore[no-untyped-def]
    out = allocate(rd_rt, SYSTEM, budget="3000万", headcount=40)
    ids = [c["id"] for c in out["candidates"]]
    props = {r[0] for r in sql(rd_rt, "SELECT proposal_id FROM rd_proposals")}
    running = dict(sql(rd_rt, """SELECT p.project_id, GREATEST(p.budget - COALESCE(SUM(e.amount), 0), 0)
                                  FROM rd_projects p LEFT JOIN rd_expenses e USING (project_id)
                                  WHERE p.status = '进行中' GROUP BY p.project_id, p.budget"""))
    assert sorted(ids) == sorted(props | set(running)) and len(ids) == len(set(ids))
    for c in out["candidates"]:
        assert set(c) >= {"id", "name", "score", "cost", "headcount", "chosen"}
        assert c["score"] == pytest.approx(sum(p["points"] for p in c["parts"]), abs=0.03)
        if c["kind"] == "running":
            assert c["cost"] == pytest.approx(running[c["id"]], abs=0.01) and c["headcount"] >= 1
            assert set(c["estimated"]) == {"headcount", "expected_annual_revenue", "strategic_fit", "risk"}
    chosen = [c for c in out["candidates"] if c["chosen"]]
    need = out["running_need"]
    assert need["cost"] == pytest.approx(sum(running.values()), abs=0.1) and need["projects"] == len(running)
    # one budget and one headcount for everyone chosen, running projects with what they still need
    assert sum(c["cost"] for c in chosen) <= 30_000_000 and sum(c["headcount"] for c in chosen) <= 40
    assert out["budget"] == 30_000_000 and out["totals"]["cost"] == pytest.approx(sum(c["cost"] for c in chosen))
    assert out["unspent_budget"] == pytest.approx(30_000_000 - out["totals"]["cost"])
    assert not any(c["must"] for c in out["candidates"])
    assert out["totals"]["score"] == pytest.approx(sum(c["score"] for c in chosen))
    assert [c["score"] for c in out["candidates"]] == sorted((c["score"] for c in out["candidates"]), reverse=True)
    m = out["marginal"]
    assert m["budget_100wan"]["score_gain"] >= 0 and m["one_engineer"]["score_gain"] >= 0


def test_the_choice_cannot_be_improved_by_one_or_two_swaps(rd_rt) -> None:  # type: ignore[no-untyped-def]
    """On the real candidate list: no feasible swap of up to two in and two out scores higher (the brute
    force over every subset runs on small sets in tests/ai/innovation)."""
    out = allocate(rd_rt, SYSTEM, budget="2000万", headcount=30)
    cs = out["candidates"]
    limit_cost, limit_heads = 20_000_000, 30
    inside = [c for c in cs if c["chosen"]]
    outside = [c for c in cs if not c["chosen"]]
    cost, heads, score = out["totals"]["cost"], out["totals"]["headcount"], out["totals"]["score"]
    for k_out in range(3):
        for drop in itertools.combinations(inside, k_out):
            for k_in in range(1, 3):
                for add in itertools.combinations(outside, k_in):
                    c2 = cost - sum(c["cost"] for c in drop) + sum(c["cost"] for c in add)
                    h2 = heads - sum(c["headcount"] for c in drop) + sum(c["headcount"] for c in add)
                    s2 = score - sum(c["score"] for c in drop) + sum(c["score"] for c in add)
                    assert not (c2 <= limit_cost and h2 <= limit_heads and s2 > score + 1e-6), (drop, add)


def test_defaults_come_from_rd_capacity(rd_rt) -> None:  # type: ignore[no-untyped-def]
    year, budget, heads = sql(rd_rt, "SELECT plan_year, budget, headcount FROM rd_capacity ORDER BY plan_year DESC")[0]
    out = allocate(rd_rt, SYSTEM)
    assert (out["budget"], out["headcount"]) == (budget, heads)
    assert out["capacity"] == {"plan_year": year, "budget": budget, "headcount": heads}


def test_must_exclude_and_keep_running(rd_rt) -> None:  # type: ignore[no-untyped-def]
    base = allocate(rd_rt, SYSTEM, budget=20_000_000, headcount=30)
    best, worst = base["candidates"][0]["id"], base["candidates"][-1]["id"]
    out = allocate(rd_rt, SYSTEM, budget=20_000_000, headcount=30, must=[worst], exclude=[best])
    by = {c["id"]: c for c in out["candidates"]}
    assert by[worst]["chosen"] and by[worst]["must"] and not by[best]["chosen"] and by[best]["excluded"]
    assert out["totals"]["score"] <= base["totals"]["score"]
    assert {c["id"]: c["score"] for c in out["candidates"]} == {c["id"]: c["score"] for c in base["candidates"]}
    need = base["running_need"]
    stop = next(c["id"] for c in base["candidates"] if c["kind"] == "running")
    kept = allocate(rd_rt, SYSTEM, budget=need["cost"] + 5_000_000, headcount=need["headcount"] + 10,
                    keep_running=True, exclude=[stop])
    running = [c for c in kept["candidates"] if c["kind"] == "running"]
    assert all(c["chosen"] == (c["id"] != stop) and c["must"] == (c["id"] != stop) for c in running)
    assert kept["keep_running"] and kept["totals"]["cost"] <= need["cost"] + 5_000_000
    with pytest.raises(ShuzhiError) as err:
        allocate(rd_rt, SYSTEM, budget=need["cost"] / 2, headcount=need["headcount"] + 10, keep_running=True)
    assert err.value.code == "allocate_must_infeasible" and "在研项目全部继续" in err.value.zh


def test_infeasible_must_set_and_bad_inputs(rd_rt) -> None:  # type: ignore[no-untyped-def]
    top = [c["id"] for c in allocate(rd_rt, SYSTEM, budget="1亿", headcount=1000)["candidates"]
           if c["kind"] == "proposal"][:5]
    with pytest.raises(ShuzhiError) as err:
        allocate(rd_rt, SYSTEM, budget="100万", headcount=2, must=top)
    assert err.value.code == "allocate_must_infeasible" and err.value.status == 422
    assert "必选" in err.value.zh and "must-fund" in err.value.en
    for kw, code in (({"budget": "abc"}, "allocate_bad_amount"), ({"budget": "-5"}, "allocate_bad_amount"),
                     ({"budget": "20%"}, "allocate_bad_amount"), ({"headcount": "3.5"}, "allocate_bad_headcount"),
                     ({"headcount": -1}, "allocate_bad_headcount"), ({"must": ["NOPE"]}, "allocate_unknown_id"),
                     ({"must": [top[0]], "exclude": [top[0]]}, "allocate_must_and_exclude"),
                     ({"weights": {"luck": 1}}, "allocate_bad_weight"),
                     ({"weights": {"risk": -1}}, "allocate_bad_weight"),
                     ({"weights": {k: 0 for k in ("strategic_fit", "expected_value", "risk", "field_signal")}},
                      "allocate_bad_weight")):
        with pytest.raises(ShuzhiError) as err:
            allocate(rd_rt, SYSTEM, **{"budget": "3000万", "headcount": 40, **kw})
        assert err.value.code == code and err.value.status == 400, kw


def test_weights_change_the_scores_as_documented(rd_rt) -> None:  # type: ignore[no-untyped-def]
    out = candidates(rd_rt, SYSTEM, weights={"strategic_fit": 1, "expected_value": 0, "risk": 0, "field_signal": 0})
    for c in out["candidates"]:
        fit = next(p for p in c["parts"] if p["name"] == "strategic_fit")["value"]
        assert c["score"] == pytest.approx(100 * (fit - 1) / 4, abs=0.01)


@pytest.mark.parametrize(("text", "value"), [("3000万", 3e7), ("1.2亿", 1.2e8), ("30000000", 3e7),
                                             ("3,000万元", 3e7), ("一千万", 1e7), (5e6, 5e6)])
def test_amounts(text, value) -> None:  # type: ignore[no-untyped-def]
    assert parse_amount(text) == value


def test_own_field_signal_counts_equal_sql(rd_rt) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.service import rd_allocate_read as read
    from shuzhi.service.executor import Executor

    ex = Executor.open(rd_rt, SYSTEM, purpose="insight")
    out = read.own_field_signals(ex, read.with_tables(ex))
    (last,) = sql(rd_rt, "SELECT max(application_date) FROM industry_patents")[0]
    w = out[next(iter(out))]["window"]
    assert w["end"] <= last.isoformat()
    for field, recent, previous, own in sql(rd_rt, """
            SELECT tech_field,
                   COUNT(*) FILTER (WHERE applicant <> '华精科技' AND application_date >= CAST($1 AS DATE)),
                   COUNT(*) FILTER (WHERE applicant <> '华精科技' AND application_date < CAST($1 AS DATE)),
                   COUNT(*) FILTER (WHERE applicant = '华精科技')
            FROM industry_patents
            WHERE application_date >= CAST($2 AS DATE) AND application_date <= CAST($3 AS DATE)
            GROUP BY ALL""", [w["recent_start"], w["previous_start"], w["end"]]):
        assert (out[field]["recent"], out[field]["previous"], out[field]["company"]) == (recent, previous, own)
        assert 0 <= out[field]["signal"] <= 1
