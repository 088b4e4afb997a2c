"""Benchmark: natural-language questions → QuerySpec → result, at demo scale 1, on this machine.

    python benchmarks/ask_latency.py [--scale 1] [--reps 3] [--threads 2] [--questions tests/ai/nl/questions/questions.yaml]

Builds the demo company at --scale into a temporary folder, builds the lexicon once (reports its
build time: distinct dimension values read as QuerySpecs through run_query, as the service does, + jieba
dictionary), then for every
question of the question set (follow-ups after their previous question) reports p50 / p95 of
question → QuerySpec (parse only, --reps passes) and question → result (parse + run_query on
DuckDBEngine, no result cache, one pass), and parse p95 against the 50 ms target. DuckDB is limited
to --threads threads (the target machine has two CPU cores).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 50.0


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--questions", type=Path, default=ROOT / "tests" / "nlq" / "questions.yaml")
    args = ap.parse_args()

    import duckdb

    from shuzhi.ai.nl import Lexicon, parse_question
    from shuzhi.ai.nl.evaluate import declared_today, load_cases
    from shuzhi.demo import build_demo
    from shuzhi.demo.semantic import demo_model
    from shuzhi.engines.duckdb_engine import DuckDBEngine
    from shuzhi.engines.warehouse import Warehouse
    from shuzhi.errors import ShuzhiError
    from shuzhi.model.index import ModelIndex
    from shuzhi.service import run_query
    from shuzhi.spec.resolve import UserContext

    cases = load_cases(args.questions)
    today = declared_today(args.questions) or dt.date.today()
    end = today.replace(day=1) - dt.timedelta(days=1)
    tmp = Path(tempfile.mkdtemp(prefix="shuzhi-ask-bench-"))
    path = tmp / "warehouse.duckdb"
    t0 = time.perf_counter()
    con = duckdb.connect(str(path))
    report = build_demo(con, scale=args.scale, seed=42, end=end, today=today)
    con.close()
    print(f"demo scale {args.scale}: {report.total_rows:,} rows in {time.perf_counter() - t0:.1f} s ({path})")

    wh = Warehouse(path, read_only=True, memory_limit="2GB", threads=args.threads).open()
    idx = ModelIndex.build(demo_model())
    engine = DuckDBEngine(wh, timeout_s=60)
    user = UserContext.system()

    def fetch_values(ds: str, f: str, limit: int) -> list | None:
        """A field's distinct values, the QuerySpec service/ask.py asks for, through the query pipeline."""
        ref = f"{ds}.{f}"
        spec = {"dimensions": [ref], "where": [{"field": ref, "op": "not_null"}],
                "order_by": [{"field": ref}], "limit": limit}
        try:
            table = run_query(spec, idx, user, today, engine).table
        except ShuzhiError:
            return None
        return table.column(0).to_pylist() if table.num_columns else []

    t0 = time.perf_counter()
    lex = Lexicon.from_queries(idx, fetch_values)
    lex_s = time.perf_counter() - t0
    n_values = sum(1 for es in lex.terms.values() for e in es if e.kind == "value")
    print(f"lexicon build: {lex_s * 1000:.0f} ms ({len(lex.terms):,} terms, {n_values:,} value terms)")

    def parse(case: dict) -> object:
        prev = parse_question(case["previous"], lex, today=today) if case.get("previous") else None
        t = time.perf_counter()
        r = parse_question(case["q"], lex, today=today, previous=prev)
        return r, (time.perf_counter() - t) * 1000

    for c in cases[:20]:  # warm-up (regex compilation, jieba caches)
        parse(c)
    parse_ms: list[float] = []
    for _ in range(args.reps):
        for c in cases:
            parse_ms.append(parse(c)[1])

    result_ms: list[float] = []
    answered = 0
    slowest: tuple[float, str] = (0.0, "")
    for c in cases:
        t = time.perf_counter()
        r, _ = parse(c)
        if r.spec is not None:
            run_query(r.spec, idx, user, today, engine, max_rows=10_000)
            answered += 1
        ms = (time.perf_counter() - t) * 1000
        result_ms.append(ms)
        slowest = max(slowest, (ms, c["q"]))
    wh.close()
    shutil.rmtree(tmp, ignore_errors=True)

    p95 = pct(parse_ms, 95)
    print(f"questions: {len(cases)} ({answered} answered with a spec), today = {today}, threads = {args.threads}")
    print(f"question → QuerySpec: p50 {pct(parse_ms, 50):.2f} ms, p95 {p95:.2f} ms, max {max(parse_ms):.2f} ms "
          f"over {len(parse_ms)} parses")
    print(f"question → result:    p50 {pct(result_ms, 50):.1f} ms, p95 {pct(result_ms, 95):.1f} ms, "
          f"mean {statistics.mean(result_ms):.1f} ms; slowest {slowest[0]:.0f} ms: {slowest[1]}")
    print(f"parse p95 / 50 ms target = {p95 / TARGET_MS:.3f} ({'OK' if p95 <= TARGET_MS else 'OVER'})")
    sys.exit(0 if p95 <= TARGET_MS else 1)


if __name__ == "__main__":
    main()
