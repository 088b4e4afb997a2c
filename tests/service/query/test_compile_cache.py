"""Issue 20: the compile cache (service/pipeline.py). A spec compiled once for a model version, rule
signature, today and dialect is not compiled again; anything that could change its SQL gives a new
entry, and row and column rules still apply to every answer."""

from __future__ import annotations

import datetime as dt

import pytest
from semantic_env import TODAY

from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex
from shuzhi.model.schema import ColumnRuleDef, RowRuleDef
from shuzhi.service import pipeline, plan_query, run_query
from shuzhi.service.pipeline import index_cache
from shuzhi.spec.resolve import UserContext

ADMIN = UserContext.system()
EAST = UserContext("li", "viewer", {"region": "华东"})
SOUTH = UserContext("wang", "viewer", {"region": "华南"})
SPEC = {"metrics": ["revenue"], "dimensions": ["customers.region"]}


@pytest.fixture
def secured(demo_index) -> ModelIndex:  # type: ignore[no-untyped-def]
    """A fresh index (an empty compile cache) with a row rule on region and a column rule."""
    model = demo_index.model.model_copy(deep=True)
    model.row_rules = [RowRuleDef(name="own_region", dataset="customers", filter="region = {{ user.region }}")]
    model.column_rules = [ColumnRuleDef(name="no_cost_for_viewers", fields=["cogs"], deny_roles=["viewer"])]
    return ModelIndex.build(model)


@pytest.fixture
def compiles(monkeypatch):  # type: ignore[no-untyped-def]
    """How many times the compiler actually ran."""
    calls: list[int] = []
    real = pipeline.compile_query

    def counted(*a, **kw):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(pipeline, "compile_query", counted)
    return calls


def test_same_spec_compiles_once(secured, compiles) -> None:  # type: ignore[no-untyped-def]
    first = plan_query(SPEC, secured, EAST, TODAY)
    again = plan_query(dict(SPEC), secured, EAST, TODAY)
    assert len(compiles) == 1 and again.sql == first.sql and again.columns == first.columns
    again.columns[0]["name"] = "changed"  # a caller's change never reaches the cache
    assert plan_query(SPEC, secured, EAST, TODAY).columns == first.columns


def test_everything_that_changes_the_sql_is_a_new_entry(secured, compiles) -> None:  # type: ignore[no-untyped-def]
    east = plan_query(SPEC, secured, EAST, TODAY).sql
    south = plan_query(SPEC, secured, SOUTH, TODAY).sql  # other row-rule attributes
    admin = plan_query(SPEC, secured, ADMIN, TODAY).sql  # other role: no row rule
    later = plan_query({**SPEC, "time_range": {"relative": "this_month"}}, secured, EAST, TODAY).sql
    tomorrow = plan_query({**SPEC, "time_range": {"relative": "this_month"}}, secured, EAST,
                          TODAY + dt.timedelta(days=40)).sql
    other_filter = plan_query({**SPEC, "where": [{"field": "customers.region", "op": "=", "value": "华北"}]},
                              secured, EAST, TODAY).sql
    pg = plan_query(SPEC, secured, EAST, TODAY, "postgres").sql
    assert len(compiles) == 7
    assert "华东" in east and "华南" in south and "华东" not in admin and "华南" not in admin
    assert later != tomorrow and "华北" in other_filter and pg != east
    assert len({east, south, admin, later, tomorrow, other_filter, pg}) == 7


def test_column_rules_apply_from_the_cache(secured) -> None:  # type: ignore[no-untyped-def]
    spec = {"metrics": ["cogs"]}
    plan_query(spec, secured, ADMIN, TODAY)
    for _ in range(2):  # refused for a viewer, however often the admin's compile is cached
        with pytest.raises(ShuzhiError) as e:
            plan_query(spec, secured, EAST, TODAY)
        assert e.value.status in (403, 404, 422)


def test_a_new_model_version_starts_empty(secured, demo_index, compiles) -> None:  # type: ignore[no-untyped-def]
    spec = {**SPEC, "limit": 77}  # a spec no other test compiles
    plan_query(spec, secured, EAST, TODAY)
    plan_query(spec, demo_index, EAST, TODAY)  # another index (another version): its own cache
    plan_query(spec, demo_index, EAST, TODAY)
    assert len(compiles) == 2 and len(index_cache(secured)) == 1


def test_cache_is_bounded(secured, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cache = index_cache(secured)
    monkeypatch.setattr(cache, "max_entries", 3)
    for n in range(6):
        plan_query({**SPEC, "limit": n + 1}, secured, EAST, TODAY)
    assert len(cache) == 3


def test_answers_still_follow_row_rules(secured, duck) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):
        east = run_query(SPEC, secured, EAST, TODAY, duck).table.to_pylist()
        south = run_query(SPEC, secured, SOUTH, TODAY, duck).table.to_pylist()
        assert {r["customers.region"] for r in east} <= {"华东"} and {r["customers.region"] for r in south} <= {"华南"}
