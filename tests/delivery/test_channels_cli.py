"""`shuzhi channel add|list|test|delete` in-process (the real entry point, shuzhi.cli.main), against fakes."""

from __future__ import annotations

import io
import json
import sys
from types import SimpleNamespace

import pytest

from fakes.robots import FakeDingTalk, FakeFeishu
from fakes.smtp import FakeSMTP
from shuzhi.cli import main
from shuzhi.settings import get_settings

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture
def cli(fast, capsys, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SHUZHI_LANG", "en")
    monkeypatch.setenv("SHUZHI_ADMIN_PASSWORD", "Cli-Admin-Pass-01")

    def run(*args: str, stdin: str = "") -> SimpleNamespace:
        get_settings.cache_clear()
        monkeypatch.setattr(sys, "argv", ["shuzhi", *args])
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = 0
        try:
            main()
        except SystemExit as e:
            code = int(e.code or 0)
        out, err = capsys.readouterr()
        return SimpleNamespace(code=code, out=out, err=err)

    return run


def test_channel_commands_against_fake_robots_and_smtp(cli) -> None:  # type: ignore[no-untyped-def]
    with (
        FakeDingTalk(secret="SECcli") as ding,
        FakeFeishu() as fs,
        FakeSMTP(user="bot@x.cn", password="pw-1") as smtp,
    ):
        r = cli(
            "channel",
            "add",
            "ding",
            "--kind",
            "dingtalk",
            "--url",
            ding.url,
            "--secret-stdin",
            "--label",
            "质量群",
            stdin="SECcli\n",
        )
        assert r.code == 0 and "Added channel ding (DingTalk robot)" in r.out and ding.token not in r.out, r
        assert cli("channel", "add", "fs", "--kind", "feishu", "--url", fs.url).code == 0
        r = cli(
            "channel",
            "add",
            "mail",
            "--kind",
            "email",
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            str(smtp.port),
            "--tls",
            "none",
            "--smtp-user",
            "bot@x.cn",
            "--password-stdin",
            "--from",
            "bot@x.cn",
            "--to",
            "boss@x.cn,qa@x.cn",
            stdin="pw-1\n",
        )
        assert r.code == 0 and "boss@x.cn, qa@x.cn" in r.out, r

        for name in ("ding", "fs", "mail"):
            r = cli("channel", "test", name)
            assert r.code == 0 and r.out.startswith("delivered"), r
        assert len(ding.received) == len(fs.received) == len(smtp.messages) == 1

        r = cli("channel", "list", "--format", "json")
        rows = json.loads(r.out)
        assert [(c["name"], c["status"]) for c in rows] == [("ding", "ok"), ("fs", "ok"), ("mail", "ok")]
        for secret in ("SECcli", ding.token, fs.hook, "pw-1"):
            assert secret not in r.out
        table = cli("channel", "list").out
        assert "ding\tdingtalk\tok" in table and "***" in table and ding.token not in table

        fs.hook = "rotated"  # the bot was removed from the group: Feishu's error, exit 1
        r = cli("channel", "test", "fs")
        assert (
            r.code == 1 and r.err.startswith("failed:") and "19001" in r.err and "Traceback" not in r.err
        ), r

    # alert rules may name stored channels (the demo model, for a metric to watch); one in use cannot be deleted
    from shuzhi.catalog import Catalog
    from shuzhi.demo.semantic import install_demo_model

    cat = Catalog(get_settings().effective_metadata_url)
    with cat.session() as s:
        install_demo_model(s)
    cat.dispose()
    r = cli(
        "alert",
        "add",
        "--name",
        "x",
        "--metric",
        "revenue",
        "--type",
        "threshold",
        "--op",
        ">",
        "--value",
        "1",
        "--channel",
        "nope",
    )
    assert r.code == 1 and "Unknown channel: nope; choose from inbox, ding, fs, mail" in r.err, r
    r = cli(
        "alert",
        "add",
        "--name",
        "x",
        "--metric",
        "revenue",
        "--type",
        "threshold",
        "--op",
        ">",
        "--value",
        "1",
        "--channel",
        "ding",
        "--channel",
        "inbox",
    )
    assert r.code == 0 and "Created alert rule 1" in r.out, r
    r = cli("channel", "delete", "ding")
    assert r.code == 1 and "Alert rule(s) 1（x） still use the channel 'ding'" in r.err, r

    assert cli("channel", "delete", "fs").code == 0
    r = cli("channel", "delete", "fs")
    assert r.code == 1 and "No channel named 'fs'" in r.err


BAD_ADDS = [
    (("--kind", "sms", "--url", "https://x"), "", "The channel kind must be one of"),
    (
        ("--kind", "dingtalk", "--url", "ftp://x?access_token=1"),
        "",
        "must be a full http:// or https:// address",
    ),
    (("--kind", "dingtalk"), "", "Give the robot's (or webhook's) full address with --url"),
    (
        ("--kind", "wecom", "--url", "https://q/cgi-bin/webhook/send?key=1", "--secret-stdin"),
        "s\n",
        "no signing secret",
    ),
    (
        ("--kind", "dingtalk", "--url", "https://o/robot/send?access_token=1", "--secret-stdin"),
        "",
        "No password was read",
    ),
    (("--kind", "webhook", "--url", "https://h/x", "--to", "a@b.cn"), "", "does not take: --to"),
    (
        (
            "--kind",
            "email",
            "--smtp-host",
            "smtp.x.cn",
            "--smtp-port",
            "abc",
            "--from",
            "a@x.cn",
            "--to",
            "b@x.cn",
        ),
        "",
        "--smtp-port must be a whole number 1–65535",
    ),
    (
        (
            "--kind",
            "email",
            "--smtp-host",
            "smtp.x.cn",
            "--smtp-port",
            "25",
            "--from",
            "a@x.cn",
            "--to",
            "b@x,c",
        ),
        "",
        "--to is not a valid e-mail address",
    ),
    (
        (
            "--kind",
            "email",
            "--smtp-host",
            "smtp.x.cn",
            "--smtp-port",
            "465",
            "--tls",
            "tls",
            "--from",
            "a@x.cn",
            "--to",
            "b@x.cn",
        ),
        "",
        "--tls must be starttls, ssl or none",
    ),
    (
        (
            "--kind",
            "email",
            "--smtp-host",
            "smtp.x.cn",
            "--smtp-port",
            "25",
            "--from",
            "a@x.cn",
            "--to",
            "b@x.cn",
            "--password-stdin",
        ),
        "pw\n",
        "--password-stdin needs --smtp-user",
    ),
    (
        ("--kind", "email", "--url", "https://x", "--smtp-host", "h"),
        "",
        "An e-mail channel takes --smtp-host",
    ),
    (
        ("--kind", "webhook", "--url", "https://h/x", "--label", "x" * 129),
        "",
        "A label has at most 128 characters",
    ),
]


def test_bad_channel_add_exits_1_with_a_clear_line(cli) -> None:  # type: ignore[no-untyped-def]
    for args, stdin, message in BAD_ADDS:
        r = cli("channel", "add", "c1", *args, stdin=stdin)
        assert r.code == 1 and message in r.err and "Traceback" not in r.err, (args, r)
    r = cli("channel", "add", "Bad Name", "--kind", "webhook", "--url", "https://h/x")
    assert r.code == 1 and "The channel name 'Bad Name' is invalid" in r.err
    assert json.loads(cli("channel", "list", "--format", "json").out) == []  # nothing half-written
    r = cli("channel", "test", "nope")
    assert r.code == 1 and "No channel named 'nope'" in r.err
