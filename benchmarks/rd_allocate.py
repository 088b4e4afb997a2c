"""Benchmark: the allocation's exact solver for 25 and 200 candidates, against the greedy baseline.

    python benchmarks/rd_allocate.py [--scale 1] [--reps 7]

Builds the demo at --scale into a temporary SHUZHI_HOME and times the whole use case once
(service.rd_allocate.allocate: reads, scores, the solve and the two re-solves of the marginal values).
Then, for 25 candidates (the demo's proposals) and 200 (drawn with replacement from the demo's scored
proposals and running projects, costs and headcounts jittered ±30 %, seeded), with the budget and the
headcount at 40 % of what all of them ask: the median time of the exact solve (scipy milp) and of the
baseline measured in the same run (greedy by score per share of budget + headcount), their ratio, and
how far greedy's total score falls short of the optimum.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _median_time(fn, reps: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--reps", type=int, default=7)
    args = ap.parse_args()

    home = Path(tempfile.mkdtemp(prefix="shuzhi-bench-alloc-"))
    os.environ["SHUZHI_HOME"] = str(home)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import duckdb

    from shuzhi.ai.innovation import portfolio
    from shuzhi.demo import build_demo
    from shuzhi.demo.semantic import install_demo_model
    from shuzhi.runtime import Runtime
    from shuzhi.service.rd_allocate import allocate
    from shuzhi.service.wiring import wire
    from shuzhi.settings import Settings
    from shuzhi.spec.resolve import UserContext

    settings = Settings(home=home, today=dt.date(2026, 11, 26))
    settings.ensure_home()
    con = duckdb.connect(str(settings.warehouse_path))
    build_demo(con, scale=args.scale, seed=42, end=dt.date(2026, 10, 31), today=dt.date(2026, 11, 26))
    con.close()
    rt = Runtime(settings)
    rt.start(create_admin=False)
    wire(rt)
    with rt.catalog.session() as s:
        install_demo_model(s)
    user = UserContext.system()
    t0 = time.perf_counter()
    out = allocate(rt, user)
    first = time.perf_counter() - t0
    warm = _median_time(lambda: allocate(rt, user), args.reps)
    print(f"demo scale {args.scale}: {len(out['candidates'])} candidates; allocate() end to end "
          f"{first * 1000:.0f} ms first call, {warm * 1000:.0f} ms median after (reads cached)")
    rt.close()

    cands = out["candidates"]
    proposals = [c for c in cands if c["kind"] == "proposal"]
    rng = random.Random(17)
    sets = {25: proposals[:25]}
    sets[200] = [dict(c, cost=c["cost"] * rng.uniform(0.7, 1.3), headcount=max(1, round(c["headcount"] * rng.uniform(0.7, 1.3))))
                 for c in (rng.choice(cands) for _ in range(200))]
    print(f"{'n':>5} {'exact ms':>9} {'greedy ms':>10} {'ratio':>7} {'optimum':>9} {'greedy':>9} {'greedy gap':>11}")
    for n, cs in sets.items():
        scores = [c["score"] for c in cs]
        costs = [c["cost"] for c in cs]
        heads = [c["headcount"] for c in cs]
        budget, headcount = 0.4 * sum(costs), float(round(0.4 * sum(heads)))
        best = portfolio.solve(scores, costs, heads, budget, headcount)
        quick = portfolio.greedy(scores, costs, heads, budget, headcount)
        t_exact = _median_time(lambda: portfolio.solve(scores, costs, heads, budget, headcount), args.reps)  # noqa: B023
        t_greedy = _median_time(lambda: portfolio.greedy(scores, costs, heads, budget, headcount), args.reps)  # noqa: B023
        gap = (best.total_score - quick.total_score) / best.total_score if best.total_score else 0.0
        print(f"{n:>5} {t_exact * 1000:>9.1f} {t_greedy * 1000:>10.2f} {t_exact / t_greedy:>7.0f}x "
              f"{best.total_score:>9.1f} {quick.total_score:>9.1f} {gap:>10.2%}")


if __name__ == "__main__":
    main()
