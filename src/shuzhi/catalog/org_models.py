"""Organisation tables: departments as a tree, who belongs where, and content shared with people
(revision 0019_org). Storage only: the rules live in catalog/org.py and catalog/grants.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shuzhi.catalog.models import Base, User, UTCDateTime, utcnow


class Department(Base):
    """A department; `path` is its full name from the root (华精科技/销售中心/华东销售部). Attributes
    (region, plant, ...) are inherited by sub-departments and members (catalog/org.effective_attributes)."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(700), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    source: Mapped[str] = mapped_column(String(32), nullable=False, default="local")  # local | ldap | dingtalk | ...
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    parent: Mapped[Department | None] = relationship(remote_side=[id], lazy="joined", join_depth=8)


class UserDepartment(Base):
    __tablename__ = "user_departments"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ix_user_departments_department", "department_id"),)


# A user's departments (read by row rules through their attributes, and by sharing).
User.departments = relationship(Department, secondary="user_departments", lazy="selectin", viewonly=False)  # type: ignore[attr-defined]


class ContentGrant(Base):
    """Content shared with a user, a department (and its sub-departments) or a role, to view or edit."""

    __tablename__ = "content_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # dashboard
    object_id: Mapped[int] = mapped_column(Integer, nullable=False)
    grantee_type: Mapped[str] = mapped_column(String(8), nullable=False)  # user | dept | role
    grantee: Mapped[str] = mapped_column(String(64), nullable=False)  # user id, department id or role name
    access: Mapped[str] = mapped_column(String(8), nullable=False, default="view")  # view | edit
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ux_content_grants", "kind", "object_id", "grantee_type", "grantee", unique=True),
                      Index("ix_content_grants_grantee", "grantee_type", "grantee"))
