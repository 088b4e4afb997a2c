"""Delivery channels (DingTalk, WeCom, Feishu, e-mail, webhook), every send, and pictures served to robots.

Invariants
- `Channel.secret` holds only a Fernet token (shuzhi.auth.secrets) of a JSON object with the config's
  secret keys (robot URLs — their access_token / key is the credential —, signing secrets, SMTP
  passwords); `config` holds the rest. This module never sees plaintext.
- A ChannelSend is written "sending" before the first request and finished exactly once
  (delivered | failed, with the provider's text); `attempts` counts the tries of the part that took most.
- A ChannelImage is served publicly by an unguessable token (only its SHA-256 is stored) until it expires.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shuzhi.catalog.models import Base, UTCDateTime, utcnow


class Channel(Base):
    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    label: Mapped[str | None] = mapped_column(String(128))
    config: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    secret: Mapped[str | None] = mapped_column(
        Text
    )  # Fernet token of {"url": ..., "secret": ..., "password": ...}
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))


class ChannelSend(Base):
    __tablename__ = "channel_sends"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), nullable=False)
    recipient: Mapped[str] = mapped_column(String(512), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)  # the message's title
    source: Mapped[str] = mapped_column(
        String(64), nullable=False
    )  # test | alert:<firing id> | subscription:<id> …
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, default="sending"
    )  # sending|delivered|failed
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"zh", "en", "provider", "part"}
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_channel_sends_channel_time", "channel_id", "created_at"),)


class ChannelImage(Base):
    __tablename__ = "channel_images"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (Index("ix_channel_images_expires", "expires_at"),)
