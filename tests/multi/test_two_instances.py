"""Two real `shuzhi serve` instances on one PostgreSQL metadata store, one Redis and one data source
(issue 18): started together, they answer alike, see each other's writes, share the result cache
and its invalidation, share login throttling, and run each scheduled firing exactly once."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import sqlalchemy as sa
from instances import REDIS_URL, Instance, data_connection, data_env, instances, load_data, shared_model

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

SPEC = {"model": "multi", "metrics": ["revenue", "order_count"],
        "dimensions": ["customers.manager", {"name": "month", "field": "orders.order_date", "grain": "month"}],
        "order_by": [{"field": "customers.manager"}, {"field": "month"}]}


def ask(inst: Instance) -> tuple[list, bool]:
    r = inst.client.post("/api/v1/query", json=SPEC, headers=inst.headers)
    assert r.status_code == 200, r.text + inst.log()[-4000:]
    return r.json()["rows"], r.json()["cached"]


def wait_job(inst: Instance, job_id: int, timeout_s: float = 60) -> dict:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        job = inst.client.get(f"/api/v1/jobs/{job_id}", headers=inst.headers).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def setup_shared_model(a: Instance, data_url: str) -> None:
    if data_connection() is not None:
        u = sa.engine.make_url(data_url)
        r = a.client.post("/api/v1/connections", headers=a.headers, json={
            "name": data_connection(), "kind": "postgresql", "host": u.host, "port": u.port,
            "database": u.database, "username": u.username})
        assert r.status_code == 201, r.text
    r = a.client.put("/api/v1/models/multi", json=shared_model(data_connection()), headers=a.headers)
    assert r.status_code == 200, r.text


def test_two_instances_behave_as_one(meta_pg: str, data_pg: str, redis_prefix: str) -> None:
    load_data(data_pg)
    env = {"SHUZHI_METADATA_URL": meta_pg, "SHUZHI_REDIS_URL": REDIS_URL, "SHUZHI_REDIS_PREFIX": redis_prefix,
           "SHUZHI_SECRET_KEY": "multi-instance-test-key", "SHUZHI_DIRECT_CACHE_S": "3600",
           "SHUZHI_LOGIN_MAX_FAILURES": "3", "SHUZHI_SCHEDULER_PERIOD_S": "1", **data_env(data_pg)}
    meta = sa.create_engine(meta_pg)
    with instances(2, env) as (a, b):
        # Started at the same moment on an empty metadata store: migrated once, one admin.
        users = b.client.get("/api/v1/users", headers=b.headers).json()
        assert [u["username"] for u in users] == ["admin"]
        setup_shared_model(a, data_pg)

        # Alternating requests: the same answer; the first computes, the others come from the shared cache.
        answers = [ask(inst) for inst in (a, b, a, b)]
        rows = answers[0][0]
        assert len(rows) == 6 and all(r == rows for r, _ in answers)
        assert [c for _, c in answers] == [False, True, True, True]  # b's first answer was a's, via Redis

        # A write on one is seen on the other (metadata).
        board = {"name": "multi-board", "title": "多实例看板", "components": [
            {"id": "rev", "kind": "kpi", "pos": {"x": 0, "y": 0, "w": 4, "h": 3}, "spec": {"metrics": ["revenue"]}}]}
        assert a.client.post("/api/v1/dashboards", json=board, headers=a.headers).status_code == 201
        seen = b.client.get("/api/v1/dashboards/multi-board", headers=b.headers)
        assert seen.status_code == 200 and seen.json()["title"] == "多实例看板"
        data = b.client.post("/api/v1/dashboards/multi-board/data", json={}, headers=b.headers)
        assert data.status_code == 200, data.text

        # The data changes under the cache: still the cached answer (direct mode keeps it SHUZHI_DIRECT_CACHE_S)...
        with sa.create_engine(data_pg).begin() as c:
            c.execute(sa.text("UPDATE orders SET amount = amount + 1000 WHERE id = 0"))
        assert ask(b) == (rows, True)
        # ...until data is refreshed through one instance (an import on a): every instance drops its entries.
        p = a.client.post("/api/v1/imports/preview", files={"file": ("t.csv", "k,v\n1,2\n")}, headers=a.headers).json()
        r = a.client.post("/api/v1/imports", json={"upload_id": p["upload_id"], "table": "touch"}, headers=a.headers)
        assert r.status_code == 202, r.text
        assert wait_job(b, r.json()["job_id"])["status"] == "succeeded"  # b reads a's job from the metadata
        end = time.monotonic() + 3  # the invalidation reaches b by pub/sub within milliseconds
        while (fresh := ask(b)) == (rows, True) and time.monotonic() < end:
            time.sleep(0.05)
        assert fresh[1] is False and fresh[0] != rows
        assert ask(a) == (fresh[0], True)  # a reads b's new answer from Redis

        # Login throttling holds across instances: 3 failures alternating a / b lock the name on both.
        for inst in (a, b, a):
            assert inst.client.post("/api/v1/auth/login", json={"username": "admin", "password": "wrong-Pass-1"}
                                    ).status_code == 401
        assert b.client.post("/api/v1/auth/login", json={"username": "admin", "password": "wrong-Pass-1"}
                             ).status_code == 429

        # A scheduled check fires exactly once per due time, whichever instance claims it.
        rule = {"name": "multi-rule", "metric": "revenue", "grain": "month",
                "condition": {"type": "threshold", "op": ">", "value": 0}, "schedule": {"interval_s": 3600}}
        assert a.client.post("/api/v1/alerts", json=rule, headers=a.headers).status_code == 201
        with meta.begin() as c:
            sid = c.execute(sa.text("SELECT id FROM schedules WHERE kind = 'alert'")).scalar_one()
        for firing in (1, 2):
            with meta.begin() as c:
                c.execute(sa.text("UPDATE schedules SET next_run_at = :t WHERE id = :s"),
                          {"t": dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=1), "s": sid})
            end = time.monotonic() + 30
            while time.monotonic() < end:
                with meta.begin() as c:
                    done = c.execute(sa.text("SELECT count(*) FROM schedule_claims WHERE schedule_id = :s "
                                             "AND status <> 'running'"), {"s": sid}).scalar_one()
                if done == firing:
                    break
                time.sleep(0.2)
            time.sleep(3)  # both instances tick again (every second): neither may run it a second time
            with meta.begin() as c:
                jobs = c.execute(sa.text("SELECT status FROM jobs WHERE schedule_id = :s"), {"s": sid}).all()
                claims = c.execute(sa.text("SELECT status, due_at FROM schedule_claims WHERE schedule_id = :s"),
                                   {"s": sid}).all()
            assert [j[0] for j in jobs] == ["succeeded"] * firing, (jobs, a.log()[-2000:], b.log()[-2000:])
            assert [c[0] for c in claims] == ["succeeded"] * firing and len({c[1] for c in claims}) == firing
    meta.dispose()
