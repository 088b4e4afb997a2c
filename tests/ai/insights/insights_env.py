"""A demo warehouse (scale 0.05, seed 42, end 2026-10-31) for the insights tests, built once per session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

from shuzhi.ai.insights.series import Source
from shuzhi.demo import build_demo, demo_anomalies
from shuzhi.demo.semantic import demo_model
from shuzhi.engines.duckdb_engine import DuckDBEngine
from shuzhi.engines.warehouse import Warehouse
from shuzhi.model.index import ModelIndex
from shuzhi.service.pipeline import run_query
from shuzhi.spec.resolve import UserContext

TODAY = dt.date(2026, 11, 26)


def runner(idx: ModelIndex, eng: DuckDBEngine, user: UserContext | None = None) -> Any:
    """A Source's runner over one engine (what service.insights does with the executor)."""
    user = user or UserContext.system()

    def run(spec: dict[str, Any], index: ModelIndex | None = None) -> list[dict[str, Any]]:
        return run_query(spec, index or idx, user, TODAY, eng).table.to_pylist()

    return run


_CACHE: dict[Path, tuple[Source, dict]] = {}


def make_source(base: Path) -> tuple[Source, dict]:
    """The Source and the ground truth (demo_anomalies); one open warehouse per path per process."""
    path = base / "insights_demo.duckdb"
    if path in _CACHE:
        return _CACHE[path]
    if not path.exists():
        con = duckdb.connect(str(path))
        build_demo(con, scale=0.05, seed=42, end=dt.date(2026, 10, 31), today=TODAY)
        con.close()
    con = duckdb.connect(str(path), read_only=True)
    truth = demo_anomalies(con)
    con.close()
    idx = ModelIndex.build(demo_model())
    eng = DuckDBEngine(Warehouse(path, read_only=True).open())
    _CACHE[path] = (Source(idx, TODAY, runner(idx, eng)), truth)
    return _CACHE[path]
