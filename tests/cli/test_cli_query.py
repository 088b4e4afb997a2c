"""`shuzhi query` and `shuzhi model` from the shell, on a small demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def demo(cli, _isolated_env: Path):  # type: ignore[no-untyped-def]
    r = cli("demo", "--scale", "0.02", "--seed", "9", "--end", "2026-10-31")
    assert r.code == 0, r
    assert "语义模型" in r.out
    return cli


@pytest.mark.slow  # a CLI or server process per step: tens of seconds on a busy 2-core machine
def test_query_json_explain_and_table(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = {"metrics": ["revenue", "gross_margin"], "dimensions": ["customers.region"],
            "order_by": [{"field": "revenue", "desc": True}], "limit": 3}
    f = tmp_path / "spec.json"
    f.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    r = demo("query", str(f), "--format", "json")
    assert r.code == 0, r
    out = json.loads(r.out)
    assert [c["name"] for c in out["columns"]] == ["customers.region", "revenue", "gross_margin"]
    assert [c["label"] for c in out["columns"]] == ["大区", "销售额", "毛利率"]
    assert out["rows"][0][0] == "华东" and len(out["rows"]) == 3 and "SELECT" in out["sql"]
    r = demo("query", "-", "--explain", "--dialect", "mysql", input=json.dumps(spec))
    assert r.code == 0 and "`sales_orders`" in r.out
    r = demo("query", str(f))
    assert r.code == 0 and "华东" in r.out and "%" in r.out and "3 行，数据截至 2026-10-31" in r.err
    # a period after the data's end says so, and which period has data
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"metrics": ["revenue"], "time_range": {"field": "time", "start": "2026-11-01",
                                                                       "end": "2026-11-30"}}), encoding="utf-8")
    r = demo("query", str(empty))
    assert r.code == 0 and "所选期间暂无数据，数据截至 2026-10-31" in r.err, r


def test_query_errors(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = demo("query", "-", input='{"metrics": ["revenu"]}')
    assert r.code == 1 and "revenue" in r.err and r.err.strip().splitlines()[-1].startswith("错误")
    r = demo("query", "-", input="{not json")
    assert r.code == 1 and "JSON" in r.err
    r = demo("query", str(tmp_path / "missing.json"))
    assert r.code == 1 and "无法读取" in r.err


@pytest.mark.slow  # a CLI or server process per step: tens of seconds on a busy 2-core machine
def test_query_as_a_user_applies_their_rules(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    exported = demo("model", "export").out
    assert exported.startswith("# huajing v1")
    f = tmp_path / "m.yaml"
    # The demo ships own_region with missing_attribute: skip; make it deny users without the attribute.
    assert "missing_attribute: skip" in exported
    f.write_text(exported.replace("missing_attribute: skip", "missing_attribute: deny"), encoding="utf-8")
    r = demo("model", "apply", str(f), "--comment", "regional rule")
    assert r.code == 0 and "v2" in r.out, r
    assert demo("user", "create", "east", "--role", "viewer", "--attr", "region=华南", input="East-Pass-01\n").code == 0
    spec = json.dumps({"metrics": ["revenue"], "dimensions": ["customers.region"]})
    out = json.loads(demo("query", "-", "--user", "east", "--format", "json", input=spec).out)
    assert [r[0] for r in out["rows"]] == ["华南"]
    assert len(json.loads(demo("query", "-", "--format", "json", input=spec).out)["rows"]) == 8
    assert "v2" in demo("model", "list").out
    # Insights from the shell answer as --user too (the operator, without it, sees every region).
    args = ("forecast", "--metric", "revenue", "--by", "customers.region", "--horizon", "1", "--format", "json")
    assert [s["key"] for s in json.loads(demo(*args, "--user", "east").out)["series"]] == ["华南"]
    assert len(json.loads(demo(*args).out)["series"]) == 8
    r = demo("anomalies", "--metric", "revenue", "--by", "customers.region", "--format", "json", "--user", "east")
    assert r.code == 0 and {a["series"] for a in json.loads(r.out)["anomalies"]} <= {"华南"}, r


def test_model_apply_reports_file_line_and_suggestion(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = demo("model", "export").out.replace("to: customers", "to: custmers", 1)
    f = tmp_path / "bad.yaml"
    f.write_text(text, encoding="utf-8")
    r = demo("model", "apply", str(f), env={"SHUZHI_LANG": "en"})
    assert r.code == 1, r
    line = r.err.strip().splitlines()[-1]
    assert line.startswith(f"Error: {f}:") and "custmers" in line and "customers" in line


@pytest.mark.slow  # a CLI or server process per step: tens of seconds on a busy 2-core machine
def test_ask_from_the_shell(demo) -> None:  # type: ignore[no-untyped-def]
    r = demo("ask", "今年各产品线的销售额", "--format", "json")
    assert r.code == 0, r
    out = json.loads(r.out)
    assert out["spec"]["metrics"] == ["revenue"] and out["rows"] and out["chart"]["type"]
    assert any(c["kind"] == "time" for c in out["interpretation"])
    r = demo("ask", "今年各产品线的销售额")
    assert r.code == 0 and "理解为" in r.out and "产品线" in r.out
    r = demo("ask", "火星上的天气")
    assert r.code == 1 and "没能理解" in r.err
    # a split the metric cannot take is explained, not "not understood"
    r = demo("ask", "按仓库看库存周转率")
    assert r.code == 0 and "不能按仓库拆分" in r.err and "没看懂" not in r.err
