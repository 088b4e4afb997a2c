"""The message a channel sends, independent of the provider, and its plain renderings.

Every sender (delivery/senders/) maps a Message to its provider's format; what a provider cannot
carry (a file to DingTalk, a picture to Feishu) is named in the text instead of being dropped
silently (`Message.notes_for`).

Invariants
- `image` is PNG bytes (checked by its signature); `image_url` is a public address of that same
  image (delivery.channel_images) for providers that take pictures by URL only (DingTalk).
- Markdown and HTML renderings escape the values they are given; titles and numbers are text, never markup.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace

from shuzhi.errors import ShuzhiError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # WeCom's upload_media limit, and a sane one for e-mail


@dataclass(frozen=True)
class KeyNumber:
    label: str
    value: str  # formatted for people (e.g. "1,234 万", "3.2 %"); formatting is the caller's job


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    mime: str = "application/octet-stream"


@dataclass(frozen=True)
class Message:
    title: str
    text: str = ""  # markdown-light: plain lines; **bold** and [label](url) are passed to markdown providers
    key_numbers: tuple[KeyNumber, ...] = ()
    link: str | None = None
    link_label: str = "在数智中查看 / Open in Shuzhi"
    image: bytes | None = None
    image_url: str | None = None
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    # the picture says it all (a whole dashboard drawn with its title, filters and 数据截至): a channel that sends
    # pictures as messages of their own (WeCom) sends the picture alone
    picture_only: bool = False

    def __post_init__(self) -> None:
        if not self.title or not self.title.strip():
            raise ShuzhiError("message_title_missing", "消息需要标题。", "A message needs a title.")
        if self.image is not None and not self.image.startswith(PNG_SIGNATURE):
            raise ShuzhiError(
                "message_image_not_png", "消息图片必须是 PNG。", "The message image must be a PNG."
            )
        for a in self.attachments:
            if len(a.data) > MAX_ATTACHMENT_BYTES:
                raise ShuzhiError(
                    "attachment_too_large",
                    f"附件 {a.filename} 超过 20 MB。",
                    f"The attachment {a.filename} is larger than 20 MB.",
                )

    def with_image_url(self, url: str | None) -> Message:
        return replace(self, image_url=url)


def numbers_markdown(m: Message) -> list[str]:
    return [f"- {kn.label}：**{kn.value}**" for kn in m.key_numbers]


def to_markdown(
    m: Message, *, heading: str = "### ", image: bool = False, notes: list[str] | None = None
) -> str:
    """The message as markdown (DingTalk, WeCom): heading, text, key numbers, picture (by URL), link."""
    lines = [f"{heading}{m.title}"]
    if m.text:
        lines += ["", m.text]
    if m.key_numbers:
        lines += ["", *numbers_markdown(m)]
    if image and m.image_url:
        lines += ["", f"![{m.title}]({m.image_url})"]
    for n in notes or []:
        lines += ["", f"> {n}"]
    if m.link:
        lines += ["", f"[{m.link_label}]({m.link})"]
    return "\n".join(lines)


def to_plain(m: Message, notes: list[str] | None = None) -> str:
    lines = [m.title]
    if m.text:
        lines += ["", m.text]
    if m.key_numbers:
        lines += ["", *[f"{kn.label}：{kn.value}" for kn in m.key_numbers]]
    for n in notes or []:
        lines += ["", n]
    if m.link:
        lines += ["", f"{m.link_label}：{m.link}"]
    return "\n".join(lines)


def to_html(m: Message, *, image_cid: str | None = None) -> str:
    """An e-mail body: the values escaped; the picture by cid when given."""
    e = html.escape
    parts = [f'<h2 style="margin:0 0 12px;font-size:18px">{e(m.title)}</h2>']
    if m.text:
        parts.append(
            "".join(f'<p style="margin:4px 0">{e(line)}</p>' for line in m.text.splitlines() if line)
        )
    if m.key_numbers:
        rows = "".join(
            f'<tr><td style="padding:4px 16px 4px 0;color:#666">{e(kn.label)}</td>'
            f'<td style="padding:4px 0;font-weight:600">{e(kn.value)}</td></tr>'
            for kn in m.key_numbers
        )
        parts.append(f'<table style="border-collapse:collapse;margin:8px 0">{rows}</table>')
    if image_cid:
        parts.append(f'<p><img src="cid:{e(image_cid)}" alt="{e(m.title)}" style="max-width:100%"></p>')
    if m.link:
        parts.append(f'<p><a href="{e(m.link, quote=True)}">{e(m.link_label)}</a></p>')
    return (
        "<!doctype html><html><body style=\"font-family:-apple-system,'PingFang SC','Microsoft YaHei',"
        f'sans-serif;font-size:14px;color:#1f2329">{"".join(parts)}</body></html>'
    )


def channel_test_message(channel: str, link: str | None) -> Message:
    """What `shuzhi channel test` and the page's 测试 button send."""
    return Message(
        title="数智 Shuzhi 测试消息 / test message",
        text=f"渠道「{channel}」已连通：这条消息来自数智。\nChannel '{channel}' works: this message comes from Shuzhi.",
        key_numbers=(KeyNumber("渠道 / channel", channel),),
        link=link,
    )
