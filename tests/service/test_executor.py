"""The executor: purposes choose row caps, answers are cached per user, insights read through it."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from shuzhi.demo import build_demo
from shuzhi.demo.semantic import install_demo_model
from shuzhi.errors import ShuzhiError
from shuzhi.runtime import Runtime
from shuzhi.service import insights
from shuzhi.service.executor import Executor
from shuzhi.spec.resolve import UserContext


@pytest.fixture
def rt(settings):  # type: ignore[no-untyped-def]
    settings.ensure_home()
    con = duckdb.connect(str(settings.warehouse_path))
    build_demo(con, scale=0.01, seed=3, end=dt.date(2026, 10, 31), today=dt.date(2026, 11, 26))
    con.close()
    r = Runtime(settings)
    r.start(create_admin=False)
    with r.catalog.session() as s:
        install_demo_model(s)
    yield r
    r.close()


def test_purposes_choose_row_caps(rt) -> None:  # type: ignore[no-untyped-def]
    user = UserContext.system()
    assert Executor.open(rt, user, purpose="ui").max_rows == rt.settings.row_cap_ui
    assert Executor.open(rt, user, purpose="export").max_rows == rt.settings.row_cap_export
    assert Executor.open(rt, user, purpose="insight").max_rows is None
    with pytest.raises(ShuzhiError) as err:
        Executor.open(rt, user, purpose="everything")
    assert err.value.code == "bad_purpose"


def test_answers_are_cached_per_user(rt) -> None:  # type: ignore[no-untyped-def]
    spec = {"metrics": ["revenue"], "dimensions": ["customers.region"]}
    admin = Executor.open(rt, UserContext.system(), purpose="ui")
    assert not admin.run(spec).cached and admin.run(spec).cached
    east = Executor.open(rt, UserContext("v", "viewer", {"region": "华东"}), purpose="ui")
    assert {tuple(r.values())[0] for r in east.rows(spec)} == {"华东"}
    assert not admin.run(spec, use_cache=False).cached


def test_explain_of_a_ratio_reads_its_parts_through_the_compiler(rt) -> None:  # type: ignore[no-untyped-def]
    user = UserContext.system()
    first = insights.explain(rt, user, "gross_margin", "2026-06", by=["customers.region"])
    assert first["kind"] == "ratio" and first["dimensions"][0]["dimension"] == "customers.region"
    d = first["dimensions"][0]
    # mix + rate effects add up to the change (the parts are exact).
    assert d["mix_total"] + d["rate_total"] + d["unassigned"] == pytest.approx(first["change"], abs=1e-9)
    misses = rt.cache.misses  # the second explain is answered from the cache
    again = insights.explain(rt, user, "gross_margin", "2026-06", by=["customers.region"])
    assert again == first and rt.cache.misses == misses
