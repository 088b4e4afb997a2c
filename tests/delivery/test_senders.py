"""Each sender against its local fake provider (tests/fakes): formats, signatures as documented, the
provider's errors recorded with its text, retries with backoff, a failing channel flagged."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import zlib

import pytest

from fakes.robots import FakeDingTalk, FakeFeishu, FakeWebhook, FakeWeCom
from fakes.smtp import FakeSMTP
from shuzhi.auth.secrets import SecretBox
from shuzhi.catalog.channels import Channel, ChannelSend
from shuzhi.delivery import channel_store
from shuzhi.delivery.channel_send import send_to_channel
from shuzhi.delivery.messages import Attachment, KeyNumber, Message
from shuzhi.errors import ShuzhiError

pytestmark = pytest.mark.filterwarnings(
    "ignore:Requiring AUTH while not requiring TLS"
)  # the fake SMTP's login


def png(w: int = 4, h: int = 3, rgb: tuple[int, int, int] = (22, 100, 255)) -> bytes:
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


MSG = Message(
    title="常州工厂不良率告警",
    text="10 月常州工厂不良率 3.2%，高于预期上限。",
    key_numbers=(KeyNumber("不良率", "3.2 %"), KeyNumber("周期", "2026 年 10 月")),
    link="http://bi.example.test/alerts",
)


def add(catalog, settings, name: str, kind: str, cfg: dict) -> None:  # type: ignore[no-untyped-def]
    with catalog.session() as db:
        channel_store.create(db, SecretBox.from_settings(settings), name, kind, cfg, actor="test")


def sends(catalog, name: str) -> list[dict]:  # type: ignore[no-untyped-def]
    with catalog.session() as db:
        return [
            channel_store.send_dict(s) for s in channel_store.recent_sends(db, channel_store.get(db, name))
        ]


def test_dingtalk_signed_markdown_with_picture_by_url(catalog, fast) -> None:  # type: ignore[no-untyped-def]
    with FakeDingTalk(secret="SECabc123+/=") as ding:
        add(catalog, fast, "ding", "dingtalk", {"url": ding.url, "secret": "SECabc123+/="})
        out = send_to_channel(catalog, "ding", Message(**{**MSG.__dict__, "image": png()}), source="test")
        assert out.delivered and out.attempts == 1, out
        (body,) = ding.received
        md = body["markdown"]
        assert body["msgtype"] == "markdown" and md["title"] == MSG.title
        assert "3.2 %" in md["text"] and "(http://bi.example.test/alerts)" in md["text"]
        # the picture travels by a public URL served by Shuzhi (SHUZHI_PUBLIC_URL)
        assert "![常州工厂不良率告警](http://bi.example.test/api/v1/channel-images/" in md["text"]
        q = ding.requests[0]["query"]
        assert q["timestamp"][0].isdigit() and q["sign"][0]
    # a wrong secret: DingTalk's own refusal, recorded with its text; not retried (it cannot help)
    with FakeDingTalk(secret="SEC-right") as ding:
        add(catalog, fast, "ding2", "dingtalk", {"url": ding.url, "secret": "SEC-wrong"})
        out = send_to_channel(catalog, "ding2", MSG)
        assert out.status == "failed" and out.attempts == 1 and ding.received == []
        assert "310000" in out.error["provider"] and "sign not match" in out.error["provider"]
        assert sends(catalog, "ding2")[0]["status"] == "failed"


def test_wecom_markdown_picture_and_file(catalog, fast) -> None:  # type: ignore[no-untyped-def]
    picture = png(40, 30)
    report = Attachment("经营分析.xlsx", b"PK\x03\x04" + b"x" * 100, "application/vnd.ms-excel")
    with FakeWeCom() as wc:
        add(catalog, fast, "wecom", "wecom", {"url": wc.url})
        out = send_to_channel(
            catalog, "wecom", Message(**{**MSG.__dict__, "image": picture, "attachments": (report,)})
        )
        assert out.delivered, out
        md, img, f = wc.received
        assert md["msgtype"] == "markdown" and MSG.title in md["markdown"]["content"]
        assert img == {
            "msgtype": "image",
            "image": {"base64": base64.b64encode(picture).decode(), "md5": hashlib.md5(picture).hexdigest()},
        }
        assert f["msgtype"] == "file" and wc.media[f["file"]["media_id"]] == ("经营分析.xlsx", report.data)
    with FakeWeCom() as wc:
        add(catalog, fast, "wecom-bad", "wecom", {"url": wc.url.replace("key=", "key=x")})
        out = send_to_channel(catalog, "wecom-bad", MSG)
        assert (
            out.status == "failed"
            and "93000" in out.error["provider"]
            and "invalid webhook url" in out.error["provider"]
        )


def test_wecom_picture_over_2mb_is_refused_before_sending(catalog, fast) -> None:  # type: ignore[no-untyped-def]
    big = png() + b"\x00" * (2 * 1024 * 1024)
    with FakeWeCom() as wc:
        add(catalog, fast, "wecom", "wecom", {"url": wc.url})
        out = send_to_channel(catalog, "wecom", Message(title="大图", image=big))
        assert out.status == "failed" and out.error["part"] == "image" and "2 MB" in out.error["en"]
        assert [b["msgtype"] for b in wc.received] == ["markdown"]  # the text went; the picture did not


def test_feishu_signed_card(catalog, fast) -> None:  # type: ignore[no-untyped-def]
    with FakeFeishu(secret="feishu-secret") as fs:
        add(catalog, fast, "feishu", "feishu", {"url": fs.url, "secret": "feishu-secret"})
        assert send_to_channel(catalog, "feishu", MSG).delivered
        (body,) = fs.received
        assert body["msg_type"] == "interactive" and body["card"]["header"]["title"]["content"] == MSG.title
        fields = body["card"]["elements"][1]["fields"]
        assert fields[0]["text"]["content"] == "**不良率**\n3.2 %"
        assert body["card"]["elements"][-1]["actions"][0]["url"] == MSG.link
        assert isinstance(body["timestamp"], str) and body["sign"]
    with FakeFeishu(secret="feishu-secret") as fs:
        add(catalog, fast, "feishu2", "feishu", {"url": fs.url, "secret": "other"})
        out = send_to_channel(catalog, "feishu2", MSG)
        assert out.status == "failed" and "19021" in out.error["provider"] and fs.received == []


def test_webhook_signature_and_payload(catalog, fast) -> None:  # type: ignore[no-untyped-def]
    with FakeWebhook(secret="hook-secret") as hook:
        add(catalog, fast, "hook", "webhook", {"url": hook.url, "secret": "hook-secret"})
        assert send_to_channel(catalog, "hook", Message(**{**MSG.__dict__, "image": png()})).delivered
        (body,) = hook.received
        assert body["title"] == MSG.title and body["key_numbers"][0] == {"label": "不良率", "value": "3.2 %"}
        assert base64.b64decode(body["image"]["base64"]) == png() and body["image"]["url"].startswith(
            "http://bi."
        )
    with FakeWebhook(secret="hook-secret") as hook:
        add(catalog, fast, "hook2", "webhook", {"url": hook.url, "secret": "nope"})
        out = send_to_channel(catalog, "hook2", MSG)
        assert (
            out.status == "failed"
            and "HTTP 401" in out.error["en"]
            and "bad signature" in out.error["provider"]
        )


def test_email_plain_and_login_with_inline_picture_and_attachment(catalog, fast) -> None:  # type: ignore[no-untyped-def]
    picture = png()
    with FakeSMTP(user="bot@huajing.cn", password="smtp-pass") as smtp:
        add(
            catalog,
            fast,
            "mail",
            "email",
            {
                "smtp_host": "127.0.0.1",
                "smtp_port": smtp.port,
                "tls": "none",
                "smtp_user": "bot@huajing.cn",
                "password": "smtp-pass",
                "from": "bot@huajing.cn",
                "to": "boss@huajing.cn,qa@huajing.cn",
            },
        )
        msg = Message(
            **{
                **MSG.__dict__,
                "image": picture,
                "attachments": (Attachment("a.csv", b"x,y\n1,2\n", "text/csv"),),
            }
        )
        out = send_to_channel(catalog, "mail", msg)
        assert out.delivered and out.recipient == "boss@huajing.cn, qa@huajing.cn", out
        (m,) = smtp.messages
        assert smtp.envelopes[0]["rcpt_tos"] == ["boss@huajing.cn", "qa@huajing.cn"]
        assert str(m["Subject"]) == MSG.title
        html = m.get_body(("html",))
        assert "3.2 %" in html.get_content() and "cid:" in html.get_content()
        images = [p for p in m.walk() if p.get_content_type() == "image/png"]
        assert images[0].get_payload(decode=True) == picture and images[0]["Content-ID"]
        att = [p for p in m.iter_attachments() if p.get_filename() == "a.csv"]
        assert att[0].get_payload(decode=True) == b"x,y\n1,2\n"
    with FakeSMTP(user="bot@huajing.cn", password="smtp-pass") as smtp:
        add(
            catalog,
            fast,
            "mail2",
            "email",
            {
                "smtp_host": "127.0.0.1",
                "smtp_port": smtp.port,
                "tls": "none",
                "smtp_user": "bot@huajing.cn",
                "password": "wrong",
                "from": "bot@huajing.cn",
                "to": ["boss@huajing.cn"],
            },
        )
        out = send_to_channel(catalog, "mail2", MSG)
        assert out.status == "failed" and out.attempts == 1 and "535" in out.error["provider"]
    with FakeSMTP() as smtp:  # no login
        add(
            catalog,
            fast,
            "mail3",
            "email",
            {
                "smtp_host": "127.0.0.1",
                "smtp_port": smtp.port,
                "tls": "none",
                "from": "bot@huajing.cn",
                "to": ["boss@huajing.cn"],
            },
        )
        assert send_to_channel(catalog, "mail3", MSG).delivered and len(smtp.messages) == 1


def test_email_over_starttls_and_ssl_verifies_the_certificate(catalog, fast, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from fakes.smtp import self_signed

    cert = self_signed(tmp_path)
    base = {
        "smtp_host": "127.0.0.1",
        "smtp_user": "bot@huajing.cn",
        "password": "pw-tls",
        "from": "bot@huajing.cn",
        "to": ["boss@huajing.cn"],
    }
    with FakeSMTP("bot@huajing.cn", "pw-tls", tls="starttls", cert=cert) as smtp:
        add(catalog, fast, "tls", "email", {**base, "smtp_port": smtp.port, "tls": "starttls"})
        add(catalog, fast, "plain", "email", {**base, "smtp_port": smtp.port, "tls": "none"})
        out = send_to_channel(catalog, "tls", MSG)  # the certificate is not trusted: refused, nothing sent
        assert out.status == "failed" and "TLS handshake" in out.error["en"] and smtp.messages == []
        monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))  # now it is (the default context reads it)
        assert send_to_channel(catalog, "tls", MSG).delivered and len(smtp.messages) == 1
        out = send_to_channel(catalog, "plain", MSG)  # no login offered before STARTTLS: told to check --tls
        assert (
            out.status == "failed" and "check --tls" in out.error["en"] and "AUTH" in out.error["provider"]
        ), out
        assert len(smtp.messages) == 1
    with FakeSMTP("bot@huajing.cn", "pw-tls", tls="ssl", cert=cert) as smtp:
        add(catalog, fast, "ssl", "email", {**base, "smtp_port": smtp.port, "tls": "ssl"})
        assert send_to_channel(catalog, "ssl", MSG).delivered and len(smtp.messages) == 1


def test_retries_with_backoff_then_failed_and_flagged(catalog, fast) -> None:  # type: ignore[no-untyped-def]
    slept: list[float] = []
    box = SecretBox.from_settings(fast)

    def state() -> dict:
        with catalog.session() as db:
            return channel_store.channel_dict(
                db, box, channel_store.get(db, "wc"), fast.channel_failing_after
            )

    with FakeWeCom() as wc:
        add(catalog, fast, "wc", "wecom", {"url": wc.url})
        wc.fail_next(1, 503)
        out = send_to_channel(catalog, "wc", MSG, sleep=slept.append)
        assert out.delivered and out.attempts == 2 and len(wc.received) == 1
        wc.fail_next(9, 502)
        for i in range(3):
            assert state()["status"] == "ok"
            out = send_to_channel(catalog, "wc", MSG, sleep=slept.append)
            assert out.status == "failed" and out.attempts == 3 and "HTTP 502" in out.error["en"]
            assert state()["failed_in_a_row"] == i + 1
        assert slept == [0.0] * 7  # SHUZHI_CHANNEL_BACKOFF_S=0: 1 + 3×2 waits
        assert state()["status"] == "failing" and state()["last_send"]["status"] == "failed"
        assert send_to_channel(catalog, "wc", MSG).delivered  # one delivery clears the flag
        assert state()["status"] == "ok"
    out = send_to_channel(catalog, "wc", MSG)  # the robot is gone: a network error, retried, then failed
    assert out.status == "failed" and out.attempts == 3 and "Cannot reach 127.0.0.1" in out.error["en"]


def test_backoff_doubles() -> None:
    from shuzhi.delivery.channel_send import run_parts
    from shuzhi.delivery.senders.base import Part, SendFailed

    slept: list[float] = []

    def flaky() -> None:
        raise SendFailed("忙", "busy", "errcode=45009", retry=True)

    most, err = run_parts([Part("markdown", flaky)], max_attempts=4, backoff_s=1.5, sleep=slept.append)
    assert (
        most == 4
        and slept == [1.5, 3.0, 6.0]
        and err["part"] == "markdown"
        and err["provider"] == "errcode=45009"
    )


def test_secrets_are_encrypted_in_the_db_file_and_never_shown(catalog, fast) -> None:  # type: ignore[no-untyped-def]
    token, secret, password = "tok9c0ffee5ecret", "SECsign-me-0xdead", "Smtp-Pa55-word"
    add(
        catalog,
        fast,
        "ding",
        "dingtalk",
        {"url": f"https://oapi.dingtalk.com/robot/send?access_token={token}", "secret": secret},
    )
    add(
        catalog,
        fast,
        "mail",
        "email",
        {
            "smtp_host": "smtp.example.com",
            "smtp_port": 465,
            "tls": "ssl",
            "smtp_user": "bot@example.com",
            "password": password,
            "from": "bot@example.com",
            "to": "a@example.com",
        },
    )
    catalog.dispose()
    raw = fast.meta_path.read_bytes()
    for s in (token, secret, password):
        assert s.encode() not in raw
    box = SecretBox.from_settings(fast)
    with catalog.session() as db:
        shown = [channel_store.channel_dict(db, box, c, 3) for c in channel_store.list_all(db)]
        row = db.query(Channel).filter_by(name="ding").one()
        assert channel_store.open_config(box, row)["secret"] == secret
    text = json.dumps(shown, ensure_ascii=False)
    for s in (token, secret, password):
        assert s not in text
    assert shown[0]["settings"] == {"url": "https://oapi.dingtalk.com/robot/send?***", "signed": True}
    assert shown[1]["settings"]["password_set"] is True and shown[1]["status"] == "unused"


@pytest.mark.parametrize(
    "kind,cfg,code",
    [
        ("dingtalk", {"url": "ftp://x/robot/send?access_token=a"}, "channel_url_invalid"),
        ("dingtalk", {"url": "https://oapi.dingtalk.com/robot/send"}, "channel_url_invalid"),
        ("wecom", {"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"}, "channel_url_invalid"),
        ("feishu", {"url": "https://open.feishu.cn/x"}, "channel_url_invalid"),
        ("sms", {"url": "https://x"}, "channel_kind_invalid"),
        (
            "email",
            {"smtp_host": "smtp.x.com", "smtp_port": 70000, "from": "a@x.com", "to": "b@x.com"},
            "smtp_port_invalid",
        ),
        (
            "email",
            {"smtp_host": "smtp.x.com", "smtp_port": 25, "from": "not-an-address", "to": "b@x.com"},
            "email_address_invalid",
        ),
        (
            "email",
            {"smtp_host": "smtp.x.com", "smtp_port": 25, "tls": "tls13", "from": "a@x.com", "to": "b@x.com"},
            "smtp_tls_invalid",
        ),
        (
            "email",
            {
                "smtp_host": "smtp.x.com",
                "smtp_port": 25,
                "smtp_user": "u",
                "from": "a@x.com",
                "to": "b@x.com",
            },
            "smtp_password_missing",
        ),
    ],
)
def test_bad_configs_are_refused(kind, cfg, code) -> None:
    from shuzhi.delivery.senders import sender

    with pytest.raises(ShuzhiError) as e:
        sender(kind).check(cfg)
    assert e.value.code == code and e.value.zh and e.value.en and e.value.status == 400


def test_names_unique_and_reserved(catalog, fast) -> None:  # type: ignore[no-untyped-def]
    add(catalog, fast, "ops", "webhook", {"url": "http://127.0.0.1:9/x"})
    for name, code in (
        ("ops", "channel_exists"),
        ("inbox", "channel_name_reserved"),
        ("Bad Name", "channel_name_invalid"),
        ("老板 群", "channel_name_invalid"),
    ):
        with pytest.raises(ShuzhiError) as e:
            add(catalog, fast, name, "webhook", {"url": "http://127.0.0.1:9/x"})
        assert e.value.code == code
    add(catalog, fast, "老板群", "webhook", {"url": "http://127.0.0.1:9/x"})  # a Chinese name, as people call the chat
    with pytest.raises(ShuzhiError) as e:
        send_to_channel(catalog, "nope", MSG)
    assert e.value.code == "channel_not_found" and e.value.status == 404
    with pytest.raises(ShuzhiError):  # a bad config writes nothing
        add(catalog, fast, "x", "wecom", {"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"})
    with catalog.session() as db:
        assert [c.name for c in channel_store.list_all(db)] == ["ops", "老板群"] and db.query(ChannelSend).count() == 0
