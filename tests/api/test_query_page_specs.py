"""No request the analysis page can build answers 500 (issue 14).

A property test over the QuerySpecs the page's shelves produce (charts/core/shelves.ts toSpec): metrics,
each with an optional quick calculation, ad-hoc aggregates of dataset fields (the 指标 pill's menu), the
time axis and dataset fields (dates with a grain), shared dimensions, `in` filters with real values, relative
and absolute date ranges (open ends too), a sort on the first metric and a row limit — posted to
POST /api/v1/query over the demo. Every answer is 2xx, or 4xx with an error code and a message in the
asked language; never 5xx. Plus the regressions found this way, named.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuzhi_testing import login

CJK = re.compile(r"[\u4e00-\u9fff]")
COMPUTES = ["yoy", "pop", "percent_of_total", "cumulative", "rank"]
RANGES = ["this_month", "last_month", "this_quarter", "last_quarter", "this_year", "last_year", "last_30_days",
          "last_90_days", "last_12_months"]
GRAINS = ["day", "week", "month", "quarter", "year"]


@pytest.fixture(scope="module")
def page(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A client over a small demo and what the page reads from GET /models/{name}."""
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("page_specs")
    mp.setenv("SHUZHI_HOME", str(home))
    import datetime as dt

    import duckdb
    from fastapi.testclient import TestClient

    from shuzhi.api import create_app
    from shuzhi.demo import build_demo
    from shuzhi.demo.semantic import install_demo_model
    from shuzhi.settings import get_settings
    from shuzhi_testing import TEST_PASSWORD

    mp.setenv("SHUZHI_ADMIN_PASSWORD", TEST_PASSWORD)
    get_settings.cache_clear()
    s = get_settings()
    s.ensure_home()
    con = duckdb.connect(str(s.warehouse_path))
    build_demo(con, scale=0.01, seed=5, end=dt.date(2026, 10, 31), today=dt.date(2026, 11, 26))
    con.close()
    app = create_app(s)
    client = TestClient(app, raise_server_exceptions=False)
    with app.state.runtime.catalog.session() as ses:
        install_demo_model(ses)
    h = login(client)
    name = next(m["name"] for m in client.get("/api/v1/models", headers=h).json() if m["is_default"])
    model = client.get(f"/api/v1/models/{name}", headers=h).json()
    yield client, h, model
    app.state.runtime.close()
    get_settings.cache_clear()
    mp.undo()


def _fields(model: dict) -> tuple[list[str], list[str], list[str], list[str]]:
    d = model["definition"]
    metrics = [m["name"] for m in d["metrics"] if not m.get("hidden")]
    dims = [f"{ds['name']}.{f['name']}" for ds in d["datasets"] for f in ds["fields"] if f.get("dimension", True)]
    dates = [f"{ds['name']}.{f['name']}" for ds in d["datasets"] for f in ds["fields"]
             if f.get("dimension", True) and f["type"] in ("date", "timestamp")]
    shared = [s["name"] for s in d.get("shared_dimensions", [])]
    return metrics, dims, dates, shared


_values: dict[str, list[str]] = {}


def _filter_values(client, h, field: str) -> list[str]:  # type: ignore[no-untyped-def]
    """What the page's filter pill offers: the field's members, as text."""
    if field not in _values:
        r = client.post("/api/v1/query", json={"dimensions": [field], "limit": 500}, headers=h)
        _values[field] = [str(x[0]) for x in r.json()["rows"] if x[0] is not None] if r.status_code == 200 else []
    return _values[field]


@st.composite
def page_specs(draw, model: dict, values):  # type: ignore[no-untyped-def]
    metrics, dims, dates, shared = _fields(model)
    aggs = model["aggregations"]
    out: list = []
    first = None
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            m = draw(st.sampled_from(metrics))
            base, item = m, m
        else:
            field = draw(st.sampled_from(sorted(aggs)))
            agg = draw(st.sampled_from(aggs[field]["allowed"]))
            base = f"{field}__{agg}"
            item = {"name": base, "field": field, "aggregate": agg}
        if any((o if isinstance(o, str) else o["name"]) == base for o in out):
            continue
        out.append(item)
        first = first or base
        if draw(st.booleans()):
            c = draw(st.sampled_from(COMPUTES))
            out.append({"name": f"{base}_{c}", "compute": {c: base}})
    dimensions: list = []
    if draw(st.booleans()):
        dimensions.append({"field": "time", "grain": draw(st.sampled_from(GRAINS))})
    for f in draw(st.lists(st.sampled_from(dims + shared), max_size=2, unique=True)):
        dimensions.append({"field": f, "grain": draw(st.sampled_from(GRAINS))} if f in dates else f)
    spec: dict = {"metrics": out, "dimensions": dimensions}
    if draw(st.integers(0, 3)) == 0:
        f = draw(st.sampled_from(dims + shared))
        vals = values(f)
        if vals:
            spec["where"] = [{"field": f, "op": "in", "values": draw(st.lists(st.sampled_from(vals), min_size=1, max_size=2, unique=True))}]
    kind = draw(st.sampled_from(["none", "relative", "absolute", "from", "until"]))
    if kind == "relative":
        spec["time_range"] = {"field": "time", "relative": draw(st.sampled_from(RANGES))}
    elif kind != "none":
        a = draw(st.dates(min_value=__import__("datetime").date(2023, 1, 1), max_value=__import__("datetime").date(2026, 12, 31)))
        b = draw(st.dates(min_value=a, max_value=__import__("datetime").date(2027, 6, 30)))
        spec["time_range"] = {"field": "time", **({"start": a.isoformat()} if kind != "until" else {}),
                              **({"end": b.isoformat()} if kind != "from" else {})}
    if first and draw(st.booleans()):
        spec["order_by"] = [{"field": first, "desc": draw(st.booleans())}]
    if draw(st.booleans()):
        spec["limit"] = draw(st.sampled_from([1, 5, 10, 1000]))
    return spec


def test_no_page_spec_answers_500(page) -> None:  # type: ignore[no-untyped-def]
    client, h, model = page
    failures: list[str] = []
    seen: dict[int, int] = {}

    @settings(max_examples=150, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(spec=page_specs(model, lambda f: _filter_values(client, h, f)), lang=st.sampled_from(["zh", "en"]))
    def probe(spec: dict, lang: str) -> None:
        r = client.post("/api/v1/query", json=spec, headers={**h, "Accept-Language": lang})
        seen[r.status_code // 100] = seen.get(r.status_code // 100, 0) + 1
        if r.status_code >= 500 or r.status_code < 200 or 300 <= r.status_code < 400:
            failures.append(f"{r.status_code} {spec} → {r.text[:300]}")
            return
        if r.status_code >= 400:
            err = r.json()["error"]
            ok = err["code"] and err["message"] and (bool(CJK.search(err["message"])) if lang == "zh"
                                                     else err["message"][:1].isascii())
            if not ok:
                failures.append(f"{r.status_code} {lang} {spec} → unclear message {err}")

    probe()
    assert not failures, f"{len(failures)} bad answers:\n" + "\n".join(failures[:10])
    assert seen.get(2, 0) >= 30 and seen.get(4, 0) >= 10, seen  # the strategy reaches both kinds


@pytest.mark.parametrize(("spec", "status", "code"), [
    # the analysis page after its last metric pill was removed (dimensions only, a range on time): members
    ({"dimensions": ["customers.region"], "time_range": {"field": "time", "relative": "this_year"}}, 200, None),
    ({"dimensions": ["customers.region"], "time_range": {"field": "time", "start": "2025-01-01", "end": "2025-06-30"}},
     200, None),
    # … with the time axis still on the shelf: no metric, no date to put on it (was a KeyError, 500)
    ({"dimensions": [{"field": "time", "grain": "month"}, "customers.region"],
      "time_range": {"field": "time", "relative": "this_year"}}, 400, "time_needs_metric"),
    ({"metrics": [], "dimensions": []}, 422, "invalid_request"),  # every pill removed
    ({"metrics": ["revenue", {"name": "y", "compute": {"yoy": "revenue"}}], "dimensions": ["customers.region"]},
     400, "comparison_needs_time"),  # 同比 without a time axis or a closed range
    ({"metrics": ["revenue"], "time_range": {"field": "time", "start": "2025-06-30", "end": "2025-01-01"}},
     422, "invalid_request"),  # a contradictory range
])
def test_named_page_cases(page, spec: dict, status: int, code: str | None) -> None:  # type: ignore[no-untyped-def]
    client, h, _ = page
    r = client.post("/api/v1/query", json=spec, headers=h)
    assert r.status_code == status, r.text
    if code:
        err = r.json()["error"]
        assert err["code"] == code and CJK.search(err["message"]), err
        if code == "invalid_request":  # the problem itself, not only where it is
            assert "（" in err["message"] and "query" not in err["message"], err
    else:
        assert r.json()["rows"]


def test_the_model_says_which_aggregations_a_field_allows(page) -> None:  # type: ignore[no-untyped-def]
    _, _, model = page
    aggs = model["aggregations"]
    assert aggs["sales_orders.unit_price"] == {"allowed": ["sum", "avg", "min", "max", "median", "count", "count_distinct"],
                                               "default": "avg"}
    assert aggs["sales_orders.amount"]["default"] == "sum"
    assert aggs["sales_orders.customer_id"] == {"allowed": ["count", "count_distinct"], "default": "count_distinct"}
    assert aggs["customers.region"]["allowed"] == ["count", "count_distinct"]
    assert aggs["sales_orders.order_date"]["default"] == "max"
