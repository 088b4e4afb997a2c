"""The result cache answers identical requests from memory and forgets them when data changes."""

from __future__ import annotations

import datetime as dt

import duckdb

from shuzhi.demo import build_demo
from shuzhi.demo.semantic import install_demo_model
from shuzhi.runtime import Runtime
from shuzhi.service.query import query as run_spec
from shuzhi.spec.resolve import UserContext


def test_cache_respects_user_and_data_version(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ensure_home()
    con = duckdb.connect(str(settings.warehouse_path))
    build_demo(con, scale=0.01, seed=2, end=dt.date(2026, 10, 31), today=dt.date(2026, 11, 26))
    con.close()
    rt = Runtime(settings)
    rt.start(create_admin=False)
    with rt.catalog.session() as s:
        install_demo_model(s)
    spec = {"metrics": ["revenue"], "dimensions": ["customers.region"]}
    admin = UserContext.system()
    first = run_spec(rt, spec, admin)
    second = run_spec(rt, spec, admin)
    assert not first.cached and second.cached and second.table.equals(first.table)
    # Another security context is another entry.
    assert not run_spec(rt, spec, UserContext("v", "viewer", {"region": "华东"})).cached
    # A new model version is another entry.
    with rt.catalog.session() as s:
        from shuzhi.catalog.semantic import get_model, save_model

        model, _ = get_model(s)
        model.metrics[0].description = (model.metrics[0].description or "") + "。"
        save_model(s, model, actor="test")
    assert not run_spec(rt, spec, admin).cached
    assert run_spec(rt, spec, admin).cached
    rt.close()
