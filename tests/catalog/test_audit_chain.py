"""The audit log's hash chain on SQLite and PostgreSQL: sealed right after each commit, verified,
broken on purpose (a changed field, a deleted record, a forged link), concurrent sealers that cannot
fork it, and retention that keeps the remaining chain verifiable."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from shuzhi.catalog import audit as store
from shuzhi.catalog.audit import Filters, append
from shuzhi.catalog.db import Catalog
from shuzhi.catalog.models import AuditEvent


def _catalog(metadata_url: str) -> Catalog:
    cat = Catalog(metadata_url)
    cat.migrate()
    return cat


def _add(cat: Catalog, n: int, actor: str = "li", action: str = "dashboard.update") -> None:
    for i in range(n):
        with cat.session() as s:
            append(s, action, actor=actor, target=f"看板{i}", detail={"i": i}, ip="10.0.0.7")


def test_events_are_sealed_on_commit_and_the_chain_verifies(metadata_url: str) -> None:
    cat = _catalog(metadata_url)
    try:
        _add(cat, 5)
        with Session(cat.engine) as s:
            rows = list(s.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
        assert rows[0].prev_hash == store.GENESIS and rows[1].prev_hash == rows[0].hash
        assert rows[0].ip == "10.0.0.7"
        v = store.verify(cat.engine)
        assert v.ok and v.checked == 5 and v.head_hash == rows[-1].hash
    finally:
        cat.dispose()


def test_a_changed_field_a_deleted_record_and_a_forged_link_are_found(metadata_url: str) -> None:
    cat = _catalog(metadata_url)
    try:
        _add(cat, 6)
        with cat.session() as s:  # someone edits who did it
            s.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(actor="wang"))
        v = store.verify(cat.engine)
        assert not v.ok and v.broken_seq == 3 and v.reason == "changed" and v.checked == 2
        with cat.session() as s:
            s.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(actor="li"))
        assert store.verify(cat.engine).ok
        with cat.session() as s:  # someone removes a record
            s.execute(delete(AuditEvent).where(AuditEvent.seq == 4))
        v = store.verify(cat.engine)
        assert not v.ok and v.broken_seq == 5 and v.reason == "missing"
    finally:
        cat.dispose()


def test_a_recomputed_record_breaks_the_link_of_the_next(metadata_url: str) -> None:
    cat = _catalog(metadata_url)
    try:
        _add(cat, 4)
        with Session(cat.engine) as s, s.begin():  # change a record and recompute its own hash
            ev = s.scalar(select(AuditEvent).where(AuditEvent.seq == 2))
            assert ev is not None
            ev.target = "别的看板"
            ev.hash = store.chain_hash(ev.prev_hash or "", ev)
        v = store.verify(cat.engine)
        assert not v.ok and v.broken_seq == 3 and v.reason == "link"
    finally:
        cat.dispose()


def test_concurrent_writers_and_sealers_keep_one_chain(metadata_url: str) -> None:
    cat = _catalog(metadata_url)
    try:
        errors: list[BaseException] = []

        def work(k: int) -> None:
            try:
                _add(cat, 10, actor=f"u{k}")
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert not errors
        v = store.verify(cat.engine)
        assert v.ok and v.checked == 40
    finally:
        cat.dispose()


def test_retention_removes_a_prefix_and_the_rest_still_verifies(metadata_url: str) -> None:
    cat = _catalog(metadata_url)
    try:
        _add(cat, 3, action="auth.login")
        old = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
        with cat.session() as s:  # age the first three (sealed hashes are recomputed: an honest old log)
            s.execute(update(AuditEvent).values(at=old, seq=None, prev_hash=None, hash=None))
        store.seal(cat.engine)
        _add(cat, 2)
        assert store.prune(cat.engine, 365) == 3
        v = store.verify(cat.engine)
        assert v.ok and v.checked == 3  # the two young ones and the prune's own event
        with cat.session() as s:
            events, total = store.search(s, Filters(action="audit"))
            assert total == 1 and events[0].detail and '"removed": 3' in events[0].detail
            _, logins = store.search(s, Filters(action="auth"))
            assert logins == 0
    finally:
        cat.dispose()


def test_search_filters(metadata_url: str) -> None:
    cat = _catalog(metadata_url)
    try:
        _add(cat, 2, actor="li", action="dashboard.update")
        _add(cat, 1, actor="wang", action="dashboard.delete")
        _add(cat, 1, actor="wang", action="auth.login")
        with cat.session() as s:
            assert store.search(s, Filters(action="dashboard"))[1] == 3
            assert store.search(s, Filters(action="dashboard.delete"))[1] == 1
            assert store.search(s, Filters(user="wang"))[1] == 2
            assert store.search(s, Filters(target="看板1"))[1] == 1
            future = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
            assert store.search(s, Filters(since=future))[1] == 0
            assert store.search(s, Filters(text="100%_"))[1] == 0  # LIKE wildcards are literal
            assert store.actions(s) == ["auth.login", "dashboard.delete", "dashboard.update"]
    finally:
        cat.dispose()
