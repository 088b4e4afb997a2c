"""Subscriptions (定时推送): a dashboard, or one component of it, with fixed filter values, sent on a
schedule to channels and in-app users; and the record of each run.

Invariants
- A subscription belongs to its owner (users.id, cascade) and runs AS its owner: the owner's row and
  column rules decide what every recipient receives (FineBI's 订阅 semantics).
- It names its dashboard by id (cascade: deleting the dashboard deletes its subscriptions).
- Its schedule lives in `schedules` (kind "subscription", target = str(id)), created, changed and
  removed with it, and disabled while the subscription is disabled.
- A run is one row of subscription_runs; its `deliveries` hold one entry per channel and per in-app
  recipient ({"target", "kind": channel|user, "status": delivered|failed, "error"}), so every attempt is
  visible. In-app deliveries are subscription_receipts (the recipient's received list, read/unread).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shuzhi.catalog.models import Base, UTCDateTime, utcnow


class Subscription(Base):
    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    dashboard_id: Mapped[int] = mapped_column(ForeignKey("dashboards.id", ondelete="CASCADE"), nullable=False)
    component: Mapped[str | None] = mapped_column(String(64))  # None = the whole dashboard
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)  # filter id → value
    format: Mapped[str] = mapped_column(String(8), nullable=False)  # png | pdf | xlsx | link
    channels: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    recipients: Mapped[list[int]] = mapped_column(JSON, nullable=False, default=list)  # users.id (in-app)
    note: Mapped[str | None] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[str | None] = mapped_column(String(16))  # delivered | partial | failed
    last_error: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"code", "zh", "en"}

    __table_args__ = (
        Index("ix_subscriptions_owner", "owner_id"),
        Index("ix_subscriptions_dashboard", "dashboard_id"),
    )


class SubscriptionRun(Base):
    __tablename__ = "subscription_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="CASCADE"), nullable=False
    )
    trigger: Mapped[str] = mapped_column(String(16), nullable=False)  # manual | schedule
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, default="running"
    )  # + delivered|partial|failed
    deliveries: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    title: Mapped[str | None] = mapped_column(String(300))  # what was sent: the message title
    link: Mapped[str | None] = mapped_column(String(2000))

    __table_args__ = (Index("ix_subscription_runs_sub_time", "subscription_id", "started_at"),)


class SubscriptionReceipt(Base):
    """An in-app recipient's copy of one run (their received list)."""

    __tablename__ = "subscription_receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("subscription_runs.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    message: Mapped[dict[str, Any]] = mapped_column(
        JSON, nullable=False
    )  # {"title", "text", "numbers", "link"}
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_subscription_receipts_user", "user_id", "read_at"),)
