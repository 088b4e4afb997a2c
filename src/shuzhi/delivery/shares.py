"""Share links (分享链接): a dashboard opened read-only without an account.

Invariants
- The link's secret (`szs_` + 32 random bytes) is shown once; the catalog keeps only its SHA-256.
  The link carries it in the URL fragment (`/share#szs_...`), which browsers never send to a server,
  so it appears in no access log or proxy log; the page sends it in the X-Share-Token header.
- A link shows the data of the user it was created as (`as_user`): their row and column rules apply.
  It works only while that user is active and may still see the dashboard (checked on every
  request); otherwise it answers 410 share_unavailable. Revoked → 410 share_revoked, expired → 410
  share_expired, unknown → 404 share_not_found.
- A password is argon2-hashed; wrong guesses are throttled like logins (auth/throttle.py, keyed
  `share:<id>` per link and by address). A right password yields a grant (HMAC with a key derived from
  the installation's secret key, auth/secrets.py) bound to the link, its password hash and an expiry.
- `--days 0` means the link never expires; otherwise 1..SHUZHI_SHARE_MAX_DAYS days.
- Creating a link needs the right to change the dashboard (owner or admin); a link as another user
  only by an admin or the operator (CLI), and that user must be able to see the dashboard.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shuzhi.auth.passwords import hash_password, verify_password
from shuzhi.auth.throttle import record_success, reserve_attempt
from shuzhi.auth.users import audit
from shuzhi.catalog import dashboards as store
from shuzhi.catalog import org
from shuzhi.catalog.dashboard_models import DashboardRecord
from shuzhi.catalog.models import User, utcnow
from shuzhi.catalog.share_models import ShareLink
from shuzhi.errors import ShuzhiError

TOKEN_PREFIX = "szs_"
GRANT_HOURS = 12
PASSWORD_MIN, PASSWORD_MAX = 6, 128


def _sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def link_url(public_url: str, raw: str) -> str:
    return f"{public_url.rstrip('/')}/share#{raw}"


def token_of(value: str) -> str:
    """The secret of a link given as the link itself or as the bare token."""
    v = (value or "").strip()
    return v.rsplit("#", 1)[-1] if "#" in v else v


def viewer_of(u: User) -> store.Viewer:
    return store.Viewer(u.id, u.username, u.role, org.group_ids(u))


# -- errors ------------------------------------------------------------------------------------------
def not_found() -> ShuzhiError:
    return ShuzhiError(
        "share_not_found",
        "分享链接无效：请检查链接是否完整。",
        "This share link is not valid; check that the link is complete.",
        404,
    )


def _gone(code: str) -> ShuzhiError:
    texts = {
        "share_revoked": ("此分享链接已被撤销。", "This share link has been revoked."),
        "share_expired": ("此分享链接已过期。", "This share link has expired."),
        "share_unavailable": (
            "此分享链接已失效：分享者已不能查看该仪表板。",
            "This share link no longer works: the person it shares as may no longer see the dashboard.",
        ),
    }
    zh, en = texts[code]
    return ShuzhiError(code, zh, en, 410)


def _password_required() -> ShuzhiError:
    return ShuzhiError(
        "share_password_required", "此分享链接需要密码。", "This share link needs a password.", 401
    )


# -- create, list, revoke ----------------------------------------------------------------------------
def check_days(days: int | None, *, default: int, max_days: int) -> int | None:
    """The lifetime in days (None: never expires, for 0)."""
    if days is None:
        return default
    if days == 0:
        return None
    if not 1 <= days <= max_days:
        raise ShuzhiError(
            "share_bad_days",
            f"有效期需为 0（永不过期）或 1 到 {max_days} 天（上限由 SHUZHI_SHARE_MAX_DAYS 设置）。",
            f"The lifetime must be 0 (never expires) or 1 to {max_days} days (SHUZHI_SHARE_MAX_DAYS).",
        )
    return days


def check_password(password: str | None) -> str | None:
    if password is None or password == "":
        return None
    if password.strip() != password or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise ShuzhiError(
            "share_bad_password",
            f"分享密码需为 {PASSWORD_MIN} 到 {PASSWORD_MAX} 个字符，且首尾不能是空格。",
            f"A share password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters, "
            "without spaces at either end.",
        )
    return password


def create_link(
    s: Session,
    rec: DashboardRecord,
    as_user: User,
    *,
    days: int | None,
    password: str | None,
    actor: str | None,
) -> tuple[str, ShareLink]:
    """A new link (raw secret, row). The caller has checked who may create it; here: the user it shares
    as must be active and able to see the dashboard."""
    if not as_user.is_active or not store.can_view(rec, viewer_of(as_user)):
        raise ShuzhiError(
            "share_user_cannot_view",
            f"用户 {as_user.username} 不能查看仪表板「{rec.title}」（或已停用），不能以其身份分享。",
            f"User {as_user.username} may not see dashboard '{rec.title_en or rec.title}' "
            "(or is disabled), so it cannot be shared as them.",
            400,
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    link = ShareLink(
        dashboard_id=rec.id,
        token_hash=_sha256(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        as_user_id=as_user.id,
        created_by=actor,
        expires_at=utcnow() + dt.timedelta(days=days) if days else None,
        password_hash=hash_password(password) if password else None,
    )
    s.add(link)
    s.flush()
    audit(
        s,
        "share.create",
        actor=actor,
        target=rec.name,
        detail={"share_id": link.id, "as_user": as_user.username, "days": days, "password": bool(password)},
    )
    return raw, link


@dataclass(frozen=True)
class LinkRow:
    id: int
    prefix: str
    dashboard: str
    dashboard_title: str
    as_user: str
    created_by: str | None
    created_at: dt.datetime
    expires_at: dt.datetime | None
    password: bool
    views: int
    last_viewed_at: dt.datetime | None
    revoked: bool
    status: str  # active | expired | revoked


def _row(link: ShareLink, rec: DashboardRecord, user: User, now: dt.datetime) -> LinkRow:
    status = (
        "revoked"
        if link.revoked_at
        else "expired"
        if link.expires_at and link.expires_at <= now
        else "active"
    )
    return LinkRow(
        link.id,
        link.prefix,
        rec.name,
        rec.title,
        user.username,
        link.created_by,
        link.created_at,
        link.expires_at,
        link.password_hash is not None,
        link.views,
        link.last_viewed_at,
        link.revoked_at is not None,
        status,
    )


def list_links(s: Session, dashboard_id: int | None = None) -> list[LinkRow]:
    q = (
        select(ShareLink, DashboardRecord, User)
        .join(DashboardRecord, DashboardRecord.id == ShareLink.dashboard_id)
        .join(User, User.id == ShareLink.as_user_id)
        .order_by(ShareLink.id)
    )
    if dashboard_id is not None:
        q = q.where(ShareLink.dashboard_id == dashboard_id)
    now = utcnow()
    return [_row(link, rec, u, now) for link, rec, u in s.execute(q).all()]


def find_link(s: Session, id_or_link: str) -> ShareLink:
    """By id, by the link, or by its secret."""
    v = (id_or_link or "").strip()
    link = (
        s.get(ShareLink, int(v))
        if v.isdigit()
        else s.scalar(select(ShareLink).where(ShareLink.token_hash == _sha256(token_of(v))))
    )
    if link is None:
        raise ShuzhiError("share_not_found", f"找不到分享链接 {v[:24]}。", f"No share link {v[:24]}.", 404)
    return link


def revoke_link(s: Session, link: ShareLink, *, actor: str | None) -> ShareLink:
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        link.revoked_by = actor
        audit(s, "share.revoke", actor=actor, detail={"share_id": link.id})
    return link


def row_of(s: Session, link: ShareLink) -> LinkRow:
    return _row(
        link, s.get_one(DashboardRecord, link.dashboard_id), s.get_one(User, link.as_user_id), utcnow()
    )


# -- opening a link ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Opened:
    link: ShareLink
    dashboard: DashboardRecord
    user: User


def open_link(s: Session, raw: str | None) -> Opened:
    """The link for a secret, checked: not revoked, not expired, its user active and allowed."""
    raw = (raw or "").strip()
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        raise not_found()
    link = s.scalar(select(ShareLink).where(ShareLink.token_hash == _sha256(raw)))
    if link is None:
        raise not_found()
    if link.revoked_at is not None:
        raise _gone("share_revoked")
    if link.expires_at is not None and link.expires_at <= utcnow():
        raise _gone("share_expired")
    user = s.get(User, link.as_user_id)
    rec = s.get(DashboardRecord, link.dashboard_id)
    if user is None or rec is None or not user.is_active or not store.can_view(rec, viewer_of(user)):
        raise _gone("share_unavailable")
    return Opened(link, rec, user)


def _grant_mac(key: bytes, link: ShareLink, exp: int) -> str:
    msg = f"{link.id}.{exp}.{link.password_hash}".encode()
    return base64.urlsafe_b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode().rstrip("=")


def make_grant(key: bytes, link: ShareLink) -> tuple[str, dt.datetime]:
    exp = utcnow() + dt.timedelta(hours=GRANT_HOURS)
    if link.expires_at is not None:
        exp = min(exp, link.expires_at)
    ts = int(exp.timestamp())
    return f"{ts}.{_grant_mac(key, link, ts)}", exp


def check_access(key: bytes, link: ShareLink, grant: str | None) -> None:
    """A link with a password needs a valid grant from unlock()."""
    if link.password_hash is None:
        return
    ts_s, _, mac = (grant or "").partition(".")
    if not ts_s.isdigit() or int(ts_s) <= int(utcnow().timestamp()):
        raise _password_required()
    if not hmac.compare_digest(mac, _grant_mac(key, link, int(ts_s))):
        raise _password_required()


def unlock(
    s: Session,
    opened: Opened,
    password: str,
    *,
    key: bytes,
    ip: str | None,
    max_failures: int,
    window: dt.timedelta,
    lockout: dt.timedelta,
) -> tuple[str, dt.datetime]:
    """Check a link's password under the login throttle; a grant when right."""
    link = opened.link
    if link.password_hash is None:
        return make_grant(key, link)
    try:
        attempt = reserve_attempt(
            s.get_bind(), f"share:{link.id}", ip, max_failures=max_failures, window=window, lockout=lockout
        )
    except ShuzhiError as err:
        if err.code != "login_throttled":
            raise
        wait = (err.headers or {}).get("Retry-After", "60")
        minutes = max(1, -(-int(wait) // 60))
        raise ShuzhiError(
            "share_throttled",
            f"密码错误次数过多，请 {minutes} 分钟后再试。",
            f"Too many wrong passwords; try again in {minutes} minute(s).",
            429,
            headers={"Retry-After": wait},
        ) from None
    if not verify_password(link.password_hash, password or ""):
        audit(s, "share.password_failed", actor=None, detail={"share_id": link.id, "ip": ip})
        s.commit()
        raise ShuzhiError("share_bad_password_given", "密码不正确。", "Wrong password.", 401)
    record_success(s.get_bind(), attempt)
    return make_grant(key, link)


def count_view(s: Session, link: ShareLink) -> None:
    """One more view (an atomic increment: concurrent views are all counted)."""
    s.execute(
        update(ShareLink)
        .where(ShareLink.id == link.id)
        .values(views=ShareLink.views + 1, last_viewed_at=utcnow())
    )
