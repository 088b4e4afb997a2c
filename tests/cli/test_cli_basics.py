"""The `shuzhi` command: help, users, tokens, read-only SQL, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest


@pytest.mark.slow  # a CLI or server process per step: tens of seconds on a busy 2-core machine
def test_help_everywhere(cli) -> None:  # type: ignore[no-untyped-def]
    for args in ([], ["--help"], ["serve", "--help"], ["demo", "--help"], ["user", "--help"],
                 ["user", "create", "--help"], ["sql", "--help"], ["token", "--help"]):
        r = cli(*args)
        assert r.code in (0, 2), r
        assert "Usage" in r.out, r
    assert cli("--version").out.strip().startswith("shuzhi ")


@pytest.mark.slow  # a CLI or server process per step: tens of seconds on a busy 2-core machine
def test_user_lifecycle(cli, _isolated_env: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("user", "create", "张三", "--role", "viewer", "--attr", "region=华东", "--attr", "plant=常州工厂",
            input="Zhang-San-Pass1\n")
    assert r.code == 0, r
    assert "已创建用户 张三" in r.out
    # The first use of a fresh home created the admin and printed its password once, on stderr.
    assert "admin" in r.err and "只显示这一次" in r.err
    users = json.loads(cli("user", "list", "--format", "json").out)
    assert [(u["username"], u["role"], u["attributes"]) for u in users] == [
        ("admin", "admin", {}), ("张三", "viewer", {"region": "华东", "plant": "常州工厂"})]
    assert cli("user", "set", "张三", "--role", "editor", "--unset-attr", "plant").code == 0
    u = json.loads(cli("user", "list", "--format", "json").out)[1]
    assert u["role"] == "editor" and u["attributes"] == {"region": "华东"}
    assert cli("user", "password", "张三", input="Another-Pass-2\n").code == 0
    assert cli("user", "delete", "张三", "--yes").code == 0
    assert len(json.loads(cli("user", "list", "--format", "json").out)) == 1


@pytest.mark.parametrize(
    ("args", "stdin", "needle"),
    [
        (["user", "create", "li", "--role", "boss"], "Long-Pass-11\n", "未知角色"),
        (["user", "create", "li", "--role", "viewer"], "short\n", "至少 10 个字符"),
        (["user", "create", "li", "--role", "viewer"], "", "没有读到密码"),
        (["user", "create", "li", "--role", "viewer", "--attr", "oops"], "Long-Pass-11\n", "键=值"),
        (["user", "set", "nobody", "--role", "viewer"], None, "不存在"),
        (["user", "set", "admin", "--role", "viewer"], None, "最后一个管理员"),
        (["sql", "SELECT 1", "--format", "xml"], None, "--format"),
    ],
)
def test_errors_are_one_clear_line(cli, args, stdin, needle) -> None:  # type: ignore[no-untyped-def]
    r = cli(*args, input=stdin)
    assert r.code == 1, r
    lines = [x for x in r.err.splitlines() if x.strip() and "只显示这一次" not in x]
    assert len(lines) == 1 and needle in lines[0] and lines[0].startswith("错误: "), r
    assert "Traceback" not in r.err


def test_errors_in_english(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("user", "set", "nobody", "--role", "viewer", env={"SHUZHI_LANG": "en"})
    assert r.code == 1 and r.err.strip().splitlines()[-1] == "Error: User 'nobody' does not exist."


def test_tokens_from_the_cli(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("token", "create", "nightly export", "--user", "admin", "--days", "30")
    assert r.code == 0 and r.out.strip().startswith("szt_")
    listed = cli("token", "list", "--user", "admin").out
    assert "nightly export" in listed and r.out.strip() not in listed
    assert cli("token", "revoke", "1").code == 0
    assert "已撤销" in cli("token", "list", "--user", "admin").out
    assert cli("token", "revoke", "99").code == 1


@pytest.fixture
def warehouse(_isolated_env: Path) -> Path:
    _isolated_env.mkdir(parents=True, exist_ok=True)
    path = _isolated_env / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute("""CREATE TABLE customers AS SELECT * FROM (VALUES
        (1, '苏州恒信精工', '华东', DATE '2024-01-05', 1.5),
        (2, '深圳拓达', '华南', DATE '2024-02-10', NULL)) t(customer_id, customer_name, region, created_date, score)""")
    con.close()
    return path


def test_sql_formats(cli, warehouse: Path) -> None:  # type: ignore[no-untyped-def]
    q = "SELECT customer_id, customer_name, region, created_date, score FROM customers ORDER BY 1"
    r = cli("sql", q, "--format", "json")
    assert r.code == 0, r
    assert json.loads(r.out) == {
        "columns": [{"name": "customer_id", "type": "integer"}, {"name": "customer_name", "type": "string"},
                    {"name": "region", "type": "string"}, {"name": "created_date", "type": "date"},
                    {"name": "score", "type": "number"}],
        "rows": [[1, "苏州恒信精工", "华东", "2024-01-05", 1.5], [2, "深圳拓达", "华南", "2024-02-10", None]],
    }
    assert cli("sql", q, "--format", "csv").out.splitlines()[1] == "1,苏州恒信精工,华东,2024-01-05,1.5"
    table = cli("sql", q)
    assert table.code == 0 and "苏州恒信精工" in table.out and "2 行" in table.err


@pytest.mark.slow  # a CLI or server process per step: tens of seconds on a busy 2-core machine
def test_sql_is_read_only(cli, warehouse: Path) -> None:  # type: ignore[no-untyped-def]
    before = warehouse.read_bytes()
    for q in ("DROP TABLE customers", "SELECT 1; DELETE FROM customers", "COPY customers TO '/tmp/x.csv'",
              "SELECT * FROM read_csv('/etc/passwd')"):
        r = cli("sql", q)
        assert r.code == 1 and r.err.startswith("错误: "), r
    assert warehouse.read_bytes() == before
    assert json.loads(cli("sql", "SELECT count(*) AS n FROM customers", "--format", "json").out)["rows"] == [[2]]


def test_sql_without_warehouse(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("sql", "SELECT 1")
    assert r.code == 1 and "shuzhi demo" in r.err


def test_corrupt_metadata_store(cli, _isolated_env: Path) -> None:  # type: ignore[no-untyped-def]
    _isolated_env.mkdir(parents=True)
    (_isolated_env / "meta.db").write_bytes(b"not sqlite" * 500)
    r = cli("user", "list")
    assert r.code == 1 and "已损坏" in r.err and "Traceback" not in r.err


def test_home_is_a_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "afile"
    f.write_text("x")
    r = cli("user", "list", env={"SHUZHI_HOME": str(f), "SHUZHI_LANG": "en"})
    assert r.code == 1 and "not a folder" in r.err


@pytest.mark.slow  # a CLI or server process per step: tens of seconds on a busy 2-core machine
def test_sql_is_sandboxed_and_bounded(cli, warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # the CLI runs here: a CSV beside it must stay unreadable
    (tmp_path / "secret.csv").write_text("k\nSHUZHI_SECRET_IN_CWD\n")
    for q in ('SUMMARIZE "secret.csv"', "SELECT * FROM 'secret.csv'", "SELECT * FROM read_text('/etc/passwd')",
              "SELECT * FROM glob('*')"):
        r = cli("sql", q)
        assert r.code == 1 and "SHUZHI_SECRET" not in r.out + r.err and "Traceback" not in r.err, r
    r = cli("sql", "SELECT * FROM range(10000000000)", "--format", "csv", env={"SHUZHI_SQL_ROW_CAP": "500"})
    assert r.code == 0 and len(r.out.splitlines()) == 501 and "截断" in r.err, r


MODEL_READING_A_FILE = """name: tiny
datasets:
- name: customers
  table: customers
  fields:
  - {name: region, type: string}
- name: leak
  sql: SELECT content FROM read_text('/etc/passwd')
  fields:
  - {name: content, type: string}
metrics:
- {name: n, label: 客户数, dataset: customers, agg: count}
"""


@pytest.mark.slow  # a CLI or server process per step: tens of seconds on a busy 2-core machine
def test_model_apply_refuses_sql_reading_a_file(cli, warehouse: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "tiny.yaml"
    f.write_text(MODEL_READING_A_FILE, encoding="utf-8")
    r = cli("model", "apply", str(f), env={"SHUZHI_LANG": "en"})
    assert r.code == 1 and "read_text" in r.err and "root:" not in r.out + r.err, r
    f.write_text(MODEL_READING_A_FILE.replace("read_text('/etc/passwd')", "range(3) t(content)"), encoding="utf-8")
    assert cli("model", "apply", str(f)).code == 0
