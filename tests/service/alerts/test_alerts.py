"""Alert rules on the demo (seed 42): anomaly, threshold and change rules, dedup, checks after a
data refresh and on a schedule, row rules of an editor-owned rule, the inbox, and bad rules."""

from __future__ import annotations

import datetime as dt

from shuzhi_testing import login, restricted_viewer

PLANT_ANOMALY = {"name": "不良率异常", "metric": "defect_rate", "grain": "month", "by": "production_orders.plant",
                 "condition": {"type": "anomaly", "lookback": 12}}


def _create(client, h, body):  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/alerts", json=body, headers=h)
    assert r.status_code == 201, r.text
    return r.json()


def _check(client, h, rule_id):  # type: ignore[no-untyped-def]
    r = client.post(f"/api/v1/alerts/{rule_id}/check", headers=h)
    assert r.status_code == 200, r.text
    return r.json()


def _monthly(client, h, metric: str) -> list[float]:  # type: ignore[no-untyped-def]
    spec = {"metrics": [metric], "dimensions": [{"field": "time", "grain": "month", "name": "m"}],
            "order_by": [{"field": "m"}]}
    rows = client.post("/api/v1/query", json=spec, headers=h).json()["rows"]
    return [r[1] for r in rows if r[0] < "2026-11-01"]


def test_anomaly_rule_fires_for_the_plant_incident_only(client, truth) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    rule = _create(client, h, PLANT_ANOMALY)
    assert rule["owner"] == "admin" and rule["channels"] == ["inbox"] and rule["condition"]["direction"] == "both"
    out = _check(client, h, rule["id"])
    month = truth["quality_incident"]["month"].isoformat()
    assert out["status"] == "fired" and len(out["periods_checked"]) == 12
    assert [(f["series"], f["period"]) for f in out["firings"]] == [("常州工厂", month)], out["firings"]
    f = out["firings"][0]
    ev = f["evidence"]
    assert ev["value"] > ev["upper"] > ev["expected"] > ev["lower"] and ev["direction"] == "up"
    assert ev["spec"]["metrics"] == ["defect_rate"] and ev["spec"]["dimensions"][1]["field"] == "production_orders.plant"
    assert "常州工厂" in f["description_zh"] and "常州工厂" in f["description_en"] and f["trigger"] == "manual"

    # dedup: checking again records nothing new
    again = _check(client, h, rule["id"])
    assert again["status"] == "ok" and again["firings"] == [] and again["duplicates"] == 1
    listed = client.get(f"/api/v1/alerts/{rule['id']}/firings", headers=h).json()
    assert len(listed) == 1 and listed[0]["id"] == f["id"]

    # the owner's inbox: one unread item; reading it
    box = client.get("/api/v1/inbox", headers=h).json()
    assert box["unread"] == 1 and box["items"][0]["firing"]["id"] == f["id"]
    assert client.post(f"/api/v1/inbox/{box['items'][0]['id']}/read", headers=h).status_code == 204
    assert client.get("/api/v1/inbox", headers=h).json()["unread"] == 0
    assert client.post("/api/v1/inbox/999999/read", headers=h).status_code == 404


def test_threshold_rule_fires_and_does_not(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    last = _monthly(client, h, "revenue")[-1]
    low = _create(client, h, {"name": "销售额低于", "metric": "revenue",
                              "condition": {"type": "threshold", "op": "<", "value": last * 1.01}})
    high = _create(client, h, {"name": "销售额高于", "metric": "revenue",
                               "condition": {"type": "threshold", "op": ">", "value": last * 1.01}})
    out = _check(client, h, low["id"])
    assert out["status"] == "fired" and len(out["firings"]) == 1
    f = out["firings"][0]
    assert f["period"] == "2026-10-01" and f["series"] is None
    assert abs(f["value"] - last) < 1e-6 * last and f["evidence"]["threshold"] == last * 1.01
    assert _check(client, h, high["id"])["status"] == "ok"


def test_change_vs_previous_period_and_last_year(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    ys = _monthly(client, h, "revenue")
    pop, yoy = ys[-1] / ys[-2] - 1, ys[-1] / ys[-13] - 1
    for compare, expected in (("previous", pop), ("last_year", yoy)):
        hit = _create(client, h, {"name": f"变化 {compare}", "metric": "revenue", "condition": {
            "type": "change", "compare": compare, "op": "<=", "value": expected + 0.001}})
        miss = _create(client, h, {"name": f"不变 {compare}", "metric": "revenue", "condition": {
            "type": "change", "compare": compare, "op": "<", "value": expected - 0.001}})
        out = _check(client, h, hit["id"])
        assert out["status"] == "fired", out
        ev = out["firings"][0]["evidence"]
        assert abs(ev["change"] - expected) < 1e-6
        assert ev["compare_period"] == ("2026-09-01" if compare == "previous" else "2025-10-01")
        assert ("环比" if compare == "previous" else "同比") in out["firings"][0]["description_zh"]
        assert _check(client, h, miss["id"])["status"] == "ok"


def test_checked_after_a_data_refresh_of_its_tables(client, truth) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    rt = client.app.state.runtime
    rule = _create(client, h, PLANT_ANOMALY)
    from shuzhi.service.alerts import on_data_refreshed

    assert on_data_refreshed(rt, {"tables": ["patents"], "reason": "import"}) is None  # not read by the rule
    job = on_data_refreshed(rt, {"tables": ["suppliers", "quality_inspections"], "reason": "import"})
    assert job is not None
    rt.jobs.wait(job, timeout=60)
    job_out = client.get(f"/api/v1/jobs/{job}", headers=h).json()
    assert job_out["status"] == "succeeded", job_out
    firings = client.get(f"/api/v1/alerts/{rule['id']}/firings", headers=h).json()
    assert [(f["series"], f["trigger"]) for f in firings] == [("常州工厂", "refresh")]

    # through the event itself (what imports and refreshes emit)
    before = client.get("/api/v1/jobs?kind=alert", headers=h).json()
    rt.data_refreshed(["production_orders"], "refresh")
    after = client.get("/api/v1/jobs?kind=alert", headers=h).json()
    assert len(after) == len(before) + 1 and after[0]["title"].endswith(str(rule["id"]))
    rt.jobs.wait(after[0]["id"], timeout=60)
    assert len(client.get(f"/api/v1/alerts/{rule['id']}/firings", headers=h).json()) == 1  # deduplicated


def test_scheduled_rule_runs_on_the_scheduler_tick(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    rt = client.app.state.runtime
    rule = _create(client, h, {**PLANT_ANOMALY, "schedule": {"interval_s": 3600}})
    assert rule["schedule"]["interval_s"] == 3600 and rule["schedule"]["next_run_at"]
    now = dt.datetime.now(dt.UTC)
    assert rt.scheduler_tick(now) == []
    jobs = rt.scheduler_tick(now + dt.timedelta(hours=1, minutes=1))
    assert len(jobs) == 1
    rt.jobs.wait(jobs[0], timeout=60)
    firings = client.get(f"/api/v1/alerts/{rule['id']}/firings", headers=h).json()
    assert [(f["series"], f["trigger"]) for f in firings] == [("常州工厂", "schedule")]
    got = client.get(f"/api/v1/alerts/{rule['id']}", headers=h).json()
    assert got["last_status"] == "fired" and got["schedule"]["last_status"] == "succeeded"

    # a cron schedule, then disabling the rule disables its schedule
    r = client.patch(f"/api/v1/alerts/{rule['id']}", json={"schedule": {"cron": "0 8 * * *"}, "enabled": False},
                     headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["schedule"]["cron"] == "0 8 * * *" and r.json()["schedule"]["next_run_at"] is None
    assert client.delete(f"/api/v1/alerts/{rule['id']}", headers=h).status_code == 204
    assert client.get(f"/api/v1/alerts/{rule['id']}", headers=h).status_code == 404


def test_row_rules_apply_to_an_editor_owned_rule(client) -> None:  # type: ignore[no-untyped-def]
    # Alert rules are authored by editors and admins (content:edit); the rule runs as its owner.
    viewer, vh, _ = restricted_viewer(client, "huadong", "华东", role="editor")
    rule = _create(viewer, vh, {"name": "各区域销售额", "metric": "revenue", "by": "customers.region",
                                "condition": {"type": "threshold", "op": ">", "value": 0}})
    out = _check(viewer, vh, rule["id"])
    assert [f["series"] for f in out["firings"]] == ["华东"]
    # the same rule owned by the admin sees every region
    h = login(client)
    admin_rule = _create(client, h, {"name": "各区域销售额", "metric": "revenue", "by": "customers.region",
                                     "condition": {"type": "threshold", "op": ">", "value": 0}})
    assert len(_check(client, h, admin_rule["id"])["firings"]) >= 7
    # the viewer neither sees nor changes the admin's rule; the admin sees the viewer's
    assert viewer.get(f"/api/v1/alerts/{admin_rule['id']}", headers=vh).status_code == 404
    assert viewer.delete(f"/api/v1/alerts/{admin_rule['id']}", headers=vh).status_code == 404
    assert client.get(f"/api/v1/alerts/{rule['id']}", headers=h).status_code == 200
    assert [r["id"] for r in viewer.get("/api/v1/alerts", headers=vh).json()] == [rule["id"]]


def test_subscribers_get_the_firing_in_their_inbox(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    assert client.post("/api/v1/users", json={"username": "lisi", "password": "Lisi-Pass-001", "role": "viewer"},
                       headers=h).status_code == 201
    rule = _create(client, h, {**PLANT_ANOMALY, "subscribers": ["lisi"]})
    assert rule["subscribers"] == ["lisi"]
    _check(client, h, rule["id"])
    lisi = type(client)(client.app, raise_server_exceptions=False)
    lh = login(lisi, "lisi", "Lisi-Pass-001")
    box = lisi.get("/api/v1/inbox?unread=true", headers=lh).json()
    assert box["unread"] == 1 and box["items"][0]["firing"]["series"] == "常州工厂"
    assert lisi.get(f"/api/v1/alerts/{rule['id']}/firings", headers=lh).status_code == 200
    assert lisi.patch(f"/api/v1/alerts/{rule['id']}", json={"enabled": False}, headers=lh).status_code == 403
    assert lisi.post("/api/v1/inbox/read-all", headers=lh).status_code == 204
    assert lisi.get("/api/v1/inbox", headers=lh).json()["unread"] == 0


def test_bad_rules_are_refused_with_bilingual_messages(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    en = {**h, "Accept-Language": "en"}
    base = {"name": "x", "metric": "revenue", "condition": {"type": "threshold", "op": ">", "value": 1}}
    cases = [
        ({**base, "metric": "revenu"}, "unknown_metric", "revenue"),
        ({**base, "schedule": {"cron": "every day"}}, "schedule_cron", "cron"),
        ({**base, "schedule": {"interval_s": 5}}, "schedule_interval", "60"),
        ({**base, "by": "customers.nope"}, None, "nope"),
        ({**base, "condition": {"type": "change", "op": ">", "value": 0.1, "compare": "previous", "lookback": 0}},
         "alert_condition_invalid", "lookback"),
        ({**base, "condition": {"type": "threshold", "op": ">"}}, "alert_condition_invalid", "number"),
        ({**base, "channels": ["dingtalk"]}, "unknown_channel", "inbox"),
        ({**base, "subscribers": ["nobody"]}, "unknown_user", "nobody"),
        ({**base, "name": " "}, "alert_name_invalid", "name"),
    ]
    for body, code, word in cases:
        zh = client.post("/api/v1/alerts", json=body, headers=h)
        r = client.post("/api/v1/alerts", json=body, headers=en)
        assert r.status_code == 400, (body, r.text)
        if code:
            assert r.json()["error"]["code"] == code, r.text
        assert word in r.json()["error"]["message"], r.text
        assert zh.json()["error"]["message"] != r.json()["error"]["message"]
    assert client.post("/api/v1/alerts", json={**base, "condition": {"type": "sometimes"}}, headers=h).status_code == 422
    assert client.get("/api/v1/alerts", headers=h).json() == []
    assert client.get("/api/v1/alerts/channels", headers=h).json()[0]["name"] == "inbox"
