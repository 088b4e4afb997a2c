"""Alert firings on a stored channel (a fake DingTalk robot): the description, 责任人 and a link that opens
「为什么变化?」 for the point; 责任人 routing delivers a member's firing to the mapped user's inbox only."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from fakes.robots import FakeDingTalk
from shuzhi.auth.secrets import SecretBox
from shuzhi.delivery import channel_store
from shuzhi_testing import client_over, login

RULE = {
    "name": "不良率异常",
    "metric": "defect_rate",
    "grain": "month",
    "by": "production_orders.plant",
    "condition": {"type": "anomaly", "lookback": 12},
}


@pytest.fixture
def client(make_client, settings, demo_file, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SHUZHI_PUBLIC_URL", "http://bi.example.test")
    monkeypatch.setenv("SHUZHI_CHANNEL_BACKOFF_S", "0")
    return client_over(make_client, settings, demo_file)


def _user(client, h, name: str) -> None:  # type: ignore[no-untyped-def]
    r = client.post(
        "/api/v1/users",
        json={"username": name, "password": f"{name.title()}-Pass-01", "role": "viewer"},
        headers=h,
    )
    assert r.status_code == 201, r.text


def test_firing_reaches_the_robot_and_the_person_responsible(client, truth) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    rt = client.app.state.runtime
    for name in ("zhang_qm", "li_sz"):
        _user(client, h, name)
    with FakeDingTalk() as ding:
        with rt.catalog.session() as db:
            channel_store.create(
                db, SecretBox.from_settings(rt.settings), "quality-group", "dingtalk", {"url": ding.url}
            )
        # the person responsible must be a real, active user
        bad = client.post(
            "/api/v1/alerts",
            json={**RULE, "channels": ["quality-group"], "owner_map": {"常州工厂": "nobody"}},
            headers=h,
        )
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "unknown_user"
        r = client.post(
            "/api/v1/alerts",
            json={
                **RULE,
                "channels": ["quality-group", "inbox"],
                "owner_map": {"常州工厂": "zhang_qm", "苏州工厂": "li_sz"},
            },
            headers=h,
        )
        assert r.status_code == 201, r.text
        rule = r.json()
        assert rule["owner_map"] == {"常州工厂": "zhang_qm", "苏州工厂": "li_sz"}
        out = client.post(f"/api/v1/alerts/{rule['id']}/check", headers=h).json()
        assert [f["series"] for f in out["firings"]] == ["常州工厂"], out

        (body,) = ding.received
        text = body["markdown"]["text"]
        firing = out["firings"][0]
        assert body["msgtype"] == "markdown" and "不良率异常" in body["markdown"]["title"]
        assert firing["description_zh"] in text and "zhang_qm" in text and "li_sz" not in text
        link = text[text.index("(http://bi.example.test/why?") + 1 :].split(")")[0]
        q = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
        month = truth["quality_incident"]["month"]
        assert q["metric"] == "defect_rate" and q["to"] == f"{month:%Y-%m}" and q["member"] == "常州工厂"
        assert {"field": "production_orders.plant", "op": "=", "value": "常州工厂"} in json.loads(q["where"])

    # 责任人 routing: the Changzhou firing is in zhang_qm's inbox, not in li_sz's (苏州工厂 did not fire)
    for name, expected in (("zhang_qm", ["常州工厂"]), ("li_sz", [])):
        c = type(client)(client.app, raise_server_exceptions=False)
        hh = login(c, name, f"{name.title()}-Pass-01")
        box = c.get("/api/v1/inbox", headers=hh).json()
        assert [i["firing"]["series"] for i in box["items"]] == expected, (name, box)
        assert (
            c.get(f"/api/v1/alerts/{rule['id']}", headers=hh).status_code == 200
        )  # a mapped user sees the rule


def test_cli_owner_map(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from shuzhi.cli import app

    h = login(client)
    _user(client, h, "zhang_qm")
    monkeypatch.setenv("SHUZHI_LANG", "en")
    runner = CliRunner()
    base = ["alert", "add", "--name", "plant", "--metric", "defect_rate", "--type", "anomaly"]
    r = runner.invoke(app, [*base, "--by", "production_orders.plant", "--owner-map", "常州工厂=zhang_qm"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["alert", "list", "--format", "json"])
    assert json.loads(r.output)[0]["owner_map"] == {"常州工厂": "zhang_qm"}
    r = runner.invoke(app, [*base, "--owner-map", "常州工厂=zhang_qm"])  # no split: refused with the reason
    assert r.exit_code != 0 and getattr(r.exception, "code", None) == "owner_map_needs_split"
    r = runner.invoke(app, [*base, "--by", "production_orders.plant", "--owner-map", "常州工厂"])
    assert r.exit_code != 0
