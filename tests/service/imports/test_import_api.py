"""The HTTP flow: upload → preview → import job → table list / preview / profile; permissions; bad input."""

from __future__ import annotations

import time
from pathlib import Path

from shuzhi_testing import login


def _wait(client, job_id: int, headers: dict) -> dict:  # type: ignore[no-untyped-def]
    for _ in range(200):
        job = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.05)
    raise AssertionError("the import job did not finish")


def _editor(client):  # type: ignore[no-untyped-def]
    h = login(client)
    for name, role in (("bianji", "editor"), ("kanke", "viewer")):
        r = client.post("/api/v1/users", json={"username": name, "password": "Editor-Pass-01", "role": role},
                        headers=h)
        assert r.status_code == 201, r.text
    editor = type(client)(client.app, raise_server_exceptions=False)
    return editor, login(editor, "bianji", "Editor-Pass-01")


def test_upload_preview_import_and_browse(make_client, data: Path) -> None:  # type: ignore[no-untyped-def]
    client = make_client()
    ed, h = _editor(client)
    with open(data / "sales_gbk.csv", "rb") as f:
        r = ed.post("/api/v1/imports/preview", files={"file": ("销售明细.csv", f, "text/csv")}, headers=h)
    assert r.status_code == 200, r.text
    p = r.json()
    assert (p["encoding"], p["delimiter"], p["header_row"], p["format"]) == ("gb18030", ",", 1, "csv")
    assert [c["label"] for c in p["columns"]] == ["订单号", "客户", "地区", "销售额", "下单日期"]
    assert len(p["rows"]) == 20 and p["table"].startswith("t_")
    cols = [{"type": c["type"]} for c in p["columns"]]
    cols[0] = {"label": "订单编号", "name": "order_no"}
    r = ed.post("/api/v1/imports", json={"upload_id": p["upload_id"], "table": "sales_2025", "columns": cols},
                headers=h)
    assert r.status_code == 202, r.text
    job = _wait(ed, r.json()["job_id"], h)
    assert job["status"] == "succeeded", job
    assert job["progress"] == 1.0 and job["result"]["rows"] == 100
    tables = {t["name"]: t for t in ed.get("/api/v1/tables", headers=h).json()}
    t = tables["sales_2025"]
    assert t["rows"] == 100 and t["columns"][0] == {"name": "order_no", "type": "VARCHAR", "label": "订单编号"}
    assert t["imported"]["source_file"] == "销售明细.csv" and t["imported"]["imported_by"] == "bianji"
    rows = ed.get("/api/v1/tables/sales_2025/preview?limit=3", headers=h).json()
    assert len(rows["rows"]) == 3 and rows["columns"][2]["label"] == "地区"
    prof = ed.get("/api/v1/tables/sales_2025/profile", headers=h).json()
    region = next(c for c in prof["columns"] if c["label"] == "地区")
    assert prof["rows"] == 100 and region["distinct"] == 4 and region["nulls"] == 0
    assert region["top"][0]["count"] == 25
    assert ed.get("/api/v1/tables/nope/profile", headers=h).status_code == 404
    # Excel: sheets and totals rows in the preview; re-preview the same upload with another sheet.
    with open(data / "report.xlsx", "rb") as f:
        x = ed.post("/api/v1/imports/preview", files={"file": ("report.xlsx", f)}, headers=h).json()
    assert [s["name"] for s in x["sheets"]] == ["销售", "说明"] and x["totals_rows"] == [9]
    again = ed.post("/api/v1/imports/preview", data={"upload_id": x["upload_id"], "sheet": "说明"}, headers=h)
    assert again.status_code == 200 and again.json()["columns"][0]["label"] == "字段"


def test_viewer_is_refused_and_bad_inputs_are_4xx(make_client, data: Path) -> None:  # type: ignore[no-untyped-def]
    client = make_client(SHUZHI_UPLOAD_MAX_MB="1")
    ed, h = _editor(client)
    viewer = type(client)(client.app, raise_server_exceptions=False)
    vh = login(viewer, "kanke", "Editor-Pass-01")
    with open(data / "stock_v1.csv", "rb") as f:
        r = viewer.post("/api/v1/imports/preview", files={"file": ("s.csv", f)}, headers=vh)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert viewer.get("/api/v1/tables", headers=vh).status_code == 403  # raw tables need data:raw

    def up(name: str, content: bytes, lang: str = "zh"):  # type: ignore[no-untyped-def]
        return ed.post("/api/v1/imports/preview", files={"file": (name, content)},
                       headers={**h, "Accept-Language": lang})

    assert up("empty.csv", b"").json()["error"]["code"] == "empty_file"
    junk = up("junk.csv", (data / "junk.csv").read_bytes(), "en")
    assert 400 <= junk.status_code < 500 and junk.json()["error"]["message"].isascii()
    big = up("big.csv", b"a,b\n" + b"1,2\n" * 300_000)
    assert big.status_code == 413 and big.json()["error"]["code"] == "upload_too_large"
    assert not any((ed.app.state.runtime.settings.uploads_dir).glob("*/data.part"))
    p = up("report.xlsx", (data / "report.xlsx").read_bytes()).json()
    r = ed.post("/api/v1/imports/preview", data={"upload_id": p["upload_id"], "sheet": "无此表"}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "unknown_sheet"
    s = up("stock.csv", (data / "stock_v1.csv").read_bytes()).json()
    r = ed.post("/api/v1/imports", json={"upload_id": s["upload_id"], "mode": "upsert"}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "upsert_key_missing"
    r = ed.post("/api/v1/imports", json={"upload_id": s["upload_id"], "table": "select"}, headers=h)
    assert r.status_code == 400 and r.json()["error"]["code"] == "reserved_table_name"
    r = ed.post("/api/v1/imports", json={"upload_id": "0" * 24}, headers=h)
    assert r.status_code == 404
    # The viewer cannot use the editor's upload either.
    r = viewer.post("/api/v1/imports", json={"upload_id": s["upload_id"]}, headers=vh)
    assert r.status_code == 403
    # A key that is not a column fails in the job with a bilingual error.
    r = ed.post("/api/v1/imports", json={"upload_id": s["upload_id"], "table": "stock"}, headers=h)
    assert _wait(ed, r.json()["job_id"], h)["status"] == "succeeded"
    r = ed.post("/api/v1/imports", json={"upload_id": s["upload_id"], "table": "stock", "mode": "upsert",
                                         "key": ["nope"]}, headers=h)
    job = _wait(ed, r.json()["job_id"], h)
    assert job["status"] == "failed" and job["error"]["code"] == "upsert_key_missing"
