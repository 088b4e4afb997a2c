"""Subscriptions without a browser: link cards to DingTalk and Feishu (signed) run by the scheduler, an
XLSX by e-mail for a viewer with a row rule (only their rows), refusals at creation, the CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from fakes.robots import FakeDingTalk, FakeFeishu
from fakes.smtp import FakeSMTP
from shuzhi.catalog.models import Schedule, utcnow
from shuzhi.delivery.schedules import get_schedule
from shuzhi_testing import login, restricted_viewer

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def _create(c, h, body: dict, status: int = 201) -> dict:  # type: ignore[no-untyped-def, type-arg]
    r = c.post("/api/v1/subscriptions", json=body, headers=h)
    assert r.status_code == status, r.text
    return r.json()


def test_link_card_to_dingtalk_and_feishu_sent_by_the_scheduler(api, add_channel) -> None:  # type: ignore[no-untyped-def]
    c, h = api
    rt = c.app.state.runtime
    with FakeDingTalk(secret="SECding+/=") as ding, FakeFeishu(secret="fs-secret") as feishu:
        add_channel("boss-ding", "dingtalk", {"url": ding.url, "secret": "SECding+/="})
        add_channel("boss-feishu", "feishu", {"url": feishu.url, "secret": "fs-secret"})
        sub = _create(
            c,
            h,
            {
                "dashboard": "cockpit",
                "format": "link",
                "channels": ["boss-ding", "boss-feishu"],
                "filters": {"region": ["华东"]},
                "schedule": {"cron": "每周一 8:00"},
            },
        )
        assert sub["schedule"]["cron"] == "0 8 * * 1" and sub["filters"] == {"region": ["华东"]}
        assert sub["owner"] == "admin" and sub["last_status"] is None
        # due now: one scheduler pass claims it and the job sends it
        with rt.catalog.session() as db:
            get_schedule(db, "subscription", str(sub["id"])).next_run_at = utcnow() - dt.timedelta(minutes=1)
        (job_id,) = rt.scheduler_tick()
        rt.jobs.wait(job_id, timeout=60)

        (d,) = ding.received
        text = d["markdown"]["text"] if d["msgtype"] == "markdown" else d["actionCard"]["text"]
        assert "经营驾驶舱" in text and "数据截至" in text and "华东" in text and "销售额" in text
        link = text[text.index("(http://bi.example.test/dashboards/cockpit") + 1 :].split(")")[0]
        assert json.loads(parse_qs(urlsplit(link).query)["f"][0]) == {"region": ["华东"]}
        (f,) = feishu.received
        assert f["msg_type"] in ("interactive", "post") and "经营驾驶舱" in json.dumps(f, ensure_ascii=False)
        assert not ding.rejected and not feishu.rejected  # the signatures were right

    one = c.get(f"/api/v1/subscriptions/{sub['id']}", headers=h).json()
    assert one["last_status"] == "delivered" and one["schedule"]["next_run_at"] > utcnow().isoformat()
    (run,) = one["runs"]
    assert run["trigger"] == "schedule" and [(x["target"], x["status"]) for x in run["deliveries"]] == [
        ("boss-ding", "delivered"),
        ("boss-feishu", "delivered"),
    ]
    with rt.catalog.session() as db:  # the schedule row is the subscription's
        assert db.query(Schedule).filter_by(kind="subscription").count() == 1
    r = c.delete("/api/v1/channels/boss-ding", headers=h)  # a channel in use is not deleted under it
    assert r.status_code == 409 and r.json()["error"]["code"] == "channel_in_use", r.text
    assert c.delete(f"/api/v1/subscriptions/{sub['id']}", headers=h).status_code == 204
    with rt.catalog.session() as db:
        assert db.query(Schedule).filter_by(kind="subscription").count() == 0


def test_viewer_xlsx_by_email_carries_only_their_rows_and_refusals(api, add_channel) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.service.subscriptions import create, run

    c, h = api
    rt = c.app.state.runtime
    viewer, vh, _ = restricted_viewer(c, "hua_dong", "华东")
    h = login(c)  # restricted_viewer logged the admin in again: a new CSRF token
    # a viewer may not create subscriptions through the API, nor see the admin's
    assert (
        viewer.post(
            "/api/v1/subscriptions", json={"dashboard": "cockpit", "channels": []}, headers=vh
        ).status_code
        == 403
    )
    with FakeSMTP() as smtp:
        add_channel(
            "finance-mail",
            "email",
            {
                "smtp_host": "127.0.0.1",
                "smtp_port": smtp.port,
                "tls": "none",
                "from": "bi@huajing.test",
                "to": ["finance@huajing.test"],
            },
        )
        # the viewer's own subscription (made for them, as the CLI's --owner does): it runs as the viewer
        sub = create(
            rt,
            "hua_dong",
            {
                "dashboard": "cockpit",
                "format": "xlsx",
                "component": "by_region",
                "channels": ["finance-mail"],
                "users": ["hua_dong"],
            },
        )
        out = run(rt, sub["id"])
        assert out["status"] == "delivered", out
        (msg,) = smtp.messages
        files = [p for p in msg.iter_attachments() if p.get_filename().endswith(".xlsx")]
        assert len(files) == 1 and "经营驾驶舱" in msg["Subject"]
        wb = load_workbook(io.BytesIO(files[0].get_content()))
        ws = wb.worksheets[0]
        assert len(wb.worksheets) == 1 and "经营驾驶舱" in ws["A1"].value
        rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] is not None]
        assert rows and {r[0] for r in rows} == {"华东"}, rows
        assert isinstance(rows[0][1], float | int)  # numbers stay numbers
    # the viewer's in-app copy, and they see the subscription they receive
    got = viewer.get("/api/v1/subscriptions/received", headers=vh).json()
    assert len(got) == 1 and got[0]["dashboard"] == "cockpit" and not got[0]["read"]
    assert viewer.get(f"/api/v1/subscriptions/{sub['id']}", headers=vh).status_code == 200

    # refused at creation, with the reason: a recipient who may not see the dashboard, an unknown channel
    private = c.post("/api/v1/dashboards/cockpit/duplicate", headers=h).json()
    assert (
        c.put(
            f"/api/v1/dashboards/{private['name']}",
            json={**private["definition"], "shared_roles": []},
            headers=h,
        ).status_code
        == 200
    )
    err = _create(c, h, {"dashboard": private["name"], "format": "link", "users": ["hua_dong"]}, 400)["error"]
    assert err["code"] == "recipient_cannot_view" and "hua_dong" in err["message"]
    err = _create(c, h, {"dashboard": "cockpit", "format": "png", "channels": ["nope"]}, 400)["error"]
    assert err["code"] == "channel_not_found"
    err = _create(c, h, {"dashboard": "cockpit", "format": "png", "channels": []}, 400)["error"]
    assert err["code"] == "subscription_no_recipient"
    err = _create(c, h, {"dashboard": "cockpit", "users": ["admin"], "schedule": {"cron": "sometimes"}}, 400)[
        "error"
    ]
    assert err["code"] == "schedule_phrase"
    err = _create(c, h, {"dashboard": "cockpit", "users": ["admin"], "filters": {"nowhere": "x"}}, 400)[
        "error"
    ]
    assert err["code"] in ("unknown_filter", "bad_filter")
    assert len(c.get("/api/v1/subscriptions", headers=h).json()) == 1  # nothing half-written


def test_cli_add_list_run_delete(api, add_channel, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.cli import app

    c, _ = api
    runner = CliRunner()
    monkeypatch.setenv("SHUZHI_LANG", "en")
    with FakeDingTalk() as ding:
        add_channel("ops", "dingtalk", {"url": ding.url})
        r = runner.invoke(
            app,
            [
                "subscription",
                "add",
                "--dashboard",
                "quality",
                "--channel",
                "ops",
                "--format",
                "link",
                "--cron",
                "0 8 * * 1",
                "--filter",
                "plant=常州工厂",
            ],
        )
        assert r.exit_code == 0, r.output
        sub_id = int(r.output.strip().splitlines()[-1])
        r = runner.invoke(app, ["subscription", "list"])
        assert r.exit_code == 0 and f"{sub_id}\tquality\tlink\t0 8 * * 1\tops" in r.output, r.output
        r = runner.invoke(app, ["subscription", "run", str(sub_id)])
        assert r.exit_code == 0 and "channel ops: delivered" in r.output, r.output
        assert "常州工厂" in ding.received[0]["markdown"]["text"]
        r = runner.invoke(
            app, ["subscription", "add", "--dashboard", "quality", "--channel", "ops", "--format", "gif"]
        )
        assert r.exit_code != 0
        # no --filter: the dashboard as it opens (the README's example)
        r = runner.invoke(app, ["subscription", "add", "--dashboard", "quality", "--channel", "ops", "--format", "png",
                                "--schedule", "每周一 8:00"])
        assert r.exit_code == 0 and "0 8 * * 1" in r.output, r.output
        r = runner.invoke(app, ["subscription", "add", "--dashboard", "quality", "--channel", "nosuch"])
        assert r.exit_code != 0 and "nosuch" in str(r.exception or r.output)
        r = runner.invoke(app, ["subscription", "delete", str(sub_id)])
        assert r.exit_code == 0 and f"Deleted subscription {sub_id}" in r.output
        r = runner.invoke(app, ["subscription", "run", str(sub_id)])
        assert r.exit_code != 0
