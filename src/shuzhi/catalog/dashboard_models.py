"""Catalog tables of dashboards (revision 0008): definitions with versions, favourites, recent views.

`dashboards.definition` is the JSON of shuzhi.model.dashboards.DashboardDef; title, theme and
shared_roles are copied out of it so lists need not read the JSON. Every save appends a
`dashboard_versions` row (append-only). Favourites and views are per user and vanish with the user
or the dashboard (ON DELETE CASCADE).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shuzhi.catalog.models import Base, UTCDateTime, utcnow


class DashboardRecord(Base):
    __tablename__ = "dashboards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    title_en: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    theme: Mapped[str] = mapped_column(String(16), nullable=False, default="light")
    owner: Mapped[str] = mapped_column(String(64), nullable=False)
    shared_roles: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64))


class DashboardVersion(Base):
    __tablename__ = "dashboard_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dashboard_id: Mapped[int] = mapped_column(ForeignKey("dashboards.id", ondelete="CASCADE"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))
    comment: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ux_dashboard_versions", "dashboard_id", "version", unique=True),)


class DashboardFavourite(Base):
    __tablename__ = "dashboard_favourites"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    dashboard_id: Mapped[int] = mapped_column(ForeignKey("dashboards.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class DashboardView(Base):
    """The last time a user opened a dashboard (one row per user and dashboard)."""

    __tablename__ = "dashboard_views"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    dashboard_id: Mapped[int] = mapped_column(ForeignKey("dashboards.id", ondelete="CASCADE"), primary_key=True)
    viewed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    views: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __table_args__ = (Index("ix_dashboard_views_user_at", "user_id", "viewed_at"),)
