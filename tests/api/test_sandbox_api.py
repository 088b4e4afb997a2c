"""Finding 1 of issue 12 through the real app: a model dataset that reads a server file is refused when
an editor saves it, and one already stored (saved before the check existed) never runs for a viewer;
admin /sql cannot read files in the working directory and a huge result comes back capped, quickly."""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import select

from shuzhi.catalog.models import ModelRecord, ModelVersion
from shuzhi_testing import login

SECRET = "SHUZHI_ADMIN_PASSWORD=Sekr1t-7731"


def _env_dataset(model: dict, path: str) -> dict:  # type: ignore[type-arg]
    model = {**model, "datasets": [*model["datasets"], {
        "name": "server_env", "sql": f"SELECT content FROM read_text('{path}')",  # noqa: S608 - the attack
        "fields": [{"name": "content", "type": "string"}]}],
        "metrics": [*model["metrics"], {"name": "env_rows", "label": "环境", "dataset": "server_env", "agg": "count"}]}
    return model


def _user(c, h, name: str, role: str):  # type: ignore[no-untyped-def]
    password = f"{name.title()}-Pass-01"
    assert c.post("/api/v1/users", json={"username": name, "password": password, "role": role},
                  headers=h).status_code == 201
    other = type(c)(c.app, raise_server_exceptions=False)
    return other, login(other, name, password)


@pytest.mark.slow
def test_model_reading_a_server_file_is_refused_and_never_runs(demo_api, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "server.env"  # stands for any file of the server: environ, meta.db, keys
    secret.write_text(SECRET)
    c = demo_api()
    h = login(c)
    editor, eh = _user(c, h, "wang", "editor")
    viewer, vh = _user(c, h, "li", "viewer")
    model = editor.get("/api/v1/models/huajing", headers=eh).json()["definition"]

    for path in ("/proc/self/environ", str(secret)):
        r = editor.put("/api/v1/models/huajing", json=_env_dataset(model, path), headers=eh)
        assert r.status_code in (400, 422), r.text
        assert r.json()["error"]["code"] == "model_invalid" and "read_text" in r.text
        assert "Sekr1t" not in r.text and "PATH=" not in r.text
    assert c.get("/api/v1/models/huajing", headers=h).json()["version"] == 1

    # A model stored before the check (written straight into the catalog): queries still refuse it.
    rt = c.app.state.runtime
    bad = _env_dataset(model, str(secret))
    with rt.catalog.session() as s:
        rec = s.scalar(select(ModelRecord).where(ModelRecord.name == "huajing"))
        rec.version += 1
        rec.definition = bad
        s.add(ModelVersion(model_id=rec.id, version=rec.version, definition=bad, created_by="legacy"))
    for body in ({"metrics": ["env_rows"], "dimensions": ["server_env.content"]}, {"metrics": ["revenue"]}):
        r = viewer.post("/api/v1/query", json=body, headers=vh)
        assert 400 <= r.status_code < 500, r.text
        assert "Sekr1t" not in r.text and "SHUZHI_ADMIN_PASSWORD" not in r.text and "PATH=" not in r.text
    r = viewer.post("/api/v1/ask", json={"question": "环境"}, headers=vh)
    assert "Sekr1t" not in r.text and "PATH=" not in r.text and r.status_code < 500


@pytest.fixture
def sql_client(make_client, settings):  # type: ignore[no-untyped-def]
    def make(**env: str):  # type: ignore[no-untyped-def]
        settings.ensure_home()
        duckdb.connect(str(settings.warehouse_path)).execute("CREATE TABLE t AS SELECT 1 AS a").close()
        return make_client(**env)

    return make


@pytest.mark.parametrize("sql", [
    "SELECT * FROM 'secret.csv'", "SELECT * FROM read_csv('secret.csv')", "SELECT * FROM read_csv_auto('./secret.csv')",
    "SELECT * FROM glob('*')", "SELECT content FROM read_text('{home}/meta.db')",
    'SUMMARIZE "secret.csv"', 'DESCRIBE "secret.csv"', 'SUMMARIZE SELECT * FROM "./secret.csv"',
    "SELECT content FROM read_text('http://127.0.0.1:9/x')",
])
def test_admin_sql_cannot_read_files(sql_client, settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                     sql: str) -> None:
    c = sql_client()
    h = login(c)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret.csv").write_text("k\nSHUZHI_SECRET_IN_CWD\n")
    r = c.post("/api/v1/sql", json={"sql": sql.format(home=settings.home)}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "sql_external_access", r.text
    assert "SHUZHI_SECRET" not in r.text


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_admin_sql_huge_result_is_capped_while_streaming(sql_client) -> None:  # type: ignore[no-untyped-def]
    c = sql_client()
    h = login(c)
    before, started = _rss_mb(), time.monotonic()
    r = c.post("/api/v1/sql", json={"sql": "SELECT * FROM range(10000000000)", "limit": 100_000}, headers=h)
    elapsed, grown = time.monotonic() - started, _rss_mb() - before
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["truncated"] is True and len(body["rows"]) == 10_000  # SHUZHI_SQL_ROW_CAP
    assert elapsed < 10 and grown < 300, (elapsed, grown)


def test_admin_sql_time_limit(sql_client) -> None:  # type: ignore[no-untyped-def]
    c = sql_client(SHUZHI_SQL_TIMEOUT_S="0.5")
    h = login(c)
    started = time.monotonic()
    r = c.post("/api/v1/sql", json={"sql": "SELECT count(*) FROM range(1000000000) a, range(1000) b"}, headers=h)
    assert r.status_code == 504 and r.json()["error"]["code"] == "query_timeout", r.text
    assert time.monotonic() - started < 10
