"""Dashboards in the catalog: save (versioned), read, share by role, favourites, recent views.

Invariants
- Who sees a dashboard: its owner, admins, users whose role is in its shared_roles, and the users,
  departments (with their sub-departments) and roles it was shared with (catalog/grants.py).
  Who changes or deletes it: its owner, admins, and those it was shared with to edit (and only roles
  with content:edit reach that code).
- Callers validate a definition against the current semantic model before saving it
  (spec.dashboards.check_against_model): every metric and field of every component and filter must
  exist; the error names the component.
- Every save appends a version; nothing is changed in place without a version row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, desc, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, object_session

from shuzhi.catalog.dashboard_models import (
    DashboardFavourite,
    DashboardRecord,
    DashboardVersion,
    DashboardView,
)
from shuzhi.catalog.grants import access_of, by_object, grants_for
from shuzhi.catalog.models import utcnow
from shuzhi.catalog.org_models import ContentGrant
from shuzhi.errors import ShuzhiError
from shuzhi.model.dashboards import DashboardDef


@dataclass(frozen=True)
class Viewer:
    """Who asks (a plain copy of the principal: the catalog sits below auth). `groups`: the user's
    departments and their ancestors (catalog/org.group_ids), for content shared with a department."""

    user_id: int
    username: str
    role: str
    groups: frozenset[int] = frozenset()


# -- access ----------------------------------------------------------------------------------
def _granted(rec: DashboardRecord, who: Viewer, grants: list[ContentGrant] | None) -> str | None:
    if grants is None:
        s = object_session(rec)
        grants = grants_for(s, "dashboard", rec.id) if s is not None and rec.id is not None else []
    return access_of(grants, who.user_id, who.role, who.groups)


def can_view(rec: DashboardRecord, who: Viewer, grants: list[ContentGrant] | None = None) -> bool:
    """Admins, the owner, roles in shared_roles, and whoever it was shared with (catalog/grants.py)."""
    if who.role == "admin" or rec.owner == who.username or who.role in (rec.shared_roles or []):
        return True
    return _granted(rec, who, grants) is not None


def can_edit(rec: DashboardRecord, who: Viewer, grants: list[ContentGrant] | None = None) -> bool:
    """Admins, the owner, and whoever it was shared with to edit (routes also require content:edit)."""
    return who.role == "admin" or rec.owner == who.username or _granted(rec, who, grants) == "edit"


def shared_with(rec: DashboardRecord, who: Viewer, grants: list[ContentGrant] | None = None) -> bool:
    """Shared with `who` in person or through their department (not their own; a share with a whole
    role is not "to me")."""
    if rec.owner == who.username:
        return False
    if grants is None:
        s = object_session(rec)
        grants = grants_for(s, "dashboard", rec.id) if s is not None and rec.id is not None else []
    return access_of([g for g in grants if g.grantee_type != "role"], who.user_id, who.role, who.groups) is not None


def _not_found(key: str) -> ShuzhiError:
    return ShuzhiError("dashboard_not_found", f"仪表板 {key} 不存在，或你没有查看它的权限。",
                       f"Dashboard {key} does not exist, or you may not see it.", 404)


def get_record(s: Session, key: str | int, who: Viewer | None = None) -> DashboardRecord:
    """By id or slug; a dashboard the viewer may not see is reported as missing (no leak)."""
    key_s = str(key)
    q = select(DashboardRecord)
    rec = s.scalar(q.where(DashboardRecord.id == int(key_s))) if key_s.isdigit() else None
    rec = rec or s.scalar(q.where(DashboardRecord.name == key_s))
    if rec is None or (who is not None and not can_view(rec, who)):
        raise _not_found(key_s)
    return rec


def require_edit(rec: DashboardRecord, who: Viewer) -> None:
    if not can_edit(rec, who):
        raise ShuzhiError("dashboard_forbidden", f"只有所有者 {rec.owner} 或管理员可以修改仪表板「{rec.title}」。",
                          f"Only the owner ({rec.owner}) or an administrator may change dashboard "
                          f"'{rec.title_en or rec.title}'.", 403)


def list_records(s: Session, who: Viewer) -> list[DashboardRecord]:
    grants = by_object(grants_for(s, "dashboard"))
    return [r for r in s.scalars(select(DashboardRecord).order_by(DashboardRecord.id))
            if can_view(r, who, grants.get(r.id, []))]


# -- changes ---------------------------------------------------------------------------------
def _copy_out(rec: DashboardRecord, d: DashboardDef) -> None:
    rec.title, rec.title_en, rec.description = d.title, d.title_en, d.description
    rec.theme, rec.shared_roles = d.theme, list(d.shared_roles)
    rec.definition = d.model_dump(mode="json", exclude_none=True)


def create(s: Session, d: DashboardDef, *, owner: str, comment: str | None = None) -> DashboardRecord:
    if s.scalar(select(DashboardRecord.id).where(DashboardRecord.name == d.name)) is not None:
        raise ShuzhiError("dashboard_exists", f"已有名为 {d.name} 的仪表板，请换一个名称。",
                          f"A dashboard named {d.name} already exists; choose another name.", 409)
    rec = DashboardRecord(name=d.name, owner=owner, version=1, updated_by=owner)
    _copy_out(rec, d)
    s.add(rec)
    s.flush()
    s.add(DashboardVersion(dashboard_id=rec.id, version=1, definition=rec.definition, created_by=owner,
                           comment=comment or "created"))
    s.flush()
    return rec


def update(s: Session, rec: DashboardRecord, d: DashboardDef, *, actor: str, comment: str | None = None) -> int:
    """Save a new version (an unchanged definition is not re-versioned); returns the version."""
    if d.name != rec.name and s.scalar(select(DashboardRecord.id).where(DashboardRecord.name == d.name)):
        raise ShuzhiError("dashboard_exists", f"已有名为 {d.name} 的仪表板。", f"A dashboard named {d.name} exists.", 409)
    new = d.model_dump(mode="json", exclude_none=True)
    if new == rec.definition and d.name == rec.name:
        return rec.version
    rec.name = d.name
    _copy_out(rec, d)
    rec.version += 1
    rec.updated_at = utcnow()
    rec.updated_by = actor
    s.add(DashboardVersion(dashboard_id=rec.id, version=rec.version, definition=rec.definition, created_by=actor,
                           comment=comment))
    s.flush()
    return rec.version


def versions(s: Session, rec: DashboardRecord) -> list[DashboardVersion]:
    return list(s.scalars(select(DashboardVersion).where(DashboardVersion.dashboard_id == rec.id)
                          .order_by(DashboardVersion.version)))


def version_definition(s: Session, rec: DashboardRecord, version: int) -> dict[str, Any]:
    """The definition saved as `version` of this dashboard, or a 404."""
    v = s.scalar(select(DashboardVersion).where(DashboardVersion.dashboard_id == rec.id,
                                                DashboardVersion.version == version))
    if v is None:
        raise ShuzhiError("dashboard_version_not_found", f"仪表板 {rec.name} 没有版本 {version}。",
                          f"The dashboard {rec.name} has no version {version}.", 404)
    return dict(v.definition)


def remove(s: Session, rec: DashboardRecord) -> None:
    s.execute(delete(DashboardFavourite).where(DashboardFavourite.dashboard_id == rec.id))
    s.execute(delete(DashboardView).where(DashboardView.dashboard_id == rec.id))
    s.execute(delete(DashboardVersion).where(DashboardVersion.dashboard_id == rec.id))
    s.execute(delete(ContentGrant).where(ContentGrant.kind == "dashboard", ContentGrant.object_id == rec.id))
    s.delete(rec)
    s.flush()


def free_name(s: Session, base: str) -> str:
    base = base[:56]
    taken = set(s.scalars(select(DashboardRecord.name).where(DashboardRecord.name.like(f"{base}%"))))
    if base not in taken:
        return base
    i = 2
    while f"{base}-{i}" in taken:
        i += 1
    return f"{base}-{i}"


def duplicate(s: Session, rec: DashboardRecord, *, owner: str, name: str | None = None,
              title: str | None = None) -> DashboardRecord:
    d = DashboardDef.model_validate(rec.definition)
    copy = d.model_copy(update={
        "name": name or free_name(s, f"{rec.name}-copy"),
        "title": title or f"{d.title}（副本）",
        "title_en": f"{d.title_en} (copy)" if d.title_en else None,
        "shared_roles": [],
    })
    return create(s, DashboardDef.model_validate(copy.model_dump()), owner=owner,
                  comment=f"duplicated from {rec.name} v{rec.version}")


# -- per user --------------------------------------------------------------------------------
def set_favourite(s: Session, rec: DashboardRecord, user_id: int, on: bool) -> None:
    row = s.get(DashboardFavourite, (user_id, rec.id))
    if on and row is None:
        s.add(DashboardFavourite(user_id=user_id, dashboard_id=rec.id))
    elif not on and row is not None:
        s.delete(row)
    s.flush()


def favourite_ids(s: Session, user_id: int) -> set[int]:
    return set(s.scalars(select(DashboardFavourite.dashboard_id).where(DashboardFavourite.user_id == user_id)))


# A user's view of the dashboard they viewed last, less than this long ago, is not written again.
VIEW_COALESCE = dt.timedelta(seconds=10)


def record_view(s: Session, rec: DashboardRecord, user_id: int) -> bool:
    """One row per (user, dashboard), written as an upsert: two tabs of one user opening the same
    dashboard at once must not collide on the primary key (it was a 500 under load).

    Reloads are coalesced: when the user's most recent view is this dashboard, less than
    VIEW_COALESCE ago, nothing is written (a read instead of a write and a commit on every view;
    the order of /dashboards/recent is the same, viewed_at may be up to VIEW_COALESCE older and
    `views` counts written views). Returns whether a row was written."""
    now = utcnow()
    last = s.execute(select(DashboardView.dashboard_id, DashboardView.viewed_at)
                     .where(DashboardView.user_id == user_id)
                     .order_by(desc(DashboardView.viewed_at)).limit(1)).first()
    if last is not None and last[0] == rec.id and now - last[1] < VIEW_COALESCE:
        return False
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(DashboardView).values(user_id=user_id, dashboard_id=rec.id, viewed_at=now, views=1)
    s.execute(stmt.on_conflict_do_update(index_elements=["user_id", "dashboard_id"],
                                         set_={"viewed_at": now, "views": DashboardView.views + 1}))
    return True


def recent(s: Session, who: Viewer, limit: int = 10) -> list[tuple[DashboardRecord, dt.datetime]]:
    rows = s.execute(select(DashboardRecord, DashboardView.viewed_at)
                     .join(DashboardView, DashboardView.dashboard_id == DashboardRecord.id)
                     .where(DashboardView.user_id == who.user_id)
                     .order_by(desc(DashboardView.viewed_at)).limit(limit * 2)).all()
    return [(r, at) for r, at in rows if can_view(r, who)][:limit]
