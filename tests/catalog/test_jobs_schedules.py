"""Jobs (rt.jobs), schedules (shuzhi.delivery.schedules), the scheduler tick and events."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from shuzhi.catalog import jobs as J
from shuzhi.delivery.schedules import Timing, create_schedule, list_schedules, next_run, set_schedule
from shuzhi.errors import ShuzhiError
from shuzhi.runtime import Runtime
from shuzhi.service.wiring import wire
from shuzhi.settings import Settings


@pytest.fixture
def rt(tmp_path):
    r = Runtime(Settings(home=tmp_path))
    r.start(with_logging=False, create_admin=False)
    wire(r)
    yield r
    r.close()


def _status(rt, job_id):
    with rt.catalog.session() as db:
        return J.job_dict(J.get_job(db, job_id))


def test_submit_records_progress_and_result(rt):
    seen = []

    def fn(ctx):
        for i in range(4):
            ctx.progress((i + 1) / 4, f"step {i}")
            seen.append(i)
        return {"rows": 42}

    job_id = rt.jobs.submit("test", fn, title="four steps", created_by="alice")
    rt.jobs.wait(job_id, timeout=10)
    job = _status(rt, job_id)
    assert job["status"] == "succeeded" and job["progress"] == 1.0
    assert job["result"] == {"rows": 42} and job["created_by"] == "alice"
    assert job["started_at"] and job["finished_at"]
    assert seen == [0, 1, 2, 3]


def test_failures_are_recorded_bilingual_without_traceback(rt):
    def bad(ctx):
        raise ShuzhiError("bad_thing", "坏了。", "Broken.")

    def crash(ctx):
        raise KeyError("secret internals")

    a = rt.jobs.submit("test", bad, title="bad")
    b = rt.jobs.submit("test", crash, title="crash")
    rt.jobs.wait(a, 10)
    rt.jobs.wait(b, 10)
    ja, jb = _status(rt, a), _status(rt, b)
    assert ja["status"] == "failed" and ja["error"] == {"code": "bad_thing", "zh": "坏了。", "en": "Broken."}
    assert jb["status"] == "failed" and jb["error"]["code"] == "job_internal_error"
    assert "secret internals" not in str(jb["error"])


def test_cancel_is_cooperative(rt):
    started = threading.Event()

    def slow(ctx):
        started.set()
        while True:
            ctx.check_cancelled()
            ctx.cancelled.wait(0.05)

    job_id = rt.jobs.submit("test", slow, title="slow")
    assert started.wait(10)
    assert rt.jobs.cancel(job_id)
    rt.jobs.wait(job_id, 10)
    assert _status(rt, job_id)["status"] == "cancelled"


def test_run_inline_returns_result_and_raises_errors(rt):
    progress = []
    out = rt.jobs.run_inline("test", lambda ctx: (ctx.progress(0.5, "half"), {"ok": True})[1], title="inline",
                             on_progress=lambda f, m: progress.append((f, m)))
    assert out["ok"] is True and progress == [(0.5, "half")]
    assert _status(rt, out["job_id"])["status"] == "succeeded"
    with pytest.raises(ShuzhiError) as ei:
        rt.jobs.run_inline("test", lambda ctx: (_ for _ in ()).throw(ShuzhiError("x", "甲", "A")), title="t")
    assert ei.value.code == "x"


def test_interrupted_jobs_are_failed_at_server_start(rt):
    with rt.catalog.session() as db:
        job_id = J.create_job(db, "test", "left running").id
        J.mark_running(db, job_id)
    rt.start_background()
    job = _status(rt, job_id)
    assert job["status"] == "failed" and job["error"]["code"] == "job_interrupted"


def test_timing_validation_and_next_run():
    with pytest.raises(ShuzhiError) as ei:
        Timing(cron="61 * * * *").validate()
    assert ei.value.code == "schedule_cron" and "cron" in ei.value.zh
    with pytest.raises(ShuzhiError):
        Timing(interval_s=5).validate()
    with pytest.raises(ShuzhiError):
        Timing(cron="0 8 * * *", interval_s=600).validate()
    with pytest.raises(ShuzhiError):
        Timing(cron="0 8 * * *", timezone="Mars/Base").validate()
    # 08:00 every day in Shanghai is 00:00 UTC.
    after = dt.datetime(2026, 11, 26, 1, 0, tzinfo=dt.UTC)
    assert next_run(Timing(cron="0 8 * * *"), after) == dt.datetime(2026, 11, 27, 0, 0, tzinfo=dt.UTC)
    assert next_run(Timing(interval_s=3600), after) == dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


def test_scheduler_tick_runs_due_schedules_once(rt):
    ran = []
    rt.register_schedule_kind("test", lambda r, target, ctx: ran.append(target) or {"target": target})
    t0 = dt.datetime(2026, 11, 26, 0, 0, tzinfo=dt.UTC)
    with rt.catalog.session() as db:
        create_schedule(db, "test", "extract-7", Timing(interval_s=3600), now=t0)
        create_schedule(db, "other", "x", Timing(interval_s=3600), now=t0)  # no handler: left alone
    assert rt.scheduler_tick(t0 + dt.timedelta(minutes=30)) == []
    jobs = rt.scheduler_tick(t0 + dt.timedelta(minutes=61))
    assert len(jobs) == 1
    rt.jobs.wait(jobs[0], 10)
    assert rt.scheduler_tick(t0 + dt.timedelta(minutes=62)) == []  # claimed: next run moved forward
    assert ran == ["extract-7"]
    with rt.catalog.session() as db:
        s = {x.kind: x for x in list_schedules(db)}
        assert s["test"].last_status == "succeeded" and s["test"].last_job_id == jobs[0]
        assert s["test"].next_run_at > t0 + dt.timedelta(minutes=62)
        assert s["other"].last_run_at is None
        assert set_schedule(db, "test", "extract-7", None) is None
        assert [x.kind for x in list_schedules(db)] == ["other"]


def test_events_reach_subscribers_and_survive_failures(rt):
    got = []
    rt.events.subscribe("data_refreshed", lambda p: 1 / 0)
    rt.events.subscribe("data_refreshed", got.append)
    rt.data_refreshed(["sales_orders"], "import")
    assert got == [{"tables": ["sales_orders"], "reason": "import"}]


def test_areas_are_wired_once_however_often_start_runs(rt):
    subscribers = len(rt.events._subs["data_refreshed"])
    rt.start(with_logging=False, create_admin=False)
    wire(rt)
    assert len(rt.events._subs["data_refreshed"]) == subscribers == 2  # datasets and alerts
    assert {"refresh", "dataset", "alert"} <= set(rt.scheduler.handlers)
