"""Login throttling backed by the catalog, so it holds across several API instances.

Rule: a username with max_failures failed attempts within `window` since its last success is
locked until `lockout` after its latest failure; one address gets four times that budget
across all usernames (password spraying). Attempts older than a day are pruned as we go.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from shuzhi.catalog.models import LoginAttempt, utcnow
from shuzhi.errors import ShuzhiError

IP_FACTOR = 4


def _failures(s: Session, cond, since: dt.datetime) -> tuple[int, dt.datetime | None]:  # type: ignore[no-untyped-def]
    last_ok = s.scalar(select(func.max(LoginAttempt.at)).where(cond, LoginAttempt.succeeded.is_(True)))
    start = max(since, last_ok) if last_ok else since
    n, latest = s.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            cond, LoginAttempt.succeeded.is_(False), LoginAttempt.at > start
        )
    ).one()
    return int(n or 0), latest.replace(tzinfo=dt.UTC) if latest and latest.tzinfo is None else latest


def check_throttle(
    s: Session,
    username: str,
    ip: str | None,
    *,
    max_failures: int,
    window: dt.timedelta,
    lockout: dt.timedelta,
) -> None:
    now = utcnow()
    since = now - window
    checks = [(LoginAttempt.username == username, max_failures)]
    if ip:
        checks.append((LoginAttempt.ip == ip, max_failures * IP_FACTOR))
    for cond, budget in checks:
        n, latest = _failures(s, cond, since)
        if n >= budget and latest is not None and latest + lockout > now:
            wait = math.ceil((latest + lockout - now).total_seconds())
            minutes = max(1, math.ceil(wait / 60))
            raise ShuzhiError(
                "login_throttled",
                f"登录失败次数过多，请 {minutes} 分钟后再试。",
                f"Too many failed logins; try again in {minutes} minute(s).",
                429,
                headers={"Retry-After": str(wait)},
            )


def record_attempt(s: Session, username: str, ip: str | None, succeeded: bool) -> None:
    now = utcnow()
    s.add(LoginAttempt(username=username[:64], ip=(ip or None), succeeded=succeeded, at=now))
    s.execute(delete(LoginAttempt).where(LoginAttempt.at < now - dt.timedelta(days=1)))
