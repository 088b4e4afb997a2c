"""Issue 20: the plan cache (service/dashboards.py cached_plan). A warm dashboard answer does no
sqlglot work; a changed filter, viewer (rule signature), dashboard version, model version, today or
metric dates gives a new plan, and row rules still apply."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlglot import exp
from sqlglot.parser import Parser

from shuzhi.service import dashboards as service
from shuzhi.service.dashboards import DataRequest, cached_plan
from shuzhi.service.pipeline import index_cache
from shuzhi.spec.resolve import UserContext
from shuzhi_testing import login, restricted_viewer

BASE = "/api/v1/dashboards"
SIMPLE = {"name": "mine", "title": "我的看板", "components": [
    {"id": "rev", "kind": "kpi", "title": "销售额", "pos": {"x": 0, "y": 0, "w": 6, "h": 4},
     "spec": {"metrics": ["revenue"], "time_range": {"relative": "this_year"}}},
    {"id": "by_region", "kind": "chart", "pos": {"x": 6, "y": 0, "w": 12, "h": 8},
     "spec": {"metrics": ["revenue"], "dimensions": ["customers.region"]}, "chart": {"type": "bar"}},
]}


def _same(v):  # type: ignore[no-untyped-def]
    """An answer without what differs between a computed and a cached answer (timings, `cached`)."""
    if isinstance(v, dict):
        return {k: _same(x) for k, x in v.items() if k not in ("timings_ms", "cached")}
    return [_same(x) for x in v] if isinstance(v, list) else v


def _data(c, h, name: str, **body):  # type: ignore[no-untyped-def]
    c.app.state.dashboard_answers.cache.clear()  # the whole-answer cache: every request plans
    r = c.post(f"{BASE}/{name}/data", json=body, headers=h)
    assert r.status_code == 200, r.text
    return _same(r.json())


@pytest.fixture
def plans(monkeypatch):  # type: ignore[no-untyped-def]
    """How often a dashboard was planned (not answered from the plan cache)."""
    calls: list[str] = []
    real = service.plan

    def counted(d, *a, **kw):  # type: ignore[no-untyped-def]
        calls.append(d.name)
        return real(d, *a, **kw)

    monkeypatch.setattr(service, "plan", counted)
    return calls


def test_warm_answer_does_no_sqlglot_work(dash_api, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    c, h = dash_api
    first = _data(c, h, "cockpit")
    work: list[str] = []
    real_sql, real_parse = exp.Expression.sql, Parser.parse

    def sql(self, *a, **kw):  # type: ignore[no-untyped-def]
        work.append("generate")
        return real_sql(self, *a, **kw)

    def parse(self, *a, **kw):  # type: ignore[no-untyped-def]
        work.append("parse")
        return real_parse(self, *a, **kw)

    monkeypatch.setattr(exp.Expression, "sql", sql)
    monkeypatch.setattr(Parser, "parse", parse)
    again = _data(c, h, "cockpit")
    assert work == [] and again == first


def test_changes_give_new_plans(dash_api, plans) -> None:  # type: ignore[no-untyped-def]
    c, h = dash_api
    assert c.post(BASE, json=SIMPLE, headers=h).status_code == 201
    _data(c, h, "mine")
    _data(c, h, "mine")
    assert plans == ["mine"]

    east = _data(c, h, "cockpit", filters={"region": ["华东"]})  # a filter
    assert _data(c, h, "cockpit", filters={"region": ["华东"]}) == east and len(plans) == 2
    assert _data(c, h, "cockpit", filters={"region": ["华南"]}) != east and len(plans) == 3

    body = {**SIMPLE, "components": SIMPLE["components"][:1]}  # the dashboard: a new version
    assert c.put(f"{BASE}/mine", json=body, headers=h).json()["version"] == 2
    assert list(_data(c, h, "mine")["components"]) == ["rev"] and len(plans) == 4

    viewer, vh, _ = restricted_viewer(c, "zhao", "华南")  # the model: a new version
    h = login(c)  # restricted_viewer logged the admin in again
    admin = _data(c, h, "mine")
    assert len(plans) == 5
    other, oh, _ = restricted_viewer(c, "qian", "华东")  # same model again (no change): same version
    south, east = _data(viewer, vh, "cockpit"), _data(other, oh, "cockpit")  # viewers: their own plans
    assert south["components"]["by_region"]["result"]["rows"] != east["components"]["by_region"]["result"]["rows"]
    assert [r[0] for r in south["components"]["by_region"]["result"]["rows"]] == ["华南"]
    assert [r[0] for r in east["components"]["by_region"]["result"]["rows"]] == ["华东"]
    h = login(c)
    assert _data(c, h, "mine") == admin


def test_key_parts_outside_the_request(dash_api, plans) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.model.dashboards import DashboardDef

    c, _ = dash_api
    rt = c.app.state.runtime
    idx, _ = rt.model_index()
    d = DashboardDef.model_validate(SIMPLE)
    user = UserContext("a", "viewer", {"region": "华东"})
    today = dt.date(2026, 11, 26)
    dates = {"revenue": (dt.date(2024, 1, 1), dt.date(2026, 11, 25))}
    first = cached_plan((99, 1), d, DataRequest(), idx, user, today, dates)
    cached_plan((99, 1), d, DataRequest(), idx, user, today, dates)
    assert len(plans) == 1
    cached_plan((99, 1), d, DataRequest(), idx, user, today + dt.timedelta(days=1), dates)  # today
    cached_plan((99, 1), d, DataRequest(), idx, user, today, {"revenue": (dt.date(2024, 1, 1), today)})  # data
    cached_plan((99, 1), d, DataRequest(), idx, UserContext("b", "viewer", {"region": "华南"}), today, dates)
    cached_plan((99, 1), d, DataRequest(), idx, UserContext("c", "editor", {"region": "华东"}), today, dates)
    cached_plan((99, 1), d, DataRequest(), idx, user, today, dates,
                fixed=[{"where": [{"field": "customers.region", "op": "=", "value": "华北"}]}])  # an embed's filters
    cached_plan((99, 2), d, DataRequest(), idx, user, today, dates)  # the dashboard's version
    assert len(plans) == 7
    # the same rule signature under another name shares the plan
    shared = cached_plan((99, 1), d, DataRequest(), idx, UserContext("z", "viewer", {"region": "华东"}), today, dates)
    assert len(plans) == 7 and [p.spec for p in shared] == [p.spec for p in first]
    assert len(index_cache(idx, "dashboard_plans")) == 7


def test_timings_name_every_phase(dash_api) -> None:  # type: ignore[no-untyped-def]
    c, h = dash_api
    c.app.state.dashboard_answers.cache.clear()
    r = c.post(f"{BASE}/cockpit/data", json={}, headers=h)
    t = r.json()["timings_ms"]
    assert set(t) == {"dates", "plan", "queries", "annotate", "total"}
    assert t["total"] >= max(t["dates"], t["plan"], t["queries"], t["annotate"])
    assert r.headers["Server-Timing"].startswith("catalog;dur=") and 'desc="computed"' in r.headers["Server-Timing"]
    again = c.post(f"{BASE}/cockpit/data", json={}, headers=h)  # the kept answer: this request's own time
    assert 'desc="reused"' in again.headers["Server-Timing"]
