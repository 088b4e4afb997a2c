"""POST /api/v1/exports/query: the download's headers and bytes, as an admin and as a viewer with a
row rule (customers.region = {{ user.region }}); the XLSX row cap through the service with a small cap."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import openpyxl
import pytest

from shuzhi.errors import ShuzhiError
from shuzhi.service.query_export import prepare_query_export
from shuzhi.spec.resolve import UserContext
from shuzhi_testing import client_over, demo_file, login, restricted_viewer

SPEC = {"metrics": ["revenue", "gross_margin"], "dimensions": ["customers.region"],
        "where": [{"field": "sales_orders.channel", "op": "!=", "value": "电商"}],
        "time_range": {"field": "sales_orders.order_date", "start": "2026-01-01", "end": "2026-03-31"},
        "order_by": [{"field": "revenue", "desc": True}]}


@pytest.fixture
def client(make_client, settings, tmp_path_factory):  # type: ignore[no-untyped-def]
    return client_over(make_client, settings, demo_file(tmp_path_factory.getbasetemp(), scale=0.01, seed=5,
                                                          end="2026-10-31"))


def _csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_xlsx_and_csv_downloads(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    r = client.post("/api/v1/exports/query", json={"spec": SPEC, "format": "xlsx", "title": "一季度各区销售"}, headers=h)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    cd = r.headers["content-disposition"]
    assert cd.startswith("attachment; ") and f"filename*=UTF-8''{quote('一季度各区销售.xlsx')}" in cd
    assert 'filename="export.xlsx"' in cd  # an ASCII fallback for old clients
    assert r.headers["x-shuzhi-data-as-of"] == "2026-10-31"
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert ws.title == "一季度各区销售" and ws["A1"].value == "一季度各区销售"
    assert ws["A2"].value == "筛选：渠道 ≠ 电商；下单日期 2026-01-01 至 2026-03-31；数据截至 2026-10-31"
    assert [c.value for c in ws[3]] == ["大区", "销售额", "毛利率"]
    regions = [ws.cell(row=i, column=1).value for i in range(4, ws.max_row + 1)]
    assert len(regions) == 8 and "华南" in regions
    assert all(isinstance(ws.cell(row=i, column=2).value, float) for i in range(4, ws.max_row + 1))

    r = client.post("/api/v1/exports/query", json={"spec": SPEC, "format": "csv"}, headers=h)
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    assert quote("销售额、毛利率（按 大区）.csv") in r.headers["content-disposition"]
    rows = _csv_rows(r.content)
    assert rows[0] == ["大区", "销售额", "毛利率"] and len(rows) == 9


def test_bad_requests_are_bilingual_json(client) -> None:  # type: ignore[no-untyped-def]
    h = login(client)
    r = client.post("/api/v1/exports/query", json={"spec": {"metrics": ["revenu"]}, "format": "csv"}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_metric"
    assert "revenue" in r.json()["error"]["message"]
    r = client.post("/api/v1/exports/query", json={"spec": SPEC, "format": "pdf"}, headers=h)
    assert r.status_code == 422
    r = type(client)(client.app, raise_server_exceptions=False).post(
        "/api/v1/exports/query", json={"spec": SPEC, "format": "csv"})
    assert r.status_code == 401


def test_a_viewer_exports_only_their_rows(client) -> None:  # type: ignore[no-untyped-def]
    viewer, vh, _ = restricted_viewer(client, "hd_viewer", "华东")
    r = viewer.post("/api/v1/exports/query", json={"spec": SPEC, "format": "csv"}, headers=vh)
    assert r.status_code == 200, r.text
    mine = _csv_rows(r.content)
    assert [row[0] for row in mine[1:]] == ["华东"]
    r = viewer.post("/api/v1/exports/query", json={"spec": SPEC, "format": "xlsx"}, headers=vh)
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert ws.max_row == 4 and ws["A4"].value == "华东"
    admin_csv = client.post("/api/v1/exports/query", json={"spec": SPEC, "format": "csv"}, headers=login(client))
    east = next(row for row in _csv_rows(admin_csv.content) if row[0] == "华东")
    assert float(mine[1][1]) == pytest.approx(float(east[1]))  # the same 华东 row the admin sees


def test_the_xlsx_cap_counts_head_rows(client) -> None:  # type: ignore[no-untyped-def]
    rt = client.app.state.runtime
    ok = prepare_query_export(rt, SPEC, UserContext.system(), "xlsx", xlsx_max_rows=8 + 3)
    assert ok.write(io.BytesIO()) == 8
    exp = prepare_query_export(rt, SPEC, UserContext.system(), "xlsx", xlsx_max_rows=7 + 3)
    with pytest.raises(ShuzhiError) as err:
        exp.write(io.BytesIO())
    exp.close()
    assert err.value.code == "xlsx_too_many_rows" and "最多 7 行数据" in err.value.message("zh")


def test_over_the_export_cap_is_a_413_not_a_short_file(make_client, settings, tmp_path_factory,
                                                        monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SHUZHI_ROW_CAP_EXPORT", "3")
    c = client_over(make_client, settings, demo_file(tmp_path_factory.getbasetemp(), scale=0.01, seed=5,
                                                      end="2026-10-31"))
    h = login(c)
    for fmt in ("csv", "xlsx"):
        r = c.post("/api/v1/exports/query", json={"spec": SPEC, "format": fmt}, headers={**h, "Accept-Language": "en"})
        assert r.status_code == 413 and r.headers["content-type"].startswith("application/json"), r.text
        assert r.json()["error"]["code"] == "export_too_many_rows"
        assert "export limit of 3 rows" in r.json()["error"]["message"]
    r = c.post("/api/v1/exports/query", json={"spec": {**SPEC, "limit": 3}, "format": "csv"}, headers=h)
    assert r.status_code == 200 and len(_csv_rows(r.content)) == 4
