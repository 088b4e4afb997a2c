"""A small demo warehouse (scale 0.02) and its NL lexicon, built once per test session (tests/ai, tests/ai/nl/questions).

The lexicon's dimension values are read as production reads them (service/ask.py): each field's distinct
values as a QuerySpec answered by the query pipeline (`query_values`); the ai layer runs no SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from shuzhi.ai.nl import Lexicon, parse_question
from shuzhi.demo import build_demo
from shuzhi.demo.semantic import demo_model
from shuzhi.engines.duckdb_engine import DuckDBEngine
from shuzhi.engines.warehouse import Warehouse
from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex
from shuzhi.service import run_query
from shuzhi.spec.query_spec import parse_spec
from shuzhi.spec.resolve import UserContext

TODAY = dt.date(2026, 11, 26)


def query_values(index: ModelIndex, engine: DuckDBEngine, today: dt.date, user: UserContext | None = None
                 ) -> Callable[[str, str, int], list[Any] | None]:
    """fetch_values(dataset, field, limit) for `Lexicon.from_queries`: the field's distinct non-null values
    as a QuerySpec run through the pipeline as `user` (default: the system), the spec service/ask.py asks;
    a field the user may not see, or a column missing from the data, gives None."""
    user = user or UserContext.system()

    def fetch(ds: str, f: str, limit: int) -> list[Any] | None:
        ref = f"{ds}.{f}"
        spec = {"dimensions": [ref], "where": [{"field": ref, "op": "not_null"}],
                "order_by": [{"field": ref}], "limit": limit}
        try:
            table = run_query(spec, index, user, today, engine).table
        except ShuzhiError:
            return None
        return table.column(0).to_pylist() if table.num_columns else []

    return fetch


def demo_values(path: Path, index: ModelIndex, today: dt.date) -> Callable[[str, str, int], list[Any] | None]:
    """`query_values` over the demo warehouse file at `path` (read only)."""
    return query_values(index, DuckDBEngine(Warehouse(path, read_only=True).open()), today)


@pytest.fixture(scope="session")
def nl_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.getbasetemp() / "nl_demo.duckdb"
    if not path.exists():
        con = duckdb.connect(str(path))
        build_demo(con, scale=0.02, seed=3, end=dt.date(2026, 10, 31), today=TODAY)
        con.close()
    idx = ModelIndex.build(demo_model())
    lex = Lexicon.from_queries(idx, demo_values(path, idx, TODAY))
    return {"path": path, "index": idx, "lex": lex, "today": TODAY}


def ask(env: dict[str, Any], q: str, previous: Any = None) -> Any:
    return parse_question(q, env["lex"], today=env["today"], previous=previous)


def failing_answers(env: dict[str, Any], cases: list[dict[str, Any]]) -> list[str]:
    """Parse every case (with its previous question) and run its spec, alternatives and the specs of its
    clarification's choices on the demo warehouse: the questions whose answer does not validate or run, with why."""
    engine = DuckDBEngine(Warehouse(env["path"], read_only=True).open())
    failures = []
    for case in cases:
        prev = ask(env, case["previous"]) if case.get("previous") else None
        r = ask(env, case["q"], prev)
        for spec in [r.spec, *r.alternatives, *(c["spec"] for c in (r.clarify or {}).get("choices", []))]:
            if spec is None:
                continue
            try:
                parse_spec(spec)
                res = run_query(spec, env["index"], UserContext.system(), env["today"], engine)
                assert res.table is not None
            except Exception as exc:  # noqa: BLE001 - collect all
                failures.append(f"{case['q']}: {exc}")
    return failures


@pytest.fixture(scope="session")
def ask_rt(nl_env: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A Runtime over a copy of the small NL warehouse with the demo model, today = 2026-11-26: the whole
    ask use case (service/ask.py) as the server runs it, shared by the tests of one worker."""
    import shutil

    from shuzhi.demo.semantic import install_demo_model
    from shuzhi.runtime import Runtime
    from shuzhi.service.wiring import wire
    from shuzhi.settings import Settings

    home = tmp_path_factory.mktemp("ask_home")
    settings = Settings(home=home, today=TODAY, duckdb_threads=2, duckdb_memory_limit="2GB")
    settings.ensure_home()
    shutil.copy(nl_env["path"], settings.warehouse_path)
    rt = Runtime(settings)
    rt.start(create_admin=False)
    wire(rt)
    with rt.catalog.session() as s:
        install_demo_model(s)
    yield rt
    rt.close()
