"""Delivery channels (/api/v1/channels): DingTalk, WeCom, Feishu, e-mail, webhook.

Administrators (channels:manage) add, test and delete channels and read their sends; editors
(content:edit) list them (names, kinds, status) to pick in alert and subscription forms. Secrets (the
robot URL's token, signing secrets, SMTP passwords) are write-only: accepted in the body, sealed
before storage, never returned. GET /api/v1/channel-images/{token}.png is public: the pictures robots
fetch by URL (delivery.channel_images), by an unguessable token, until they expire.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from shuzhi.api.deps import DbDep, RuntimeDep, require
from shuzhi.api.params import ListLimit
from shuzhi.api.routers.auth import ERRORS
from shuzhi.auth.credentials import Principal
from shuzhi.auth.roles import has_permission
from shuzhi.auth.secrets import SecretBox
from shuzhi.delivery import channel_images, channel_store
from shuzhi.delivery.channel_send import send_to_channel
from shuzhi.delivery.messages import channel_test_message
from shuzhi.errors import ShuzhiError

router = APIRouter(tags=["channels"])
Admin = Annotated[Principal, Depends(require("channels:manage"))]
Editor = Annotated[Principal, Depends(require("content:edit"))]
Kind = Literal["dingtalk", "wecom", "feishu", "email", "webhook"]


class ChannelIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1, max_length=32, description="a-z 0-9 _ -, starting with a letter.")
    kind: Kind
    label: str | None = Field(default=None, max_length=128)
    url: str | None = Field(
        default=None,
        max_length=2048,
        description="Robots and webhook: the full webhook URL "
        "(write-only: it carries the access_token / key).",
    )
    secret: str | None = Field(
        default=None,
        max_length=512,
        description="Signing secret (DingTalk 加签, Feishu 签名校验, webhook HMAC); write-only.",
    )
    smtp_host: str | None = Field(default=None, max_length=253)
    smtp_port: int | None = None
    tls: Literal["starttls", "ssl", "none"] = "starttls"
    smtp_user: str | None = Field(default=None, max_length=254)
    password: str | None = Field(default=None, max_length=1024, description="SMTP password; write-only.")
    from_: str | None = Field(default=None, alias="from", max_length=254)
    to: list[Annotated[str, Field(max_length=254)]] = Field(default=[], max_length=50)

    def config(self) -> dict[str, Any]:
        if self.kind == "email":
            return {
                "smtp_host": self.smtp_host,
                "smtp_port": self.smtp_port,
                "tls": self.tls,
                "smtp_user": self.smtp_user,
                "password": self.password,
                "from": self.from_,
                "to": self.to,
            }
        return {"url": self.url, "secret": self.secret}


class ChannelSendError(BaseModel):
    zh: str
    en: str
    provider: str | None = Field(
        default=None, description="The provider's own text (errmsg, HTTP body, SMTP reply)."
    )
    part: str | None = Field(default=None, description="Which request failed: markdown, image, file …, mail.")


class ChannelSendOut(BaseModel):
    id: int
    recipient: str
    subject: str
    source: str = Field(description="test, alert:<firing id>, subscription:<id> …")
    status: Literal["sending", "delivered", "failed"]
    attempts: int
    error: ChannelSendError | None = None
    created_at: str
    finished_at: str | None = None


class DeliveryChannelSettings(BaseModel):
    """What may be shown of a config: never a secret."""

    url: str | None = Field(default=None, description="Scheme, host and path; the credential masked.")
    signed: bool | None = None
    smtp_host: str | None = None
    smtp_port: int | None = None
    tls: str | None = None
    smtp_user: str | None = None
    from_: str | None = Field(default=None, alias="from")
    to: list[str] | None = None
    password_set: bool | None = None

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class DeliveryChannelOut(BaseModel):
    name: str
    kind: Kind
    kind_label: str
    kind_label_en: str
    label: str | None = None
    status: Literal["ok", "failing", "unused"] = Field(description="failing: the last sends all failed.")
    failed_in_a_row: int
    settings: DeliveryChannelSettings | None = Field(default=None, description="Administrators only.")
    secret_readable: bool | None = Field(
        default=None,
        description="Administrators only; false when the "
        "encryption key changed and the channel must be added again.",
    )
    last_send: ChannelSendOut | None = Field(default=None, description="Administrators only.")
    created_at: str
    created_by: str | None = None


class ChannelTestOut(BaseModel):
    status: Literal["delivered", "failed"]
    attempts: int
    recipient: str
    error: ChannelSendError | None = None
    send_id: int | None = None


def _out(d: dict[str, Any], admin: bool) -> DeliveryChannelOut:
    if not admin:
        d = {**d, "settings": None, "secret_readable": None, "last_send": None}
    return DeliveryChannelOut.model_validate(d)


@router.get(
    "/channels", response_model=list[DeliveryChannelOut], responses=ERRORS, summary="Channels / 推送渠道"
)
def list_channels(p: Editor, rt: RuntimeDep, db: DbDep) -> list[DeliveryChannelOut]:
    box = SecretBox.from_settings(rt.settings)
    admin = has_permission(p.role, "channels:manage")
    return [
        _out(channel_store.channel_dict(db, box, c, rt.settings.channel_failing_after), admin)
        for c in channel_store.list_all(db)
    ]


@router.post(
    "/channels",
    response_model=DeliveryChannelOut,
    status_code=201,
    responses=ERRORS,
    summary="Add a channel / 新建推送渠道",
)
def create_channel(body: ChannelIn, p: Admin, rt: RuntimeDep, db: DbDep) -> DeliveryChannelOut:
    box = SecretBox.from_settings(rt.settings)
    ch = channel_store.create(
        db, box, body.name, body.kind, body.config(), label=body.label, actor=p.username
    )
    return _out(channel_store.channel_dict(db, box, ch, rt.settings.channel_failing_after), True)


@router.delete(
    "/channels/{name}", status_code=204, responses=ERRORS, summary="Delete a channel / 删除推送渠道"
)
def delete_channel(name: str, p: Admin, db: DbDep) -> Response:
    channel_store.delete(db, name, actor=p.username)
    return Response(status_code=204)


@router.post(
    "/channels/{name}/test",
    response_model=ChannelTestOut,
    responses=ERRORS,
    summary="Send a test message / 发送测试消息",
)
def test_channel(name: str, p: Admin, rt: RuntimeDep) -> ChannelTestOut:
    # No DbDep: send_to_channel commits the send record before it talks to the provider.
    out = send_to_channel(rt, name, channel_test_message(name, rt.settings.public_url), source="test")
    return ChannelTestOut.model_validate(out.as_dict())


@router.get(
    "/channels/{name}/sends",
    response_model=list[ChannelSendOut],
    responses=ERRORS,
    summary="A channel's sends, newest first / 发送记录",
)
def list_sends(name: str, p: Admin, db: DbDep, limit: ListLimit = 50) -> list[ChannelSendOut]:
    ch = channel_store.get(db, name)
    return [
        ChannelSendOut.model_validate(channel_store.send_dict(s))
        for s in channel_store.recent_sends(db, ch, limit)
    ]


@router.get(
    "/channel-images/{token}.png",
    response_class=Response,
    summary="A picture sent to a robot / 消息图片",
    responses={200: {"content": {"image/png": {}}}, 404: {"description": "Unknown or expired."}},
)
def channel_image(token: str, db: DbDep) -> Response:
    data = channel_images.load(db, token)
    if data is None:
        raise ShuzhiError(
            "channel_image_not_found",
            "图片不存在或已过期。",
            "The picture does not exist or has expired.",
            404,
        )
    return Response(
        content=data,
        media_type="image/png",
        headers={"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
