"""/api/v1/channels: admins add, test, delete and read sends; editors list names; viewers are refused.
Secrets never come back; pictures for robots are served publicly by token only."""

from __future__ import annotations

import re

from test_senders import png

from fakes.robots import FakeDingTalk, FakeWeCom
from shuzhi.delivery.channel_send import send_to_channel
from shuzhi.delivery.messages import Message
from shuzhi_testing import login


def _user(client, h, name: str, role: str):  # type: ignore[no-untyped-def]
    pw = f"{name.title()}-Pass-01"
    assert (
        client.post(
            "/api/v1/users", json={"username": name, "password": pw, "role": role}, headers=h
        ).status_code
        == 201
    )
    c = type(client)(client.app, raise_server_exceptions=False)
    return c, login(c, name, pw)


def test_channels_api_roles_secrets_test_and_sends(make_client, fast) -> None:  # type: ignore[no-untyped-def]
    client = make_client(SHUZHI_CHANNEL_BACKOFF_S="0", SHUZHI_PUBLIC_URL="http://bi.example.test")
    h = login(client)
    editor, eh = _user(client, h, "ed", "editor")
    viewer, vh = _user(client, h, "vi", "viewer")
    with FakeDingTalk(secret="SEC-api-secret") as ding, FakeWeCom() as wc:
        body = {
            "name": "quality",
            "kind": "dingtalk",
            "label": "质量群",
            "url": ding.url,
            "secret": "SEC-api-secret",
        }
        assert viewer.post("/api/v1/channels", json=body, headers=vh).json()["error"]["code"] == "forbidden"
        assert editor.post("/api/v1/channels", json=body, headers=eh).status_code == 403
        r = client.post("/api/v1/channels", json=body, headers=h)
        assert r.status_code == 201, r.text
        out = r.json()
        shown = {k: v for k, v in out["settings"].items() if v is not None}
        assert shown == {"url": f"{ding.base}/robot/send?***", "signed": True} and out["status"] == "unused"
        assert ding.token not in r.text and "SEC-api-secret" not in r.text
        assert (
            client.post("/api/v1/channels", json=body, headers=h).json()["error"]["code"] == "channel_exists"
        )
        r = client.post("/api/v1/channels", json={**body, "name": "x", "url": "ftp://nowhere"}, headers=h)
        assert r.status_code == 400 and r.json()["error"]["code"] == "channel_url_invalid"
        assert client.post("/api/v1/channels", json={**body, "kind": "sms"}, headers=h).status_code == 422
        r = client.post("/api/v1/channels", json={"name": "wc", "kind": "wecom", "url": wc.url}, headers=h)
        assert r.status_code == 201 and wc.key not in r.text

        # editors list names and status to pick in forms, without settings; viewers not at all
        listed = editor.get("/api/v1/channels", headers=eh).json()
        assert [(c["name"], c["kind"], c["settings"]) for c in listed] == [
            ("quality", "dingtalk", None),
            ("wc", "wecom", None),
        ]
        assert viewer.get("/api/v1/channels", headers=vh).status_code == 403
        names = [c["name"] for c in editor.get("/api/v1/alerts/channels", headers=eh).json()]
        assert names == ["inbox", "quality", "wc"]
        assert [c["name"] for c in viewer.get("/api/v1/alerts/channels", headers=vh).json()] == ["inbox"]

        # test: a real message to the fake robot; the outcome and the send record
        assert editor.post("/api/v1/channels/quality/test", headers=eh).status_code == 403
        r = client.post("/api/v1/channels/quality/test", headers=h)
        assert r.status_code == 200 and r.json()["status"] == "delivered", r.text
        assert "测试消息" in ding.received[0]["markdown"]["title"]
        wc.key = "rotated"  # the robot's key was reset: WeCom's own error comes back
        r = client.post("/api/v1/channels/wc/test", headers=h).json()
        assert r["status"] == "failed" and "93000" in r["error"]["provider"] and r["attempts"] == 1
        sends = client.get("/api/v1/channels/wc/sends", headers=h).json()
        assert (
            sends[0]["status"] == "failed"
            and sends[0]["source"] == "test"
            and "invalid webhook url" in sends[0]["error"]["provider"]
        )
        assert viewer.get("/api/v1/channels/wc/sends", headers=vh).status_code == 403
        assert client.get("/api/v1/channels/nope/sends", headers=h).status_code == 404

        # a picture for DingTalk is served at SHUZHI_PUBLIC_URL by an unguessable token, without a login
        rt = client.app.state.runtime
        picture = png(8, 8)
        assert send_to_channel(rt, "quality", Message(title="图", image=picture)).delivered
        m = re.search(r"/api/v1/channel-images/([\w-]+)\.png", ding.received[-1]["markdown"]["text"])
        anon = type(client)(client.app, raise_server_exceptions=False)
        r = anon.get(f"/api/v1/channel-images/{m.group(1)}.png")
        assert r.status_code == 200 and r.content == picture and r.headers["content-type"] == "image/png"
        assert anon.get("/api/v1/channel-images/guess.png").status_code == 404

    all_text = client.get("/api/v1/channels", headers=h).text
    assert "SEC-api-secret" not in all_text and ding.token not in all_text and wc.key not in all_text
    assert viewer.delete("/api/v1/channels/wc", headers=vh).status_code == 403
    assert client.delete("/api/v1/channels/wc", headers=h).status_code == 204
    assert client.delete("/api/v1/channels/wc", headers=h).json()["error"]["code"] == "channel_not_found"
    from shuzhi.catalog.models import AuditEvent

    with client.app.state.runtime.catalog.session() as db:
        events = [
            (e.action, e.actor, e.target, e.detail)
            for e in db.query(AuditEvent).filter(AuditEvent.action.like("channel.%")).order_by(AuditEvent.id)
        ]
    assert [e for e in events if e[0] != "channel.test"] == [
        ("channel.create", "admin", "quality", '{"kind": "dingtalk"}'),
        ("channel.create", "admin", "wc", '{"kind": "wecom"}'),
        ("channel.delete", "admin", "wc", '{"kind": "wecom"}'),
    ]  # never the config: it has secrets
    tests = [e for e in events if e[0] == "channel.test"]  # the route's trail: who tested which, refusals too
    assert ("channel.test", "ed", "quality", '{"name": "quality", "outcome": "denied"}') in tests
    assert all("url" not in (e[3] or "") and "secret" not in (e[3] or "") for e in tests)
