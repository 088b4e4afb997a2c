"""Issue 20: the warm-up at server start (service/warmup.py). The most viewed dashboards are answered
in the background as their viewers, so the first view after a start is answered from memory; a
viewer's rules still decide what is warmed and what anyone is shown."""

from __future__ import annotations

from shuzhi.api.routers.dashboards import warm_up
from shuzhi.service import warmup
from shuzhi_testing import login, restricted_viewer

BASE = "/api/v1/dashboards"


def _answer(c):  # type: ignore[no-untyped-def]
    from shuzhi.api.routers.dashboards import answer_data
    from shuzhi.service.dashboards import DataRequest

    rt, answers = c.app.state.runtime, c.app.state.dashboard_answers
    return lambda rec, d, idx, version, user: answer_data(rt, answers, rec, d, idx, version, user, DataRequest(), "zh")


def test_fresh_install_warms_the_first_dashboards_as_admin(dash_api) -> None:  # type: ignore[no-untyped-def]
    c, h = dash_api
    rt = c.app.state.runtime
    pairs = warmup.views_to_warm(rt, limit=2)
    assert [(rec.name, user.role) for rec, user in pairs] == [("cockpit", "admin"), ("sales", "admin")]
    done = warmup.warm(rt, _answer(c), limit=2)
    assert done["answers"] == 2 and done["failed"] == 0 and done["models"] >= 1
    r = c.post(f"{BASE}/cockpit/data", json={}, headers=h)
    assert r.status_code == 200 and 'desc="reused"' in r.headers["Server-Timing"]  # answered from memory


def test_views_are_warmed_as_their_viewers(dash_api) -> None:  # type: ignore[no-untyped-def]
    c, _ = dash_api
    viewer, vh, _ = restricted_viewer(c, "zhao", "华南")
    assert viewer.get(f"{BASE}/cockpit").status_code == 200  # a view is recorded
    h = login(c)
    rt = c.app.state.runtime
    pairs = warmup.views_to_warm(rt)
    assert [(rec.name, user.username, user.attributes) for rec, user in pairs] == [("cockpit", "zhao", {"region": "华南"})]
    assert warmup.warm(rt, _answer(c))["answers"] == 1
    south = viewer.post(f"{BASE}/cockpit/data", json={}, headers=vh)
    assert 'desc="reused"' in south.headers["Server-Timing"]
    assert [r[0] for r in south.json()["components"]["by_region"]["result"]["rows"]] == ["华南"]
    admin = c.post(f"{BASE}/cockpit/data", json={}, headers=h)  # another rule signature: its own answer
    assert 'desc="computed"' in admin.headers["Server-Timing"]
    assert len(admin.json()["components"]["by_region"]["result"]["rows"]) > 1

    # a disabled viewer's views are not warmed (no view left: the fresh-install choice, as admin)
    assert c.patch("/api/v1/users/zhao", json={"is_active": False}, headers=h).status_code == 200
    assert {user.username for _, user in warmup.views_to_warm(rt)} == {"admin"}


def test_warm_up_runs_in_the_background_and_can_be_turned_off(dash_api, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    c, _ = dash_api
    rt = c.app.state.runtime
    thread = warm_up(c.app)
    assert thread is not None and thread.daemon
    thread.join(timeout=300)
    monkeypatch.setattr(rt.settings, "warm_up", False)
    assert warm_up(c.app) is None
