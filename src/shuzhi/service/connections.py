"""Database connections as a use case: create/change/remove with the password sealed, test, browse.
The engines that answer direct-mode queries are a process resource (service.executor.direct_engines); changing or
removing a connection invalidates its engine there.

Invariants
- Plaintext passwords exist only in memory between the request and the driver: they are sealed with
  shuzhi.auth.secrets before they reach the catalog, opened only to build a URL, and never put in a
  log line, a response or an error message (errors pass through sources.databases.redact).
- Changing or removing a connection disposes its direct engine (service.executor.direct_engines), so the
  next query uses the new settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from shuzhi.auth.secrets import SecretBox
from shuzhi.catalog import connections as store
from shuzhi.catalog.connections import DbConnection
from shuzhi.engines.source_reader import SourceDB
from shuzhi.log import get_logger
from shuzhi.service.executor import direct_engines
from shuzhi.sources.databases import KINDS, ConnectionParts, build_url, check_parts, display_url

if TYPE_CHECKING:
    from shuzhi.runtime import Runtime

log = get_logger(__name__)


def secret_box(rt: Runtime) -> SecretBox:
    return SecretBox.from_settings(rt.settings)


def check(rt: Runtime, parts: ConnectionParts) -> ConnectionParts:
    return check_parts(parts, rt.settings.allowed_dialects)


def password_of(rt: Runtime, rec: DbConnection) -> str | None:
    return secret_box(rt).open(rec.secret) if rec.secret else None


@contextmanager
def open_source(rt: Runtime, parts: ConnectionParts, password: str | None) -> Iterator[SourceDB]:
    """A SourceDB for the duration of a block (disposed afterwards)."""
    parts = check(rt, parts)
    src = SourceDB(parts.kind, build_url(parts, password), password=password,
                   connect_timeout_s=rt.settings.connect_timeout_s)
    try:
        yield src
    finally:
        src.dispose()


@contextmanager
def open_connection(rt: Runtime, rec: DbConnection) -> Iterator[SourceDB]:
    with open_source(rt, rec.parts, password_of(rt, rec)) as src:
        yield src


def to_dict(rec: DbConnection) -> dict[str, Any]:
    """What the API and CLI show: everything but the secret (password_set says whether one is stored)."""
    kind = KINDS.get(rec.kind)
    return {"id": rec.id, "name": rec.name, "label": rec.label, "kind": rec.kind,
            "kind_label": kind.label if kind else rec.kind, "host": rec.host, "port": rec.port,
            "database": rec.database, "username": rec.username, "options": dict(rec.options or {}),
            "password_set": bool(rec.secret), "url": display_url(rec.parts),
            "direct_query": bool(kind and kind.sql_dialect in ("postgres", "mysql")),
            "created_at": rec.created_at.isoformat(), "updated_at": rec.updated_at.isoformat(),
            "created_by": rec.created_by}


def create(rt: Runtime, db: Session, name: str, parts: ConnectionParts, password: str | None, *,
           label: str | None = None, actor: str | None = None) -> DbConnection:
    parts = check(rt, parts)
    sealed = secret_box(rt).seal(password) if password else None
    rec = store.create_connection(db, name, parts, sealed, label=label, actor=actor)
    log.info("connection_created", connection=rec.name, kind=rec.kind, actor=actor)
    return rec


def update(rt: Runtime, db: Session, rec: DbConnection, *, changes: dict[str, Any], password: str | None = None,
           clear_password: bool = False, actor: str | None = None) -> DbConnection:
    """Apply `changes` (any of kind, host, port, database, username, options, label); a password given
    replaces the stored one, clear_password removes it."""
    old = rec.parts
    parts = None
    if any(k in changes for k in ("kind", "host", "port", "database", "username", "options")):
        merged = {"kind": old.kind, "host": old.host, "port": old.port, "database": old.database,
                  "username": old.username, "options": old.options}
        merged.update({k: v for k, v in changes.items() if k in merged})
        if "kind" in changes and "port" not in changes and old.port == KINDS[old.kind].default_port:
            merged["port"] = None  # the new kind's default port
        parts = check(rt, ConnectionParts(**merged))
    sealed = secret_box(rt).seal(password) if password else None
    store.update_connection(db, rec, parts, sealed_secret=sealed, clear_secret=clear_password,
                            label=changes.get("label"))
    direct_engines(rt).invalidate(rec.name)
    log.info("connection_changed", connection=rec.name, fields=sorted(changes), password_changed=bool(password),
             actor=actor)
    return rec


def delete(rt: Runtime, db: Session, rec: DbConnection, *, actor: str | None = None) -> None:
    name = rec.name
    store.delete_connection(db, rec)
    direct_engines(rt).invalidate(name)
    log.info("connection_deleted", connection=name, actor=actor)
