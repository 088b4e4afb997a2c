"""An alert firing delivered to a stored channel (a fake DingTalk robot with 加签): the owner audience's
firing is posted once after it is recorded, every recipient's receipt says so; a subscriber with other
row rules gets their own firing in the inbox only; a failing robot leaves failed receipts, never pending."""

from __future__ import annotations

from sqlalchemy import select
from test_alerts import _check, _create, _monthly

from fakes.robots import FakeDingTalk
from shuzhi.catalog.alerts import FiringReceipt
from shuzhi_testing import login, restricted_viewer


def _receipts(client, channel: str) -> list[tuple[int, str, dict | None]]:  # type: ignore[no-untyped-def]
    with client.app.state.runtime.catalog.session() as db:
        return [
            (r.firing_id, r.status, r.detail)
            for r in db.scalars(
                select(FiringReceipt).where(FiringReceipt.channel == channel).order_by(FiringReceipt.id)
            )
        ]


def test_a_firing_reaches_the_group_robot(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    rt = client.app.state.runtime
    monkeypatch.setattr(rt.settings, "public_url", "https://bi.huajing.test")
    monkeypatch.setattr(rt.settings, "channel_backoff_s", 0.0)
    viewer, vh, _ = restricted_viewer(client, "hd_viewer", "华东")
    h = login(client)
    last = _monthly(client, h, "revenue")[-1]
    with FakeDingTalk(secret="SECalert") as ding:
        r = client.post(
            "/api/v1/channels",
            json={"name": "boss-group", "kind": "dingtalk", "url": ding.url, "secret": "SECalert"},
            headers=h,
        )
        assert r.status_code == 201, r.text
        rule = _create(
            client,
            h,
            {
                "name": "销售额偏低",
                "metric": "revenue",
                "channels": ["boss-group", "inbox"],
                "subscribers": ["hd_viewer"],
                "condition": {"type": "threshold", "op": "<", "value": last * 10, "severity": "high"},
            },
        )
        out = _check(client, h, rule["id"])
        assert out["status"] == "fired" and len(out["firings"]) == 1
        (body,) = (
            ding.received
        )  # the owner's firing only, once; the 华东 viewer's values stay out of the group
        md = body["markdown"]
        assert (
            md["title"].startswith("【高】销售额偏低") and out["firings"][0]["description_zh"] in md["text"]
        )
        # the link opens 为什么变化? for the fired point (delivery.alert_links)
        assert "(https://bi.huajing.test/why?metric=revenue&to=" in md["text"]
        firing_id = out["firings"][0]["id"]
        assert _receipts(client, "boss-group") == [(firing_id, "delivered", None)]
        sends = client.get("/api/v1/channels/boss-group/sends", headers=h).json()
        assert [(s["source"], s["status"]) for s in sends] == [(f"alert:{firing_id}", "delivered")]
        box = viewer.get("/api/v1/inbox", headers=vh).json()  # the viewer's own firing, in the inbox
        assert box["unread"] == 1 and box["items"][0]["firing"]["id"] != firing_id

        # the robot's secret was reset: the next firing is recorded failed with DingTalk's own text
        ding.secret = "SECrotated"
        rule2 = _create(
            client,
            h,
            {
                "name": "销售额偏低2",
                "metric": "revenue",
                "channels": ["boss-group"],
                "condition": {"type": "threshold", "op": "<", "value": last * 10},
            },
        )
        assert _check(client, h, rule2["id"])["status"] == "fired"
        (_, status, detail) = _receipts(client, "boss-group")[-1]
        assert status == "failed" and "310000" in detail["provider"] and "boss-group" in detail["en"]
