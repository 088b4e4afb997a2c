"""service/rd_hotspots.py: mined once per data version (threads share one build; field and years filters
reuse it; a data change mines again; a new runtime loads it from disk), row rules bind what a user's
topics are mined from, the per-field signals for the allocation, and the API routes."""

from __future__ import annotations

import shutil
import threading

import pytest

from shuzhi.catalog.semantic import get_model, save_model
from shuzhi.demo.semantic import install_demo_model
from shuzhi.model.schema import DatasetDef, FieldDef, RowRuleDef
from shuzhi.runtime import Runtime
from shuzhi.service import rd_hotspots
from shuzhi.spec.resolve import UserContext
from shuzhi_testing import login

ADMIN = UserContext.system()
FIELDS = {"精密传动", "运动控制算法", "新材料", "传感与检测", "智能制造"}


@pytest.fixture
def rw_rt(settings, demo):  # type: ignore[no-untyped-def]
    """A runtime holding the warehouse read-write (as the one-worker server does): the test changes data."""
    settings.ensure_home()
    shutil.copy(demo, settings.warehouse_path)
    r = Runtime(settings)
    r.start(create_admin=False)
    r.warehouse().open()
    with r.catalog.session() as s:
        install_demo_model(s)
    yield r
    r.close()


def test_mined_once_per_data_version(rw_rt) -> None:  # type: ignore[no-untyped-def]
    rt = rw_rt
    got: list = []  # type: ignore[type-arg]
    threads = [threading.Thread(target=lambda: got.append(rd_hotspots.mined(rt, ADMIN))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4 and all(m is got[0] for m in got)
    field = sorted(FIELDS)[0]
    rd_hotspots.hotspots(rt, ADMIN, field=field, years=3)
    rd_hotspots.whitespace(rt, ADMIN)
    rd_hotspots.techmap(rt, ADMIN)
    assert rd_hotspots.state(rt).built == 1
    with rt.warehouse().cursor() as cur:  # a write DuckDB keeps in its write-ahead log for now
        cur.execute("DELETE FROM industry_patents WHERE patent_id = (SELECT min(patent_id) FROM industry_patents)")
    again = rd_hotspots.mined(rt, ADMIN)
    assert again is not got[0] and len(again.corpus) == len(got[0].corpus) - 1
    assert rd_hotspots.state(rt).built == 2 and len(rd_hotspots.state(rt).mined) == 1


def test_a_new_runtime_loads_the_mined_topics_from_disk(rt, settings) -> None:  # type: ignore[no-untyped-def]
    first = rd_hotspots.hotspots(rt, ADMIN)
    rt.close()
    other = Runtime(settings)
    other.start(create_admin=False)
    try:
        assert rd_hotspots.hotspots(other, ADMIN) == first
        st = rd_hotspots.state(other)
        assert st.loaded == 1 and st.built == 0
    finally:
        other.close()


def test_row_rules_bind_the_patents_mined(rt) -> None:  # type: ignore[no-untyped-def]
    with rt.catalog.session() as db:
        model, _ = get_model(db, "huajing")
        if not any(d.name == "industry_patents" for d in model.datasets):
            model.datasets.append(DatasetDef(name="industry_patents", table="industry_patents",
                                             fields=[FieldDef(name=c, type="date" if c == "application_date" else "string")
                                                     for c in rd_hotspots.COLUMNS]))
        model.row_rules = [*model.row_rules,
                           RowRuleDef(name="own_country", dataset="industry_patents", filter="country = {{ user.country }}")]
        save_model(db, model, actor="t", may_change_rules=True)
    home = UserContext("zhang", "viewer", {"country": "中国"})
    everyone = rd_hotspots.techmap(rt, ADMIN)
    mine = rd_hotspots.techmap(rt, home)
    assert {a["country"] for a in mine["applicants"]} == {"中国"}
    assert sum(g["count"] for g in mine["grid"]) < sum(g["count"] for g in everyone["grid"])
    assert rd_hotspots.state(rt).built == 2  # one per rule signature


def test_field_signals_for_the_allocation(rt) -> None:  # type: ignore[no-untyped-def]
    sig = rd_hotspots.field_signals(rt, ADMIN)
    assert set(sig) == FIELDS
    for s in sig.values():
        assert {"industry_growth", "company_share", "white_space", "white_space_score"} <= set(s)
        assert 0 <= s["company_share"] <= 1
    first = rd_hotspots.whitespace(rt, ADMIN)["white_spaces"][0]
    assert sig[first["tech_field"]]["white_space"] is True
    assert sig[first["tech_field"]]["white_space_subfield"] == first["subfield"]


def test_the_routes(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    r = client.get("/api/v1/rd/hotspots", headers=h)
    assert r.status_code == 200, r.text
    hot = r.json()
    assert hot["rising"] and {"topic", "terms", "periods", "growth", "applicants", "examples"} <= set(hot["rising"][0])
    r = client.get("/api/v1/rd/whitespace", params={"years": 3}, headers=h)
    assert r.status_code == 200 and r.json()["white_spaces"][0]["subfield"]
    topic = hot["rising"][0]
    r = client.get(f"/api/v1/rd/topics/{topic['id']}/patents", params={"limit": 5}, headers=h)
    assert r.status_code == 200 and r.json()["total"] == topic["patents"] and len(r.json()["patents"]) == 5
    r = client.get("/api/v1/rd/techmap", params={"field": "新材料"}, headers=h)
    assert r.status_code == 200 and r.json()["fields"] == ["新材料"]
    r = client.get("/api/v1/rd/topics/x9/patents", headers=h)
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_topic"
    r = client.get("/api/v1/rd/hotspots", params={"field": "不存在"}, headers=h)
    assert r.status_code == 404 and "不存在" in r.json()["error"]["message"]
    assert client.get("/api/v1/rd/hotspots", params={"years": 0}, headers=h).status_code == 422
    client.cookies.clear()
    assert client.get("/api/v1/rd/hotspots").status_code == 401


def test_a_model_without_the_dataset_reads_the_contract_table(rt) -> None:  # type: ignore[no-untyped-def]
    """A model that does not define industry_patents (an older demo model, a customer's own) is read through a
    variant of its index that adds the demo contract's table as a plain dataset."""
    with rt.catalog.session() as db:
        model, _ = get_model(db, "huajing")
        model.datasets = [d for d in model.datasets if d.name != "industry_patents"]
        gone = {m.name for m in model.metrics if m.dataset == "industry_patents"}
        model.metrics = [m for m in model.metrics if m.name not in gone
                         and not any(g in (m.formula or "") for g in gone)]
        for sd in model.shared_dimensions:
            sd.fields = [f for f in sd.fields if not f.startswith("industry_patents.")]
        model.shared_dimensions = [sd for sd in model.shared_dimensions if len(sd.fields) >= 2]
        save_model(db, model, actor="t")
    out = rd_hotspots.hotspots(rt, ADMIN)
    assert out["patents"] >= 6000 and out["rising"]
