"""The portfolio solver is optimal: compared with every subset of small random candidate sets."""

from __future__ import annotations

import random

import pytest

from shuzhi.ai.innovation.portfolio import check_ids, greedy, marginal, solve
from shuzhi.errors import ShuzhiError


def brute_force(scores, costs, heads, budget, headcount, must, exclude):  # type: ignore[no-untyped-def]
    """The best total score over all 2^n subsets that keep the limits, the musts and the exclusions."""
    n = len(scores)
    best = None
    for mask in range(1 << n):
        chosen = [i for i in range(n) if mask >> i & 1]
        if any(i not in chosen for i in must) or any(i in chosen for i in exclude):
            continue
        if sum(costs[i] for i in chosen) > budget or sum(heads[i] for i in chosen) > headcount:
            continue
        total = round(sum(scores[i] for i in chosen), 6)
        best = total if best is None or total > best else best
    return best


@pytest.mark.parametrize("seed", range(60))
def test_solver_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(1, 12)
    scores = [round(rng.uniform(0, 100), 2) for _ in range(n)]
    # money in 元 like the demo (50万 to 800万, whole 千元), sometimes ties and exact fits
    costs = [rng.randint(500, 8000) * 1000.0 for _ in range(n)]
    heads = [rng.randint(1, 12) for _ in range(n)]
    if n > 2 and seed % 3 == 0:
        costs[1] = costs[0]
        scores[1] = scores[0]
    budget = round(sum(costs) * rng.uniform(0.2, 0.8), -3)
    headcount = int(sum(heads) * rng.uniform(0.2, 0.9))
    ids = list(range(n))
    rng.shuffle(ids)
    must = ids[: rng.randint(0, min(2, n))]
    exclude = ids[len(must): len(must) + rng.randint(0, min(2, n - len(must)))]
    expected = brute_force(scores, costs, heads, budget, headcount, must, exclude)
    if expected is None:
        with pytest.raises(ShuzhiError) as err:
            solve(scores, costs, heads, budget, headcount, must, exclude)
        assert err.value.code == "allocate_must_infeasible" and err.value.status == 422
        return
    sol = solve(scores, costs, heads, budget, headcount, must, exclude)
    assert sol.total_score == pytest.approx(expected, abs=1e-6)
    assert sol.total_cost <= budget and sol.total_headcount <= headcount
    assert set(must) <= set(sol.chosen) and not set(exclude) & set(sol.chosen)
    g = greedy(scores, costs, heads, budget, headcount, must, exclude)
    assert g.total_score <= sol.total_score + 1e-9 and g.total_cost <= budget


def test_exact_fit_is_allowed_and_one_yuan_over_is_not() -> None:
    sol = solve([10, 10], [3_000_000.0, 2_000_000.0], [1, 1], 5_000_000.0, 2)
    assert sol.chosen == (0, 1)
    sol = solve([10, 10], [3_000_000.0, 2_000_001.0], [1, 1], 5_000_000.0, 2)
    assert len(sol.chosen) == 1


def test_marginal_values_are_re_solves() -> None:
    scores, costs, heads = [50.0, 40.0, 30.0], [3e6, 2e6, 1e6], [3, 2, 1]
    base = solve(scores, costs, heads, 4e6, 6)
    assert base.chosen == (0, 2) and base.total_score == 80.0
    m = marginal(scores, costs, heads, 4e6, 6, base)
    # 500万: the first two (90) fit; one more engineer alone changes nothing (money binds)
    assert m["budget_100wan"] == {"step": 1e6, "score_gain": 10.0, "added": [1], "dropped": [2]}
    assert m["one_engineer"]["score_gain"] == 0.0


def test_infeasible_must_set_names_both_limits() -> None:
    with pytest.raises(ShuzhiError) as err:
        solve([1, 1], [3e6, 3e6], [2, 2], 5e6, 3, must_idx=[0, 1])
    e = err.value
    assert e.code == "allocate_must_infeasible" and "600.0万元" in e.zh and "4 engineers" in e.en
    assert e.details["must_cost"] == 6e6


def test_ids_checked() -> None:
    with pytest.raises(ShuzhiError) as err:
        check_ids(["A", "B"], ["C"], [])
    assert err.value.code == "allocate_unknown_id" and "C" in err.value.en
    with pytest.raises(ShuzhiError) as err:
        check_ids(["A", "B"], ["A"], ["A"])
    assert err.value.code == "allocate_must_and_exclude"


def test_empty() -> None:
    assert solve([], [], [], 1e6, 1).chosen == ()
