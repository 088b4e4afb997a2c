"""End-to-end: the data pages (数据) in headless Chromium against a real `shuzhi serve`.

Import an Excel file through the wizard (pick the sheet, rename columns, change a type, watch the
job finish), see the table with its rows, preview and column profile; build a self-service dataset
with a filter and a calculated column, previewing after each step, and save it; add the local
PostgreSQL as a connection, test it, browse to a seeded table and extract it.

Same harness as test_e2e.py (skips locally without frontend/dist, Chromium or playwright; fails when
CI=true). The PostgreSQL part needs the server at 127.0.0.1:5432 (skip locally, fail in CI).
Screenshots go to a temp dir, and to docs/images/ (data-*.png) when SHUZHI_UPDATE_SCREENSHOTS=1.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_harness import login as _login
from e2e_harness import running_server, screenshot_dir

from shuzhi_testing import port_open, service_unavailable, unique_name

ROOT = Path(__file__).resolve().parents[2]
XLSX = ROOT / "tests" / "data" / "imports" / "report.xlsx"
SHOTS_DOCS = ROOT / "docs" / "images"
# A schema of this run's own in the shared database `test` (parallel workers and other runs use their own);
# the fixed name only when screenshots for the docs are taken.
PG_SCHEMA = ("shuzhi_e2e_data" if os.environ.get("SHUZHI_UPDATE_SCREENSHOTS") == "1"
             else unique_name("shuzhi_e2e_data"))
SEED = (f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE", f"CREATE SCHEMA {PG_SCHEMA}",
        f"CREATE TABLE {PG_SCHEMA}.machines (id INTEGER PRIMARY KEY, name TEXT, line TEXT, rated_kw NUMERIC(8,2))",
        f"INSERT INTO {PG_SCHEMA}.machines VALUES (1, '数控车床', '一号线', 15.5), (2, '加工中心', '一号线', 22), "  # noqa: S608
        "(3, '注塑机', '二号线', 30.25)",
        f"ANALYZE {PG_SCHEMA}.machines")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """This file's own server (imports change its warehouse), on a smaller demo."""
    with running_server("shuzhi-e2e-data-", scale="0.02") as base:
        yield base


@pytest.fixture(scope="module")
def shots() -> Iterator[Path]:
    with screenshot_dir("shuzhi-shots-data-", SHOTS_DOCS, "data-*.png") as d:
        yield d


def _page(browser, server: str, errors: list[str], **kw):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(**{"viewport": {"width": 1440, "height": 900}, "locale": "zh-CN", **kw})
    ctx.set_default_timeout(30_000)
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, server)
    return ctx, page


def _add_step(page, kind: str, first_field: str) -> None:  # type: ignore[no-untyped-def]
    """「添加步骤」→ a kind, again when a click during the menu's opening was lost (a CI flake: the
    step's form never opened), until the step's first field shows."""
    field = page.get_by_test_id(first_field)
    for _ in range(4):
        page.get_by_test_id("add-step").click()
        item = page.get_by_test_id(f"add-step-{kind}")
        item.wait_for(state="visible")
        item.click()
        try:
            field.wait_for(state="visible", timeout=5_000)
            return
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: try the menu again
            page.keyboard.press("Escape")
    field.wait_for(state="visible")


def _pick(page, testid: str, option: str, search: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Open the Ant Design Select with data-testid (typing `search` into it, for long virtual lists) and click
    the visible option containing `option`. Under load the first click can land while the select is still being
    drawn (a step just added): its list never opens and the typing goes nowhere; or the virtual list re-renders
    while it filters and the click misses, leaving the first option chosen. Both are tried again until the select
    shows the option."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    shown = option.split("·")[0].strip()
    for attempt in range(3):
        page.get_by_test_id(testid).click()
        if search:
            page.keyboard.type(search)
        found = page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option",
                             has_text=option).first
        try:
            found.wait_for(state="visible", timeout=8000 if attempt < 2 else 30_000)
            found.click()
            expect(page.get_by_test_id(testid)).to_contain_text(shown, timeout=5000)
        except (PlaywrightTimeout, AssertionError):
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
            continue
        return


def test_import_excel_then_tables(server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    errors: list[str] = []
    ctx, page = _page(browser, server, errors)
    page.get_by_role("menuitem", name="数据").click()
    expect(page.get_by_test_id("tables-list")).to_contain_text("sales_orders")
    page.get_by_test_id("data-tab-import").click()

    # 1 upload → 2 preview: the sheet 销售 is detected with its two-row header and the 合计 row flagged
    page.locator("[data-testid=import-wizard] input[type=file]").set_input_files(str(XLSX))
    expect(page.get_by_test_id("import-filename")).to_have_text("report.xlsx")
    expect(page.get_by_test_id("import-totals")).to_contain_text("合计行：第 9 行")
    expect(page.get_by_test_id("import-col-label-1")).to_have_value("一季度 销售额")
    _pick(page, "import-sheet", "说明")  # another sheet previews again
    expect(page.get_by_test_id("import-col-label-2")).to_have_count(0)
    _pick(page, "import-sheet", "销售")
    expect(page.get_by_test_id("import-col-label-1")).to_have_value("一季度 销售额")
    for i, name in enumerate(["region", "sales", "qty", "first_day", "customers"]):
        page.get_by_test_id(f"import-col-name-{i}").fill(name)
    _pick(page, "import-col-type-4", "DOUBLE")  # 客户数: BIGINT → DOUBLE
    page.get_by_test_id("import-table").fill("Report Sales")
    expect(page.get_by_text("只能用英文字母")).to_be_visible()  # validated while typing
    expect(page.get_by_test_id("import-start")).to_be_disabled()
    page.get_by_test_id("import-table").fill("report_sales")
    page.screenshot(path=str(shots / "data-import-preview.png"), full_page=True)

    # 3 import as a job → 4 done
    page.get_by_test_id("import-start").click()
    done = page.get_by_test_id("import-done")
    expect(done).to_contain_text("已导入 4 行到 report_sales")
    page.screenshot(path=str(shots / "data-import-done.png"))
    page.get_by_test_id("import-view").click()

    # the table page: first rows (labels over names) and profiles (the changed type)
    expect(page.get_by_test_id("table-title")).to_contain_text("report_sales")
    expect(page.get_by_test_id("table-rows")).to_contain_text("4 行")
    preview = page.get_by_test_id("table-preview")
    expect(preview).to_contain_text("华东")
    expect(preview).to_contain_text("一季度 销售额")
    expect(preview).to_contain_text("125000.5")
    page.get_by_test_id("tab-table-profile").click()
    prof = page.get_by_test_id("profile-customers")
    expect(prof).to_contain_text("数值")  # DOUBLE, as chosen in the wizard
    expect(page.get_by_test_id("profile-region")).to_contain_text("华东")
    expect(page.get_by_test_id("profile-region").locator(".top-bar-fill").first).to_be_visible()
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "data-table-profile.png"), full_page=True)

    # 去分析: the table joins the model with generated metrics; the analysis page opens on its sales sum
    page.get_by_test_id("analyze-table").click()
    expect(page).to_have_url(re.compile(r"/analysis\?metric=report_sales__sales"))
    expect(page.get_by_test_id("shelf-metrics")).to_contain_text("一季度 销售额")
    expect(page.locator("[data-testid=analysis-chart] canvas").first).to_be_visible()
    page.get_by_test_id("field-search").fill("地区")
    page.locator("[data-testid^='field-dimension-report_sales.']").first.click()
    expect(page.get_by_test_id("analysis-chart")).to_be_visible()
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "data-analyze-import.png"))

    # the list shows it with its rows and source
    page.get_by_role("menuitem", name="数据").click()
    row = page.locator("tr", has=page.get_by_test_id("table-link-report_sales"))
    expect(row).to_contain_text("4")
    expect(row).to_contain_text("report.xlsx")
    page.screenshot(path=str(shots / "data-tables.png"))
    assert not errors, errors
    ctx.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2,
                                is_mobile=True, has_touch=True)
    page = phone.new_page()
    _login(page, server)
    page.goto(server + "/data")
    expect(page.get_by_test_id("table-link-report_sales")).to_be_visible()
    box = page.get_by_test_id("tables-list").bounding_box()
    assert box and box["width"] <= 390
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "data-tables-phone.png"))
    phone.close()


def test_dataset_steps(server: str, browser, shots: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    errors: list[str] = []
    ctx, page = _page(browser, server, errors)
    page.goto(server + "/data?tab=datasets")
    page.get_by_test_id("dataset-new").click()
    page.get_by_test_id("dataset-name").fill("big_orders_by_day")
    page.get_by_test_id("dataset-label").fill("大额订单")
    _pick(page, "dataset-source", "sales_orders", search="sales_orders")
    rows = page.get_by_test_id("dataset-rows")
    expect(rows).to_contain_text("order_id")

    # step 1: a filter (amount > 100000), preview after it
    _add_step(page, "filter", "cond-field-0")
    _pick(page, "cond-field-0", "amount ·", search="amount")
    _pick(page, "cond-op-0", "大于等于")
    page.get_by_test_id("cond-value-0").fill("abc")
    page.get_by_test_id("step-ok").click()
    expect(page.get_by_test_id("step-error")).to_contain_text("abc")  # refused before sending
    page.get_by_test_id("cond-value-0").fill("100000")
    page.get_by_test_id("step-ok").click()
    expect(page.get_by_test_id("step-1")).to_contain_text("amount >= 100000")
    expect(page.get_by_test_id("dataset-preview")).to_contain_text("第 1 步（筛选）之后的数据")

    # step 2: a calculated column; the server checks the formula against the columns after step 1
    _add_step(page, "calculate", "calc-name")
    page.get_by_test_id("calc-name").fill("amount_wan")
    page.get_by_test_id("calc-label").fill("金额（万元）")
    page.get_by_test_id("calc-formula").fill("amount / 10000 + nosuch")
    page.get_by_test_id("step-ok").click()
    expect(page.get_by_test_id("step-error")).to_contain_text("nosuch")
    page.get_by_test_id("calc-formula").fill("amount / 10000")
    page.get_by_test_id("step-ok").click()
    expect(page.get_by_test_id("step-2")).to_contain_text("amount_wan = amount / 10000")
    expect(rows).to_contain_text("金额（万元）")
    expect(page.get_by_test_id("dataset-schema").locator(".ant-tag-green")).to_have_text("金额（万元） amount_wan · 数值")

    # preview after each step: step 1 has no amount_wan yet
    page.get_by_test_id("step-1").click()
    expect(page.get_by_test_id("dataset-preview")).to_contain_text("第 1 步（筛选）之后的数据")
    expect(rows).not_to_contain_text("金额（万元）")
    page.get_by_test_id("step-0").locator(".step-title").click()
    expect(page.get_by_test_id("dataset-preview")).to_contain_text("来源数据预览")
    page.get_by_test_id("step-2").click()
    expect(rows).to_contain_text("金额（万元）")
    amounts = rows.evaluate("""el => {
        const heads = [...el.querySelectorAll('thead th')].map(th => th.querySelector('.col-head-name')?.textContent);
        const i = heads.indexOf('amount');
        return [...el.querySelectorAll('tbody tr.ant-table-row')].map(tr => Number(tr.children[i].textContent));
    }""")
    assert amounts and min(amounts) >= 100000, amounts
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "data-dataset-editor.png"), full_page=True)

    # save → version 1, then the list has it
    page.get_by_test_id("dataset-save").click()
    expect(page).to_have_url(re.compile(r"/data/datasets/big_orders_by_day$"))
    expect(page.get_by_test_id("dataset-editor")).to_contain_text("版本 1")
    page.goto(server + "/data?tab=datasets")
    expect(page.get_by_test_id("dataset-link-big_orders_by_day")).to_contain_text("大额订单")
    assert not errors, errors
    ctx.close()


@pytest.fixture()
def pg_table() -> Iterator[None]:
    if not port_open("127.0.0.1", 5432):
        service_unavailable("PostgreSQL", "127.0.0.1:5432")
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as c:
        for sql in SEED:
            c.execute(sql)
    yield
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True) as c:
        c.execute(SEED[0])


def test_postgres_connection(server: str, browser, shots: Path, pg_table: None) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    errors: list[str] = []
    ctx, page = _page(browser, server, errors)
    page.goto(server + "/data?tab=connections")
    page.get_by_test_id("conn-add").click()
    page.get_by_test_id("conn-name").fill("factory_pg")
    _pick(page, "conn-kind", "PostgreSQL")
    page.get_by_test_id("conn-host").fill("127.0.0.1")
    page.get_by_test_id("conn-database").fill("nosuch_db_e2e")
    page.get_by_test_id("conn-user").fill("postgres")
    page.get_by_test_id("conn-test").click()
    expect(page.get_by_test_id("conn-test-result")).to_contain_text("连接失败")
    page.get_by_test_id("conn-database").fill("test")
    page.get_by_test_id("conn-test").click()
    expect(page.get_by_test_id("conn-test-result")).to_contain_text("连接成功")
    page.get_by_test_id("conn-save").click()

    # browse: schema → tables with row counts → columns
    browser_card = page.get_by_test_id("conn-browser")
    expect(browser_card).to_be_visible()
    _pick(page, "conn-schema", PG_SCHEMA)
    row = page.locator("tr", has=page.get_by_test_id("src-table-machines"))
    expect(row).to_contain_text("3")
    row.locator(".ant-table-row-expand-icon").click()
    expect(page.get_by_test_id("src-columns-machines")).to_contain_text("rated_kw")

    # pick it as an extract; the refresh job runs to the end
    row.locator(".ant-checkbox-input").check()
    page.get_by_test_id("conn-pick").click()
    page.get_by_test_id("pick-ok").click()
    extracts = page.get_by_test_id("extracts-table")
    expect(extracts).to_contain_text("factory_pg_machines")
    expect(extracts.locator("[data-status=succeeded]").first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / "data-connections.png"), full_page=True)
    page.goto(server + "/data")
    expect(page.locator("tr", has=page.get_by_test_id("table-link-factory_pg_machines"))).to_contain_text("3")
    assert not errors, errors
    ctx.close()
