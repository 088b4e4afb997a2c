"""A dashboard definition of the wrong shape: one bilingual 422 in the project's error shape naming the
component (by id, else position), the field path and the fault — over the API (POST, PUT) and the CLI
(`shuzhi dashboard apply`) — and nothing written."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import cli_zygote
from shuzhi_testing import client_over, demo_file, login

BASE = "/api/v1/dashboards"
EN = {"Accept-Language": "en"}
SHUZHI = str(Path(sys.executable).parent / "shuzhi")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_file(tmp_path_factory.getbasetemp(), scale=0.05, seed=42, end="2026-11-25")


@pytest.fixture
def api(make_client, settings, warehouse):  # type: ignore[no-untyped-def]
    c = client_over(make_client, settings, warehouse)
    return c, login(c)


def _good(name: str = "shape") -> dict:
    return {"name": name, "title": "形状", "components": [
        {"id": "rev", "kind": "kpi", "pos": {"x": 0, "y": 0, "w": 6, "h": 4}, "spec": {"metrics": ["revenue"]}},
        {"id": "by_region", "kind": "chart", "pos": {"x": 6, "y": 0, "w": 12, "h": 8},
         "spec": {"metrics": ["revenue"], "dimensions": ["customers.region"]}, "chart": {"type": "bar"}},
        {"id": "region", "kind": "filter", "pos": {"x": 18, "y": 0, "w": 6, "h": 2},
         "filter": {"field": "customers.region", "control": "multi_select", "scope": ["by_region"]}},
    ]}


def _broken(change) -> dict:  # type: ignore[no-untyped-def]
    d = _good()
    change(d["components"])
    return d


# (case, how to break the good definition, problem path, words in the Chinese and the English message)
CASES = [
    ("missing id", lambda cs: cs[1].pop("id"), "components.1.id",
     ["第 2 个组件的 id：缺少必填项"], ["component #2, id: is required"]),
    ("unknown kind", lambda cs: cs[1].update(kind="widget"), "components.1.kind",
     ["组件「by_region」（第 2 个）的 kind", "不能是 \"widget\""], ["component 'by_region' (#2), kind", 'not "widget"']),
    ("past the grid", lambda cs: cs[0]["pos"].update(x=20), "components.0.pos",
     ["组件「rev」（第 1 个）的 pos：x + w = 26，超出了 24 列的网格"], ["x + w = 26 is past the 24-column grid"]),
    ("too wide", lambda cs: cs[0]["pos"].update(w=30), "components.0.pos.w",
     ["pos.w：应当 ≤ 24（收到 30）"], ["pos.w: must be at most 24 (got 30)"]),
    ("negative x", lambda cs: cs[0]["pos"].update(x=-1), "components.0.pos.x",
     ["pos.x：应当 ≥ 0（收到 -1）"], ["pos.x: must be at least 0 (got -1)"]),
    ("filter without field", lambda cs: cs[2]["filter"].pop("field"), "components.2.filter.field",
     ["组件「region」（第 3 个）的 filter.field：缺少必填项"], ["component 'region' (#3), filter.field: is required"]),
    ("chart without spec", lambda cs: cs[1].pop("spec"), "components.1",
     ["组件「by_region」（第 2 个）：图表（chart）组件需要查询（spec）"], ["a chart component needs a spec"]),
    ("wrong type", lambda cs: cs[0]["pos"].update(y="top"), "components.0.pos.y",
     ["pos.y：应当是整数（收到 \"top\"）"], ['pos.y: must be a whole number (got "top")']),
    ("duplicate ids", lambda cs: cs[2].update(id="rev", filter={**cs[2]["filter"], "scope": "all"}), "components.0.id",
     ["组件 id「rev」重复（第 1、3 个组件都用了它）"], ["the component id 'rev' is used more than once (components #1, #3)"]),
    ("scope names a missing component", lambda cs: cs[2]["filter"].update(scope=["by_region", "gone"]),
     "components.2.filter.scope", ["组件「region」（第 3 个）的 filter.scope：作用范围（scope）中的 gone"],
     ["the scope names gone, which is no chart or kpi component"]),
    ("scope of the wrong type", lambda cs: cs[2]["filter"].update(scope=5), "components.2.filter.scope",
     ['filter.scope：应当是组件 id 的列表，或 "all"'], ['filter.scope: must be a list of component ids, or "all"']),
    ("unknown field", lambda cs: cs[0].update(colour="red"), "components.0.colour",
     ["colour：不是可用的字段"], ["colour: is not a known field"]),
    ("bad id", lambda cs: cs[0].update(id="Rev Card"), "components.0.id",
     ["组件「Rev Card」（第 1 个）的 id：只能用小写字母"], ["component 'Rev Card' (#1), id: use lower-case letters"]),
]


@pytest.mark.parametrize(("case", "change", "path", "zh", "en"), CASES, ids=[c[0] for c in CASES])
def test_post_names_component_field_and_fault(api, case, change, path, zh, en) -> None:  # type: ignore[no-untyped-def]
    c, h = api
    body = _broken(change)
    r = c.post(BASE, json=body, headers=h)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "dashboard_invalid" and set(err) >= {"code", "message", "details"}
    assert err["message"].startswith("仪表板定义有误（1 处）：") and "Traceback" not in err["message"]
    assert all(w in err["message"] for w in zh), err["message"]
    [p] = err["details"]["problems"]
    assert p["path"] == path and all(w in p["zh"] for w in zh) and all(w in p["en"] for w in en)
    r = c.post(BASE, json=body, headers={**h, **EN})
    assert r.status_code == 422 and r.json()["error"]["message"].startswith("The dashboard definition is invalid (1 problem): ")
    assert all(w in r.json()["error"]["message"] for w in en), r.json()["error"]["message"]
    assert c.get(f"{BASE}/shape").status_code == 404  # nothing half-written


def test_several_problems_listed_up_to_five(api) -> None:  # type: ignore[no-untyped-def]
    c, h = api
    body = _good()
    body["title"] = ""
    body["components"] += [{"kind": "chart", "pos": {"x": 0, "y": 9, "w": 6, "h": 4}} for _ in range(6)]
    body["components"][0]["id"] = "by_region"  # a duplicate found while other components fail their shape
    r = c.post(BASE, json=body, headers={**h, **EN})
    err = r.json()["error"]
    assert r.status_code == 422 and err["code"] == "dashboard_invalid"
    problems = err["details"]["problems"]
    assert len(problems) == 8  # title, 6 × missing id, the duplicate
    assert problems[0]["path"] == "title" and problems[-1]["path"] == "components.0.id"
    assert err["message"].startswith("The dashboard definition is invalid (8 problems): title: must not be empty; ")
    assert err["message"].count("is required") == 4 and err["message"].endswith("; and 3 more.")
    zh = c.post(BASE, json=body, headers=h).json()["error"]["message"]
    assert zh.startswith("仪表板定义有误（8 处）：title：不能为空；") and zh.endswith("；另有 3 处未列出。")


def test_body_that_is_no_definition(api) -> None:  # type: ignore[no-untyped-def]
    c, h = api
    r = c.post(BASE, json=[1, 2], headers={**h, **EN})
    assert r.status_code == 422
    assert r.json()["error"]["message"] == ("The dashboard definition is invalid (1 problem): the definition must be "
                                            "an object (key: value).")
    r = c.post(BASE, content=b'{"name": "x",', headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["error"] == {
        "code": "dashboard_invalid", "message": "仪表板定义不是有效的 JSON。", "request_id": r.headers["x-request-id"]}
    r = c.post(BASE, headers=h)
    assert r.status_code == 422 and "缺少仪表板定义" in r.json()["error"]["message"]


def test_put_refused_whole_and_query_errors_stay_generic(api) -> None:  # type: ignore[no-untyped-def]
    c, h = api
    assert c.post(BASE, json=_good(), headers=h).status_code == 201
    bad = copy.deepcopy(_good())
    bad["title"] = "新标题"
    bad["components"][1]["pos"]["w"] = 25
    r = c.put(f"{BASE}/shape", json=bad, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "dashboard_invalid"
    assert "组件「by_region」（第 2 个）的 pos.w：应当 ≤ 24（收到 25）" in r.json()["error"]["message"]
    now = c.get(f"{BASE}/shape", params={"view": False}).json()
    assert now["version"] == 1 and now["title"] == "形状"  # nothing half-written
    assert [v["version"] for v in c.get(f"{BASE}/shape/versions").json()] == [1]
    r = c.put(f"{BASE}/shape", json=_good(), params={"comment": "x" * 600}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"  # a query parameter, not the body
    # unauthenticated: the login comes first, the definition's shape is not reported
    anon = type(c)(c.app, raise_server_exceptions=False)
    assert anon.post(BASE, json=bad).status_code == 401


def test_cli_apply_reports_every_problem(api, tmp_path) -> None:  # type: ignore[no-untyped-def]
    c, _ = api  # the client's runtime installed the demo model in this test's SHUZHI_HOME
    bad = _broken(lambda cs: (cs[0].pop("id"), cs[1].update(kind="widget"), cs[2]["filter"].pop("field")))
    f = tmp_path / "bad.yaml"
    f.write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")

    def run(*env: tuple[str, str]) -> subprocess.CompletedProcess[str]:
        return cli_zygote.run(["dashboard", "apply", str(f)], timeout=120,
                              env={**os.environ, **dict(env)})

    r = run(("SHUZHI_LANG", "zh"))
    assert r.returncode == 1 and "Traceback" not in r.stderr and r.stdout == ""
    assert f"错误: {f}：仪表板定义有误（3 处）：第 1 个组件的 id：缺少必填项；组件「by_region」（第 2 个）的 kind：" in r.stderr
    assert "组件「region」（第 3 个）的 filter.field：缺少必填项。" in r.stderr
    r = run(("SHUZHI_LANG", "en"))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"Error: {f}: The dashboard definition is invalid (3 problems): component #1, id: is required;" in r.stderr
    assert c.get(f"{BASE}/shape").status_code == 404  # nothing written
