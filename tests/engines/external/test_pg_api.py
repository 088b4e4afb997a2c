"""A second instance over the API: the same catalog and the same PostgreSQL warehouse as the `shuzhi demo`
home (two instances sharing both). Health, queries, the data page and checked hand-written SQL."""

from __future__ import annotations

import pytest

from shuzhi_testing import login

pytestmark = pytest.mark.postgres
SPEC = {"metrics": ["revenue"], "dimensions": [{"field": "time", "grain": "year", "name": "year"}]}


def test_second_instance_over_the_api(make_client, pg_settings, pg_rt, duck_rt) -> None:  # type: ignore[no-untyped-def]
    from shuzhi.service.executor import Executor
    from shuzhi.spec.resolve import UserContext

    client = make_client(f"sqlite:///{pg_settings.meta_path}", SHUZHI_WAREHOUSE_URL=pg_settings.warehouse_url)
    health = client.get("/api/v1/health").json()
    assert health["warehouse"] == "ok"
    h = login(client)
    r = client.post("/api/v1/query", json=SPEC, headers=h)
    assert r.status_code == 200, r.text
    expected = Executor.open(duck_rt, UserContext.system()).run(SPEC, use_cache=False).table.to_pylist()
    got = r.json()["rows"]
    assert len(got) == len(expected) > 1
    assert [round(row[1], 2) for row in got] == [round(e["revenue"], 2) for e in expected]
    tables = {t["name"]: t["rows"] for t in client.get("/api/v1/tables", headers=h).json()}
    assert tables["customers"] > 0 and not any(n.startswith("_shuzhi") for n in tables)
    assert client.get("/api/v1/tables/customers/preview", headers=h).status_code == 200
    assert client.get("/api/v1/tables/customers/profile", headers=h).json()["rows"] == tables["customers"]
    sql = client.post("/api/v1/sql", json={"sql": "SELECT count(*) AS n FROM customers"}, headers=h)
    assert sql.status_code == 200 and sql.json()["rows"] == [[tables["customers"]]]
    bad = client.post("/api/v1/sql", json={"sql": "SELECT pg_read_file('/etc/passwd')"}, headers=h)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "sql_not_allowed_external"
