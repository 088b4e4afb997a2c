"""Feishu custom bot (飞书自定义机器人): an interactive card with the text, the key numbers and a button.

{"msg_type": "interactive", "card": {...}}, plus "timestamp" and "sign" when the bot has 签名校验. A
custom bot cannot upload pictures or files (that needs an app's credentials), so the card links the
picture when it has a public URL and names what it cannot carry.
"""

from __future__ import annotations

import time
from typing import Any

from shuzhi.delivery.messages import Message
from shuzhi.delivery.senders.base import Part, check_errcode, host_of, json_of, post
from shuzhi.delivery.senders.robots import (
    check_robot_url,
    feishu_sign,
    shown_signed,
    url_and_secret,
)

KIND = "feishu"
LABEL, LABEL_EN = "飞书群机器人", "Feishu bot"
SECRETS = ("url", "secret")
RATE_LIMITED = frozenset({9499, 11232, 11233})


def check(cfg: dict[str, Any]) -> dict[str, Any]:
    return url_and_secret(check_robot_url(KIND, cfg.get("url") or ""), cfg)


shown = shown_signed


def recipient(cfg: dict[str, Any]) -> str:
    return f"{LABEL} {host_of(cfg['url'])}"


def card(m: Message) -> dict[str, Any]:
    elements: list[dict[str, Any]] = []
    if m.text:
        elements.append({"tag": "div", "text": {"tag": "lark_md", "content": m.text}})
    if m.key_numbers:
        elements.append(
            {
                "tag": "div",
                "fields": [
                    {"is_short": True, "text": {"tag": "lark_md", "content": f"**{kn.label}**\n{kn.value}"}}
                    for kn in m.key_numbers
                ],
            }
        )
    if m.image_url:
        elements.append(
            {"tag": "div", "text": {"tag": "lark_md", "content": f"[查看图片 / picture]({m.image_url})"}}
        )
    elif m.image is not None:
        elements.append(
            {
                "tag": "note",
                "elements": [
                    {
                        "tag": "plain_text",
                        "content": "图片需设置 SHUZHI_PUBLIC_URL 后才能附上链接。/ Set SHUZHI_PUBLIC_URL to link the picture.",
                    }
                ],
            }
        )
    if m.attachments:
        names = "、".join(a.filename for a in m.attachments)
        elements.append(
            {
                "tag": "note",
                "elements": [
                    {
                        "tag": "plain_text",
                        "content": f"附件 {names} 请在数智中查看（飞书机器人不能发文件）。/ Open the attachments in Shuzhi.",
                    }
                ],
            }
        )
    if m.link:
        elements.append(
            {
                "tag": "action",
                "actions": [
                    {
                        "tag": "button",
                        "type": "primary",
                        "url": m.link,
                        "text": {"tag": "plain_text", "content": m.link_label},
                    }
                ],
            }
        )
    return {
        "config": {"wide_screen_mode": True},
        "header": {"template": "blue", "title": {"tag": "plain_text", "content": m.title}},
        "elements": elements,
    }


def body(cfg: dict[str, Any], m: Message, now_s: int) -> dict[str, Any]:
    out: dict[str, Any] = {"msg_type": "interactive", "card": card(m)}
    if cfg.get("secret"):
        out = {"timestamp": str(now_s), "sign": feishu_sign(cfg["secret"], now_s), **out}
    return out


def parts(cfg: dict[str, Any], m: Message, timeout: float) -> list[Part]:
    def run() -> None:
        url = cfg["url"]
        r = post(url, json_body=body(cfg, m, int(time.time())), timeout=timeout)
        check_errcode(
            json_of(r, host_of(url)), host_of(url), code_key="code", msg_key="msg", rate_limited=RATE_LIMITED
        )

    return [Part("card", run)]
