"""The connections API end to end on real PostgreSQL / MariaDB: admin only, passwords sealed in the
catalog and absent from responses and logs, browse, pick + refresh jobs, history, schedules."""

from __future__ import annotations

import sqlalchemy as sa
from source_env import Source

from shuzhi_testing import TEST_PASSWORD, login

PASSWORD = "Pw-7z!q_Sealed%42"


def _wait(client, job_id: int) -> dict:  # type: ignore[no-untyped-def]
    client.app.state.runtime.jobs.wait(job_id, timeout=60)
    return client.get(f"/api/v1/jobs/{job_id}").json()


def test_connection_lifecycle_and_secrets(make_client, pg_source: Source, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = make_client()
    h = login(client)
    r = client.post("/api/v1/connections", json=pg_source.conn_body("erp", PASSWORD) | {"label": "ERP 库"},
                    headers=h)
    assert r.status_code == 201, r.text
    conn = r.json()
    assert conn["password_set"] is True and conn["direct_query"] is True and "password" not in conn
    assert PASSWORD not in r.text and conn["url"].startswith("postgresql+psycopg://postgres:***@127.0.0.1:5432/test")

    # The catalog holds only a Fernet token; the key file is private.
    rt = client.app.state.runtime
    with rt.catalog.engine.connect() as c:
        raw = c.execute(sa.text("SELECT secret FROM db_connections WHERE name = 'erp'")).scalar_one()
    assert PASSWORD not in raw and raw.startswith("gAAAA")
    key = rt.settings.secret_key_path
    assert key.exists() and (key.stat().st_mode & 0o777) == 0o600

    assert client.post("/api/v1/connections/erp/test", headers=h).json()["ok"] is True
    schemas = client.get("/api/v1/connections/erp/schemas").json()
    assert pg_source.schema in schemas and "pg_catalog" not in schemas
    tables = {t["name"]: t for t in client.get(f"/api/v1/connections/erp/tables?schema={pg_source.schema}").json()}
    assert tables["orders"]["row_count"] == 120 and tables["customers"]["row_count"] == 4
    cols = client.get(f"/api/v1/connections/erp/tables/orders/columns?schema={pg_source.schema}").json()
    assert cols["row_count"] == 120
    assert {c["name"]: (c["type"], c["primary_key"]) for c in cols["columns"]}["amount"] == ("decimal128(12, 2)", False)
    assert [c["name"] for c in cols["columns"] if c["primary_key"]] == ["id"]

    body = {"tables": [{"schema": pg_source.schema, "table": "orders", "refresh": "incremental",
                        "incremental_column": "updated_at", "incremental_kind": "updated_at",
                        "schedule": {"cron": "0 2 * * *"}},
                       {"schema": pg_source.schema, "table": "customers", "target": "erp_cust"}]}
    r = client.post("/api/v1/connections/erp/tables", json=body, headers=h)
    assert r.status_code == 201, r.text
    out = r.json()
    assert [e["target_table"] for e in out["extracts"]] == ["erp_orders", "erp_cust"]
    assert out["extracts"][0]["schedule"]["cron"] == "0 2 * * *"
    assert [_wait(client, j)["status"] for j in out["job_ids"]] == ["succeeded", "succeeded"]
    ext = client.get("/api/v1/extracts/erp_orders").json()
    assert ext["row_count"] == 120 and ext["last_status"] == "succeeded" and ext["watermark"].startswith("2026-01-01")

    job = client.post(f"/api/v1/extracts/{ext['id']}/refresh", json={"full": True}, headers=h).json()["job_id"]
    assert _wait(client, job)["result"]["kind"] == "full"
    runs = client.get(f"/api/v1/extracts/{ext['id']}/runs").json()
    assert [r["status"] for r in runs] == ["succeeded", "succeeded"]
    assert runs[0]["rows_read"] == 120 and runs[0]["bytes"] > 0 and runs[0]["finished_at"]

    # Change the password; a wrong kind is refused clearly; removing needs the tables removed first.
    r = client.patch("/api/v1/connections/erp", json={"password": PASSWORD + "2"}, headers=h)
    assert r.status_code == 200 and PASSWORD not in r.text
    r = client.post("/api/v1/connections", json=pg_source.conn_body("bad") | {"kind": "db2"}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "connection_kind_unknown"
    r = client.delete("/api/v1/connections/erp", headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "connection_in_use"
    for e in client.get("/api/v1/extracts").json():
        assert client.delete(f"/api/v1/extracts/{e['id']}?drop_table=true", headers=h).status_code == 204
    assert client.delete("/api/v1/connections/erp", headers=h).status_code == 204

    # Nothing in any response listed above or in the logs carries the password.
    log_text = "".join(p.read_text(encoding="utf-8") for p in (rt.settings.logs_dir).glob("*.log*"))
    assert "connection_created" in log_text and PASSWORD not in log_text


def test_connection_errors_are_bilingual_and_redacted(make_client, maria_source: Source) -> None:  # type: ignore[no-untyped-def]
    client = make_client()
    h = login(client)
    bad = maria_source.conn_body("m", "Wr0ng-Secret-99") | {"username": "nobody_here"}
    r = client.post("/api/v1/connections/test", json=bad, headers=h)
    assert r.status_code == 502 and r.json()["error"]["code"] == "connection_failed"
    assert "Wr0ng-Secret-99" not in r.text and "无法连接 MariaDB" in r.json()["error"]["message"]
    r = client.post("/api/v1/connections/test", json=bad, headers=h | {"Accept-Language": "en"})
    assert r.json()["error"]["message"].startswith("Cannot connect to MariaDB")
    r = client.post("/api/v1/connections/test", json=maria_source.conn_body("m") | {"port": 1}, headers=h)
    assert r.status_code == 502 and r.json()["error"]["code"] == "connection_failed"
    ok = client.post("/api/v1/connections/test", json=maria_source.conn_body("m"), headers=h).json()
    assert ok["ok"] is True and ok["server_version"]
    # Allowed kinds come from settings.
    limited = make_client(SHUZHI_ALLOWED_DIALECTS="postgresql")
    h2 = login(limited)
    r = limited.post("/api/v1/connections/test", json=maria_source.conn_body("m"), headers=h2)
    assert r.status_code == 403 and r.json()["error"]["code"] == "connection_kind_not_allowed"


def test_connections_are_admin_only(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client()
    h = login(client)
    assert client.post("/api/v1/users", json={"username": "lisi", "password": "Lisi-Pass-0001", "role": "editor"},
                       headers=h).status_code == 201
    editor = type(client)(client.app, raise_server_exceptions=False)
    h2 = login(editor, "lisi", "Lisi-Pass-0001")
    for method, path in (("get", "/api/v1/connections"), ("get", "/api/v1/extracts"),
                         ("post", "/api/v1/connections/test")):
        r = getattr(editor, method)(path, headers=h2, **({"json": {"kind": "sqlite"}} if method == "post" else {}))
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", path
    assert TEST_PASSWORD  # the admin's password is the shared test one


def test_a_schedule_fires_through_the_scheduler(make_client, maria_source: Source) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    client = make_client()
    h = login(client)
    assert client.post("/api/v1/connections", json=maria_source.conn_body("mes"), headers=h).status_code == 201
    body = {"tables": [{"table": maria_source.orders, "target": "mes_orders", "schedule": {"interval_s": 3600}}],
            "refresh_now": False}
    ext = client.post("/api/v1/connections/mes/tables", json=body, headers=h).json()["extracts"][0]
    assert ext["row_count"] is None and ext["schedule"]["interval_s"] == 3600
    rt = client.app.state.runtime
    assert rt.scheduler_tick() == []  # not due yet
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1, minutes=1)
    (job,) = rt.scheduler_tick(later)
    assert _wait(client, job)["status"] == "succeeded"
    runs = client.get(f"/api/v1/extracts/{ext['id']}/runs").json()
    assert runs[0]["triggered_by"] == "scheduler" and runs[0]["rows_total"] == 120
    assert client.get("/api/v1/extracts/mes_orders").json()["schedule"]["last_status"] == "succeeded"
