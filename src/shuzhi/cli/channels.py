"""`shuzhi channel add|list|test|delete`: delivery channels (DingTalk, WeCom, Feishu, e-mail, webhook).

Secrets (a robot's signing secret, the SMTP password) are read from standard input (--secret-stdin,
--password-stdin) or a prompt, never from the command line. The robot URL itself carries a credential
(access_token, key): it is stored sealed like the secrets and shown masked.
"""

from __future__ import annotations

import json
from typing import Any

import typer

from shuzhi.cli.common import lang, read_secret, runtime, t
from shuzhi.errors import ShuzhiError

channel_app = typer.Typer(
    help="Delivery channels: DingTalk, WeCom, Feishu, e-mail, webhook. 推送渠道。", no_args_is_help=True
)
ROBOTS = ("dingtalk", "wecom", "feishu", "webhook")


def _bad(code: str, zh: str, en: str) -> ShuzhiError:
    return ShuzhiError(code, zh, en)


def _port(text: str | None) -> int:
    if text is None or not text.strip().isdigit() or not 1 <= int(text) <= 65535:
        raise _bad(
            "smtp_port_invalid",
            f"--smtp-port 应是 1–65535 的整数（常用 465、587、25），不是 {text!r}。",
            f"--smtp-port must be a whole number 1–65535 (usually 465, 587 or 25), not {text!r}.",
        )
    return int(text)


@channel_app.command("add")
def add(
    name: str = typer.Argument(..., help="Channel name: Chinese characters, a-z 0-9 _ -, e.g. 老板群 or quality-group."),
    kind: str = typer.Option(..., "--kind", help="dingtalk, wecom, feishu, webhook or email."),
    url: str = typer.Option(None, "--url", help="Robots and webhook: the full webhook URL."),
    secret_stdin: bool = typer.Option(
        False,
        "--secret-stdin",
        help="Read the signing secret (DingTalk 加签, Feishu 签名校验, webhook HMAC) from standard input.",
    ),
    smtp_host: str = typer.Option(None, "--smtp-host", help="E-mail: the SMTP server."),
    smtp_port: str = typer.Option(None, "--smtp-port", help="E-mail: the SMTP port (465, 587, 25)."),
    tls: str = typer.Option("starttls", "--tls", help="E-mail: starttls, ssl or none."),
    smtp_user: str = typer.Option(None, "--smtp-user", help="E-mail: the login (with --password-stdin)."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="E-mail: read the SMTP password from standard input."
    ),
    sender: str = typer.Option(None, "--from", help="E-mail: the sender address."),
    to: str = typer.Option(None, "--to", help="E-mail: recipients, comma-separated."),
    label: str = typer.Option(None, "--label", help="Display name, e.g. 质量群."),
) -> None:
    """Add a channel. 新建推送渠道。"""
    from shuzhi.auth.secrets import SecretBox
    from shuzhi.delivery import channel_store
    from shuzhi.delivery.senders import sender as sender_of

    sender_of(kind)  # the kind first: a clear message for a typo
    email_opts = {
        "--smtp-host": smtp_host,
        "--smtp-port": smtp_port,
        "--smtp-user": smtp_user,
        "--from": sender,
        "--to": to,
        "--password-stdin": password_stdin or None,
    }
    cfg: dict[str, Any]
    if kind in ROBOTS:
        extra = [k for k, v in email_opts.items() if v]
        if extra:
            raise _bad(
                "channel_option_invalid",
                f"{kind} 渠道不用这些选项：{'、'.join(extra)}。",
                f"A {kind} channel does not take: {', '.join(extra)}.",
            )
        if not url:
            raise _bad(
                "channel_url_missing",
                "请用 --url 给出机器人（或 webhook）的完整地址。",
                "Give the robot's (or webhook's) full address with --url.",
            )
        if secret_stdin and kind == "wecom":
            raise _bad(
                "channel_option_invalid",
                "企业微信群机器人没有签名密钥（地址中的 key 就是凭据）。",
                "A WeCom group robot has no signing secret (the key in its URL is the credential).",
            )
        cfg = {"url": url}
        if secret_stdin:
            cfg["secret"] = read_secret("签名密钥", "Signing secret", confirm=False)
    else:
        if url or secret_stdin:
            raise _bad(
                "channel_option_invalid",
                "邮件渠道不用 --url / --secret-stdin，请用 --smtp-host 等选项。",
                "An e-mail channel takes --smtp-host and friends, not --url / --secret-stdin.",
            )
        if not smtp_host:
            raise _bad(
                "smtp_host_invalid",
                "请给出 SMTP 服务器（--smtp-host）。",
                "Give the SMTP server (--smtp-host).",
            )
        cfg = {
            "smtp_host": smtp_host,
            "smtp_port": _port(smtp_port),
            "tls": tls,
            "smtp_user": smtp_user,
            "from": sender,
            "to": to or "",
        }
        if password_stdin:
            if not smtp_user:
                raise _bad(
                    "smtp_user_missing",
                    "--password-stdin 需要 --smtp-user。",
                    "--password-stdin needs --smtp-user.",
                )
            cfg["password"] = read_secret("SMTP 密码", "SMTP password", confirm=False)
    rt = runtime()
    try:
        with rt.catalog.session() as db:
            ch = channel_store.create(
                db, SecretBox.from_settings(rt.settings), name, kind, cfg, label=label, actor="cli"
            )
            shown = channel_store.channel_dict(
                db, SecretBox.from_settings(rt.settings), ch, rt.settings.channel_failing_after
            )
    finally:
        rt.close()
    typer.echo(
        t(
            f"已添加推送渠道 {shown['name']}（{shown['kind_label']}）：{_target(shown)}",
            f"Added channel {shown['name']} ({shown['kind_label_en']}): {_target(shown)}",
        )
    )


def _target(d: dict[str, Any]) -> str:
    s = d.get("settings") or {}
    if d["kind"] == "email":
        return f"{s.get('smtp_host')}:{s.get('smtp_port')} → {', '.join(s.get('to') or [])}"
    return str(s.get("url", ""))


def _status(d: dict[str, Any]) -> str:
    return {
        "ok": t("正常", "ok"),
        "unused": t("未使用", "unused"),
        "failing": t(f"失败（连续 {d['failed_in_a_row']} 次）", f"FAILING ({d['failed_in_a_row']} in a row)"),
    }[d["status"]]


def _error(e: dict[str, Any] | None) -> str:
    if not e:
        return ""
    text = e["en"] if lang() == "en" else e["zh"]
    return f"{text} [{e['provider']}]" if e.get("provider") else text


@channel_app.command("list")
def list_(fmt: str = typer.Option("table", "--format", help="table or json.")) -> None:
    """List channels, whether each is failing, and its last send. 列出推送渠道。"""
    from shuzhi.auth.secrets import SecretBox
    from shuzhi.delivery import channel_store

    rt = runtime()
    try:
        box = SecretBox.from_settings(rt.settings)
        with rt.catalog.session() as db:
            rows = [
                channel_store.channel_dict(db, box, c, rt.settings.channel_failing_after)
                for c in channel_store.list_all(db)
            ]
    finally:
        rt.close()
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        typer.echo(
            t(
                "还没有推送渠道。用 shuzhi channel add 添加。",
                "No channels yet. Add one with shuzhi channel add.",
            )
        )
    for d in rows:
        last = d["last_send"]
        when = f"\t{last['created_at'][:19]} {last['status']} {_error(last['error'])}" if last else ""
        typer.echo(f"{d['name']}\t{d['kind']}\t{_status(d)}\t{_target(d)}{when}")


@channel_app.command("test")
def test(name: str = typer.Argument(..., help="The channel.")) -> None:
    """Send a test message now and say whether it was delivered. 发送测试消息。"""
    from shuzhi.delivery.channel_send import send_to_channel
    from shuzhi.delivery.messages import channel_test_message

    rt = runtime()
    try:
        out = send_to_channel(rt, name, channel_test_message(name, rt.settings.public_url), source="test")
    finally:
        rt.close()
    if out.delivered:
        typer.echo(
            t(
                f"delivered：测试消息已送达 {out.recipient}。",
                f"delivered: the test message reached {out.recipient}.",
            )
        )
        return
    typer.echo(
        t(
            f"failed：{_error(out.error)}（尝试 {out.attempts} 次）",
            f"failed: {_error(out.error)} ({out.attempts} attempt(s))",
        ),
        err=True,
    )
    raise typer.Exit(1)


@channel_app.command("delete")
def delete(name: str = typer.Argument(..., help="The channel.")) -> None:
    """Delete a channel and its send history. 删除推送渠道。"""
    from shuzhi.delivery import channel_store

    rt = runtime()
    try:
        with rt.catalog.session() as db:
            channel_store.delete(db, name, actor="cli")
    finally:
        rt.close()
    typer.echo(t(f"已删除推送渠道 {name}。", f"Deleted channel {name}."))
