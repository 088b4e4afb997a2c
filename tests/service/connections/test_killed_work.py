"""Work killed half-way (SIGKILL of a real `shuzhi` process) ends as interrupted at the next start and
leaves no stage table; work of a process that is still alive is never touched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from source_env import Source

from shuzhi.catalog import connections as store
from shuzhi.catalog import jobs as J
from shuzhi.catalog.models import Job
from shuzhi.runtime import Runtime
from shuzhi.service.refresh import Pick, pick_tables
from shuzhi.service.wiring import wire
from shuzhi.settings import get_settings
from shuzhi.sources.databases import ConnectionParts

SHUZHI = str(Path(sys.executable).parent / "shuzhi")


def _spawn(*args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SHUZHI_EXTRACT_BATCH_ROWS": "5000", "SHUZHI_ADMIN_PASSWORD": "Test-Passw0rd!"}
    return subprocess.Popen([SHUZHI, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _kill_when(proc: subprocess.Popen[bytes], rt: Runtime, kind: str, min_progress: float) -> int:
    """SIGKILL `proc` once its job of `kind` is running with at least `min_progress`; the job id."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else proc.returncode
        with rt.catalog.session() as db:
            job = next((j for j in J.list_jobs(db, kind=kind) if j.status == "running"), None)
            if job is not None and job.progress >= min_progress:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(30)
                return job.id
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("the job never got going")


def _stages(home_wh: Path) -> list[str]:
    con = duckdb.connect(str(home_wh), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                          "WHERE table_name LIKE '\\_shuzhi\\_stage\\_%' ESCAPE '\\'").fetchall()]
    finally:
        con.close()


@pytest.mark.slow
def test_a_killed_refresh_ends_interrupted_and_leaves_no_stage(rt: Runtime, pg_source: Source) -> None:
    view = f"CREATE VIEW {pg_source.q('big')} AS SELECT g AS id, md5(g::text) AS name "  # noqa: S608 - test schema
    pg_source.execute(view + "FROM generate_series(1, 3000000) g")
    b = pg_source.conn_body("erp")
    from shuzhi.service import connections as conns

    with rt.catalog.session() as db:
        conn = conns.create(rt, db, "erp", ConnectionParts(b["kind"], b["host"], b["port"], b["database"],
                                                           b["username"]), None)
        (st,) = pick_tables(rt, db, conn, [Pick(table="big", schema=pg_source.schema, target="big_x")], actor="t")
        sid = st.id
    rt.close()  # the child process needs the warehouse (one writer at a time)
    wh_path = get_settings().warehouse_path
    proc = _spawn("extract", "refresh", str(sid))
    job_id = _kill_when(proc, rt, "refresh", 0.02)
    # What the kill left: a stage table with the batches so far, a run and a job "running" forever.
    assert _stages(wh_path), "the kill came before any batch was staged"
    with rt.catalog.session() as db:
        (run,) = store.list_runs(db, sid)
        assert run.status == "running"
    # The next start: the run and the job end as interrupted ...
    again = Runtime(get_settings())
    again.start(create_admin=False)
    wire(again)
    try:
        with again.catalog.session() as db:
            (run,) = store.list_runs(db, sid)
            assert (run.status, run.error and run.error["code"]) == ("interrupted", "refresh_interrupted")
            assert store.get_source_table(db, sid).last_status == "interrupted"
            job = J.get_job(db, job_id)
            assert (job.status, job.error and job.error["code"]) == ("failed", "job_interrupted")
        # ... and the server's start drops the stage table; the target was never created.
        again.start_background()
        again.scheduler.stop()
        with again.warehouse().cursor() as cur:
            names = [r[0] for r in cur.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        assert not [n for n in names if n.startswith("_shuzhi_stage_")] and "big_x" not in names
    finally:
        again.close()


@pytest.mark.slow
def test_a_killed_import_ends_interrupted_and_leaves_nothing(rt: Runtime, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    con = duckdb.connect()
    con.execute("COPY (SELECT range AS id, 'name ' || range AS name, range * 1.5 AS amount FROM range(3000000)) "
                "TO ? (HEADER)", [str(big)])
    con.close()
    rt.close()
    proc = _spawn("import", str(big), "--table", "big")
    job_id = _kill_when(proc, rt, "import", 0.31)  # reading into the warehouse (after detection)
    again = Runtime(get_settings())
    again.start(create_admin=False)
    wire(again)
    try:
        with again.catalog.session() as db:
            job = J.get_job(db, job_id)
            assert (job.status, job.error and job.error["code"]) == ("failed", "job_interrupted")
        with again.warehouse().cursor() as cur:
            names = [r[0] for r in cur.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        assert not [n for n in names if n.startswith("_shuzhi_")] and "big" not in names
    finally:
        again.close()


def test_work_of_a_live_process_is_never_swept(rt: Runtime) -> None:
    from shuzhi import owners
    from shuzhi.runtime.recovery import recover

    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        time.sleep(0.2)
        other = owners._identity(sleeper.pid)
        assert owners.alive(other) is True and owners.alive(owners.current()) is True
        with rt.catalog.session() as db:
            live = J.create_job(db, "import", "a CLI import elsewhere", owner=other).id
            J.mark_running(db, live)
            mine = J.create_job(db, "import", "this process", owner=owners.current()).id
        recover(rt, server=True)
        with rt.catalog.session() as db:
            assert [db.get(Job, i).status for i in (live, mine)] == ["running", "queued"]
        sleeper.kill()
        sleeper.wait(10)
        assert owners.alive(other) is False
        recover(rt, server=False)
        with rt.catalog.session() as db:
            assert [db.get(Job, i).status for i in (live, mine)] == ["failed", "queued"]
    finally:
        sleeper.kill()
    # An owner on another host, or one that does not parse, is unknown: left alone.
    assert owners.alive("elsewhere/x/1/1") is None and owners.alive("garbage") is None
