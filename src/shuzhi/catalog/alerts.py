"""Alert rules, their firings, and who received each firing on which channel.

Invariants
- A firing is unique per (rule, series_key, period, condition kind): the same rule fires once for
  the same member and period however often it is checked (series_key "" when not split).
- A receipt is unique per (firing, user, channel); read_at is set once, when the user reads it.
- Rules belong to their owner (users.id, cascade): a deleted user's rules, firings and receipts go too.
- The schedule of a rule lives in `schedules` (kind "alert", target = str(rule id)), not here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shuzhi.catalog.models import Base, UTCDateTime, utcnow


class AlertRule(Base):
    __tablename__ = "alert_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    metric: Mapped[str] = mapped_column(String(128), nullable=False)
    grain: Mapped[str] = mapped_column(String(16), nullable=False)
    by: Mapped[str | None] = mapped_column(String(200))
    where: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    condition: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    channels: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    subscribers: Mapped[list[int]] = mapped_column(JSON, nullable=False, default=list)  # users.id
    # 责任人: a member of the split (`by`) → users.id; that member's firings also go to that user
    owner_map: Mapped[dict[str, int]] = mapped_column(JSON, nullable=False, default=dict, server_default="{}")
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[str | None] = mapped_column(String(16))  # ok | fired | failed
    last_error: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"code", "zh", "en"}

    __table_args__ = (Index("ix_alert_rules_owner", "owner_id"),)


class AlertFiring(Base):
    __tablename__ = "alert_firings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("alert_rules.id", ondelete="CASCADE"), nullable=False)
    # "" = the owner's audience; else the rule signature of the recipients these values were computed for
    audience: Mapped[str] = mapped_column(String(32), nullable=False, default="", server_default="")
    series_key: Mapped[str] = mapped_column(String(255), nullable=False)  # "" = the whole metric
    period: Mapped[str] = mapped_column(String(10), nullable=False)  # ISO date of the period start
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # threshold | change | anomaly
    value: Mapped[float | None] = mapped_column(Float)
    severity: Mapped[str] = mapped_column(String(8), nullable=False)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    description_zh: Mapped[str] = mapped_column(Text, nullable=False)
    description_en: Mapped[str] = mapped_column(Text, nullable=False)
    trigger: Mapped[str] = mapped_column(String(16), nullable=False)  # manual | schedule | refresh
    fired_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (
        Index("ux_alert_firings_dedup", "rule_id", "audience", "series_key", "period", "kind", unique=True),
        Index("ix_alert_firings_rule_time", "rule_id", "fired_at"),
    )


class FiringReceipt(Base):
    __tablename__ = "firing_receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firing_id: Mapped[int] = mapped_column(ForeignKey("alert_firings.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    channel: Mapped[str] = mapped_column(String(32), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)  # delivered | failed
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ux_firing_receipts", "firing_id", "user_id", "channel", unique=True),
        Index("ix_firing_receipts_inbox", "user_id", "channel", "read_at"),
    )
