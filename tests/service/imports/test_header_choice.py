"""The header row over HTTP and in the CLI: the preview of a merged-title sheet shows which row is the header
(top_rows, header_row) with an honest confidence; previewing again with another header_row changes it, and
the import uses the chosen row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_import_api import _wait
from test_import_cli import _run

from shuzhi_testing import login

CORPUS = Path(__file__).resolve().parents[2] / "data" / "imports" / "corpus"


def test_preview_shows_the_header_and_a_chosen_row_is_used(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client()
    h = login(client)
    with open(CORPUS / "xlsx_merged_title.xlsx", "rb") as f:
        r = client.post("/api/v1/imports/preview", files={"file": ("华东销售.xlsx", f)}, headers=h)
    assert r.status_code == 200, r.text
    p = r.json()
    assert (p["header_row"], p["rows_before_data"], p["confidence"]) == (2, 2, "high")
    assert p["top_rows"][0][0] == "2025年华东区销售明细表（单位：元）" and p["top_rows"][1][:2] == ["订单号", "客户"]
    assert [c["label"] for c in p["columns"]][:3] == ["订单号", "客户", "地区"]
    # the user picks the title row: the preview says the header looks like a title
    r = client.post("/api/v1/imports/preview", data={"upload_id": p["upload_id"], "header_row": "1"}, headers=h)
    q = r.json()
    assert q["header_row"] == 1 and q["confidence"] == "low"
    assert "header_like_title" in q["confidence_reasons"]
    # back to row 2, and the import reads the data below it
    r = client.post("/api/v1/imports", json={"upload_id": p["upload_id"], "table": "east_sales", "header_row": 2},
                    headers=h)
    assert r.status_code == 202, r.text
    job = _wait(client, r.json()["job_id"], h)
    assert job["status"] == "succeeded" and job["result"]["rows"] == 30, job


def test_notes_below_the_data_are_reported(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client()
    h = login(client)
    with open(CORPUS / "csv_bank_statement_gbk.csv", "rb") as f:
        r = client.post("/api/v1/imports/preview", files={"file": ("流水.csv", f)}, headers=h)
    p = r.json()
    assert (p["header_row"], p["data_rows"], p["totals_rows"], p["footer_rows"]) == (5, 40, [46], [47])
    r = client.post("/api/v1/imports", json={"upload_id": p["upload_id"], "table": "bank"}, headers=h)
    job = _wait(client, r.json()["job_id"], h)
    assert job["status"] == "succeeded" and job["result"]["rows"] == 40 and job["result"]["rejected"] == 0, job
    assert job["result"]["footer_rows"] == [47]


@pytest.mark.slow  # two CLI processes
def test_cli_header_row_option() -> None:
    p = _run(str(CORPUS / "xlsx_merged_title.xlsx"), "--preview", "--format", "json")
    assert p.returncode == 0, p.stderr
    got = json.loads(p.stdout)
    assert (got["header_row"], got["confidence"], got["columns"][0]["label"]) == (2, "high", "订单号")
    p = _run(str(CORPUS / "xlsx_merged_title.xlsx"), "--preview", "--format", "json", "--header-row", "1")
    got = json.loads(p.stdout)
    assert got["header_row"] == 1 and got["confidence"] == "low" and "header_like_title" in got["confidence_reasons"]
