"""Scheduled firings across instances: claimed once however many schedulers tick together, kept by a
lease the owner renews, taken over when the owner's lease expires (a dead instance), abandoned after
MAX_ATTEMPTS owners. On SQLite and PostgreSQL (metadata_url)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from sqlalchemy import select, update

from shuzhi.catalog import schedule_claims as claims
from shuzhi.catalog.models import Job, Schedule
from shuzhi.delivery.schedules import Timing, create_schedule
from shuzhi.runtime import Runtime
from shuzhi.settings import Settings

T0 = dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC)
DEAD = "otherhost/boot/4242/1"  # an owner on another machine: never renewed here


def runtime(home: Path, url: str, calls: list, gate: threading.Event | None = None) -> Runtime:
    rt = Runtime(Settings(home=home, metadata_url=url, schedule_lease_s=30))
    rt.start(with_logging=False, create_admin=False)

    def handler(rt_: Runtime, target: str, ctx) -> dict:  # type: ignore[no-untyped-def]
        calls.append((target, ctx.job_id))
        if gate is not None:
            gate.wait(10)
        return {"ok": True}

    rt.register_schedule_kind("probe", handler)
    return rt


def wait_jobs(rt: Runtime, ids: list[int]) -> None:
    for j in ids:
        rt.jobs.wait(j, timeout=20)


def test_each_firing_is_claimed_once_by_concurrent_schedulers(tmp_path: Path, metadata_url: str) -> None:
    calls: list = []
    rts = [runtime(tmp_path / f"i{i}", metadata_url, calls) for i in range(3)]
    with rts[0].catalog.session() as db:
        for n in range(8):
            create_schedule(db, "probe", f"t{n}", Timing(interval_s=3600), now=T0 - dt.timedelta(hours=1))
    submitted: list[list[int]] = [[] for _ in rts]
    barrier = threading.Barrier(len(rts))

    def tick(i: int) -> None:
        barrier.wait()
        for k in range(3):  # the same moment, three passes each: one firing per schedule in all
            submitted[i] += rts[i].scheduler_tick(T0 + dt.timedelta(seconds=k))

    threads = [threading.Thread(target=tick, args=(i,)) for i in range(len(rts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [j for s in submitted for j in s]
    assert len(ids) == 8
    for i, rt in enumerate(rts):
        wait_jobs(rt, submitted[i])
    assert sorted(t for t, _ in calls) == sorted(f"t{n}" for n in range(8))
    with rts[0].catalog.session() as db:
        rows = list(db.scalars(select(claims.ScheduleClaim)))
        assert len(rows) == 8 and {c.status for c in rows} == {"succeeded"}
        assert sorted(c.job_id for c in rows) == sorted(ids)
    for rt in rts:
        rt.close()


def test_a_dead_instance_s_firing_is_taken_over_once_its_lease_expires(tmp_path: Path, metadata_url: str) -> None:
    calls: list = []
    rt = runtime(tmp_path / "a", metadata_url, calls)
    other = runtime(tmp_path / "b", metadata_url, [])
    with rt.catalog.session() as db:
        s = create_schedule(db, "probe", "x", Timing(interval_s=3600), now=T0)
        dead_job = Job(kind="probe", title="probe x", status="running", owner=DEAD, schedule_id=s.id)
        db.add(dead_job)
        db.flush()
        c = claims.record_claim(db, s.id, T0, DEAD, 30, T0)
        claims.set_job(db, c.id, dead_job.id)
        sid, cid, dead_id = s.id, c.id, dead_job.id
    # While the lease runs, nobody touches the claim.
    assert rt.scheduler_tick(T0 + dt.timedelta(seconds=20)) == []
    # Expired: exactly one of two ticking instances takes it over and runs it again.
    later = T0 + dt.timedelta(seconds=31)
    got = rt.scheduler_tick(later) + other.scheduler_tick(later)
    assert len(got) == 1
    wait_jobs(rt, got)
    assert [t for t, _ in calls] == ["x"]
    with rt.catalog.session() as db:
        c = db.get(claims.ScheduleClaim, cid)
        assert (c.status, c.attempts, c.job_id, c.schedule_id) == ("succeeded", 2, got[0], sid)
        old = db.get(Job, dead_id)
        assert old.status == "failed" and old.error["code"] == "job_interrupted"
    rt.close()
    other.close()


def test_the_owner_renews_its_lease_and_a_claim_is_abandoned_after_max_attempts(tmp_path: Path,
                                                                                  metadata_url: str) -> None:
    gate = threading.Event()
    calls: list = []
    rt = runtime(tmp_path / "a", metadata_url, calls, gate)
    with rt.catalog.session() as db:
        s = create_schedule(db, "probe", "slow", Timing(interval_s=3600), now=T0 - dt.timedelta(hours=1))
        sid = s.id
    (job,) = rt.scheduler_tick(T0)
    # The job runs (held by the gate): each tick renews its lease, so it is never taken over.
    rt.scheduler_tick(T0 + dt.timedelta(seconds=25))
    with rt.catalog.session() as db:
        (c,) = claims.claims_of(db, sid)
        assert c.lease_until == T0 + dt.timedelta(seconds=55) and c.status == "running"
    gate.set()
    wait_jobs(rt, [job])
    # A firing that killed MAX_ATTEMPTS instances is left alone (abandoned), not run again.
    with rt.catalog.session() as db:
        c2 = claims.record_claim(db, sid, T0 + dt.timedelta(hours=5), DEAD, 30, T0)
        db.execute(update(claims.ScheduleClaim).where(claims.ScheduleClaim.id == c2.id)
                   .values(attempts=claims.MAX_ATTEMPTS))
        db.execute(update(Schedule).where(Schedule.id == sid).values(next_run_at=T0 + dt.timedelta(days=9)))
    assert rt.scheduler_tick(T0 + dt.timedelta(minutes=5)) == []
    with rt.catalog.session() as db:
        assert db.get(claims.ScheduleClaim, c2.id).status == "abandoned"
    assert len(calls) == 1
    rt.close()


def test_finished_claims_are_pruned_after_keep_days(tmp_path: Path) -> None:
    rt = runtime(tmp_path / "a", f"sqlite:///{tmp_path / 'm.db'}", [])
    with rt.catalog.session() as db:
        s = create_schedule(db, "probe", "p", Timing(interval_s=3600), now=T0)
        old = claims.record_claim(db, s.id, T0 - dt.timedelta(days=40), DEAD, 30, T0 - dt.timedelta(days=40))
        claims.finish(db, old.id, "succeeded")
        claims.record_claim(db, s.id, T0, DEAD, 30, T0)
        assert claims.prune(db, T0) == 1
        assert len(claims.claims_of(db, s.id)) == 1
    rt.close()
