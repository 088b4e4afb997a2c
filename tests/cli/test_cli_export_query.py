"""`shuzhi export query SPEC.json --format xlsx|csv -o FILE [--user NAME]` over a small demo copy.

The command runs as the real entry point in a subprocess (the `cli` fixture): in-process, a second
runtime in one process would meet the first one's locked DuckDB sandbox configuration."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from shuzhi_testing import demo_file

SPEC = {"metrics": ["revenue", "gross_margin"], "dimensions": ["customers.region"],
        "time_range": {"field": "sales_orders.order_date", "start": "2026-01-01", "end": "2026-03-31"},
        "order_by": [{"field": "revenue", "desc": True}]}


def _run(cli, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    r = cli(*args, env=env)
    return r.code, r.out, r.err


@pytest.fixture
def home(settings, tmp_path_factory):  # type: ignore[no-untyped-def]
    """SHUZHI_HOME with a demo copy, the demo model, and a 华东 viewer (the demo's own_region rule)."""
    from shuzhi.auth.users import create_user
    from shuzhi.demo.semantic import install_demo_model
    from shuzhi.runtime import Runtime

    settings.ensure_home()
    shutil.copy(demo_file(tmp_path_factory.getbasetemp(), scale=0.01, seed=5, end="2026-10-31"), settings.warehouse_path)
    rt = Runtime(settings)
    rt.start()
    with rt.catalog.session() as s:
        install_demo_model(s)
        create_user(s, "hd_viewer", "Hd-Viewer-Pass-01", "viewer", attributes={"region": "华东"}, actor="test")
    rt.close()
    return settings


@pytest.mark.slow  # two CLI processes
def test_export_query_xlsx_and_csv(home, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC, ensure_ascii=False), encoding="utf-8")
    xlsx = tmp_path / "各区销售额.xlsx"
    code, out, err = _run(cli, "export", "query", str(spec), "--format", "xlsx", "-o", str(xlsx))
    assert code == 0, err
    assert "已导出 8 行" in out and "数据截至 2026-10-31" in out
    ws = openpyxl.load_workbook(xlsx).active
    assert ws["A1"].value == "销售额、毛利率（按 大区）"
    assert ws["A2"].value == "筛选：下单日期 2026-01-01 至 2026-03-31；数据截至 2026-10-31"
    assert [c.value for c in ws[3]] == ["大区", "销售额", "毛利率"]
    assert isinstance(ws["B4"].value, float) and ws["B4"].number_format == '"¥"#,##0.00'
    assert ws["C4"].number_format == "0.0%" and 0 < ws["C4"].value < 1
    assert ws.max_row == 3 + 8
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []

    out_csv = tmp_path / "sales.csv"
    code, out, err = _run(cli, "export", "query", str(spec), "--format", "csv", "-o", str(out_csv),
                          "--user", "hd_viewer")
    assert code == 0, err
    raw = out_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["大区", "销售额", "毛利率"] and [r[0] for r in rows[1:]] == ["华东"]  # the viewer's row rule


@pytest.mark.slow  # three CLI processes
def test_export_query_errors_leave_no_file(home, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "out.xlsx"
    bad = tmp_path / "bad.json"
    bad.write_text('{"metrics": ["revenu"]}', encoding="utf-8")
    code, _, err = _run(cli, "export", "query", str(bad), "--format", "xlsx", "-o", str(target))
    assert code == 1 and err.startswith("错误") and "revenue" in err and len(err.strip().splitlines()) == 1
    good = tmp_path / "spec.json"
    good.write_text(json.dumps(SPEC), encoding="utf-8")
    en = {"SHUZHI_LANG": "en"}
    code, _, err = _run(cli, "export", "query", str(good), "--format", "pdf", "-o", str(target), env=en)
    assert code == 1 and "xlsx or csv" in err
    # more rows than the export cap: an error, and no file (not a short one)
    code, _, err = _run(cli, "export", "query", str(good), "--format", "csv", "-o", str(target),
                        env={**en, "SHUZHI_ROW_CAP_EXPORT": "3"})
    assert code == 1 and "export limit of 3 rows" in err
    assert list(tmp_path.glob("out.*")) == [] and list(tmp_path.glob(".*.part")) == []
