"""build_demo: validate the arguments, generate every subject area, swap the tables in atomically.

Invariants:
- Arguments are validated before the database is touched (ShuzhiError codes bad_scale,
  bad_seed, bad_end, end_in_future).
- All 15 demo tables and demo_ground_truth are dropped and re-created inside ONE transaction on
  the caller's connection: on any exception (or KeyboardInterrupt) it is rolled back and the
  previous tables are exactly as they were; a killed process leaves no commit in the WAL.
  Tables that are not demo tables are never touched.
- Generation order follows the data dependencies: dimensions, then sales (whose aggregates
  drive inventory, production, purchasing and R&D), then the rest.
- preserve_insertion_order is forced on during the build (stored row order is part of the
  byte-identical guarantee) and restored afterwards.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import duckdb

from shuzhi.demo import (
    anomalies,
    crm,
    customers,
    ground_truth,
    industry_patents,
    inventory,
    patents,
    production,
    products,
    proposals,
    purchasing,
    quality,
    rd,
    sales,
)
from shuzhi.demo import warehouse as wh
from shuzhi.demo.calendar import make_window
from shuzhi.demo.context import DemoContext
from shuzhi.demo.contract import DEMO_TABLES, GROUND_TRUTH_COLUMNS, GROUND_TRUTH_TABLE
from shuzhi.errors import ShuzhiError

Progress = Callable[[str, int, int], None]
MAX_SCALE = 100.0
EARLIEST_END = date(2000, 1, 1)


@dataclass(frozen=True)
class DemoReport:
    scale: float
    seed: int
    end: date
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)  # demo table -> row count

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def validate(scale: object, seed: object, end: object, today: date) -> tuple[float, int, date]:
    """Checked (scale, seed, end); raises ShuzhiError with a bilingual message."""
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not math.isfinite(scale):
        raise ShuzhiError(
            "bad_scale",
            f"规模参数 scale 必须是数字，收到 {scale!r}。",
            f"scale must be a number, got {scale!r}.",
        )
    if not 0 < scale <= MAX_SCALE:
        raise ShuzhiError(
            "bad_scale",
            f"规模参数 scale 必须大于 0 且不超过 {MAX_SCALE:g}，收到 {scale:g}。",
            f"scale must be greater than 0 and at most {MAX_SCALE:g}, got {scale:g}.",
        )
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ShuzhiError(
            "bad_seed",
            f"随机种子 seed 必须是非负整数，收到 {seed!r}。",
            f"seed must be a non-negative integer, got {seed!r}.",
        )
    if isinstance(end, datetime):
        end = end.date()
    elif isinstance(end, str):
        try:
            end = date.fromisoformat(end)
        except ValueError:
            raise ShuzhiError(
                "bad_end",
                f"结束日期 end 不是有效日期（YYYY-MM-DD）：{end!r}。",
                f"end is not a valid date (YYYY-MM-DD): {end!r}.",
            ) from None
    if not isinstance(end, date):
        raise ShuzhiError(
            "bad_end", f"结束日期 end 必须是日期，收到 {end!r}。", f"end must be a date, got {end!r}."
        )
    if end < EARLIEST_END:
        raise ShuzhiError(
            "bad_end",
            f"结束日期 end 不能早于 {EARLIEST_END}，收到 {end}。",
            f"end must be {EARLIEST_END} or later, got {end}.",
        )
    if end > today:
        raise ShuzhiError(
            "end_in_future",
            f"结束日期 {end} 晚于今天（{today}），示例数据不能包含未来的日期。",
            f"end {end} is after today ({today}); demo data cannot contain future dates.",
        )
    return float(scale), int(seed), end


def build_demo(
    con: duckdb.DuckDBPyConnection,
    scale: float = 1.0,
    seed: int = 42,
    end: date | None = None,
    progress: Progress | None = None,
    *,
    today: date | None = None,
) -> DemoReport:
    """Build (or rebuild) the demo company in `con`'s default schema, atomically.

    scale multiplies fact rows (1 -> ~500,000 sales_orders lines); seed and end fix the data
    byte for byte. end defaults to yesterday; today (default date.today(), pass the pinned
    SHUZHI_TODAY) bounds end. progress(step, done, total) is called as steps complete.
    """
    today = today or date.today()
    if isinstance(today, datetime):
        today = today.date()
    scale, seed, end = validate(scale, seed, end if end is not None else today - timedelta(days=1), today)
    t0 = time.perf_counter()
    ctx = DemoContext(seed=seed, scale=scale, window=make_window(end))

    previous = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    if previous is not None and not previous[0]:  # the sandboxed warehouse (locked settings) already has it on
        con.execute("SET preserve_insertion_order = true")
    try:
        try:
            con.execute("BEGIN TRANSACTION")
        except duckdb.TransactionException:
            raise ShuzhiError(
                "transaction_open",
                "数据库连接上已有未结束的事务，无法生成示例数据。",
                "The database connection already has an open transaction; cannot build the demo.",
            ) from None
        try:
            rows = _generate(con, ctx, progress)
            con.execute("COMMIT")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:  # pragma: no cover - e.g. the connection died; keep the first error
                pass
            raise
    finally:
        if previous is not None and not previous[0]:
            con.execute("SET preserve_insertion_order = false")
    if progress is not None:
        progress("commit", _total_steps(ctx), _total_steps(ctx))
    return DemoReport(scale=scale, seed=seed, end=end, seconds=time.perf_counter() - t0, rows=rows)


def _total_steps(ctx: DemoContext) -> int:
    # the tables but sales_orders + one step per sales month + ground truth + commit
    return len(DEMO_TABLES) - 1 + ctx.window.n_months + 2


def _generate(con: duckdb.DuckDBPyConnection, ctx: DemoContext, progress: Progress | None) -> dict[str, int]:
    total = _total_steps(ctx)
    done = 0
    rows: dict[str, int] = {}

    def step(name: str, n: int | None = None) -> None:
        nonlocal done
        done += 1
        if n is not None:
            rows[name] = n
        if progress is not None:
            progress(name, done, total)

    cust = customers.generate(ctx)
    step("customers", wh.write(con, "customers", cust.to_arrow(), "customer_id"))
    prod = products.generate(ctx)
    step("products", wh.write(con, "products", prod.to_arrow(), "product_id"))
    sup = purchasing.generate_suppliers(ctx)
    step("suppliers", wh.write(con, "suppliers", sup.to_arrow(), "supplier_id"))

    drop = anomalies.plan_sales_drop(ctx, cust)
    incident = anomalies.plan_quality_incident(ctx, sup.category, sup.share)
    summary = sales.generate(ctx, con, cust, prod, drop, on_month=lambda i: step("sales_orders"))
    rows["sales_orders"] = summary.rows

    inv = inventory.generate(ctx, prod, summary)
    step("inventory_snapshots", wh.write(con, "inventory_snapshots", inv, inventory.ORDER_BY))

    wo = production.generate(ctx, prod, sup, summary, incident)
    inspections, facts = quality.generate(ctx, wo, prod, sup, incident)  # adjusts wo scrap
    step(
        "production_orders",
        wh.write(
            con,
            "production_orders",
            wo.to_arrow(prod),
            production.ORDER_BY,
            {"work_order_id": production.WO_ID_SQL},
        ),
    )
    step(
        "quality_inspections",
        wh.write(con, "quality_inspections", inspections, quality.ORDER_BY, quality.EXPRS),
    )

    pos = purchasing.generate_orders(ctx, sup, summary)
    step(
        "purchase_orders",
        wh.write(con, "purchase_orders", pos, purchasing.ORDER_BY, {"po_id": purchasing.PO_ID_SQL}),
    )
    opps = crm.generate(ctx, cust)
    step(
        "opportunities",
        wh.write(con, "opportunities", opps, crm.ORDER_BY, {"opportunity_id": crm.OPP_ID_SQL}),
    )

    projects, names = rd.generate_projects(ctx)
    expenses = rd.generate_expenses(ctx, projects, summary)  # calibrates budgets first
    step(
        "rd_projects", wh.write(
            con, "rd_projects", rd.projects_table(projects, names, rd.project_product_lines(ctx, projects)),
            rd.ORDER_BY_PROJECTS)
    )
    step("rd_expenses", wh.write(con, "rd_expenses", expenses, rd.ORDER_BY_EXPENSES))
    own = patents.generate(ctx, projects, prod)
    step("patents", wh.write(con, "patents", own, patents.ORDER_BY))

    innovation = industry_patents.plan(ctx)
    landscape, found = industry_patents.generate(ctx, own, innovation)
    step("industry_patents", wh.write(con, "industry_patents", landscape, industry_patents.ORDER_BY))
    asks, capacity = proposals.generate(ctx, summary, innovation)
    step("rd_proposals", wh.write(con, "rd_proposals", asks, proposals.ORDER_BY_PROPOSALS))
    step("rd_capacity", wh.write(con, "rd_capacity", capacity, proposals.ORDER_BY_CAPACITY))

    truth = ground_truth.table(ctx.window, drop, facts, sup, summary, innovation, found)
    wh.write(con, GROUND_TRUTH_TABLE, truth, "anomaly", columns=GROUND_TRUTH_COLUMNS)
    step(GROUND_TRUTH_TABLE)
    return {t: rows[t] for t in DEMO_TABLES}
