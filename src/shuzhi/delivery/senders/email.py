"""E-mail over SMTP: an HTML body (with a plain-text alternative), the picture inline (cid), attachments.

TLS: "starttls" (connect, then STARTTLS; the usual port 587), "ssl" (TLS from the start; 465) or "none"
(a trusted relay inside the network; 25). Certificates are verified. Login only when a user is set.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from shuzhi.delivery.messages import Message, to_html, to_plain
from shuzhi.delivery.senders.base import Part, SendFailed
from shuzhi.errors import ShuzhiError

KIND = "email"
LABEL, LABEL_EN = "电子邮件", "E-mail"
SECRETS = ("password",)
TLS_MODES = ("starttls", "ssl", "none")
ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)
HOST = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")


def _bad(code: str, zh: str, en: str) -> ShuzhiError:
    return ShuzhiError(code, zh, en)


def check_address(a: str, field: str) -> str:
    a = (a or "").strip()
    if not ADDRESS.match(a) or len(a) > 254:
        raise _bad(
            "email_address_invalid",
            f"{field} 不是有效的邮件地址：{a!r}。",
            f"{field} is not a valid e-mail address: {a!r}.",
        )
    return a


def check(cfg: dict[str, Any]) -> dict[str, Any]:
    host = str(cfg.get("smtp_host") or "").strip()
    if not HOST.match(host):
        raise _bad(
            "smtp_host_invalid",
            "请给出 SMTP 服务器地址（--smtp-host），例如 smtp.exmail.qq.com。",
            "Give the SMTP server (--smtp-host), e.g. smtp.exmail.qq.com.",
        )
    port = cfg.get("smtp_port")
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise _bad(
            "smtp_port_invalid",
            "SMTP 端口（--smtp-port）应是 1–65535 的整数，常用 465、587、25。",
            "The SMTP port (--smtp-port) must be a whole number 1–65535; usually 465, 587 or 25.",
        )
    tls = cfg.get("tls") or "starttls"
    if tls not in TLS_MODES:
        raise _bad(
            "smtp_tls_invalid",
            f"--tls 只能是 starttls、ssl 或 none，不是 {tls!r}。",
            f"--tls must be starttls, ssl or none, not {tls!r}.",
        )
    user = str(cfg.get("smtp_user") or "").strip() or None
    if user and not cfg.get("password"):
        raise _bad(
            "smtp_password_missing",
            "给了 --smtp-user 就需要密码（--password-stdin）。",
            "--smtp-user needs a password (--password-stdin).",
        )
    if cfg.get("password") and not user:
        raise _bad(
            "smtp_user_missing", "给了密码就需要登录用户（--smtp-user）。", "A password needs --smtp-user."
        )
    sender = check_address(str(cfg.get("from") or ""), "--from")
    to = cfg.get("to") or []
    if isinstance(to, str):
        to = [t for t in (x.strip() for x in to.split(",")) if t]
    if not to or len(to) > 50:
        raise _bad(
            "email_to_missing",
            "请给出 1–50 个收件人（--to a@x.com,b@x.com）。",
            "Give 1–50 recipients (--to a@x.com,b@x.com).",
        )
    out: dict[str, Any] = {
        "smtp_host": host,
        "smtp_port": port,
        "tls": tls,
        "smtp_user": user,
        "from": sender,
        "to": list(dict.fromkeys(check_address(str(t), "--to") for t in to)),
    }
    if cfg.get("password"):
        out["password"] = str(cfg["password"])
    return out


def shown(cfg: dict[str, Any]) -> dict[str, Any]:
    return {
        "smtp_host": cfg["smtp_host"],
        "smtp_port": cfg["smtp_port"],
        "tls": cfg["tls"],
        "smtp_user": cfg.get("smtp_user"),
        "from": cfg["from"],
        "to": list(cfg["to"]),
        "password_set": bool(cfg.get("password")),
    }


def recipient(cfg: dict[str, Any]) -> str:
    return ", ".join(cfg["to"])[:512]


def build(cfg: dict[str, Any], m: Message) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = m.title
    msg["From"] = cfg["from"]
    msg["To"] = ", ".join(cfg["to"])
    msg.set_content(to_plain(m))
    cid = make_msgid(domain="shuzhi") if m.image is not None else None
    msg.add_alternative(to_html(m, image_cid=cid[1:-1] if cid else None), subtype="html")
    if m.image is not None and cid:
        html_part = msg.get_payload()[1]
        html_part.add_related(m.image, maintype="image", subtype="png", cid=cid, filename="chart.png")
    for a in m.attachments:
        maintype, _, subtype = (a.mime or "application/octet-stream").partition("/")
        msg.add_attachment(
            a.data, maintype=maintype or "application", subtype=subtype or "octet-stream", filename=a.filename
        )
    return msg


def _send(cfg: dict[str, Any], m: Message, timeout: float) -> None:
    host, port, tls = cfg["smtp_host"], cfg["smtp_port"], cfg["tls"]
    where = f"{host}:{port}"
    try:
        if tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if tls == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if cfg.get("smtp_user"):
                smtp.login(cfg["smtp_user"], cfg.get("password") or "")
            smtp.send_message(build(cfg, m))
    except smtplib.SMTPAuthenticationError as exc:
        raise SendFailed(
            f"{where} 拒绝登录（用户名或密码不对）。",
            f"{where} refused the login (wrong user or password).",
            _reply(exc),
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused = ", ".join(exc.recipients)
        raise SendFailed(
            f"{where} 拒收这些收件人：{refused}。",
            f"{where} refused the recipients: {refused}.",
            "; ".join(f"{k}: {_reply_of(v)}" for k, v in exc.recipients.items()),
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise SendFailed(
            f"{where} 不支持所需的功能（STARTTLS 或登录）：请检查 --tls。",
            f"{where} does not support what is needed (STARTTLS or login): check --tls.",
            str(exc),
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise SendFailed(
            f"{where} 拒绝了邮件（{exc.smtp_code}）。",
            f"{where} refused the mail ({exc.smtp_code}).",
            _reply(exc),
            retry=400 <= exc.smtp_code < 500,
        ) from None
    except ssl.SSLError as exc:
        raise SendFailed(
            f"与 {where} 的 TLS 握手失败：请检查 --tls 与端口。",
            f"The TLS handshake with {where} failed: check --tls and the port.",
            str(exc)[:300],
        ) from None
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise SendFailed(
            f"无法通过 {where} 发送：{type(exc).__name__}。",
            f"Cannot send through {where}: {type(exc).__name__}.",
            str(exc)[:300] or None,
            retry=True,
        ) from None


def _reply_of(v: Any) -> str:
    if isinstance(v, tuple) and len(v) == 2:
        code, text = v
        return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
    return str(v)


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return _reply_of((exc.smtp_code, exc.smtp_error))[:300]


def parts(cfg: dict[str, Any], m: Message, timeout: float) -> list[Part]:
    return [Part("mail", lambda: _send(cfg, m, timeout))]
