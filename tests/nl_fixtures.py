"""A small demo warehouse (scale 0.02) and its NL lexicon, built once per test session (tests/ai, tests/nlq)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pytest

from shuzhi.ai.nl import Lexicon
from shuzhi.demo import build_demo
from shuzhi.demo.semantic import demo_model
from shuzhi.model.index import ModelIndex

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="session")
def nl_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.getbasetemp() / "nl_demo.duckdb"
    if not path.exists():
        con = duckdb.connect(str(path))
        build_demo(con, scale=0.02, seed=3, end=dt.date(2026, 10, 31), today=TODAY)
        con.close()
    idx = ModelIndex.build(demo_model())
    con = duckdb.connect(str(path), read_only=True)
    lex = Lexicon.from_warehouse(idx, con)
    con.close()
    return {"path": path, "index": idx, "lex": lex, "today": TODAY}
