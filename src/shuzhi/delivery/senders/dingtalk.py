"""DingTalk custom robot (钉钉自定义机器人): a markdown message; the picture by URL; optional 加签.

A message becomes one markdown request {"msgtype": "markdown", "markdown": {"title", "text"}}: the
title, text, key numbers, the picture when it has a public URL (Message.image_url) and the link. A
custom robot cannot carry files or uploaded pictures, so what it cannot show is named in the text.
"""

from __future__ import annotations

import time
from typing import Any

from shuzhi.delivery.messages import Message, to_markdown
from shuzhi.delivery.senders.base import Part, check_errcode, host_of, json_of, post
from shuzhi.delivery.senders.robots import (
    check_robot_url,
    dingtalk_signed_url,
    shown_signed,
    url_and_secret,
)

KIND = "dingtalk"
LABEL, LABEL_EN = "钉钉群机器人", "DingTalk robot"
SECRETS = ("url", "secret")
RATE_LIMITED = frozenset({130101, 130102})  # 发送太快 / send too fast


def check(cfg: dict[str, Any]) -> dict[str, Any]:
    return url_and_secret(check_robot_url(KIND, cfg.get("url") or ""), cfg)


shown = shown_signed


def recipient(cfg: dict[str, Any]) -> str:
    return f"{LABEL} {host_of(cfg['url'])}"


def notes(m: Message) -> list[str]:
    out = []
    if m.image is not None and not m.image_url:
        out.append(
            "图片未附上：钉钉只能按网址显示图片，请设置 SHUZHI_PUBLIC_URL。"
            "/ The picture is left out: DingTalk shows pictures by URL only; set SHUZHI_PUBLIC_URL."
        )
    if m.attachments:
        names = "、".join(a.filename for a in m.attachments)
        out.append(
            f"附件 {names} 未随消息发送（钉钉机器人不能发文件），请在数智中查看。"
            "/ Attachments are not sent (DingTalk robots cannot send files); open them in Shuzhi."
        )
    return out


def body(m: Message) -> dict[str, Any]:
    return {
        "msgtype": "markdown",
        "markdown": {"title": m.title[:64], "text": to_markdown(m, image=True, notes=notes(m))[:5000]},
    }


def parts(cfg: dict[str, Any], m: Message, timeout: float) -> list[Part]:
    def run() -> None:
        url = cfg["url"]
        if cfg.get("secret"):  # signed at each try: DingTalk refuses a timestamp older than an hour
            url = dingtalk_signed_url(url, cfg["secret"], int(time.time() * 1000))
        r = post(url, json_body=body(m), timeout=timeout)
        check_errcode(json_of(r, host_of(url)), host_of(url), rate_limited=RATE_LIMITED)

    return [Part("markdown", run)]
