"""WeCom group robot (企业微信群机器人): markdown, then the picture, then each file (a whole dashboard's
picture alone: Message.picture_only).

- markdown: {"msgtype": "markdown", "markdown": {"content"}} (at most 4096 bytes);
- picture: {"msgtype": "image", "image": {"base64", "md5"}}: the PNG itself (at most 2 MB), md5 of its bytes;
- files: uploaded to the robot's upload_media (same host, /cgi-bin/webhook/upload_media?key=…&type=file,
  multipart field "media"), then {"msgtype": "file", "file": {"media_id"}}.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from shuzhi.delivery.messages import Attachment, Message, to_markdown
from shuzhi.delivery.senders.base import Part, SendFailed, check_errcode, host_of, json_of, post
from shuzhi.delivery.senders.robots import check_robot_url, shown_url, wecom_upload_url

KIND = "wecom"
LABEL, LABEL_EN = "企业微信群机器人", "WeCom group robot"
SECRETS = ("url",)
RATE_LIMITED = frozenset({45009, 45033})  # api freq out of limit
MAX_MARKDOWN_BYTES = 4096
MAX_IMAGE_BYTES = 2 * 1024 * 1024


def check(cfg: dict[str, Any]) -> dict[str, Any]:
    return {"url": check_robot_url(KIND, cfg.get("url") or "")}


def shown(cfg: dict[str, Any]) -> dict[str, Any]:
    return {"url": shown_url(cfg["url"]), "signed": False}


def recipient(cfg: dict[str, Any]) -> str:
    return f"{LABEL} {host_of(cfg['url'])}"


def _fit(text: str, limit: int) -> str:
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    return raw[: limit - 3].decode("utf-8", errors="ignore") + "…"


def markdown_body(m: Message) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"content": _fit(to_markdown(m), MAX_MARKDOWN_BYTES)}}


def image_body(png: bytes) -> dict[str, Any]:
    return {
        "msgtype": "image",
        "image": {"base64": base64.b64encode(png).decode("ascii"), "md5": hashlib.md5(png).hexdigest()},
    }  # noqa: S324 - WeCom's checksum


def parts(cfg: dict[str, Any], m: Message, timeout: float) -> list[Part]:
    url = cfg["url"]
    host = host_of(url)

    def send(body: dict[str, Any]) -> None:
        r = post(url, json_body=body, timeout=timeout)
        check_errcode(json_of(r, host), host, rate_limited=RATE_LIMITED)

    def image() -> None:
        assert m.image is not None
        if len(m.image) > MAX_IMAGE_BYTES:
            raise SendFailed(
                f"图片 {len(m.image) / 1048576:.1f} MB，超过企业微信的 2 MB 上限。",
                f"The picture is {len(m.image) / 1048576:.1f} MB, over WeCom's 2 MB limit.",
            )
        send(image_body(m.image))

    def file(a: Attachment) -> None:
        up = wecom_upload_url(url)
        r = post(
            up,
            files={"media": (a.filename, a.data, "application/octet-stream")},
            timeout=timeout,
            label=f"{a.filename}: ",
        )
        data = json_of(r, host)
        check_errcode(data, host, rate_limited=RATE_LIMITED)
        media_id = data.get("media_id")
        if not media_id:
            raise SendFailed(
                f"{host} 上传文件后没有返回 media_id。", f"{host} returned no media_id for the upload."
            )
        send({"msgtype": "file", "file": {"media_id": media_id}})

    out = [] if m.picture_only and m.image is not None else [Part("markdown", lambda: send(markdown_body(m)))]
    if m.image is not None:
        out.append(Part("image", image))
    out += [Part(f"file {a.filename}", lambda a=a: file(a)) for a in m.attachments]
    return out
