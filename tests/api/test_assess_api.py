"""GET /api/v1/assess and GET/PUT /api/v1/assess/answers over the small demo: the fixed JSON shape, answers
that round trip, a viewer may read but not answer, bad input is a bilingual 4xx, and a viewer with a row
rule assesses their own region."""

from __future__ import annotations

import pytest

from shuzhi_testing import login, restricted_viewer


@pytest.fixture
def client(demo_api):  # type: ignore[no-untyped-def]
    return demo_api(scale=0.02, seed=3)


def _rows(body: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {c["id"]: c for c in body["criteria"]}


def test_assess_api(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    r = client.get("/api/v1/assess", headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["year"] == 2026 and body["years"] == [2025, 2024, 2023]
    assert all({"name", "value", "threshold", "met"} <= set(c) for c in body["criteria"])
    sql = client.post("/api/v1/sql", json={"sql": "SELECT SUM(amount) FROM rd_expenses WHERE year(expense_month) = 2024"},
                      headers=h).json()["rows"][0][0]
    assert _rows(client.get("/api/v1/assess?year=2025", headers=h).json())["p_rd_amount"]["value"] == pytest.approx(sql)

    r = client.put("/api/v1/assess/answers", json={"answers": {"employees": 320, "own_brand": "是",
                                                               "rd_staff_share": "35%"}}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["answers"] == {"employees": 320, "own_brand": True, "rd_staff_share": 0.35}
    got = client.get("/api/v1/assess/answers", headers=h).json()
    assert {q["key"]: q["value"] for q in got["questions"]}["employees"] == 320
    rows = _rows(client.get("/api/v1/assess", headers=h).json())
    assert rows["n_own_brand"]["met"] is True and rows["n_small_rd_staff"]["value"] == pytest.approx(0.35)
    assert rows["n_small_rd_staff"]["met"] is None  # 35 % < 50 %, but 创新直通 is not answered yet
    assert rows["n_small_rd_staff"]["gap"] == pytest.approx(0.15)
    client.put("/api/v1/assess/answers", json={"answers": {"innovation_direct": False}}, headers=h)
    assert _rows(client.get("/api/v1/assess", headers=h).json())["n_small_rd_staff"]["met"] is False

    en = {**h, "Accept-Language": "en"}
    r = client.get("/api/v1/assess/report", headers=en)  # no `shuzhi serve` here: nothing to draw the page
    assert r.status_code == 409 and r.json()["error"]["code"] == "render_needs_server"
    for params, code in [("?year=1800", "assess_year_out_of_range"), ("?year=2099", "assess_year_out_of_range")]:
        r = client.get(f"/api/v1/assess{params}", headers=en)
        assert r.status_code == 422 and r.json()["error"]["code"] == code and "2000" in r.json()["error"]["message"]
    assert client.get("/api/v1/assess?year=abc", headers=h).status_code == 422
    for answers, code in [({"no_such": 1}, "unknown_assess_item"), ({"employees": "many"}, "bad_assess_answer"),
                          ({"debt_ratio": 20}, "assess_answer_out_of_range"), ({}, "no_assess_answers")]:
        r = client.put("/api/v1/assess/answers", json={"answers": answers}, headers=h)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (answers, r.text)
    assert client.put("/api/v1/assess/answers", json={"answers": {"employees": {"x": 1}}}, headers=h).status_code == 422
    assert client.put("/api/v1/assess/answers", json={"answer": {}}, headers=h).status_code == 422


def test_viewers_read_but_do_not_answer(client) -> None:  # type: ignore[no-untyped-def]
    viewer, vh, _ = restricted_viewer(client, "east", "华东")
    r = viewer.get("/api/v1/assess?year=2026", headers=vh)
    assert r.status_code == 200, r.text
    h = login(client)
    east = client.post("/api/v1/sql", json={"sql": "SELECT SUM(s.amount) FROM sales_orders s JOIN customers c "
                                            "USING (customer_id) WHERE s.status <> '已取消' AND c.region = '华东' "
                                            "AND year(s.order_date) = 2025"}, headers=h).json()["rows"][0][0]
    assert _rows(r.json())["p_revenue"]["value"] == pytest.approx(east)
    r = viewer.put("/api/v1/assess/answers", json={"answers": {"employees": 10}}, headers=vh)
    assert r.status_code == 403
    assert type(client)(client.app, raise_server_exceptions=False).get("/api/v1/assess").status_code == 401
