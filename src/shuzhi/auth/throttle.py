"""Login throttling backed by the catalog, so it holds across threads and several API processes.

Protocol — reserve, check, record:
1. `reserve_attempt` runs one short transaction under the login lock (a process lock, plus
   BEGIN IMMEDIATE on SQLite or a transaction-scoped advisory lock on PostgreSQL): it counts the
   failures, answers 429 when a budget is spent, else inserts the attempt *as a failure* and commits.
2. The caller checks the password (slow: argon2) outside any lock or transaction.
3. `record_success` turns that row into a success only when the password was right.
Invariant: an attempt counts as a failure from the moment it is reserved, so N concurrent wrong
attempts for one name perform at most max_failures password checks, whatever N and however many
processes; a process that dies mid-check leaves a failure behind (fails closed).

Budgets: a user name with max_failures failures within `window` since its last success is locked
until `lockout` after its latest failure. One address gets IP_FACTOR times that budget across all
names within `window`, and a success does NOT reset it: otherwise an attacker who owns one account
could sign in to it between guesses and spray other names for ever. Attempts older than a day are
pruned as we go. A refused (429) attempt is not recorded, so it does not extend the lockout.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update

from shuzhi.catalog.models import LoginAttempt, utcnow
from shuzhi.errors import ShuzhiError

IP_FACTOR = 4
_T = LoginAttempt.__table__
_PROCESS_LOCK = threading.Lock()
_PG_LOGIN_LOCK = 7_342_002  # arbitrary constant for pg_advisory_xact_lock (7_342_001: migrations)


@contextmanager
def _login_lock(engine: Engine) -> Iterator[Connection]:
    """A transaction that no other login reservation, in this process or another, runs beside."""
    with _PROCESS_LOCK, engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # takes the database write lock now, not at INSERT
        elif conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOGIN_LOCK})
        try:
            yield conn
            conn.commit()
        except BaseException:
            conn.rollback()
            raise


def _aware(t: dt.datetime | None) -> dt.datetime | None:
    return t.replace(tzinfo=dt.UTC) if t is not None and t.tzinfo is None else t


def _failures(conn: Connection, cond: Any, since: dt.datetime, *, reset_by_success: bool
              ) -> tuple[int, dt.datetime | None]:
    start = since
    if reset_by_success:
        last_ok = _aware(conn.scalar(select(func.max(_T.c.at)).where(cond, _T.c.succeeded.is_(True))))
        start = max(since, last_ok) if last_ok else since
    n, latest = conn.execute(
        select(func.count(), func.max(_T.c.at)).where(cond, _T.c.succeeded.is_(False), _T.c.at > start)
    ).one()
    return int(n or 0), _aware(latest)


def throttled(wait_s: int) -> ShuzhiError:
    """The one answer for a locked name or address: the same whether the user exists or not."""
    minutes = max(1, math.ceil(wait_s / 60))
    return ShuzhiError(
        "login_throttled",
        f"登录失败次数过多，请 {minutes} 分钟后再试。",
        f"Too many failed logins; try again in {minutes} minute(s).",
        429,
        headers={"Retry-After": str(wait_s)},
    )


def reserve_attempt(
    engine: Engine,
    username: str,
    ip: str | None,
    *,
    max_failures: int,
    window: dt.timedelta,
    lockout: dt.timedelta,
) -> int:
    """Count the attempt before the password is checked; 429 when a budget is spent.

    Returns the attempt's id for record_success."""
    username = username[:64]
    ip = (ip or None) and ip[:64]
    with _login_lock(engine) as conn:
        now = utcnow()
        since = now - window
        checks = [(_T.c.username == username, max_failures, True)]
        if ip:
            checks.append((_T.c.ip == ip, max_failures * IP_FACTOR, False))
        for cond, budget, resets in checks:
            n, latest = _failures(conn, cond, since, reset_by_success=resets)
            if n >= budget and latest is not None and latest + lockout > now:
                raise throttled(max(1, math.ceil((latest + lockout - now).total_seconds())))
        conn.execute(delete(_T).where(_T.c.at < now - dt.timedelta(days=1)))
        return int(conn.execute(
            insert(_T).values(username=username, ip=ip, succeeded=False, at=now).returning(_T.c.id)
        ).scalar_one())


def record_success(engine: Engine, attempt_id: int) -> None:
    """The password was right: the reserved attempt stops counting as a failure."""
    with engine.begin() as conn:
        conn.execute(update(_T).where(_T.c.id == attempt_id).values(succeeded=True))
