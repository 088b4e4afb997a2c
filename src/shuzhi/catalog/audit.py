"""The audit log's storage: the hash chain (seal, verify), search, and retention (prune).

Invariants
- Events are appended by auth.users.audit() inside the transaction that did the thing, so an
  event exists exactly when its action committed. They are sealed right after that commit (an
  after-commit hook, also at start and before every read): each sealed record takes the next
  `seq` and hash_n = sha256(hash_{n-1} + "\n" + its content), content being the canonical JSON of
  [id, at, actor, action, target, detail, request_id, ip]. `seq` is unique, so two processes that
  seal at once cannot fork the chain: the loser's transaction fails and it starts again.
- verify() walks the chain in `seq` order and names the first record whose content, link or place
  no longer matches: a changed field, a deleted record, a record moved or forged in the middle.
- Retention removes the oldest prefix of the chain only; the last removed record's (seq, hash)
  becomes the anchor (app_settings "audit.anchor") the first remaining record must link to, and
  the prune itself is an event. Someone who can rewrite the whole database can recompute the
  chain; `shuzhi audit verify` prints the head hash so it can be kept elsewhere (docs/auth.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import Engine, Select, delete, event, func, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from shuzhi.catalog.models import AppSetting, AuditEvent, utcnow

GENESIS = "0" * 64
ANCHOR_KEY = "audit.anchor"
BATCH = 1000


def append(s: Session, action: str, *, actor: str | None, target: str | None = None,
           detail: dict[str, Any] | None = None, request_id: str | None = None, ip: str | None = None) -> None:
    """Append an event in `s`'s transaction (it exists exactly when the action commits, and is
    sealed right after). The request id and the client's address come from the request being
    served (api/middleware.py binds them) when not given."""
    ctx = structlog.contextvars.get_contextvars()
    s.add(AuditEvent(
        action=action[:64],
        actor=actor,
        target=(target or "")[:128] or None,
        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
        request_id=request_id or ctx.get("request_id"),
        ip=ip or ctx.get("client_ip") or (detail or {}).get("ip"),
    ))
    s.info["audit_pending"] = True


def content(ev: AuditEvent) -> bytes:
    at = ev.at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    fields = [ev.id, at, ev.actor, ev.action, ev.target, ev.detail, ev.request_id, ev.ip]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def chain_hash(prev: str, ev: AuditEvent) -> str:
    return hashlib.sha256(prev.encode("ascii") + b"\n" + content(ev)).hexdigest()


def anchor(s: Session) -> tuple[int, str]:
    """(seq, hash) the first remaining record links to: (0, GENESIS) until something was pruned."""
    rec = s.get(AppSetting, ANCHOR_KEY)
    if rec is None or not isinstance(rec.value, dict):
        return 0, GENESIS
    return int(rec.value.get("seq", 0)), str(rec.value.get("hash", GENESIS))


def _head(s: Session) -> tuple[int, str]:
    row = s.execute(select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.seq.is_not(None))
                    .order_by(AuditEvent.seq.desc()).limit(1)).first()
    return (int(row[0]), str(row[1])) if row is not None else anchor(s)


def seal(engine: Engine, *, attempts: int = 8) -> int:
    """Seal every unsealed event in id order; the number sealed. Safe to run from several
    processes at once (a lost race on `seq` is retried)."""
    total = 0
    tries = 0
    while tries < attempts:
        try:
            with Session(engine) as s, s.begin():
                seq, prev = _head(s)
                pending = list(s.scalars(select(AuditEvent).where(AuditEvent.seq.is_(None))
                                         .order_by(AuditEvent.id).limit(BATCH)))
                for ev in pending:
                    seq += 1
                    ev.seq, ev.prev_hash = seq, prev
                    ev.hash = prev = chain_hash(prev, ev)
        except (IntegrityError, OperationalError):
            tries += 1  # another process sealed the same places first (or held the lock): read again
            continue
        total += len(pending)
        if len(pending) < BATCH:
            return total
    return total


@dataclass
class Verdict:
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    broken_id: int | None = None
    broken_seq: int | None = None
    reason: str | None = None  # "changed" | "link" | "missing" (a gap: records removed)


def verify(engine: Engine) -> Verdict:
    """Walk the whole chain; the first record that no longer matches, if any."""
    seal(engine)
    with Session(engine) as s:
        seq, prev = anchor(s)
        checked = 0
        for ev in _sealed(s):
            if ev.seq != seq + 1:
                return Verdict(False, checked, seq, prev, ev.id, ev.seq, "missing")
            if ev.prev_hash != prev:
                return Verdict(False, checked, seq, prev, ev.id, ev.seq, "link")
            if chain_hash(prev, ev) != ev.hash:
                return Verdict(False, checked, seq, prev, ev.id, ev.seq, "changed")
            seq, prev = int(ev.seq or 0), ev.hash or ""
            checked += 1
        return Verdict(True, checked, seq, prev)


def _sealed(s: Session) -> Iterator[AuditEvent]:
    after = -1
    while True:
        batch = list(s.scalars(select(AuditEvent).where(AuditEvent.seq.is_not(None), AuditEvent.seq > after)
                               .order_by(AuditEvent.seq).limit(BATCH)))
        yield from batch
        if len(batch) < BATCH:
            return
        after = int(batch[-1].seq or 0)
        s.expunge_all()


def _seal_after_commit(session: Session) -> None:
    """Seal what a committed transaction appended (auth.users.audit flags the session)."""
    if not session.info.pop("audit_pending", False):
        return
    bind = session.get_bind()
    try:
        seal(bind.engine if hasattr(bind, "engine") else bind)  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - the next seal (start, read, verify) catches up
        from shuzhi.log import get_logger

        get_logger("shuzhi.audit").warning("audit_seal_deferred", error=type(exc).__name__)


event.listen(Session, "after_commit", _seal_after_commit)


# -- search ---------------------------------------------------------------------------------
@dataclass
class Filters:
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    user: str | None = None
    action: str | None = None  # an exact action, or a family: "auth" matches auth.login, auth.login_failed, ...
    target: str | None = None  # a part of the target
    text: str | None = None  # a part of the actor, action, target or detail


def _where(q: Select[Any], f: Filters) -> Select[Any]:
    if f.since is not None:
        q = q.where(AuditEvent.at >= f.since)
    if f.until is not None:
        q = q.where(AuditEvent.at < f.until)
    if f.user:
        q = q.where(AuditEvent.actor == f.user)
    if f.action:
        q = q.where(or_(AuditEvent.action == f.action, AuditEvent.action.startswith(f.action.rstrip(".") + ".",
                                                                                      autoescape=True)))
    if f.target:
        q = q.where(AuditEvent.target.contains(f.target, autoescape=True))
    if f.text:
        q = q.where(or_(*(col.contains(f.text, autoescape=True) for col in
                          (AuditEvent.actor, AuditEvent.action, AuditEvent.target, AuditEvent.detail))))
    return q


def search(s: Session, f: Filters, *, limit: int = 100, offset: int = 0) -> tuple[list[AuditEvent], int]:
    """Events matching `f`, newest first, and how many match in all."""
    total = s.scalar(_where(select(func.count()).select_from(AuditEvent), f)) or 0
    rows = list(s.scalars(_where(select(AuditEvent), f).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)))
    return rows, int(total)


def actions(s: Session) -> list[str]:
    """Every action that occurs in the log (the page's action filter)."""
    return sorted(s.scalars(select(AuditEvent.action).distinct()))


# -- retention ------------------------------------------------------------------------------
def prune(engine: Engine, retention_days: int, *, now: dt.datetime | None = None) -> int:
    """Remove sealed events older than the retention (0: keep everything); the number removed.
    Only a prefix of the chain goes, and the anchor moves to its last record."""
    if retention_days <= 0:
        return 0
    seal(engine)
    cutoff = (now or utcnow()) - dt.timedelta(days=retention_days)
    with Session(engine) as s, s.begin():
        first_young = s.scalar(select(func.min(AuditEvent.seq)).where(AuditEvent.at >= cutoff,
                                                                      AuditEvent.seq.is_not(None)))
        last_old = s.execute(select(AuditEvent.seq, AuditEvent.hash)
                             .where(AuditEvent.seq.is_not(None), AuditEvent.at < cutoff,
                                    *([AuditEvent.seq < first_young] if first_young is not None else []))
                             .order_by(AuditEvent.seq.desc()).limit(1)).first()
        if last_old is None:
            return 0
        through, through_hash = int(last_old[0]), str(last_old[1])
        removed = s.execute(delete(AuditEvent).where(AuditEvent.seq <= through)).rowcount or 0
        rec = s.get(AppSetting, ANCHOR_KEY)
        value = {"seq": through, "hash": through_hash}
        if rec is None:
            s.add(AppSetting(key=ANCHOR_KEY, value=value, updated_by="audit"))
        else:
            rec.value, rec.updated_at, rec.updated_by = value, utcnow(), "audit"
        s.add(AuditEvent(action="audit.prune", actor=None, target=f"seq ≤ {through}",
                         detail=json.dumps({"removed": removed, "retention_days": retention_days,
                                            "anchor_hash": through_hash}, ensure_ascii=False)))
    seal(engine)
    return int(removed)
