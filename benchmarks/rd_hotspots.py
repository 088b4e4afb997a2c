"""Benchmark: hot-spot mining time on 6,000 and 60,000 patents, against a plain TF-IDF pass in the same run.

    python benchmarks/rd_hotspots.py [--home DIR] [--scales 0.02,10] [--seed 42]

For each scale, builds the demo (industry_patents: 6,000 rows at scale ≤ 1, 6,000 × scale above) in a
temporary SHUZHI_HOME (or reuses DIR/scale-<s> when --home is given and the demo is there), reads the
patents as the service does (service.rd_hotspots.read_patents: QuerySpecs through the executor), then:
- `mine`: ai.innovation.mining.mine — jieba, phrase merging, NMF and LDA compared on a sample, the
  winner fitted on all, phrase topics: the work done once per data version;
- `lists`: hotspots() + whitespace() + techmap() over the mined result: the work of every request;
- `baseline`: a plain TF-IDF pass over the same texts — jieba.lcut of every title and abstract and
  scikit-learn's TfidfVectorizer over the tokens — the least any text mining of them costs.
Prints seconds, the ratio mine / baseline, and the method that won with both coherences.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _demo(home: Path, scale: float, seed: int) -> None:
    import duckdb

    from shuzhi.demo import build_demo

    path = home / "warehouse.duckdb"
    if path.exists():
        return
    home.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    build_demo(con, scale=scale, seed=seed, end=dt.date(2026, 10, 31), today=dt.date(2026, 11, 26))
    con.close()


def _rows(home: Path) -> list[dict]:  # type: ignore[type-arg]
    os.environ["SHUZHI_HOME"] = str(home)
    from shuzhi.demo.semantic import install_demo_model
    from shuzhi.runtime import Runtime
    from shuzhi.service.executor import Executor
    from shuzhi.service.rd_hotspots import read_patents
    from shuzhi.settings import get_settings
    from shuzhi.spec.resolve import UserContext

    get_settings.cache_clear()
    rt = Runtime(get_settings())
    rt.start(create_admin=False, with_logging=False)
    try:
        with rt.catalog.session() as s:
            install_demo_model(s)
        return read_patents(Executor.open(rt, UserContext.system(), purpose="insight"))
    finally:
        rt.close()


def _baseline(rows: list[dict]) -> float:  # type: ignore[type-arg]
    from sklearn.feature_extraction.text import TfidfVectorizer

    from shuzhi.ai.nl.tokenizer import new_tokenizer

    tok = new_tokenizer()
    t0 = time.perf_counter()
    docs = [tok.lcut(f"{r['title']}。{r.get('abstract') or ''}", HMM=False) for r in rows]
    TfidfVectorizer(analyzer=lambda d: d, min_df=3, max_df=0.3, sublinear_tf=True).fit_transform(docs)
    return time.perf_counter() - t0


def run(scale: float, seed: int, home: Path) -> None:
    from shuzhi.ai.innovation.corpus import Corpus
    from shuzhi.ai.innovation.mining import mine
    from shuzhi.ai.innovation.trends import hotspots
    from shuzhi.ai.innovation.whitespace import techmap, whitespace
    from shuzhi.service.rd_hotspots import COMPANY

    t0 = time.perf_counter()
    _demo(home, scale, seed)
    built = time.perf_counter() - t0
    rows = _rows(home)
    base = _baseline(rows)  # also warms jieba's dictionary for both
    t0 = time.perf_counter()
    mined = mine(Corpus.from_rows(rows, company=COMPANY))
    t_mine = time.perf_counter() - t0
    t0 = time.perf_counter()
    hot = hotspots(mined)
    whitespace(mined)
    techmap(mined)
    t_lists = time.perf_counter() - t0
    scores = ", ".join(f"{k} {v['coherence']:.3f} ({v['seconds']:.1f} s)" for k, v in mined.scores.items())
    print(f"scale {scale:g}: {len(rows):,} patents (demo built in {built:.1f} s)")
    print(f"  baseline (jieba + TF-IDF) {base:7.2f} s")
    print(f"  mine                      {t_mine:7.2f} s   ratio mine / baseline = {t_mine / base:.2f}  "
          f"(tokenize {mined.seconds['tokenize']:.1f} s, topics {mined.seconds['topics']:.1f} s, "
          f"phrase topics {mined.seconds['phrase_topics']:.1f} s)")
    print(f"  lists per request         {t_lists:7.2f} s")
    print(f"  topics: {mined.method} won — coherence {scores}; {len(mined.topics)} topics, "
          f"{len(hot['rising'])} rising, {len(hot['falling'])} falling")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, default=None, help="Keep (and reuse) the demos under this folder.")
    ap.add_argument("--scales", default="0.02,10", help="Demo scales (industry_patents: 6,000 × max(1, scale)).")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    root = args.home or Path(tempfile.mkdtemp(prefix="shuzhi-bench-hotspots-"))
    for s in (float(x) for x in args.scales.split(",")):
        run(s, args.seed, root / f"scale-{s:g}")


if __name__ == "__main__":
    main()
