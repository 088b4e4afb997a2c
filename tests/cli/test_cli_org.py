"""`shuzhi dept add|list`, `shuzhi user create --dept`, `shuzhi share dashboard --with` as the outside
checks drive them, and the region a department gives its members in `shuzhi query --user`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from shuzhi_testing import TEST_PASSWORD

pytestmark = pytest.mark.slow  # a demo and a CLI process per step

EAST = "华精科技/销售中心/华东销售部"


def test_departments_users_and_sharing_from_the_shell(cli, _isolated_env: Path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "SHUZHI_ADMIN_PASSWORD": TEST_PASSWORD}
    assert cli("demo", "--scale", "0.02", "--end", "2026-11-25", env=env).code == 0
    r = cli("dept", "add", EAST, "--attr", "region=华东", env=env)
    assert r.code == 0 and EAST in r.out, r
    assert cli("dept", "add", "华精科技/研发中心", env=env).code == 0
    listed = json.loads(cli("dept", "list", "--format", "json", env=env).out)["departments"]
    by_path = {d["path"]: d for d in listed}
    assert set(by_path) == {"华精科技", "华精科技/销售中心", EAST, "华精科技/研发中心"}
    assert by_path[EAST]["attributes"] == {"region": "华东"} and by_path[EAST]["parent"] == "华精科技/销售中心"

    r = cli("user", "create", "zhou", "--role", "viewer", "--dept", EAST, input="Zhou-Pass-2026\n" * 2, env=env)
    assert r.code == 0, r
    users = {u["username"]: u for u in json.loads(cli("user", "list", "--format", "json", env=env).out)}
    assert users["zhou"]["departments"] == [EAST] and users["zhou"]["effective_attributes"] == {"region": "华东"}
    again = {d["path"]: d for d in json.loads(cli("dept", "list", "--format", "json", env=env).out)["departments"]}
    assert again[EAST]["members"] == 1 and again["华精科技/销售中心"]["members"] == 0
    bad = cli("user", "create", "qian", "--role", "viewer", "--dept", "华精科技/没有", input="Qian-Pass-2026\n" * 2, env=env)
    assert bad.code != 0 and "华精科技/没有" in bad.err and "Traceback" not in bad.err

    spec = json.dumps({"metrics": ["revenue"], "dimensions": ["customers.region"]})
    q = cli("query", "-", "--user", "zhou", "--format", "json", input=spec, env=env)
    assert q.code == 0, q
    assert {row[0] for row in json.loads(q.out)["rows"]} == {"华东"}  # the demo model's region rule, from the department

    r = cli("share", "dashboard", "sales", "--with", f"dept:{EAST}", env=env)
    assert r.code == 0 and f"dept:{EAST}" in r.out, r
    r = cli("share", "dashboard", "sales", "--with", "user:zhou", "--edit", env=env)
    assert r.code == 0 and "user:zhou" in r.out
    bad = cli("share", "dashboard", "sales", "--with", "team:x", env=env)
    assert bad.code != 0 and "user:" in bad.err
    events = json.loads(cli("audit", "list", "--action", "share", "--format", "json", env=env).out)["events"]
    assert [e["action"] for e in events] == ["share.grant", "share.grant"] and events[0]["user"] == "cli"
