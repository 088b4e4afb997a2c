"""涨跌颜色: the company's convention (admins), each user's own override, bad values refused in both languages."""

from __future__ import annotations

from shuzhi_testing import login


def test_company_default_and_own_override(make_client, settings) -> None:  # type: ignore[no-untyped-def]
    c = make_client()
    h = login(c)
    r = c.get("/api/v1/preferences")
    assert r.status_code == 200, r.text
    assert r.json() == {"effective": {"change_colors": "red_up"}, "company": {"change_colors": "red_up"},
                        "own": {"change_colors": None}}
    assert c.put("/api/v1/preferences/company", json={"change_colors": "green_up"}, headers=h).json()["effective"] == {
        "change_colors": "green_up"}
    assert c.post("/api/v1/users", json={"username": "li", "password": "Li-Pass-0001", "role": "viewer"},
                  headers=h).status_code == 201
    viewer = type(c)(c.app, raise_server_exceptions=False)
    vh = login(viewer, "li", "Li-Pass-0001")
    assert viewer.get("/api/v1/preferences").json()["effective"]["change_colors"] == "green_up"
    r = viewer.put("/api/v1/preferences", json={"change_colors": "red_up"}, headers=vh)
    assert r.json()["effective"]["change_colors"] == "red_up" and r.json()["company"]["change_colors"] == "green_up"
    assert viewer.put("/api/v1/preferences", json={"change_colors": None}, headers=vh).json()["effective"] == {
        "change_colors": "green_up"}
    # a viewer cannot change the company's setting; a bad value is a 422
    assert viewer.put("/api/v1/preferences/company", json={"change_colors": "red_up"}, headers=vh).status_code == 403
    bad = c.put("/api/v1/preferences", json={"change_colors": "blue"}, headers=h)
    assert bad.status_code == 422
