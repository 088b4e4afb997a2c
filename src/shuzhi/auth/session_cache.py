"""A short-lived, in-process cache of browser session → Principal, and of API token → Principal.

Every request of a cockpit view authenticated its session cookie with a catalog read (a thread hop
and a connection); with the cache most requests authenticate on the event loop without either. API
tokens (Authorization: Bearer) are verified the same way: their entries are keyed by token_key(),
the SHA-256 of the token (what the catalog stores), never the token.

Invariants:
- An entry lives at most `ttl` seconds (Settings.session_cache_seconds, a few seconds; 0 turns the
  cache off) and never past the session's own expiry.
- Any write of this process to the users, web_sessions or api_tokens tables (log out, password
  change or reset, user disabled, role or attributes changed, sessions or tokens revoked, user
  deleted) empties the
  cache when the statement runs, just before its transaction commits and when its connection goes
  back to the pool (the session closed, before the response is sent): the change is seen by the
  next request of this process. A generation counter keeps a request that read the old state
  before that commit from caching it afterwards (put() refuses a stale generation).
  The writes that do not empty it are the sliding-expiry update of a session (only last_seen_at
  and expires_at: it can only lengthen a session) and a token's last_used_at stamp.
- Other processes (`shuzhi serve --workers N`, the CLI) have their own caches: there a change is
  seen after at most `ttl` seconds. Writes made outside SQLAlchemy are not seen before `ttl` either.
- The key is the SHA-256 of the cookie (the session id the catalog stores), never the cookie.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from shuzhi.auth.credentials import Principal

MAX_ENTRIES = 10_000
_WRITE = re.compile(r"^\s*(?:INSERT|UPDATE|DELETE|REPLACE|MERGE)\b[^;]*?\b(?:users|web_sessions|api_tokens)\b",
                    re.IGNORECASE | re.DOTALL)
# The sliding-expiry update of one session (credentials.resolve_session), as SQLAlchemy writes it.
_SLIDE = re.compile(r"^\s*UPDATE\s+web_sessions\s+SET\s+(?:(?:last_seen_at|expires_at)=\S+(?:,\s*)?)+\s+WHERE\b",
                    re.IGNORECASE)
# A token's last-use stamp (credentials.resolve_token): changes nothing about who it authenticates.
_STAMP = re.compile(r"^\s*UPDATE\s+api_tokens\s+SET\s+last_used_at=\S+\s+WHERE\b", re.IGNORECASE)
_DIRTY = "shuzhi_auth_dirty"


def token_key(raw: str) -> str:
    """The cache key of an API token: its SHA-256 (as the catalog stores it), never the token."""
    return "token:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


class SessionCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, tuple[Principal, float]] = {}
        self.generation = 0

    def get(self, session_id: str) -> Principal | None:
        item = self._items.get(session_id)
        if item is None:
            return None
        if item[1] <= time.monotonic():
            with self._lock:
                self._items.pop(session_id, None)
            return None
        return item[0]

    def put(self, session_id: str, principal: Principal, *, ttl: float, generation: int,
            session_expires_at: dt.datetime | None = None) -> None:
        """Keep `principal` for `ttl` seconds (not past the session's expiry), unless something
        changed since `generation` was read (the caller read it before reading the catalog)."""
        if ttl <= 0:
            return
        until = time.monotonic() + ttl
        if session_expires_at is not None:
            left = (session_expires_at - dt.datetime.now(dt.UTC).replace(tzinfo=session_expires_at.tzinfo)
                    ).total_seconds()
            until = min(until, time.monotonic() + left)
        with self._lock:
            if generation != self.generation:
                return
            if len(self._items) >= MAX_ENTRIES:
                now = time.monotonic()
                self._items = {k: v for k, v in self._items.items() if v[1] > now}
                if len(self._items) >= MAX_ENTRIES:
                    self._items.clear()
            self._items[session_id] = (principal, until)

    def invalidate(self) -> None:
        with self._lock:
            self.generation += 1
            self._items.clear()


CACHE = SessionCache()


def touches_auth(statement: str) -> bool:
    """Does this SQL statement change who a session authenticates as (or whether it does)?"""
    return bool(_WRITE.match(statement)) and not _SLIDE.match(statement) and not _STAMP.match(statement)


@event.listens_for(Engine, "after_cursor_execute")
def _after_execute(conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool) -> None:
    if touches_auth(statement):
        conn.info[_DIRTY] = True
        CACHE.invalidate()


@event.listens_for(Engine, "commit")
def _on_commit(conn: Any) -> None:  # just before the commit
    if conn.info.get(_DIRTY):
        CACHE.invalidate()


@event.listens_for(Pool, "checkin")
def _on_checkin(_dbapi_conn: Any, record: Any) -> None:  # after the commit, when the session closes
    if record is not None and record.info.pop(_DIRTY, False):
        CACHE.invalidate()


@event.listens_for(Engine, "rollback")
def _after_rollback(conn: Any) -> None:
    conn.info.pop(_DIRTY, None)
