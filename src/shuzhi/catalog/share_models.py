"""Catalog table of share links (revision 0014): a dashboard opened without an account.

A link's secret is random and handed out once; only its SHA-256 (`token_hash`) is stored, like API
tokens. The optional password is an argon2 hash (auth/passwords.py). A link shows the data of
`as_user_id` (row and column rules of that user); it dies with the dashboard or that user
(ON DELETE CASCADE). Revocation and expiry are kept, never deleted, so the list shows them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shuzhi.catalog.models import Base, UTCDateTime, utcnow


class ShareLink(Base):
    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dashboard_id: Mapped[int] = mapped_column(ForeignKey("dashboards.id", ondelete="CASCADE"), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)  # shown in lists to tell links apart
    as_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # None: never (--days 0)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(64))
    views: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_viewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_share_links_dashboard", "dashboard_id"),)
