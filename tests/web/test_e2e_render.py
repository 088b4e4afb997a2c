"""Dashboards to PDF / PNG / XLSX (issue 15), drawn by headless Chromium from the real page.

One demo server for the module; the renders it makes are shared by the tests (rendering is slow):
- the PDF's text (pypdf) carries the title, the filters applied, 数据截至 and every component's title;
- the PNG shows the charts: coloured pixels inside every chart tile, none on an empty dashboard;
- a viewer with a row rule (region 华东) gets only their rows (the XLSX of the region chart);
- the web app's 「导出」 → PDF downloads a PDF;
- `shuzhi export dashboard` renders with no server running (its own demo home).
"""

from __future__ import annotations

import base64
import io
import os
import subprocess
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_harness import PASSWORD, TODAY, login, running_server, shuzhi_cmd

pytestmark = pytest.mark.slow
VIEWER_PASSWORD = "Render-Viewer-01"
COCKPIT_TITLES = [
    "期间",
    "大区",
    "销售额",
    "毛利率",
    "订单数",
    "客户数",
    "月度销售额与毛利率",
    "各大区销售额",
    "各省份销售额",
    "产品线结构",
]
CHART_TILES = ["revenue", "margin", "orders", "customers", "trend", "by_region", "map", "mix"]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server(prefix="shuzhi-e2e-render-", scale="0.01") as base:
        yield base


def _api(browser, base: str, user: str = "admin", password: str = PASSWORD):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    login(page, base, user, password)
    csrf = next(c["value"] for c in ctx.cookies() if c["name"] == "shuzhi_csrf")
    return ctx, page, {"X-CSRF-Token": csrf}


def _start(page, base: str, headers: dict[str, str], name: str, body: dict[str, Any]) -> int:  # type: ignore[no-untyped-def]
    r = page.request.post(f"{base}/api/v1/exports/dashboards/{name}", headers=headers, data=body)
    assert r.status == 202, r.text()
    return int(r.json()["job_id"])


def _fetch(page, base: str, job_id: int, timeout_s: float = 150) -> bytes:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while True:
        j = page.request.get(f"{base}/api/v1/exports/renders/{job_id}").json()
        if j["status"] not in ("queued", "running"):
            break
        assert time.monotonic() < deadline, j
        time.sleep(0.5)
    assert j["status"] == "succeeded", j
    r = page.request.get(base + j["file_url"])
    assert r.status == 200 and "attachment" in r.headers["content-disposition"]
    return r.body()


@pytest.fixture(scope="module")
def made(browser, server: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Every render of the module, started together (the server's job pool draws two at a time)."""
    ctx, page, h = _api(browser, server)
    r = page.request.post(
        server + "/api/v1/dashboards", headers=h, data={"name": "blank", "title": "空白", "components": []}
    )
    assert r.status == 201, r.text()
    r = page.request.post(
        server + "/api/v1/users",
        headers=h,
        data={
            "username": "kan",
            "password": VIEWER_PASSWORD,
            "role": "viewer",
            "attributes": {"region": "华东"},
        },
    )
    assert r.status == 201, r.text()
    jobs = {
        "pdf": _start(page, server, h, "cockpit", {"format": "pdf", "filters": {"大区": "华东,华南"}}),
        "png": _start(page, server, h, "cockpit", {"format": "png"}),
        "blank": _start(page, server, h, "blank", {"format": "png"}),
    }
    vctx, vpage, vh = _api(browser, server, "kan", VIEWER_PASSWORD)
    viewer_job = _start(vpage, server, vh, "cockpit", {"format": "xlsx"})
    out = {k: _fetch(page, server, j) for k, j in jobs.items()}
    out["viewer_xlsx"] = _fetch(vpage, server, viewer_job)
    # where the chart tiles are on the same page at the same width (for the PNG's pixels)
    page.goto(server + "/dashboards/cockpit?print=1")
    page.locator('[data-testid="dashboard-view"][data-render-ready="1"]').wait_for(timeout=60_000)
    out["tiles"] = {t: page.get_by_test_id(f"tile-{t}").bounding_box() for t in CHART_TILES}
    out["page"] = page
    yield out
    vctx.close()
    ctx.close()


def _pdf_text(data: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), _fold("\n".join(p.extract_text() for p in reader.pages))


def _fold(text: str) -> str:
    """Chromium's PDF maps a glyph Noto CJK shares between a character and a Kangxi radical to the radical
    (⼤ for 大, ⼾ for 户): NFKC folds radicals back, to the traditional form where it differs (戶)."""
    return unicodedata.normalize("NFKC", text).replace("戶", "户")


def test_pdf_has_header_filters_date_and_every_component(made: dict[str, Any]) -> None:
    assert made["pdf"].startswith(b"%PDF")
    pages, text = _pdf_text(made["pdf"])
    assert pages >= 2  # one page per screen height
    assert text.count("经营驾驶舱") >= pages  # the header on every page
    assert "大区:华东、华南" in text.replace("：", ":").replace(" ", "")
    assert f"数据截至 {TODAY}" in text or "数据截至 2026-11-25" in text
    for title in COCKPIT_TITLES:
        assert title in text, title
    # every chart's canvas is printed on its tile's page: the trend row (775 px canvas) and the map row
    # (674 px) do not fit one page, so they are on different pages (a canvas ending near a page break used
    # to land on the next page, under other tiles, leaving its tile empty)
    pages_of = _chart_images(made["pdf"])
    assert sorted(w for ws in pages_of for w in ws) == [369, 470, 674, 775], pages_of
    assert not any(775 in ws and 674 in ws for ws in pages_of), pages_of


def _chart_images(data: bytes) -> list[list[int]]:
    """Per page, the widths of the colour images at least 300 px wide (the charts' canvases)."""
    from pypdf import PdfReader

    def walk(resources, out: list[int]) -> list[int]:  # type: ignore[no-untyped-def]
        for obj in (resources or {}).get("/XObject", {}).values():
            obj = obj.get_object()
            if (
                obj.get("/Subtype") == "/Image"
                and obj.get("/Width", 0) >= 300
                and obj.get("/ColorSpace") != "/DeviceGray"
            ):
                out.append(int(obj["/Width"]))
            elif obj.get("/Subtype") == "/Form":
                walk(obj.get("/Resources"), out)
        return out

    return [walk(page.get("/Resources"), []) for page in PdfReader(io.BytesIO(data)).pages]


COLOURED = """async ([png, boxes]) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + png;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.width; c.height = img.height;
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0);
  const count = (b) => {
    const d = g.getImageData(Math.round(b.x), Math.round(b.y), Math.round(b.width), Math.round(b.height)).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      const mx = Math.max(d[i], d[i + 1], d[i + 2]), mn = Math.min(d[i], d[i + 1], d[i + 2]);
      if (mx - mn > 60) n++;  // saturated: a bar, a line, a slice, a province — not text or grey grid lines
    }
    return n;
  };
  return { size: [img.width, img.height], whole: count({x: 0, y: 0, width: img.width, height: img.height}),
           tiles: Object.fromEntries(Object.entries(boxes).map(([k, b]) => [k, count(b)])) };
}"""


def test_png_is_the_whole_page_with_charts_drawn(made: dict[str, Any]) -> None:
    page = made["page"]
    png = base64.b64encode(made["png"]).decode()
    seen = page.evaluate(COLOURED, [png, made["tiles"]])
    assert seen["size"][0] == 1280 and seen["size"][1] > 800  # the whole page, not one screen
    for tile, n in seen["tiles"].items():
        assert n > 150, (tile, n)  # every chart and KPI sparkline has coloured pixels
    blank = page.evaluate(COLOURED, [base64.b64encode(made["blank"]).decode(), {}])
    assert blank["whole"] < 200 < seen["whole"] // 20  # an empty dashboard has (almost) none


def test_viewer_with_a_row_rule_exports_only_their_rows(made: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(made["viewer_xlsx"]))
    ws = next(wb[n] for n in wb.sheetnames if n.startswith("各大区销售额"))
    assert ws["A3"].value == "大区"
    assert ws["A2"].value.startswith("筛选：期间：") and ws["A2"].value.count("筛选") == 1, ws["A2"].value
    regions = [r[0] for r in ws.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    assert regions == ["华东"]
    assert all(isinstance(r[1], int | float) for r in ws.iter_rows(min_row=4, values_only=True) if r[0])


def test_export_menu_downloads_a_pdf(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    ctx, page, _ = _api(browser, server)
    page.goto(server + "/dashboards/cockpit")
    page.locator('[data-testid="dashboard-view"][data-render-ready="1"]').wait_for(timeout=60_000)
    page.get_by_test_id("export-menu").click()
    with page.expect_download(timeout=150_000) as dl:
        page.get_by_test_id("export-pdf").click()
        page.get_by_test_id("export-progress").wait_for()
    path = dl.value.path()
    data = Path(path).read_bytes()
    assert data.startswith(b"%PDF") and dl.value.suggested_filename.endswith(".pdf")
    assert "经营驾驶舱" in _pdf_text(data)[1]
    ctx.close()


def test_cli_renders_without_a_server(tmp_path: Path) -> None:
    home = str(tmp_path / "home")
    env = {**os.environ, "SHUZHI_HOME": home, "SHUZHI_ADMIN_PASSWORD": PASSWORD, "SHUZHI_TODAY": TODAY}
    subprocess.run(
        [*shuzhi_cmd(), "demo", "--scale", "0.01", "--end", "2026-11-25"],
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )
    out = tmp_path / "质量.pdf"
    r = subprocess.run(
        [
            *shuzhi_cmd(),
            "export",
            "dashboard",
            "quality",
            "--format",
            "pdf",
            "-o",
            str(out),
            "--filter",
            "工厂=常州工厂",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert r.returncode == 0, r.stderr
    text = _pdf_text(out.read_bytes())[1]
    assert "质量追溯" in text and "工厂:常州工厂" in text.replace("：", ":").replace(" ", "")
    bad = subprocess.run(
        [
            *shuzhi_cmd(),
            "export",
            "dashboard",
            "quality",
            "--format",
            "pdf",
            "-o",
            str(tmp_path / "x.pdf"),
            "--filter",
            "颜色=红",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 1 and "没有筛选器「颜色」" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "x.pdf").exists() and not list(tmp_path.glob(".render-*"))
